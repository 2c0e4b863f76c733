import { t } from '../../i18n/translate.js';
import {
  checkboxField,
  errorAlert,
  oneTimeCodeField,
  pageHeading,
  postForm,
  submitButton,
  textField,
} from './components.js';
import { type HtmlValue, html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

export type SecondFactorMethod = 'totp' | 'recovery_code' | 'email_otp' | 'sms_otp' | 'webauthn';

export interface SecondFactorPageModel extends FormPageContext {
  /** `/t/T/interaction/UID/mfa`: the code form posts here; `/send` and `/method` hang below it. */
  action: string;
  /** The method whose form is shown. */
  method: SecondFactorMethod;
  /** The other methods the user may switch to. */
  others: readonly SecondFactorMethod[];
  /** Email/SMS: whether the code was sent (else the page offers to send it). */
  codeSent: boolean;
  /** Offer "Remember this device" (tenant `mfa.rememberDevice`). */
  rememberDevice: boolean;
}

const METHOD_LABEL = {
  totp: 'mfa.method.totp',
  recovery_code: 'mfa.method.recoveryCode',
  email_otp: 'mfa.method.email',
  sms_otp: 'mfa.method.sms',
  webauthn: 'mfa.method.passkey',
} as const;

/**
 * The second factor of a login (or a step-up): one method's form at a time, then buttons to switch to
 * the others. A passkey is a button that the passkey script (`data-passkey`) takes over.
 */
export function secondFactorPage(model: SecondFactorPageModel): string {
  const { locale } = model;
  const body = html`${pageHeading(t(locale, 'mfa.title'))}
<p>${t(locale, 'mfa.intro')}</p>
${errorAlert(locale, model.error)}
${methodForm(model)}
${
  model.others.length > 0 &&
  html`<p class="portico-divider">${t(locale, 'mfa.otherMethods')}</p>
${postForm({
  action: `${model.action}/method`,
  csrfToken: model.csrfToken,
  content: html`<div class="portico-actions">${model.others.map((method) =>
    submitButton({
      label: t(locale, METHOD_LABEL[method]),
      variant: 'secondary',
      name: 'method',
      value: method,
    }),
  )}</div>`,
})}`
}`;
  return layout({ ...model, title: t(locale, 'mfa.title'), body });
}

function methodForm(model: SecondFactorPageModel): HtmlValue {
  const { locale } = model;
  if (model.method === 'webauthn') {
    return html`<div class="portico-actions"><button type="button" class="portico-primary" data-passkey="second-factor" data-options="${model.action.replace(/\/mfa$/, '/passkey/options')}" data-verify="${model.action.replace(/\/mfa$/, '/passkey')}" data-csrf="${model.csrfToken}" data-failed="${t(locale, 'error.passkeyFailed')}">${t(locale, 'mfa.usePasskey')}</button></div>`;
  }
  if ((model.method === 'email_otp' || model.method === 'sms_otp') && !model.codeSent) {
    return postForm({
      action: `${model.action}/send`,
      csrfToken: model.csrfToken,
      hiddenFields: { method: model.method },
      content: html`<div class="portico-actions">${submitButton({ label: t(locale, model.method === 'sms_otp' ? 'password.smsCode' : 'password.emailCode'), variant: 'primary' })}</div>`,
    });
  }
  const recovery = model.method === 'recovery_code';
  return postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: { method: model.method },
    content: html`${textField({
      id: 'code',
      name: 'code',
      label: t(locale, recovery ? 'mfa.recoveryCodeLabel' : 'code.label'),
      type: 'text',
      autocomplete: 'one-time-code',
      inputMode: recovery ? 'text' : 'numeric',
      autocapitalize: 'none',
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
${model.rememberDevice && checkboxField({ id: 'remember', name: 'remember', value: 'yes', label: t(locale, 'mfa.rememberDevice') })}
<div class="portico-actions">${submitButton({ label: t(locale, 'mfa.verify'), variant: 'primary' })}</div>`,
  });
}

export interface TotpEnrollmentPageModel extends FormPageContext {
  /** POST target; fields `_csrf`, `code`. */
  action: string;
  qrDataUrl: string;
  /** The secret, for typing into an app by hand. */
  secret: string;
}

/** MFA is required and the user has no factor: set up an authenticator app now. */
export function totpEnrollmentPage(model: TotpEnrollmentPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${oneTimeCodeField(locale, { invalid: model.error !== undefined, autofocus: false })}
<div class="portico-actions">${submitButton({ label: t(locale, 'mfa.verify'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'enroll.title'))}
<p>${t(locale, 'enroll.intro')}</p>
${errorAlert(locale, model.error)}
<p><img src="${model.qrDataUrl}" alt="${t(locale, 'enroll.qrAlt')}" width="200" height="200"></p>
<p class="portico-meta">${t(locale, 'enroll.secret')} <code>${model.secret}</code></p>
${form}`;
  return layout({ ...model, title: t(locale, 'enroll.title'), body });
}

export interface RecoveryCodesPageModel extends FormPageContext {
  action: string;
  codes: readonly string[];
}

/** The ten recovery codes, shown once after enrollment. */
export function recoveryCodesPage(model: RecoveryCodesPageModel): string {
  const { locale } = model;
  const body = html`${pageHeading(t(locale, 'recoveryCodes.title'))}
<p>${t(locale, 'recoveryCodes.intro')}</p>
<ul class="portico-codes">${model.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
${postForm({ action: model.action, csrfToken: model.csrfToken, content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'common.continue'), variant: 'primary' })}</div>` })}`;
  return layout({ ...model, title: t(locale, 'recoveryCodes.title'), body });
}

export interface PasskeyOfferPageModel extends FormPageContext {
  /** `/t/T/interaction/UID`: "Not now" posts to `…/passkey-offer`; the passkey script registers under it. */
  base: string;
}

/** After a password login without a passkey: offer to add one, with "Not now". */
export function passkeyOfferPage(model: PasskeyOfferPageModel): string {
  const { locale } = model;
  const body = html`${pageHeading(t(locale, 'passkeyOffer.title'))}
<p>${t(locale, 'passkeyOffer.intro')}</p>
${errorAlert(locale, model.error)}
<div class="portico-actions"><button type="button" class="portico-primary" data-passkey="register" data-options="${model.base}/passkey/register/options" data-verify="${model.base}/passkey/register" data-failed="${t(locale, 'error.passkeyRegistrationFailed')}">${t(locale, 'passkeyOffer.add')}</button></div>
${postForm({ action: `${model.base}/passkey-offer`, csrfToken: model.csrfToken, content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'passkeyOffer.notNow'), variant: 'secondary', name: 'action', value: 'skip' })}</div>` })}`;
  return layout({ ...model, title: t(locale, 'passkeyOffer.title'), body });
}
