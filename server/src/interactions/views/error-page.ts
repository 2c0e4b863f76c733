import { type ErrorMessageKey, type MessageKey, t } from '../../i18n/translate.js';
import { pageHeading } from './components.js';
import { html, isSameOriginPath } from './html.js';
import { layout } from './layout.js';
import type { PageContext } from './page-model.js';

export interface ErrorPageModel extends PageContext {
  message: ErrorMessageKey;
  /** Defaults to "Something went wrong". */
  title?: MessageKey;
  /** The request id (x-request-id), so support can find the log line. */
  requestId?: string;
  /** A stable machine code such as oidc-provider's `invalid_redirect_uri`, shown for support. */
  errorCode?: string;
  /**
   * "Back to sign in": must be a path on this server (`/t/T/…`). Anything else, including absolute
   * URLs, is not rendered: this page never links or redirects to an address the RP did not register
   * (SECURITY.md 15), and the RP's addresses are exactly what may be wrong here.
   */
  backToSignInHref?: string;
}

export function errorPage(model: ErrorPageModel): string {
  const { locale } = model;
  const title = t(locale, model.title ?? 'errorPage.title');
  const backHref =
    model.backToSignInHref && isSameOriginPath(model.backToSignInHref) ? model.backToSignInHref : undefined;
  const body = html`${pageHeading(title)}
<div class="portico-alert" role="alert">${t(locale, model.message)}</div>
${
  (model.errorCode || model.requestId) &&
  html`<dl class="portico-meta">
${model.errorCode && html`<dt>${t(locale, 'errorPage.errorCode')}</dt><dd><code>${model.errorCode}</code></dd>`}
${model.requestId && html`<dt>${t(locale, 'errorPage.requestId')}</dt><dd><code>${model.requestId}</code></dd>`}
</dl>`
}
${backHref && html`<div class="portico-links"><p><a href="${backHref}">${t(locale, 'common.backToSignIn')}</a></p></div>`}`;
  return layout({ ...model, title, body });
}

/** What oidc-provider hands `renderError(ctx, out, error)`: the error object or its `out` fields. */
export interface OidcErrorLike {
  error?: string;
  error_description?: string;
  /** The error class name, e.g. `SessionNotFound`. */
  name?: string;
}

/** The localized message for an oidc-provider error (its descriptions are English and technical). */
export function oidcErrorMessageKey(error: OidcErrorLike): ErrorMessageKey {
  if (error.name === 'SessionNotFound') return 'error.sessionExpired';
  const code = error.error ?? '';
  if (code === 'invalid_redirect_uri' || /redirect_uri/.test(error.error_description ?? '')) {
    return 'error.invalidRedirectUri';
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') return 'error.invalidClient';
  if (code === 'access_denied') return 'error.accessDenied';
  if (code === 'server_error' || code === 'temporarily_unavailable') return 'error.serverError';
  if (code.startsWith('invalid_') || code.startsWith('unsupported_') || code.endsWith('_not_supported')) {
    return 'error.invalidRequest';
  }
  return 'error.generic';
}
