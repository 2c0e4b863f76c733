import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { PasswordLoginService } from '../credentials/password-login.service.js';
import { parseBodies } from '../http/app.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { ProviderCache, TenantProvider } from '../oidc/provider-cache.js';
import { AppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import { type CsrfTokens, pageContext } from './hosted-page.js';
import type { RegistrationService } from './registration.service.js';
import {
  consentPage,
  errorPage,
  identifierPage,
  passwordPage,
  registrationPage,
  registrationSentPage,
} from './views/index.js';

export interface InteractionDeps {
  providers: ProviderCache;
  passwordLogin: PasswordLoginService;
  registration: RegistrationService;
  csrf: CsrfTokens;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** One request inside an interaction: the tenant's provider, the interaction and the page basics. */
interface Step {
  entry: TenantProvider;
  details: Details;
  req: Request;
  res: Response;
  base: string;
}

/**
 * The hosted login (ARCHITECTURE.md "Request flows" → Login), as a visible list of small steps:
 * identifier → password → consent → back to oidc-provider. Registration joins from the identifier
 * page or from `prompt=create`. Every failure of the password step shows one generic message.
 */
export function interactionRoutes(deps: InteractionDeps): Router {
  const router = express.Router({ mergeParams: true });
  const prefix = '/t/:tenant/interaction/:uid';
  router.use(prefix, parseBodies());
  router.get(prefix, withStep(deps, showPrompt));
  router.post(`${prefix}/identifier`, withStep(deps, submitIdentifier, true));
  router.post(`${prefix}/password`, withStep(deps, submitPassword, true));
  router.get(
    `${prefix}/register`,
    withStep(deps, (s) => showRegistration(deps, s)),
  );
  router.post(`${prefix}/register`, withStep(deps, submitRegistration, true));
  router.post(`${prefix}/consent`, withStep(deps, submitConsent, true));
  return router;
}

type StepHandler = (step: Step, deps: InteractionDeps) => Promise<void>;

function withStep(deps: InteractionDeps, handler: StepHandler, isPost = false) {
  return async (req: Request, res: Response) => {
    const slug = String(req.params.tenant);
    const entry = await deps.providers.get(slug);
    if (!entry) throw TenantsErrors.tenantNotFound(slug);
    let details: Details;
    try {
      details = await entry.provider.interactionDetails(req, res);
    } catch {
      return renderError(entry, req, res, 'error.sessionExpired', 400);
    }
    if (details.uid !== req.params.uid) return renderError(entry, req, res, 'error.sessionExpired', 400);
    const step = { entry, details, req, res, base: `/t/${slug}/interaction/${details.uid}` };
    if (isPost && !deps.csrf.verify(entry.tenant.id, details.uid, req.body?._csrf)) {
      return renderError(entry, req, res, 'error.formExpired', 403);
    }
    await handler(step, deps);
  };
}

/** GET: the page the current prompt asks for. */
async function showPrompt(step: Step, deps: InteractionDeps): Promise<void> {
  const { details } = step;
  // `prompt=create` opens on registration; its "Sign in" link (?signin) leads to the login steps.
  if (details.prompt.name === 'create' && step.req.query.signin === undefined)
    return showRegistration(deps, step);
  if (details.prompt.name === 'login' || details.prompt.name === 'create') {
    return render(step, deps, (ctx) =>
      identifierPage({
        ...ctx,
        ...identifierLinks(step),
        identifier: stringParam(details.params.login_hint),
      }),
    );
  }
  if (details.prompt.name === 'consent') return showConsent(step, deps);
  return renderError(step.entry, step.req, step.res, 'error.invalidRequest', 400);
}

async function submitIdentifier(step: Step, deps: InteractionDeps): Promise<void> {
  const identifier = String(step.req.body.identifier ?? '').trim();
  if (identifier === '') {
    return render(
      step,
      deps,
      (ctx) => identifierPage({ ...ctx, ...identifierLinks(step), error: 'error.identifierRequired' }),
      400,
    );
  }
  // No lookup here: the next page is the same whether or not the account exists (SECURITY.md item 3).
  // The identifier rides on the interaction itself (server-side), not on a form field.
  step.details.result = { identifier };
  await step.details.save(Math.max(1, step.details.exp - Math.floor(Date.now() / 1000)));
  return showPassword(step, deps, identifier);
}

function showPassword(
  step: Step,
  deps: InteractionDeps,
  identifier: string,
  error?: ErrorMessageKey,
  status = 200,
) {
  return render(
    step,
    deps,
    (ctx) =>
      passwordPage({
        ...ctx,
        action: `${step.base}/password`,
        identifier,
        changeIdentifierHref: step.base,
        error,
      }),
    status,
  );
}

async function submitPassword(step: Step, deps: InteractionDeps): Promise<void> {
  const { req, entry } = step;
  const identifier =
    typeof step.details.result?.identifier === 'string' ? step.details.result.identifier : '';
  if (identifier === '') return showPrompt(step, deps);
  const result = await deps.passwordLogin.authenticate({
    tenant: entry.tenant,
    identifier,
    password: String(req.body.password ?? ''),
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  });
  if (!result.ok) return showPassword(step, deps, identifier, 'error.invalidCredentials', 400);
  const login = {
    accountId: result.user.id,
    amr: ['pwd'],
    remember: true,
    ts: Math.floor(Date.now() / 1000),
  };
  return finish(step, { login });
}

async function showConsent(step: Step, deps: InteractionDeps): Promise<void> {
  const { details, entry } = step;
  const client = await entry.provider.Client.find(String(details.params.client_id));
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const scopes = [
    ...(missing.missingOIDCScope ?? []),
    ...Object.values(missing.missingResourceScopes ?? {}).flat(),
  ];
  return render(step, deps, (ctx) =>
    consentPage({
      ...ctx,
      action: `${step.base}/consent`,
      clientName: client?.clientName ?? String(details.params.client_id),
      scopes,
    }),
  );
}

async function submitConsent(step: Step): Promise<void> {
  const { details, entry, req } = step;
  if (req.body.decision !== 'allow') {
    return finish(step, { error: 'access_denied', error_description: 'the user denied the request' });
  }
  const { accountId } = details.session ?? {};
  const clientId = String(details.params.client_id);
  const grant = details.grantId
    ? await entry.provider.Grant.find(details.grantId)
    : new entry.provider.Grant({ accountId, clientId });
  if (!grant) throw new AppError('interaction_grant_missing', 400, 'The grant of this request is gone.');
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return finish(step, { consent: { grantId } });
}

async function showRegistration(deps: InteractionDeps, step: Step, error?: ErrorMessageKey, status = 200) {
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  if (!settings.registration.enabled)
    return renderError(step.entry, step.req, step.res, 'error.notFound', 404);
  return render(
    step,
    deps,
    (ctx) =>
      registrationPage({
        ...ctx,
        action: `${step.base}/register`,
        passwordMinLength: settings.passwords.minLength,
        askNames: true,
        signInHref: `${step.base}?signin`,
        values: {
          email: stringParam(step.req.body?.email),
          givenName: stringParam(step.req.body?.given_name),
          familyName: stringParam(step.req.body?.family_name),
        },
        error,
      }),
    status,
  );
}

async function submitRegistration(step: Step, deps: InteractionDeps): Promise<void> {
  const { req, entry } = step;
  const settings = resolveTenantSettings(entry.tenant.settings);
  if (!settings.registration.enabled) return renderError(entry, req, step.res, 'error.notFound', 404);
  const outcome = await deps.registration.register(entry.tenant, {
    email: String(req.body.email ?? ''),
    password: String(req.body.password ?? ''),
    givenName: stringParam(req.body.given_name),
    familyName: stringParam(req.body.family_name),
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  });
  if (outcome.error) return showRegistration(deps, step, outcome.error, 400);
  // The same answer whether the address was new or already had an account (ARCHITECTURE.md "Hosted pages").
  return render(step, deps, (ctx) =>
    registrationSentPage({ ...ctx, email: outcome.email, signInHref: `${step.base}?signin` }),
  );
}

/** Hands the result back to oidc-provider, which continues the authorization (a 303 to /auth/:uid). */
async function finish(step: Step, result: InteractionResults): Promise<void> {
  const target = await step.entry.provider.interactionResult(step.req, step.res, result, {
    mergeWithLastSubmission: false,
  });
  step.res.redirect(303, target);
}

function identifierLinks(step: Step) {
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  return {
    action: `${step.base}/identifier`,
    passkeyAutofill: false,
    passkeysAvailable: false,
    createAccountHref: settings.registration.enabled ? `${step.base}/register` : undefined,
  };
}

type PageBody<T> = (context: T) => string;

function render(
  step: Step,
  deps: InteractionDeps,
  body: PageBody<ReturnType<typeof pageContext>['context'] & { csrfToken: string }>,
  status = 200,
) {
  const redirectUri = stringParam(step.details.params.redirect_uri);
  const origins = redirectUri && URL.canParse(redirectUri) ? [new URL(redirectUri).origin] : [];
  const page = pageContext(
    {
      tenant: step.entry.tenant,
      uiLocales: stringParam(step.details.params.ui_locales),
      acceptLanguage: step.req.get('accept-language'),
    },
    origins,
  );
  const csrfToken = deps.csrf.issue(step.entry.tenant.id, step.details.uid);
  step.res
    .status(status)
    .set(page.headers)
    .send(body({ ...page.context, csrfToken }));
}

function renderError(
  entry: TenantProvider,
  req: Request,
  res: Response,
  message: ErrorMessageKey,
  status: number,
) {
  const page = pageContext({ tenant: entry.tenant, acceptLanguage: req.get('accept-language') });
  res
    .status(status)
    .set(page.headers)
    .send(errorPage({ ...page.context, message, requestId: String(req.id) }));
}

const stringParam = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
