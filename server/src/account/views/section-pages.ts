import type { Locale } from '../../i18n/locales.js';
import { t } from '../../i18n/translate.js';
import { pageHeading, postForm, submitButton, textField } from '../../interactions/views/components.js';
import { type HtmlValue, html } from '../../interactions/views/html.js';
import { layout } from '../../interactions/views/layout.js';
import type { PageContext } from '../../interactions/views/page-model.js';
import { type AccountPageContext, accountLayout, accountPart } from './account-layout.js';

export interface SecurityPageModel extends AccountPageContext {
  passwordMinLength: number;
  /**
   * The factor parts of the Security section ("Add a passkey", "Set up authenticator app"), rendered
   * after the password form. Their domains (passkeys/, mfa/) fill this; until then it is empty, so the
   * page shows no link that leads nowhere.
   */
  factorParts?: readonly HtmlValue[];
}

export function securityPage(model: SecurityPageModel): string {
  const { locale } = model;
  const invalid = model.error !== undefined;
  const form = postForm({
    action: `${model.basePath}/password`,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'current-password',
      name: 'currentPassword',
      label: t(locale, 'account.security.currentPassword'),
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      invalid,
    })}
${textField({
  id: 'new-password',
  name: 'newPassword',
  label: t(locale, 'reset.newPassword'),
  type: 'password',
  autocomplete: 'new-password',
  minLength: model.passwordMinLength,
  hint: t(locale, 'registration.passwordHint', { minLength: model.passwordMinLength }),
  required: true,
  invalid,
})}
<div class="portico-actions">${submitButton({ label: t(locale, 'reset.submit'), variant: 'primary' })}</div>`,
  });
  return accountLayout(
    model,
    'security',
    html`${accountPart(t(locale, 'account.security.passwordHeading'), form)}
${model.factorParts ?? []}`,
  );
}

export interface SessionView {
  uid: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date | null;
  lastSeenAt: Date | null;
}

export interface SessionsPageModel extends AccountPageContext {
  sessions: readonly SessionView[];
}

const formatDate = (locale: Locale, date: Date | null) =>
  date ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date) : '–';

export function sessionsPage(model: SessionsPageModel): string {
  const { locale } = model;
  const others = model.sessions.some((s) => !s.current);
  const items = model.sessions.map(
    (session) => html`<li class="portico-session"${session.current ? html` aria-current="true"` : false}>
<p><strong>${session.userAgent ?? t(locale, 'account.sessions.unknownDevice')}</strong>${session.current && html` <span class="portico-badge">${t(locale, 'account.sessions.thisDevice')}</span>`}</p>
<p class="portico-meta">${t(locale, 'account.sessions.details', {
      createdAt: formatDate(locale, session.createdAt),
      lastSeenAt: formatDate(locale, session.lastSeenAt),
      ip: session.ip ?? '–',
    })}</p>
${
  !session.current &&
  postForm({
    action: `${model.basePath}/sessions/revoke`,
    csrfToken: model.csrfToken,
    hiddenFields: { session: session.uid },
    content: submitButton({ label: t(locale, 'account.sessions.revoke'), variant: 'secondary' }),
  })
}
</li>`,
  );
  const revokeOthers =
    others &&
    postForm({
      action: `${model.basePath}/sessions/revoke-others`,
      csrfToken: model.csrfToken,
      content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'account.sessions.revokeOthers'), variant: 'primary' })}</div>`,
    });
  return accountLayout(
    model,
    'sessions',
    html`<p>${t(locale, 'account.sessions.intro')}</p>
<ul class="portico-sessions">${items}</ul>
${revokeOthers}`,
  );
}

export interface ConsentsPageModel extends AccountPageContext {
  /** The consent domain renders the receipts and their "Withdraw" forms here. */
  content?: HtmlValue;
}

export function consentsPage(model: ConsentsPageModel): string {
  return accountLayout(
    model,
    'consents',
    model.content ?? html`<p>${t(model.locale, 'account.consents.intro')}</p>`,
  );
}

export function dataPage(model: AccountPageContext): string {
  const { locale } = model;
  return accountLayout(
    model,
    'data',
    html`<p>${t(locale, 'account.data.intro')}</p>
${postForm({
  action: `${model.basePath}/data/export`,
  csrfToken: model.csrfToken,
  content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'account.data.download'), variant: 'primary' })}</div>`,
})}`,
  );
}

export interface SignedOutPageModel extends PageContext {
  signInHref: string;
}

export function accountSignedOutPage(model: SignedOutPageModel): string {
  const { locale } = model;
  const title = t(locale, 'loggedOut.title');
  return layout({
    ...model,
    title,
    body: html`${pageHeading(title)}
<p>${t(locale, 'account.signedOut.body')}</p>
<div class="portico-links"><p><a href="${model.signInHref}">${t(locale, 'account.signInAgain')}</a></p></div>`,
  });
}
