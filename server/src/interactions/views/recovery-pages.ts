import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton, textField } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

export interface ForgotPasswordPageModel extends FormPageContext {
  /** POST target; fields `_csrf`, `identifier`, and `method` (`email` or `sms`) from the button used. */
  action: string;
  identifier?: string;
  /** Offer "Text me a code" (recovery through a verified phone). */
  smsAvailable: boolean;
  backHref: string;
}

export function forgotPasswordPage(model: ForgotPasswordPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'identifier',
      name: 'identifier',
      label: t(locale, 'common.emailOrUsername'),
      type: 'text',
      autocomplete: 'username',
      autocapitalize: 'none',
      value: model.identifier,
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
<div class="portico-actions">${submitButton({ label: t(locale, 'forgot.sendLink'), variant: 'primary', name: 'method', value: 'email' })}
${model.smsAvailable && submitButton({ label: t(locale, 'forgot.sendSms'), variant: 'secondary', name: 'method', value: 'sms' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'forgot.title'))}
<p>${t(locale, 'forgot.intro')}</p>
${errorAlert(locale, model.error)}
${form}
<div class="portico-links"><p><a href="${model.backHref}">${t(locale, 'common.backToSignIn')}</a></p></div>`;
  return layout({ ...model, title: t(locale, 'forgot.title'), body });
}

export interface ResetPasswordPageModel extends FormPageContext {
  /** POST target; fields `_csrf`, `token`, `password`. */
  action: string;
  token: string;
  passwordMinLength: number;
}

/** The new-password form of a reset (from the mailed link, or after an SMS code). */
export function resetPasswordPage(model: ResetPasswordPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: { token: model.token },
    content: html`${textField({
      id: 'new-password',
      name: 'password',
      label: t(locale, 'reset.newPassword'),
      type: 'password',
      autocomplete: 'new-password',
      minLength: model.passwordMinLength,
      hint: t(locale, 'registration.passwordHint', { minLength: model.passwordMinLength }),
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
<div class="portico-actions">${submitButton({ label: t(locale, 'reset.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'reset.title'))}
${errorAlert(locale, model.error)}
${form}`;
  return layout({ ...model, title: t(locale, 'reset.title'), body });
}

export interface VerifyEmailFirstPageModel extends FormPageContext {
  /** POST target of "Send the link again". */
  resendAction: string;
}

/** A tenant that requires verified addresses stops a login here until the mailed link was followed. */
export function verifyEmailFirstPage(model: VerifyEmailFirstPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.resendAction,
    csrfToken: model.csrfToken,
    content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'verifyFirst.resend'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'verifyFirst.title'))}
<p>${t(locale, 'verifyFirst.body')}</p>
${errorAlert(locale, model.error)}
${form}`;
  return layout({ ...model, title: t(locale, 'verifyFirst.title'), body });
}
