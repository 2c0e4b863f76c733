import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { AuditLog } from '../audit/audit.service.js';
import type { NewPasswordPolicy } from '../credentials/new-password-policy.js';
import type { PasswordLoginService } from '../credentials/password-login.service.js';
import type { PasswordResetService } from '../credentials/password-reset.service.js';
import type { PasswordlessLoginService } from '../credentials/passwordless-login.service.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { MfaServices } from '../mfa/mfa.services.js';
import type { ProviderCache, TenantProvider } from '../oidc/provider-cache.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import type { ContactVerificationService } from '../users/contact-verification.service.js';
import { type CsrfTokens, pageContext, pageLocale } from './hosted-page.js';
import type { LoginPromptsService } from './login-prompts.service.js';
import type { RegistrationService } from './registration.service.js';
import { errorPage } from './views/index.js';

export interface InteractionDeps {
  dataSource: DataSource;
  providers: ProviderCache;
  passwordLogin: PasswordLoginService;
  passwordless: PasswordlessLoginService;
  passwordReset: PasswordResetService;
  passwordPolicy: NewPasswordPolicy;
  contactVerification: ContactVerificationService;
  registration: RegistrationService;
  loginPrompts: LoginPromptsService;
  mfa: MfaServices;
  audit: AuditLog;
  publicUrl: string;
  csrf: CsrfTokens;
}

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** One request inside an interaction: the tenant's provider, the interaction and the page basics. */
export interface Step {
  entry: TenantProvider;
  details: Details;
  req: Request;
  res: Response;
  /** `/t/T/interaction/UID`: every step's URL starts here. */
  base: string;
  /** The negotiated locale of this request (messages sent from this step use it). */
  locale: string;
  /** When this request began (epoch milliseconds), before any of its work was recorded. */
  startedAt: number;
  /** Values `stage`d on the interaction that are not saved yet (saved before the answer leaves). */
  unsaved?: boolean;
}

export type StepHandler = (step: Step, deps: InteractionDeps) => Promise<void>;

/** Resolves the tenant and the interaction of the URL; POSTs must carry the interaction's CSRF token. */
export function withStep(deps: InteractionDeps, handler: StepHandler, isPost = false) {
  return async (req: Request, res: Response) => {
    const startedAt = Date.now();
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
    const base = `/t/${slug}/interaction/${details.uid}`;
    const locale = pageLocale({
      tenant: entry.tenant,
      uiLocales: stringParam(details.params.ui_locales),
      acceptLanguage: req.get('accept-language'),
    });
    const step: Step = { entry, details, req, res, base, locale, startedAt };
    if (isPost && !deps.csrf.verify(entry.tenant.id, details.uid, req.body?._csrf)) {
      return renderError(entry, req, res, 'error.formExpired', 403);
    }
    await handler(step, deps);
    // Every answer of a step saves what was staged first (render, finish); this only catches an exit
    // that forgot to, so that the next request still finds it.
    if (step.unsaved) await saveInteraction(step);
  };
}

/** The identifier typed on the first step, kept server-side on the interaction. */
export function interactionIdentifier(step: Step): string {
  return typeof step.details.result?.identifier === 'string' ? step.details.result.identifier : '';
}

/** Keeps a value on the interaction (server-side) for the next steps, saved now. */
export async function remember(step: Step, values: Record<string, unknown>): Promise<void> {
  stage(step, values);
  await saveInteraction(step);
}

/**
 * Keeps a value on the interaction for the next steps, saved with the step's answer (the page it
 * renders, or its finish): a login that proves a factor and assesses its risk in one request saves the
 * interaction once instead of three times (docs/PERFORMANCE.md). Lost if the request fails first.
 */
export function stage(step: Step, values: Record<string, unknown>): void {
  step.details.result = { ...step.details.result, ...values };
  step.unsaved = true;
}

/** Saves the interaction for what is left of its lifetime. */
async function saveInteraction(step: Step): Promise<void> {
  step.unsaved = false;
  await step.details.save(Math.max(1, step.details.exp - Math.floor(Date.now() / 1000)));
}

/**
 * Hands the result back to oidc-provider, which continues the authorization (a 303 to /auth/:uid). As
 * oidc-provider's `interactionResult(…, { mergeWithLastSubmission: false })`, on the interaction this
 * request already read (one statement fewer).
 */
export async function finish(step: Step, result: InteractionResults): Promise<void> {
  step.details.result = result;
  await saveInteraction(step);
  step.res.redirect(303, step.details.returnTo);
}

type PageBody<T> = (context: T) => string;
export type StepPageContext = ReturnType<typeof pageContext>['context'] & { csrfToken: string };

/** Renders the step's page, once what it staged on the interaction is saved. */
export async function render(
  step: Step,
  deps: InteractionDeps,
  body: PageBody<StepPageContext>,
  status = 200,
): Promise<void> {
  if (step.unsaved) await saveInteraction(step);
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

export function renderError(
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

export const stringParam = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

export const requestMeta = (step: Step) => ({
  ip: step.req.ip ?? null,
  userAgent: step.req.get('user-agent') ?? null,
});
