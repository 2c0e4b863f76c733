/** The hosted pages' view layer: pure `(model) => string` renderers and the headers they need. */

export {
  type CodePageModel,
  type ConfirmLinkPageModel,
  codePage,
  confirmLinkPage,
  type LinkSentPageModel,
  linkSentPage,
  type NoticePageModel,
  noticePage,
} from './code-pages.js';
export { type ConsentPageModel, consentPage } from './consent-page.js';
export {
  type ConsentPoliciesPageModel,
  consentPoliciesPage,
  type PolicyItem,
  policyCheckboxes,
} from './consent-policies-page.js';
export {
  createCspNonce,
  formActionSource,
  type HostedPageCspOptions,
  hostedPageCsp,
  hostedPageHeaders,
} from './csp.js';
export {
  type DeviceCodePageModel,
  type DeviceConfirmPageModel,
  type DeviceDonePageModel,
  deviceCodePage,
  deviceConfirmPage,
  deviceDonePage,
} from './device-pages.js';
export { type ErrorPageModel, errorPage, type OidcErrorLike, oidcErrorMessageKey } from './error-page.js';
export { type IdentifierPageModel, identifierPage } from './identifier-page.js';
export {
  type LoggedOutPageModel,
  type LogoutConfirmPageModel,
  loggedOutPage,
  logoutConfirmPage,
} from './logout-pages.js';
export {
  type PasskeyOfferPageModel,
  passkeyOfferPage,
  type RecoveryCodesPageModel,
  recoveryCodesPage,
  type SecondFactorMethod,
  type SecondFactorPageModel,
  secondFactorPage,
  type TotpEnrollmentPageModel,
  totpEnrollmentPage,
} from './mfa-pages.js';
export type { FormPageContext, HiddenFields, PageBranding, PageContext } from './page-model.js';
export { type PasswordPageModel, passwordPage } from './password-page.js';
export { type ProfileInput, profileInputs } from './profile-inputs.js';
export { type ProfilePromptPageModel, profilePromptPage } from './profile-prompt-page.js';
export {
  type ForgotPasswordPageModel,
  forgotPasswordPage,
  type ResetPasswordPageModel,
  resetPasswordPage,
  type VerifyEmailFirstPageModel,
  verifyEmailFirstPage,
} from './recovery-pages.js';
export {
  type RegistrationConsent,
  type RegistrationPageModel,
  type RegistrationSentPageModel,
  registrationPage,
  registrationSentPage,
} from './registration-pages.js';
