import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { parseBodies } from '../http/app.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import { pageContext } from './hosted-page.js';
import type { InteractionDeps } from './interaction-step.js';
import { confirmLinkPage, errorPage, noticePage, resetPasswordPage } from './views/index.js';

/**
 * Pages opened from mailed links, outside any login: email verification (and email change) and the
 * password reset. A GET only shows a form (mail scanners fetch links); the POST spends the token. They
 * send `Referrer-Policy: no-referrer` so the token in the URL never leaks to another site (SECURITY.md 28).
 */
export function linkPageRoutes(deps: InteractionDeps): Router {
  const router = express.Router({ mergeParams: true });
  router.use(
    ['/t/:tenant/verify-email', '/t/:tenant/reset-password'],
    parseBodies(),
    (_req: Request, res: Response, next: NextFunction) => {
      res.set('Referrer-Policy', 'no-referrer');
      next();
    },
  );
  router.get('/t/:tenant/verify-email', withTenant(deps, showVerifyEmail));
  router.post('/t/:tenant/verify-email', withTenant(deps, submitVerifyEmail));
  router.get('/t/:tenant/reset-password', withTenant(deps, showResetPassword));
  router.post('/t/:tenant/reset-password', withTenant(deps, submitResetPassword));
  return router;
}

interface LinkPage {
  tenant: Tenant;
  req: Request;
  res: Response;
  token: string;
  page: ReturnType<typeof pageContext>;
}

type LinkHandler = (page: LinkPage, deps: InteractionDeps) => Promise<void>;

function withTenant(deps: InteractionDeps, handler: LinkHandler) {
  return async (req: Request, res: Response) => {
    const slug = String(req.params.tenant);
    const entry = await deps.providers.get(slug);
    if (!entry) throw TenantsErrors.tenantNotFound(slug);
    const raw = req.method === 'POST' ? req.body?.token : req.query.token;
    const token = typeof raw === 'string' ? raw.slice(0, 200) : '';
    const page = pageContext({ tenant: entry.tenant, acceptLanguage: req.get('accept-language') });
    const linkPage = { tenant: entry.tenant, req, res, token, page };
    if (token === '') return showError(linkPage, 'error.linkInvalid');
    if (req.method === 'POST' && !deps.csrf.verify(entry.tenant.id, csrfFlow(req, token), req.body?._csrf))
      return showError(linkPage, 'error.formExpired', 403);
    await handler(linkPage, deps);
  };
}

/** CSRF tokens of these pages are bound to the link's own token. */
const csrfFlow = (req: Request, token: string) =>
  `${req.path.endsWith('/reset-password') ? 'reset' : 'verify'}:${token}`;

function send(page: LinkPage, html: string, status = 200) {
  page.res.status(status).set(page.page.headers).send(html);
}

function showError(page: LinkPage, message: ErrorMessageKey, status = 400) {
  send(page, errorPage({ ...page.page.context, message, requestId: String(page.req.id) }), status);
}

async function showVerifyEmail(page: LinkPage, deps: InteractionDeps) {
  const change = page.req.query.change === '1';
  const csrfToken = deps.csrf.issue(page.tenant.id, `verify:${page.token}`);
  const action = `/t/${page.tenant.slug}/verify-email${change ? '?change=1' : ''}`;
  send(
    page,
    confirmLinkPage({
      ...page.page.context,
      csrfToken,
      action,
      token: page.token,
      purpose: change ? 'changeEmail' : 'verifyEmail',
    }),
  );
}

async function submitVerifyEmail(page: LinkPage, deps: InteractionDeps) {
  const change = page.req.query.change === '1';
  const context = {
    tenant: page.tenant,
    locale: page.page.context.locale,
    ip: page.req.ip ?? null,
    userAgent: page.req.get('user-agent') ?? null,
  };
  const outcome = change
    ? await deps.contactVerification.confirmEmailChange(context, page.token)
    : await deps.contactVerification.confirmEmail(context, page.token);
  if (!outcome.ok) return showError(page, 'error.linkInvalid');
  send(
    page,
    noticePage({
      ...page.page.context,
      title: change ? 'notice.emailChangedTitle' : 'notice.emailVerifiedTitle',
      message: change ? 'notice.emailChangedBody' : 'notice.emailVerifiedBody',
    }),
  );
}

async function showResetPassword(page: LinkPage, deps: InteractionDeps, error?: ErrorMessageKey) {
  if (!error && !(await deps.passwordReset.linkIsValid(page.tenant, page.token)))
    return showError(page, 'error.resetLinkInvalid');
  const settings = resolveTenantSettings(page.tenant.settings);
  send(
    page,
    resetPasswordPage({
      ...page.page.context,
      csrfToken: deps.csrf.issue(page.tenant.id, `reset:${page.token}`),
      action: `/t/${page.tenant.slug}/reset-password`,
      token: page.token,
      passwordMinLength: deps.passwordPolicy.minLength(settings),
      error,
    }),
    error ? 400 : 200,
  );
}

async function submitResetPassword(page: LinkPage, deps: InteractionDeps) {
  const outcome = await deps.passwordReset.complete({
    tenant: page.tenant,
    token: page.token,
    password: String(page.req.body.password ?? ''),
    locale: page.page.context.locale,
    ip: page.req.ip ?? null,
    userAgent: page.req.get('user-agent') ?? null,
  });
  if (!outcome.ok) {
    if (outcome.problem === 'error.resetLinkInvalid') return showError(page, outcome.problem);
    return showResetPassword(page, deps, outcome.problem);
  }
  // No sign-in after a reset (SECURITY.md ★27): the user signs in with the new password.
  send(
    page,
    noticePage({
      ...page.page.context,
      title: 'notice.passwordChangedTitle',
      message: 'notice.passwordChangedBody',
    }),
  );
}
