import { type ErrorMessageKey, type MessageKey, t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton } from '../../interactions/views/components.js';
import { type HtmlValue, html, type SafeHtml } from '../../interactions/views/html.js';
import { layout } from '../../interactions/views/layout.js';
import type { PageContext } from '../../interactions/views/page-model.js';

/** The sections of the account pages, in navigation order (ARCHITECTURE.md "Hosted pages"). */
export const ACCOUNT_SECTIONS = ['profile', 'security', 'sessions', 'consents', 'data'] as const;
export type AccountSection = (typeof ACCOUNT_SECTIONS)[number];

const SECTION_TITLES: Record<AccountSection, MessageKey> = {
  profile: 'account.nav.profile',
  security: 'account.nav.security',
  sessions: 'account.nav.sessions',
  consents: 'account.nav.consents',
  data: 'account.nav.data',
};

/** What every account page needs besides the hosted-page basics. */
export interface AccountPageContext extends PageContext {
  csrfToken: string;
  /** `/t/T/account` */
  basePath: string;
  /** The signed-in user's email or username, shown under the heading. */
  identifier: string;
  /** A failure, shown in the page's `role="alert"` element. */
  error?: ErrorMessageKey | undefined;
  /** A success message (already translated), shown in a `role="status"` element. */
  notice?: string | undefined;
}

/** An account section: heading, who is signed in, the sections' navigation, messages, body, sign-out. */
export function accountLayout(model: AccountPageContext, section: AccountSection, body: HtmlValue): string {
  const { locale } = model;
  const title = t(locale, SECTION_TITLES[section]);
  const nav = html`<nav aria-label="${t(locale, 'account.nav')}"><ul class="portico-account-nav">
${ACCOUNT_SECTIONS.map(
  (each) =>
    html`<li><a href="${`${model.basePath}/${each}`}"${each === section ? html` aria-current="page"` : false}>${t(locale, SECTION_TITLES[each])}</a></li>`,
)}
</ul></nav>`;
  const signOut = postForm({
    action: `${model.basePath}/sign-out`,
    csrfToken: model.csrfToken,
    content: submitButton({ label: t(locale, 'account.signOut'), variant: 'secondary' }),
  });
  const page = html`${pageHeading(title)}
<p class="portico-meta">${t(locale, 'account.signedInAs', { identifier: model.identifier })}</p>
${nav}
${errorAlert(locale, model.error)}
${model.notice && html`<div class="portico-notice" role="status">${model.notice}</div>`}
${body}
<div class="portico-links">${signOut}</div>`;
  return layout({ ...model, title: `${title} – ${t(locale, 'account.title')}`, body: page });
}

/** A titled part of a section page. */
export const accountPart = (heading: string, content: HtmlValue): SafeHtml =>
  html`<section class="portico-account-part"><h2>${heading}</h2>
${content}
</section>`;
