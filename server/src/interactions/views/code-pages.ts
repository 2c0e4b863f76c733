import { t } from '../../i18n/translate.js';
import { errorAlert, oneTimeCodeField, pageHeading, postForm, submitButton } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext, PageContext } from './page-model.js';

export interface CodePageModel extends FormPageContext {
  /** POST target; fields `_csrf`, `code`. */
  action: string;
  channel: 'email' | 'sms';
  /** Where "Use another method" leads (the password step). */
  backHref: string;
}

/**
 * "Enter the code we sent": the same page whether or not a code went out (SECURITY.md item 3). The
 * input is `one-time-code` so phones offer the code from the SMS or mail.
 */
export function codePage(model: CodePageModel): string {
  const { locale } = model;
  const title = t(locale, model.channel === 'sms' ? 'code.smsTitle' : 'code.emailTitle');
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${oneTimeCodeField(locale, { invalid: model.error !== undefined })}
<div class="portico-actions">${submitButton({ label: t(locale, 'code.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(title)}
<p>${t(locale, model.channel === 'sms' ? 'code.smsSent' : 'code.emailSent')}</p>
${errorAlert(locale, model.error)}
${form}
<div class="portico-links"><p><a href="${model.backHref}">${t(locale, 'code.otherMethod')}</a></p></div>`;
  return layout({ ...model, title, body });
}

export interface LinkSentPageModel extends PageContext {
  backHref?: string;
}

/** "Check your inbox" after asking for a magic link or a reset link: the same answer for every address. */
export function linkSentPage(model: LinkSentPageModel): string {
  const { locale } = model;
  const body = html`${pageHeading(t(locale, 'registrationSent.title'))}
<p>${t(locale, 'linkSent.body')}</p>
<p class="portico-meta">${t(locale, 'registrationSent.hint')}</p>
${model.backHref && html`<div class="portico-links"><p><a href="${model.backHref}">${t(locale, 'common.backToSignIn')}</a></p></div>`}`;
  return layout({ ...model, title: t(locale, 'registrationSent.title'), body });
}

export interface ConfirmLinkPageModel extends FormPageContext {
  action: string;
  /** The token from the link, posted back (the GET that mail scanners make spends nothing). */
  token: string;
  purpose: 'magicLink' | 'verifyEmail' | 'changeEmail';
}

/** The page a mailed link opens: one button that confirms with a POST. */
export function confirmLinkPage(model: ConfirmLinkPageModel): string {
  const { locale } = model;
  const title = t(locale, `confirmLink.${model.purpose}Title`);
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: { token: model.token },
    content: html`<div class="portico-actions">${submitButton({ label: t(locale, `confirmLink.${model.purpose}Submit`), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(title)}
${errorAlert(locale, model.error)}
${form}`;
  return layout({ ...model, title, body });
}

export interface NoticePageModel extends PageContext {
  title: 'notice.emailVerifiedTitle' | 'notice.passwordChangedTitle' | 'notice.emailChangedTitle';
  message: 'notice.emailVerifiedBody' | 'notice.passwordChangedBody' | 'notice.emailChangedBody';
}

/** A page that only says what happened (email verified, password changed). */
export function noticePage(model: NoticePageModel): string {
  const { locale } = model;
  const body = html`${pageHeading(t(locale, model.title))}
<p>${t(locale, model.message)}</p>`;
  return layout({ ...model, title: t(locale, model.title), body });
}
