import express, { type Request, type Response, type Router } from 'express';
import { parseBodies } from '../http/app.js';
import { pageContext } from '../interactions/hosted-page.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import { decideConsent, showConsents } from './account-consents.js';
import {
  type AccountDeps,
  type AccountHandler,
  type AccountRouteOptions,
  showError,
  withAccount,
} from './account-context.js';
import { accountPath } from './account-cookies.js';
import {
  addPasskey,
  beginTotp,
  confirmTotp,
  passkeyRegistrationOptions,
  regenerateCodes,
  removeFactor,
  renamePasskey,
} from './account-factors.js';
import {
  confirmPhone,
  exportData,
  revokeOtherSessions,
  revokeSession,
  showData,
  showProfile,
  showSecurityPage,
  showSessions,
  submitEmail,
  submitPassword,
  submitPhone,
  submitProfile,
} from './account-handlers.js';
import { accountSignedOutPage } from './views/section-pages.js';

export type { AccountDeps } from './account-context.js';

/**
 * The self-service account pages at `/t/T/account` (ARCHITECTURE.md "Hosted pages"): Profile, Security,
 * Sessions, Consents, Your data — signed in through the tenant's own OIDC (account-sign-in.ts). Changes
 * of email, phone and password need a sign-in within the last 5 minutes.
 */
export function accountRoutes(deps: AccountDeps): Router {
  const router = express.Router({ mergeParams: true });
  const prefix = '/t/:tenant/account';
  const page = (path: string, handler: AccountHandler, options: Partial<AccountRouteOptions> = {}) =>
    router.get(`${prefix}${path}`, withAccount(deps, handler, { returnTo: path, ...options }));
  const action = (path: string, handler: AccountHandler, options: AccountRouteOptions) =>
    router.post(`${prefix}${path}`, withAccount(deps, handler, options));
  const recent = (returnTo: string) => ({ returnTo, recentSignIn: true });

  router.use(prefix, parseBodies());
  router.get(prefix, (req: Request, res: Response) => {
    res.redirect(303, `${accountPath(String(req.params.tenant))}/profile`);
  });
  router.get(`${prefix}/callback`, (req, res) => callback(deps, req, res));

  page('/profile', (ctx, d) => showProfile(ctx, d));
  action('/profile', submitProfile, { returnTo: '/profile' });
  action('/email', submitEmail, recent('/profile'));
  action('/phone', submitPhone, recent('/profile'));
  action('/phone/confirm', confirmPhone, recent('/profile'));
  page('/security', showSecurityPage);
  action('/password', submitPassword, recent('/security'));
  page('/security/recent', showSecurityPage, { returnTo: '/security', recentSignIn: true });
  action('/passkeys/options', passkeyRegistrationOptions, { returnTo: '/security' });
  action('/passkeys', addPasskey, { returnTo: '/security' });
  action('/passkeys/rename', renamePasskey, { returnTo: '/security' });
  action('/factors/remove', removeFactor, recent('/security'));
  action('/totp', beginTotp, recent('/security'));
  action('/totp/confirm', confirmTotp, recent('/security'));
  action('/recovery-codes', regenerateCodes, recent('/security'));
  page('/sessions', (ctx, d) => showSessions(ctx, d));
  action('/sessions/revoke', revokeSession, { returnTo: '/sessions' });
  action('/sessions/revoke-others', revokeOtherSessions, { returnTo: '/sessions' });
  page('/consents', (ctx, d) => showConsents(ctx, d));
  action('/consents', decideConsent, { returnTo: '/consents' });
  page('/data', showData);
  action('/data/export', exportData, { returnTo: '/data' });
  action('/sign-out', signOut, { returnTo: '/profile' });
  return router;
}

async function callback(deps: AccountDeps, req: Request, res: Response) {
  const slug = String(req.params.tenant);
  const entry = await deps.providers.get(slug);
  if (!entry) throw TenantsErrors.tenantNotFound(slug);
  const outcome = await deps.signIn.callback(req, res, entry);
  if (outcome.ok) return res.redirect(303, outcome.returnTo);
  const page = pageContext({ tenant: entry.tenant, acceptLanguage: req.get('accept-language') });
  showError({ req, res, page, basePath: accountPath(slug) }, 'error.sessionExpired', 400);
}

/** Ends the tenant session itself (not only the account cookie): the user is signed out of the tenant. */
const signOut: AccountHandler = async (ctx, deps) => {
  await deps.account.revokeSession(ctx.request, ctx.session.sid, 'user.signed_out');
  deps.cookies.clear(ctx.res, ctx.tenant);
  ctx.res
    .status(200)
    .set(ctx.page.headers)
    .send(accountSignedOutPage({ ...ctx.page.context, signInHref: ctx.basePath }));
};
