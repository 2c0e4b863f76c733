import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ProviderPages } from '../oidc/provider-factory.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { type CsrfTokens, pageContext } from './hosted-page.js';
import {
  deviceCodePage,
  deviceConfirmPage,
  deviceDonePage,
  errorPage,
  loggedOutPage,
  logoutConfirmPage,
  oidcErrorMessageKey,
} from './views/index.js';

/** Hidden inputs of a form oidc-provider built (its `xsrf` secret and the like), to carry into ours. */
function hiddenFieldsOf(form: string): { action: string; fields: Record<string, string> } {
  const action = /action="([^"]*)"/.exec(form)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    if (match[1] !== undefined) fields[match[1]] = decodeEntities(match[2] ?? '');
  }
  return { action: decodeEntities(action), fields };
}

const decodeEntities = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * The pages oidc-provider renders itself — logout, device flow, errors — in Portico's look and
 * locales. oidc-provider checks its own `xsrf` field on these forms; ours is carried for uniformity.
 */
export function providerPages(tenant: Tenant, csrf: CsrfTokens): ProviderPages {
  const page = (ctx: KoaContextWithOIDC) => {
    // A logout confirmation ends in a redirect to the RP: the form-action CSP must allow its origin.
    const target = ctx.oidc?.params?.post_logout_redirect_uri;
    const origins = typeof target === 'string' && URL.canParse(target) ? [new URL(target).origin] : [];
    const rendered = pageContext(
      {
        tenant,
        uiLocales: typeof ctx.oidc?.params?.ui_locales === 'string' ? ctx.oidc.params.ui_locales : undefined,
        acceptLanguage: ctx.get('accept-language'),
      },
      origins,
    );
    ctx.set(rendered.headers);
    ctx.type = 'html';
    return rendered.context;
  };
  const csrfToken = (flowId: string) => csrf.issue(tenant.id, flowId);
  const clientName = (ctx: KoaContextWithOIDC) => ctx.oidc?.client?.clientName ?? ctx.oidc?.client?.clientId;

  return {
    async logoutSource(ctx, form) {
      const { action, fields } = hiddenFieldsOf(form);
      ctx.body = logoutConfirmPage({
        ...page(ctx),
        action,
        hiddenFields: fields,
        csrfToken: csrfToken('logout'),
        clientName: clientName(ctx),
      });
    },
    async postLogoutSuccessSource(ctx) {
      ctx.body = loggedOutPage({ ...page(ctx), clientName: clientName(ctx) });
    },
    async userCodeInputSource(ctx, form, _out, err) {
      const { action, fields } = hiddenFieldsOf(form);
      const error = err
        ? err.name === 'AbortedError'
          ? 'error.deviceRequestAborted'
          : 'error.deviceCodeInvalid'
        : undefined;
      ctx.body = deviceCodePage({
        ...page(ctx),
        action,
        hiddenFields: fields,
        csrfToken: csrfToken('device'),
        error,
      });
    },
    async userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
      const { action, fields } = hiddenFieldsOf(form);
      ctx.body = deviceConfirmPage({
        ...page(ctx),
        action,
        hiddenFields: fields,
        csrfToken: csrfToken('device'),
        clientName: client.clientName ?? client.clientId,
        userCode,
      });
    },
    async successSource(ctx) {
      ctx.body = deviceDonePage({ ...page(ctx), outcome: 'allowed', clientName: clientName(ctx) });
    },
    // Never redirects: an error page for a bad redirect_uri or client must not send the user anywhere.
    async renderError(ctx, out, error) {
      ctx.body = errorPage({
        ...page(ctx),
        message: oidcErrorMessageKey({ error: out.error, name: (error as Error)?.name }),
        errorCode: out.error,
        requestId: String((ctx.req as { id?: unknown }).id ?? ''),
      });
    },
  };
}
