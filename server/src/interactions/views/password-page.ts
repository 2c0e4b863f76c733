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
  forgotPasswordHref?: string;
}

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
${model.forgotPasswordHref && html`<div class="portico-links"><p><a href="${model.forgotPasswordHref}">${t(locale, 'common.forgotPassword')}</a></p></div>`}`;
  return layout({ ...model, title: t(locale, 'password.title'), body });
}
