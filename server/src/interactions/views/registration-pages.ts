import { t } from '../../i18n/translate.js';
import { checkboxField, errorAlert, pageHeading, postForm, submitButton, textField } from './components.js';
import { type HtmlValue, html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext, PageContext } from './page-model.js';
import { type ProfileInput, profileInputs } from './profile-inputs.js';

/** One agreement the user is asked to accept (from the tenant's consent policies), already in the page locale. */
export interface RegistrationConsent {
  /** Submitted as a value of the repeated `consent` field when checked, e.g. a policy version id. */
  id: string;
  label: string;
  documentHref?: string;
  required: boolean;
  checked?: boolean;
}

export interface RegistrationPageModel extends FormPageContext {
  /**
   * POST target; fields `_csrf`, `email`, `password`, `given_name`, `family_name` (optional, may be
   * empty) and `consent` (repeated: one value per checked agreement).
   */
  action: string;
  /** The tenant's `passwords.minLength`: shown as a hint and set as `minlength`. */
  passwordMinLength: number;
  /** Values to keep after an error (never the password). */
  values?: { email?: string; givenName?: string; familyName?: string };
  /** Whether to ask for first and last name (optional fields). Default true. */
  askNames?: boolean;
  consents?: readonly RegistrationConsent[];
  /** The tenant's sign-up profile fields (submitted as `profile.<key>`), after the name fields. */
  profileFields?: readonly ProfileInput[];
  /** "Already have an account? Sign in". */
  signInHref?: string;
}

export function registrationPage(model: RegistrationPageModel): string {
  const { locale } = model;
  const values = model.values ?? {};
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'email',
      name: 'email',
      label: t(locale, 'registration.email'),
      type: 'email',
      autocomplete: 'email',
      value: values.email,
      autocapitalize: 'none',
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
${textField({
  id: 'new-password',
  name: 'password',
  label: t(locale, 'common.password'),
  type: 'password',
  autocomplete: 'new-password',
  minLength: model.passwordMinLength,
  hint: t(locale, 'registration.passwordHint', { minLength: model.passwordMinLength }),
  required: true,
})}
${model.askNames !== false && nameFields(model)}
${model.profileFields && profileInputs(locale, model.profileFields)}
${consentFieldset(model)}
<div class="portico-actions">${submitButton({ label: t(locale, 'registration.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'registration.title'))}
${errorAlert(locale, model.error)}
${form}
${model.signInHref && html`<div class="portico-links"><p>${t(locale, 'registration.haveAccount')} <a href="${model.signInHref}">${t(locale, 'registration.signIn')}</a></p></div>`}`;
  return layout({ ...model, title: t(locale, 'registration.title'), body });
}

function nameFields(model: RegistrationPageModel): HtmlValue {
  const { locale } = model;
  const optional = t(locale, 'common.optional');
  return [
    textField({
      id: 'given-name',
      name: 'given_name',
      label: `${t(locale, 'registration.givenName')} ${optional}`,
      type: 'text',
      autocomplete: 'given-name',
      autocapitalize: 'words',
      value: model.values?.givenName,
    }),
    textField({
      id: 'family-name',
      name: 'family_name',
      label: `${t(locale, 'registration.familyName')} ${optional}`,
      type: 'text',
      autocomplete: 'family-name',
      autocapitalize: 'words',
      value: model.values?.familyName,
    }),
  ];
}

function consentFieldset(model: RegistrationPageModel): HtmlValue {
  const consents = model.consents ?? [];
  if (consents.length === 0) return false;
  const { locale } = model;
  const boxes = consents.map((consent, index) =>
    checkboxField({
      // Positional ids: consent ids are data and need not be valid, unique HTML ids.
      id: `consent-${index}`,
      name: 'consent',
      value: consent.id,
      checked: consent.checked === true,
      required: consent.required,
      label: html`${consent.label} ${t(locale, consent.required ? 'common.required' : 'common.optional')}${consent.documentHref && html` (<a href="${consent.documentHref}">${t(locale, 'registration.readDocument')}</a>)`}`,
    }),
  );
  return html`<fieldset><legend>${t(locale, 'registration.agreements')}</legend>${boxes}</fieldset>`;
}

export interface RegistrationSentPageModel extends PageContext {
  /** The address the user typed; shown back to them. The page is the same whether or not it has an account. */
  email?: string;
  signInHref?: string;
}

/**
 * "Check your inbox": the one answer to every registration, new address or existing account alike
 * (ARCHITECTURE.md uniform answers; SECURITY.md 3), so it reveals nothing about who has an account.
 */
export function registrationSentPage(model: RegistrationSentPageModel): string {
  const { locale } = model;
  const message = model.email
    ? t(locale, 'registrationSent.bodyWithEmail', { email: model.email })
    : t(locale, 'registrationSent.body');
  const body = html`${pageHeading(t(locale, 'registrationSent.title'))}
<p>${message}</p>
<p class="portico-meta">${t(locale, 'registrationSent.hint')}</p>
${model.signInHref && html`<div class="portico-links"><p><a href="${model.signInHref}">${t(locale, 'common.backToSignIn')}</a></p></div>`}`;
  return layout({ ...model, title: t(locale, 'registrationSent.title'), body });
}
