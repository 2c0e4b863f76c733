import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { ConsentService } from '../consent/consent.service.js';
import type { NewPasswordPolicy } from '../credentials/new-password-policy.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import { type CsrfTokens, pageContext, type RenderedPage } from '../interactions/hosted-page.js';
import { errorPage } from '../interactions/views/index.js';
import type { MfaServices } from '../mfa/mfa.services.js';
import type { ProviderCache, TenantProvider } from '../oidc/provider-cache.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import { User } from '../users/user.entity.js';
import type { AccountRequest, AccountService } from './account.service.js';
import { type AccountCookies, type AccountSession, accountPath, nowSeconds } from './account-cookies.js';
import type { AccountSignIn } from './account-sign-in.js';
import type { AccountPageContext } from './views/account-layout.js';

export interface AccountDeps {
  providers: ProviderCache;
  dataSource: DataSource;
  account: AccountService;
  signIn: AccountSignIn;
  cookies: AccountCookies;
  csrf: CsrfTokens;
  passwordPolicy: NewPasswordPolicy;
  consent: ConsentService;
  /** Second factors and passkeys of the Security section. */
  mfa: MfaServices;
}

/** Changing email, phone or password needs a sign-in at most this old (ARCHITECTURE.md "Hosted pages"). */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

/** One request of a signed-in user on the account pages. */
export interface AccountContext {
  entry: TenantProvider;
  tenant: Tenant;
  user: User;
  session: AccountSession;
  req: Request;
  res: Response;
  page: RenderedPage;
  /** `/t/T/account` */
  basePath: string;
  /** The user and request as the account service takes them. */
  request: AccountRequest;
}

export type AccountHandler = (ctx: AccountContext, deps: AccountDeps) => Promise<void>;

export interface AccountRouteOptions {
  /** Needs a sign-in within RECENT_SIGN_IN_SECONDS; else the user signs in again and comes back here. */
  recentSignIn?: boolean;
  /** The page to come back to after signing in (for POSTs: the section the form is on). */
  returnTo: string;
}

/**
 * Resolves the tenant and the signed-in user of an account page. Without a valid account cookie the
 * user is sent to sign in. The cookie is only as good as the oidc-provider session it names: signing
 * out of the tenant, or an administrator revoking the user's sessions, ends account access at the next
 * request. POSTs must carry the CSRF token bound to that session.
 */
export function withAccount(deps: AccountDeps, handler: AccountHandler, options: AccountRouteOptions) {
  return async (req: Request, res: Response) => {
    const slug = String(req.params.tenant);
    const entry = await deps.providers.get(slug);
    if (!entry) throw TenantsErrors.tenantNotFound(slug);
    const { tenant } = entry;
    const basePath = accountPath(tenant.slug);
    const returnTo = `${basePath}${options.returnTo}`;
    const session = deps.cookies.readSession(req, tenant);
    const user = session ? await liveUser(deps, entry, session) : null;
    if (!session || !user) {
      if (session) deps.cookies.clear(res, tenant, 'session');
      return deps.signIn.start(res, entry, { returnTo, reauth: false });
    }
    const page = pageContext({ tenant, acceptLanguage: req.get('accept-language') });
    const ctx: AccountContext = {
      entry,
      tenant,
      user,
      session,
      req,
      res,
      page,
      basePath,
      request: {
        tenant,
        user,
        locale: page.context.locale,
        ip: req.ip ?? null,
        userAgent: req.get('user-agent')?.slice(0, 512) ?? null,
      },
    };
    if (req.method === 'POST' && !deps.csrf.verify(tenant.id, csrfFlow(session), req.body?._csrf)) {
      return showError(ctx, 'error.formExpired', 403);
    }
    if (options.recentSignIn && nowSeconds() - session.authTime > RECENT_SIGN_IN_SECONDS) {
      return deps.signIn.start(res, entry, { returnTo, reauth: true });
    }
    await handler(ctx, deps);
  };
}

async function liveUser(deps: AccountDeps, entry: TenantProvider, session: AccountSession) {
  const oidcSession = await entry.provider.Session.findByUid(session.sid);
  if (!oidcSession || oidcSession.accountId !== session.sub) return null;
  const user = await deps.dataSource.manager.findOneBy(User, { id: session.sub, tenantId: entry.tenant.id });
  return user?.status === 'active' ? user : null;
}

/** CSRF tokens of the account pages are bound to the oidc-provider session the user is in. */
const csrfFlow = (session: AccountSession) => `account:${session.sid}`;

/** The model every account page starts from. */
export function baseModel(ctx: AccountContext, deps: AccountDeps): AccountPageContext {
  return {
    ...ctx.page.context,
    csrfToken: deps.csrf.issue(ctx.tenant.id, csrfFlow(ctx.session)),
    basePath: ctx.basePath,
    identifier: ctx.user.email ?? ctx.user.username ?? ctx.user.id,
  };
}

export function send(ctx: AccountContext, body: string, status = 200): void {
  ctx.res.status(status).set(ctx.page.headers).send(body);
}

export function showError(
  ctx: Pick<AccountContext, 'req' | 'res' | 'page' | 'basePath'>,
  message: ErrorMessageKey,
  status: number,
) {
  ctx.res
    .status(status)
    .set(ctx.page.headers)
    .send(
      errorPage({
        ...ctx.page.context,
        message,
        requestId: String(ctx.req.id),
        backToSignInHref: ctx.basePath,
      }),
    );
}
