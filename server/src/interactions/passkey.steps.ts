import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Locale } from '../i18n/locales.js';
import { type MessageKey, t } from '../i18n/translate.js';
import { isAppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { User } from '../users/user.entity.js';
import { completeAuthentication, continueLogin, pendingLoginOf } from './after-login.steps.js';
import {
  type InteractionDeps,
  remember,
  renderError,
  requestMeta,
  type Step,
  type StepHandler,
} from './interaction-step.js';
import { showPrompt } from './login.steps.js';
import { finishPasskeyOffer, PASSKEY_OFFER_KEY } from './mfa.steps.js';

/**
 * The passkey ceremonies of the login (issue 6; SECURITY.md item 24), driven by the passkey script
 * (server/assets/passkeys.js) with JSON requests:
 * - `POST …/passkey/options` + `POST …/passkey`: an assertion. With a pending login it is that user's
 *   second factor (their passkeys listed); without, a passwordless first factor or passkey autofill
 *   (discoverable credential, user verification required).
 * - `POST …/passkey/register/options` + `POST …/passkey/register`: a new passkey from the offer after
 *   a login that has met its MFA policy.
 * A verified ceremony is kept on the interaction and answered with `{ redirect: …/passkey/continue }`:
 * that GET hands it to the login pipeline (`completeAuthentication`, `finishPasskeyOffer`), so one code
 * path answers every factor with its page or redirect, and no login step runs inside a fetch.
 */

type PasskeyOutcome =
  | { kind: 'authenticated'; userId: string; userVerified: boolean; at: number; provedAt: number }
  | { kind: 'registered' };

type Answer = { status: number; body: Record<string, unknown> };
type JsonStepHandler = (step: Step, deps: InteractionDeps) => Promise<Answer>;

const OUTCOME_KEY = 'passkeyOutcome';

const failure = (step: Step, message: MessageKey, status = 400): Answer => ({
  status,
  body: { error: t(step.locale as Locale, message) },
});
const continueAnswer = (step: Step): Answer => ({
  status: 200,
  body: { redirect: `${step.base}/passkey/continue` },
});

/**
 * A JSON endpoint of the passkey script. The CSRF token is checked like every hosted form's; only JSON
 * is accepted (a cross-site form cannot send it without a CORS preflight). A plain form POST (the
 * "Sign in with a passkey" button without JavaScript) gets the sign-in page again.
 */
export function passkeyEndpoint(handler: JsonStepHandler): StepHandler {
  return async (step, deps) => {
    const { req, res, entry, details } = step;
    const csrfOk = deps.csrf.verify(entry.tenant.id, details.uid, req.body?._csrf);
    if (!req.is('application/json')) {
      if (!csrfOk) return renderError(entry, req, res, 'error.formExpired', 403);
      return showPrompt(step, deps);
    }
    const answer = csrfOk ? await handler(step, deps) : failure(step, 'error.formExpired', 403);
    res.status(answer.status).set('Cache-Control', 'no-store').json(answer.body);
  };
}

export const authenticationOptions: JsonStepHandler = async (step, deps) => {
  const { tenant } = step.entry;
  const pending = pendingLoginOf(step);
  if (!pending && !resolveTenantSettings(tenant.settings).passwordless.passkeys) {
    return failure(step, 'error.passkeyFailed', 403);
  }
  const options = await deps.mfa.passkeys.authenticationOptions(tenant, pending?.accountId);
  return { status: 200, body: { options } };
};

export const verifyAuthentication: JsonStepHandler = async (step, deps) => {
  const response = step.req.body?.response as AuthenticationResponseJSON | undefined;
  if (!isCredential(response)) return failure(step, 'error.passkeyFailed');
  const pending = pendingLoginOf(step);
  const login = await deps.mfa.passkeys
    .verifyAuthentication(step.entry.tenant, response, pending?.accountId, requestMeta(step))
    .catch(refusedResponse);
  if (!login.ok) {
    step.req.log.info({ tenantId: step.entry.tenant.id, reason: login.reason }, 'passkey assertion refused');
    return failure(step, 'error.passkeyFailed');
  }
  const outcome: PasskeyOutcome = {
    kind: 'authenticated',
    userId: login.userId,
    userVerified: login.userVerified,
    at: Math.floor(Date.now() / 1000),
    provedAt: step.startedAt,
  };
  await remember(step, { [OUTCOME_KEY]: outcome });
  return continueAnswer(step);
};

export const registrationOptions: JsonStepHandler = async (step, deps) => {
  const user = await offeredUser(step, deps);
  if (!user) return failure(step, 'error.passkeyRegistrationFailed', 403);
  try {
    const options = await deps.mfa.passkeys.registrationOptions(step.entry.tenant, user);
    return { status: 200, body: { options } };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return failure(step, 'error.passkeyRegistrationFailed', error.status);
  }
};

export const verifyRegistration: JsonStepHandler = async (step, deps) => {
  const user = await offeredUser(step, deps);
  if (!user) return failure(step, 'error.passkeyRegistrationFailed', 403);
  const response = step.req.body?.response as RegistrationResponseJSON | undefined;
  if (!isCredential(response)) return failure(step, 'error.passkeyRegistrationFailed');
  try {
    await deps.mfa.passkeys.verifyRegistration(step.entry.tenant, user, response, {
      origin: requestMeta(step),
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    step.req.log.info({ tenantId: step.entry.tenant.id, code: error.code }, 'passkey registration refused');
    return failure(step, 'error.passkeyRegistrationFailed', error.status);
  }
  const pending = pendingLoginOf(step)!;
  await remember(step, {
    [OUTCOME_KEY]: { kind: 'registered' } satisfies PasskeyOutcome,
    pendingLogin: { ...pending, enrolledThisLogin: [...(pending.enrolledThisLogin ?? []), 'webauthn'] },
  });
  return continueAnswer(step);
};

/** GET …/passkey/continue: the verified ceremony (used once) goes on through the login pipeline. */
export async function continueAfterPasskey(step: Step, deps: InteractionDeps): Promise<void> {
  const outcome = step.details.result?.[OUTCOME_KEY] as PasskeyOutcome | null | undefined;
  if (outcome) await remember(step, { [OUTCOME_KEY]: null });
  if (outcome?.kind === 'authenticated') {
    const { userId, userVerified, at, provedAt } = outcome;
    return completeAuthentication(step, deps, userId, { method: 'passkey', userVerified, at }, provedAt);
  }
  if (outcome?.kind === 'registered') return finishPasskeyOffer(step, deps);
  const pending = pendingLoginOf(step);
  return pending ? continueLogin(step, deps, pending) : showPrompt(step, deps);
}

/**
 * The user who may add a passkey now: only while the offer is shown, i.e. after the login met its MFA
 * policy (a password alone must not be enough to add a second factor), and before "Not now".
 */
async function offeredUser(step: Step, deps: InteractionDeps): Promise<User | undefined> {
  const pending = pendingLoginOf(step);
  if (!pending || pending.passkeyOfferDone) return undefined;
  if (step.details.result?.[PASSKEY_OFFER_KEY] !== pending.accountId) return undefined;
  const user = await deps.dataSource.manager.findOneBy(User, {
    tenantId: step.entry.tenant.id,
    id: pending.accountId,
  });
  return user?.status === 'active' ? user : undefined;
}

function isCredential(value: unknown): value is { id: string; response: Record<string, unknown> } {
  const candidate = value as { id?: unknown; response?: unknown } | null | undefined;
  return (
    typeof candidate?.id === 'string' && typeof candidate.response === 'object' && candidate.response !== null
  );
}

/** A malformed response (`passkey_invalid_response`) is refused like a wrong one. */
function refusedResponse(error: unknown): { ok: false; reason: 'verification_failed' } {
  if (!isAppError(error)) throw error;
  return { ok: false, reason: 'verification_failed' };
}
