import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import {
  type FormPageContext,
  type HiddenFields,
  type PageContext,
  withoutButtonFields,
} from './page-model.js';

export interface LogoutConfirmPageModel extends FormPageContext {
  /** oidc-provider's `end_session_confirm` URL (`ctx.oidc.urlFor('end_session_confirm')`). */
  action: string;
  /** Must include oidc-provider's `{ xsrf: ctx.oidc.session.state.secret }`; a `logout` entry is dropped. */
  hiddenFields?: HiddenFields;
  clientName?: string;
}

/**
 * RP-initiated logout confirmation (oidc-provider `features.rpInitiatedLogout.logoutSource`).
 * "Sign out" submits `logout=yes`. "Stay signed in" submits no `logout` field at all: oidc-provider
 * treats ANY non-empty `logout` value as yes (`if (params.logout)` in actions/end_session.js), so a
 * `logout=no` would sign the user out everywhere. Without it, only the requesting RP's session ends.
 */
export function logoutConfirmPage(model: LogoutConfirmPageModel): string {
  const { locale } = model;
  const question = model.clientName
    ? t(locale, 'logout.questionWithClient', { client: model.clientName })
    : t(locale, 'logout.question');
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: withoutButtonFields(model.hiddenFields, ['logout']),
    content: html`<div class="portico-actions">
${submitButton({ label: t(locale, 'logout.signOut'), variant: 'primary', name: 'logout', value: 'yes' })}
${submitButton({ label: t(locale, 'logout.staySignedIn'), variant: 'secondary' })}
</div>`,
  });
  const body = html`${pageHeading(t(locale, 'logout.title'))}
${errorAlert(locale, model.error)}
<p>${question}</p>
${form}`;
  return layout({ ...model, title: t(locale, 'logout.title'), body });
}

export interface LoggedOutPageModel extends PageContext {
  clientName?: string;
}

/** After logout when the RP gave no post_logout_redirect_uri (`postLogoutSuccessSource`). No links out. */
export function loggedOutPage(model: LoggedOutPageModel): string {
  const { locale } = model;
  const message = model.clientName
    ? t(locale, 'loggedOut.bodyWithClient', { client: model.clientName })
    : t(locale, 'loggedOut.body');
  const body = html`${pageHeading(t(locale, 'loggedOut.title'))}
<p>${message}</p>
<p class="portico-meta">${t(locale, 'common.closeWindow')}</p>`;
  return layout({ ...model, title: t(locale, 'loggedOut.title'), body });
}
