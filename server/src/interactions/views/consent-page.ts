import type { Locale } from '../../i18n/locales.js';
import { type MessageKey, t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton } from './components.js';
import { type HtmlValue, html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

export interface ConsentPageModel extends FormPageContext {
  /** POST target; fields `_csrf` and `decision` = `allow` (primary, also what Enter submits) or `deny`. */
  action: string;
  /** The client's `client_name` (fall back to its client_id): untrusted, shown escaped. */
  clientName: string;
  /** The scopes to grant, e.g. the interaction's `details.missingOIDCScope`; order kept, duplicates dropped. */
  scopes: readonly string[];
  /** Shown as "Signed in as …" so the user knows which account they grant from. */
  identifier?: string;
}

const scopeDescriptions: Readonly<Record<string, MessageKey>> = {
  openid: 'consent.scope.openid',
  profile: 'consent.scope.profile',
  email: 'consent.scope.email',
  phone: 'consent.scope.phone',
  address: 'consent.scope.address',
  offline_access: 'consent.scope.offline_access',
};

/** Standard scopes get a localized sentence; any other scope is shown verbatim (escaped). */
export function scopeListItems(locale: Locale, scopes: readonly string[]): HtmlValue {
  return [...new Set(scopes)].map((scope) => {
    const description = Object.hasOwn(scopeDescriptions, scope) ? scopeDescriptions[scope] : undefined;
    return description
      ? html`<li>${t(locale, description)}</li>`
      : html`<li>${t(locale, 'consent.otherScope')} <code>${scope}</code></li>`;
  });
}

export function consentPage(model: ConsentPageModel): string {
  const { locale } = model;
  const client = model.clientName;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`<div class="portico-actions">
${submitButton({ label: t(locale, 'common.allow'), variant: 'primary', name: 'decision', value: 'allow' })}
${submitButton({ label: t(locale, 'common.deny'), variant: 'secondary', name: 'decision', value: 'deny' })}
</div>`,
  });
  const body = html`${pageHeading(t(locale, 'consent.heading', { client }))}
${errorAlert(locale, model.error)}
${model.identifier && html`<p class="portico-meta">${t(locale, 'consent.signedInAs', { identifier: model.identifier })}</p>`}
<p>${t(locale, 'consent.scopesIntro', { client })}</p>
<ul class="portico-scopes">${scopeListItems(locale, model.scopes)}</ul>
${form}`;
  return layout({ ...model, title: t(locale, 'consent.title'), body });
}
