import type { Application } from '../applications/application.entity.js';
import type { AuditEntry } from '../audit/audit.service.js';
import { StatementParams } from '../db/statement-params.js';
import { DevicesService, rememberedDeviceCookieName } from '../devices/devices.service.js';
import { cookieValue } from '../http/cookies.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { CompletedFactor, SecondFactorKind } from '../mfa/factors.js';
import type { LoginRequirement } from '../mfa/mfa-policy.js';
import { EntryScoped } from '../oidc/provider-cache.js';
import type { MissingField } from '../profiles/profile-fields.service.js';
import type { FieldError } from '../profiles/profile-values.js';
import type { RiskAssessment } from '../risk/risk-score.js';
import { User } from '../users/user.entity.js';
import {
  finish,
  type InteractionDeps,
  remember,
  render,
  requestMeta,
  type Step,
  stage,
} from './interaction-step.js';
import { showPrompt } from './login.steps.js';
import type { PromptSources } from './login-prompts.service.js';
import {
  passkeyOfferDeclinedCookie,
  showEnrollment,
  showPasskeyOffer,
  showSecondFactor,
} from './mfa.steps.js';
import { policyItems, profileInputsFor, submittedPolicyIds, submittedProfileValues } from './prompts.js';
import { consentPoliciesPage, profilePromptPage } from './views/index.js';

/** Who the user proved to be, and how, kept on the interaction until the login is finished. */
export interface PendingLogin {
  accountId: string;
  completed: CompletedFactor[];
  /**
   * When the request that proved the first factor began (epoch milliseconds): the risk engine reads the
   * history before it — this login's own rows, written while that request ran, are not history.
   */
  startedAt: number;
  risk?: RiskAssessment;
  /** "Remember this device" was ticked on the second-factor page. */
  rememberDevice?: boolean;
  /** "Not now" answered to the optional prompts of this login. */
  profileSkipped?: boolean;
  passkeyOfferDone?: boolean;
  /** Factors added during this login (a passkey from the offer): they do not step this login up. */
  enrolledThisLogin?: SecondFactorKind[];
}

const DEVICE_COOKIE_DAYS = 400;

/**
 * The steps between a proven factor and "back to the app" (ARCHITECTURE.md "Request flows" → Login):
 * risk → MFA / step-up policy (second factor, or enrollment when required) → the offer to add a passkey
 * → consent to required policies → due profile fields → `interactionFinished` with `amr` and `acr`.
 * Every factor of every login path (password, codes, magic link, passkey, step-up of a session) comes
 * through `completeAuthentication`, so the MFA policy holds on all of them (SECURITY.md ★26).
 */
export async function completeAuthentication(
  step: Step,
  deps: InteractionDeps,
  /** The account's id, or its row when this request has just read it (and written what it changed). */
  account: string | User,
  factor: CompletedFactor,
  /** When the request that proved the factor began, if it was an earlier one (a passkey ceremony). */
  provedAt: number = step.startedAt,
): Promise<void> {
  const accountId = typeof account === 'string' ? account : account.id;
  const previous = pendingLoginOf(step);
  const pending: PendingLogin =
    previous && previous.accountId === accountId
      ? { ...previous, completed: [...previous.completed, factor] }
      : { accountId, completed: [factor], startedAt: provedAt };
  stage(step, { pendingLogin: pending });
  return continueLogin(step, deps, pending, typeof account === 'string' ? undefined : account);
}

/** A session that exists but does not meet `acr_values` continues from the factors it holds. */
export async function stepUpSession(step: Step, deps: InteractionDeps): Promise<boolean> {
  const session = step.details.session;
  if (!session?.accountId || !step.details.prompt.reasons.includes('acr_step_up')) return false;
  const stored = await step.entry.provider.Session.findByUid(session.uid);
  const at = typeof stored?.loginTs === 'number' ? stored.loginTs : Math.floor(Date.now() / 1000);
  const amr = (session.amr as string[] | undefined) ?? ['pwd'];
  const completed: CompletedFactor[] = amr.includes('hwk')
    ? [{ method: 'passkey', userVerified: amr.includes('user'), at }]
    : [{ method: amr.includes('pwd') ? 'password' : amr.includes('sms') ? 'sms_otp' : 'email_otp', at }];
  const pending: PendingLogin = {
    accountId: session.accountId,
    completed,
    startedAt: step.startedAt,
  };
  await remember(step, { pendingLogin: pending });
  await continueLogin(step, deps, pending);
  return true;
}

export function pendingLoginOf(step: Step): PendingLogin | undefined {
  const value = step.details.result?.pendingLogin as PendingLogin | undefined;
  return value && typeof value.accountId === 'string' && Array.isArray(value.completed) ? value : undefined;
}

