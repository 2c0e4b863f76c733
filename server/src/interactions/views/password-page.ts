import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton, textField } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

export interface PasswordPageModel extends FormPageContext {
  /** POST target; fields `_csrf`, `password`. The identifier comes from the interaction, not the form. */
  action: string;
  /** The identifier entered on the previous step, shown read-only. */
  identifier: string;
  /** "Not you? Use another account": back to the identifier step. */
  changeIdentifierHref: string;
  forgotPasswordHref?: string | undefined;
  /** Passwordless alternatives the tenant enables: a second form posting `method` to this action. */
  alternatives?: { action: string; methods: readonly PasswordlessChoice[] } | undefined;
}

export type PasswordlessChoice = 'email_otp' | 'sms_otp' | 'magic_link';

const CHOICE_LABEL = {
  email_otp: 'password.emailCode',
  sms_otp: 'password.smsCode',
  magic_link: 'password.magicLink',
} as const;

/**
 * The password step. The identifier is repeated in a read-only `autocomplete="username"` input (no
 * name, so it is not submitted) because password managers pair the password with the username field
 * of the same form.
 */
export function passwordPage(model: PasswordPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'username',
      label: t(locale, 'common.emailOrUsername'),
      type: 'text',
      autocomplete: 'username',
      value: model.identifier,
      readOnly: true,
    })}
<p><span>${t(locale, 'password.notYou')}</span> <a href="${model.changeIdentifierHref}">${t(locale, 'password.useAnotherAccount')}</a></p>
${textField({
  id: 'password',
  name: 'password',
  label: t(locale, 'common.password'),
  type: 'password',
  autocomplete: 'current-password',
  required: true,
  autofocus: true,
  invalid: model.error !== undefined,
})}
<div class="portico-actions">${submitButton({ label: t(locale, 'password.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'password.title'))}
${errorAlert(locale, model.error)}
${form}
${alternativesForm(model)}
${model.forgotPasswordHref && html`<div class="portico-links"><p><a href="${model.forgotPasswordHref}">${t(locale, 'common.forgotPassword')}</a></p></div>`}`;
  return layout({ ...model, title: t(locale, 'password.title'), body });
}

/** "Or sign in without your password": its own form, so the password form's primary button stays first. */
function alternativesForm(model: PasswordPageModel) {
  const { alternatives, locale } = model;
  if (!alternatives || alternatives.methods.length === 0) return false;
  const buttons = alternatives.methods.map((method) =>
    submitButton({
      label: t(locale, CHOICE_LABEL[method]),
      variant: 'secondary',
      name: 'method',
      value: method,
    }),
  );
  return html`<p class="portico-divider">${t(locale, 'password.orUse')}</p>
${postForm({ action: alternatives.action, csrfToken: model.csrfToken, content: html`<div class="portico-actions">${buttons}</div>` })}`;
}
