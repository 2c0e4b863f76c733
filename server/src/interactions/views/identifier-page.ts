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
  /**
   * The passkey endpoint (`…/passkey`, its options at `…/passkey/options`), required when
   * `passkeysAvailable` or `passkeyAutofill`: the passkey script posts the ceremony there; the button's
   * own form posts there too (fields `_csrf`) when scripts do not run.
   */
  passkeyAction?: string;
  /** `<script src>` of the passkey ceremony, loaded when passkeys are offered. */
  passkeyScriptSrc?: string;
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
  const passkeyData = (kind: 'passwordless' | 'conditional') =>
    html` data-passkey="${kind}" data-options="${`${model.passkeyAction}/options`}" data-verify="${model.passkeyAction}" data-failed="${t(locale, 'error.passkeyFailed')}"`;
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
${model.passkeyAutofill && model.passkeyAction && html`<div hidden${passkeyData('conditional')}></div>`}
<div class="portico-actions">${submitButton({ label: t(locale, 'identifier.submit'), variant: 'primary' })}</div>`,
  });
  const passkeyForm =
    model.passkeysAvailable &&
    model.passkeyAction &&
    html`<p class="portico-divider">${t(locale, 'identifier.orDivider')}</p>
${postForm({
  action: model.passkeyAction,
  csrfToken: model.csrfToken,
  content: html`<button type="submit" class="portico-secondary"${passkeyData('passwordless')}>${t(locale, 'identifier.passkey')}</button>`,
})}`;
  const body = html`${pageHeading(t(locale, 'identifier.title'))}
${errorAlert(locale, model.error)}
${identifierForm}
${passkeyForm}
<div class="portico-links">
${model.forgotPasswordHref && html`<p><a href="${model.forgotPasswordHref}">${t(locale, 'common.forgotPassword')}</a></p>`}
${model.createAccountHref && html`<p>${t(locale, 'identifier.noAccount')} <a href="${model.createAccountHref}">${t(locale, 'identifier.createAccount')}</a></p>`}
</div>`;
  // Loaded whenever the tenant allows passkeys: before any exists, it still tells whether this device
  // could hold one (the passkey offer after a password login depends on it).
  const script = model.passkeyScriptSrc;
  const scriptSources = script ? [...(model.scriptSources ?? []), script] : model.scriptSources;
  return layout({ ...model, title: t(locale, 'identifier.title'), body, scriptSources });
}