/** `loaded`: the account's row, when this request has just read it (one statement fewer). */
export async function continueLogin(
  step: Step,
  deps: InteractionDeps,
  pending: PendingLogin,
  loaded?: User,
): Promise<void> {
  const { tenant } = step.entry;
  const manager = deps.dataSource.manager;
  const user = await accountOf(step, deps, pending, loaded);
  if (user?.status !== 'active') return showPrompt(step, deps);
  const application = await applicationOf(step, deps);
  if (!pending.risk) {
    pending.risk = await deps.mfa.risk.assess(manager, tenant, {
      userId: user.id,
      deviceId: deviceIdOf(step),
      ip: requestMeta(step).ip,
      loginStartedAt: new Date(pending.startedAt),
    });
    stage(step, { pendingLogin: pending });
  }
  const decision = await deps.mfa.policy.decide({
    tenant,
    application,
    user,
    completed: pending.completed,
    acrValues: stringOf(step.details.params.acr_values),
    maxAge: numberOf(step.details.params.max_age),
    rememberedDeviceCookie: cookieValue(step.req, rememberedDeviceCookieName(tenant)),
    risk: pending.risk,
    enrolledThisLogin: pending.enrolledThisLogin,
  });
  if (decision.kind === 'first_factor') return showPrompt(step, deps);
  if (decision.kind === 'second_factor') return showSecondFactor(step, deps, user, decision.choices);
  if (decision.kind === 'enrollment') return showEnrollment(step, deps, user, decision.choices);
  const declined = cookieValue(step.req, passkeyOfferDeclinedCookie(tenant.slug)) !== undefined;
  const capable = step.details.result?.webauthnCapable === true;
  if (decision.offerPasskey && capable && !pending.passkeyOfferDone && !declined)
    return showPasskeyOffer(step, deps);
  return askPromptsThenFinish(step, deps, pending, decision, application?.id ?? null, user);
}

/** The pending login's account: `loaded` when it is that row, else read afresh. */
function accountOf(step: Step, deps: InteractionDeps, pending: PendingLogin, loaded?: User) {
  const tenantId = step.entry.tenant.id;
  if (loaded?.id === pending.accountId && loaded.tenantId === tenantId) return Promise.resolve(loaded);
  return deps.dataSource.manager.findOneBy(User, { tenantId, id: pending.accountId });
}

async function askPromptsThenFinish(
  step: Step,
  deps: InteractionDeps,
  pending: PendingLogin,
  decision: Extract<LoginRequirement, { kind: 'done' }>,
  applicationId: string | null,
  user: User,
): Promise<void> {
  // The user row continueLogin read in this request: nothing of this login wrote it since.
  const prompts = await deps.loginPrompts.whatToAsk(
    step.entry.tenant.id,
    pending.accountId,
    applicationId,
    user,
    await promptSourcesOf(step, deps),
  );
  if (prompts.policies.length > 0) return showPolicies(step, deps, prompts.policies);
  const fields = pending.profileSkipped ? prompts.fields.filter((f) => f.required) : prompts.fields;
  if (fields.length > 0) return showProfilePrompt(step, deps, fields);
  await recordSignIn(step, deps, pending, decision);
  const first = pending.completed[0]?.at ?? Math.floor(pending.startedAt / 1000);
  return finish(step, {
    login: {
      accountId: pending.accountId,
      amr: [...decision.amr],
      ...(decision.acr ? { acr: decision.acr } : {}),
      remember: true,
      ts: first,
    },
  });
}

/**
 * The login's audit event with its risk signals and MFA outcome (issue 6 §3), the device sighting, and
 * the device cookies: a random device id (the "new device" signal) and, when asked, a remembered device.
 */
async function recordSignIn(
  step: Step,
  deps: InteractionDeps,
  pending: PendingLogin,
  decision: Extract<LoginRequirement, { kind: 'done' }>,
) {
  const { tenant } = step.entry;
  const meta = requestMeta(step);
  const deviceId = deviceIdOf(step) ?? DevicesService.newDeviceId();
  const secure = step.req.protocol === 'https' || deps.publicUrl.startsWith('https://');
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure, path: `/t/${tenant.slug}` };
  const event = loginEvent(step, pending, decision);
  if (pending.rememberDevice) {
    await deps.dataSource.transaction(async (manager) => {
      const remembered = await deps.mfa.devices.remember(manager, tenant, pending.accountId, deviceId, meta);
      step.res.cookie(rememberedDeviceCookieName(tenant), remembered.cookieValue, {
        ...cookie,
        expires: remembered.expiresAt,
      });
      await deps.audit.record(manager, event);
    });
  } else {
    // The common case in one statement: the sighting and the event commit or fail together.
    const params = new StatementParams();
    const sighting = deps.mfa.devices.sightingStatement(params, tenant.id, pending.accountId, deviceId, meta);
    await deps.audit.recordWithin(
      deps.dataSource.manager,
      event,
      params,
      (insertEvent) => `WITH sighting AS (${sighting}) ${insertEvent}`,
    );
  }
  step.res.cookie(deviceCookieName(tenant.slug), deviceId, {
    ...cookie,
    maxAge: DEVICE_COOKIE_DAYS * 86_400_000,
  });
}

