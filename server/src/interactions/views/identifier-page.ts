import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton, textField } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

export interface IdentifierPageModel extends FormPageContext {
  /** POST target of the identifier form; fields `_csrf`, `identifier`. */
  action: string;
  /** Prefills the input (e.g. `login_hint`, or the value sent before an error). */
  identifier?: string;
  /** Adds `webauthn` to the autocomplete token so browsers offer passkeys in the field's autofill. */
  passkeyAutofill: boolean;
  /** Shows "Sign in with a passkey" (discoverable credential, no identifier needed). */
  passkeysAvailable: boolean;
  /** POST target of the passkey button's own form (fields `_csrf`); required when `passkeysAvailable`. */
  passkeyAction?: string;
  /** "Create account" link; omit when the tenant has registration disabled. */
  createAccountHref?: string;
  /** "Forgot password?" link. */
  forgotPasswordHref?: string;
}

/** The first step of sign-in: who are you? (ARCHITECTURE.md "Hosted pages": identifier first.) */
export function identifierPage(model: IdentifierPageModel): string {
  const { locale } = model;
  if (model.passkeysAvailable && !model.passkeyAction) {
    throw new Error('identifierPage: passkeyAction is required when passkeysAvailable is true');
  }
  const identifierForm = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'identifier',
      name: 'identifier',
      label: t(locale, 'common.emailOrUsername'),
      type: 'text',
      autocomplete: model.passkeyAutofill ? 'username webauthn' : 'username',
      value: model.identifier,
      inputMode: 'email',
      autocapitalize: 'none',
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
<div class="portico-actions">${submitButton({ label: t(locale, 'identifier.submit'), variant: 'primary' })}</div>`,
  });
  const passkeyForm =
    model.passkeysAvailable &&
    model.passkeyAction &&
    html`<p class="portico-divider">${t(locale, 'identifier.orDivider')}</p>
${postForm({
  action: model.passkeyAction,
  csrfToken: model.csrfToken,
  content: submitButton({ label: t(locale, 'identifier.passkey'), variant: 'secondary' }),
})}`;
  const body = html`${pageHeading(t(locale, 'identifier.title'))}
${errorAlert(locale, model.error)}
${identifierForm}
${passkeyForm}
<div class="portico-links">
${model.forgotPasswordHref && html`<p><a href="${model.forgotPasswordHref}">${t(locale, 'common.forgotPassword')}</a></p>`}
${model.createAccountHref && html`<p>${t(locale, 'identifier.noAccount')} <a href="${model.createAccountHref}">${t(locale, 'identifier.createAccount')}</a></p>`}
</div>`;
  return layout({ ...model, title: t(locale, 'identifier.title'), body });
}