/** The login's `user.login` audit event: its factors, MFA outcome and risk signals (issue 6 §3). */
function loginEvent(
  step: Step,
  pending: PendingLogin,
  decision: Extract<LoginRequirement, { kind: 'done' }>,
): AuditEntry {
  return {
    tenantId: step.entry.tenant.id,
    actor: { type: 'user', id: pending.accountId },
    action: 'user.login',
    target: { type: 'user', id: pending.accountId },
    ...requestMeta(step),
    data: {
      clientId: stringOf(step.details.params.client_id) ?? null,
      factors: pending.completed.map((f) => f.method),
      amr: decision.amr,
      acr: decision.acr,
      unmet: decision.unmet,
      risk: pending.risk ?? null,
    },
  };
}

const deviceCookieName = (slug: string) => `portico_${slug}_did`;

function deviceIdOf(step: Step): string | undefined {
  return cookieValue(step.req, deviceCookieName(step.entry.tenant.slug));
}

/** The application row of the client of this authorization request (MFA override, profile fields). */
/** What the login reads of the authorization request's application. */
type LoginApplication = Pick<Application, 'id' | 'config'>;

/** Per tenant provider entry (provider-cache.ts): the applications logins ask for, by client id. */
const applications = new EntryScoped<LoginApplication | null>();
/** Per tenant provider entry: whether the tenant has consent policies and profile fields at all. */
const promptSources = new EntryScoped<PromptSources>();

function promptSourcesOf(step: Step, deps: InteractionDeps): Promise<PromptSources> {
  return promptSources.get(step.entry, 'tenant', () => deps.loginPrompts.sourcesOf(step.entry.tenant.id));
}

/** Client ids reach here only when oidc-provider let them through: the tenant's own clients. */
function applicationOf(step: Step, deps: InteractionDeps): Promise<LoginApplication | null> {
  const clientId = stringOf(step.details.params.client_id) ?? '';
  return applications.get(step.entry, clientId, async () => {
    const rows: LoginApplication[] = await deps.dataSource.query(
      'SELECT id, config FROM applications WHERE tenant_id = $1 AND client_id = $2 LIMIT 1',
      [step.entry.tenant.id, clientId],
    );
    return rows[0] ?? null;
  });
}

function showPolicies(
  step: Step,
  deps: InteractionDeps,
  policies: Parameters<typeof policyItems>[0],
  error?: ErrorMessageKey,
) {
  const checked = new Set(submittedPolicyIds(step.req.body?.policy));
  return render(
    step,
    deps,
    (ctx) =>
      consentPoliciesPage({
        ...ctx,
        action: `${step.base}/policies`,
        policies: policyItems(policies, ctx.locale, checked),
        error,
      }),
    error ? 400 : 200,
  );
}

export async function submitPolicies(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (!pending) return showPrompt(step, deps);
  const outcome = await deps.loginPrompts.acceptPolicies(
    step.entry.tenant.id,
    pending.accountId,
    submittedPolicyIds(step.req.body.policy),
    requestMeta(step),
  );
  if (!outcome.ok) {
    const { policies } = await deps.loginPrompts.whatToAsk(step.entry.tenant.id, pending.accountId, null);
    return showPolicies(step, deps, policies, 'error.consentRequired');
  }
  return continueLogin(step, deps, pending);
}

function showProfilePrompt(
  step: Step,
  deps: InteractionDeps,
  fields: readonly MissingField[],
  errors: readonly FieldError[] = [],
) {
  const submitted = submittedProfileValues(step.req.body ?? {});
  return render(
    step,
    deps,
    (ctx) =>
      profilePromptPage({
        ...ctx,
        action: `${step.base}/profile`,
        inputs: profileInputsFor(fields, ctx.locale, submitted, errors),
      }),
    errors.length > 0 ? 400 : 200,
  );
}

export async function submitProfile(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (!pending) return showPrompt(step, deps);
  const tenantId = step.entry.tenant.id;
  const application = await applicationOf(step, deps);
  const { fields } = await deps.loginPrompts.whatToAsk(tenantId, pending.accountId, application?.id ?? null);
  const asked = pending.profileSkipped ? fields.filter((f) => f.required) : fields;
  if (step.req.body.action === 'skip' && asked.every((f) => !f.required)) {
    const skipped = { ...pending, profileSkipped: true };
    await remember(step, { pendingLogin: skipped });
    return continueLogin(step, deps, skipped);
  }
  const errors = await deps.loginPrompts.saveProfile(
    tenantId,
    pending.accountId,
    asked,
    submittedProfileValues(step.req.body),
    requestMeta(step),
  );
  if (errors.length > 0) return showProfilePrompt(step, deps, asked, errors);
  return continueLogin(step, deps, pending);
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function numberOf(value: unknown): number | undefined {
  const parsed = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}
