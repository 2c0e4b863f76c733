import type { SecondFactorKind } from '../mfa/factors.js';
import { passkeyScriptSrc } from '../passkeys/passkey-script.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { User } from '../users/user.entity.js';
import { completeAuthentication, continueLogin, pendingLoginOf } from './after-login.steps.js';
import { type InteractionDeps, remember, render, requestMeta, type Step } from './interaction-step.js';
import { showPrompt } from './login.steps.js';
import {
  passkeyOfferPage,
  recoveryCodesPage,
  type SecondFactorMethod,
  secondFactorPage,
  totpEnrollmentPage,
} from './views/index.js';

const PASSKEY_OFFER_QUIET_DAYS = 30;
export const passkeyOfferDeclinedCookie = (slug: string) => `portico_${slug}_pko`;

/** MFA state of the interaction beside the pending login: the method shown, codes sent. */
interface MfaState {
  choices: SecondFactorKind[];
  method: SecondFactorMethod;
  codeSent?: boolean;
}

const mfaStateOf = (step: Step) => step.details.result?.mfa as MfaState | undefined;

/** The second-factor page for `choices` (from the MFA policy), on the method chosen last, else the first. */
export async function showSecondFactor(
  step: Step,
  deps: InteractionDeps,
  _user: User,
  choices: readonly SecondFactorKind[],
  invalid = false,
): Promise<void> {
  const previous = mfaStateOf(step);
  const method =
    previous && choices.includes(previous.method) ? previous.method : (choices[0] as SecondFactorMethod);
  const state: MfaState = {
    choices: [...choices],
    method,
    codeSent: previous?.method === method && previous.codeSent,
  };
  await remember(step, { mfa: state });
  const settings = resolveTenantSettings(step.entry.tenant.settings);
  return render(
    step,
    deps,
    (ctx) =>
      secondFactorPage({
        ...ctx,
        action: `${step.base}/mfa`,
        method,
        others: choices.filter((choice) => choice !== method),
        codeSent: state.codeSent === true,
        rememberDevice: settings.mfa.rememberDevice,
        error: invalid ? 'error.codeInvalid' : undefined,
        scriptSources: passkeyScript(step, choices),
      }),
    invalid ? 400 : 200,
  );
}

/** The passkey ceremony's script, on pages that offer a passkey. */
function passkeyScript(step: Step, choices: readonly string[]): string[] {
  return choices.includes('webauthn') ? [passkeyScriptSrc(step.entry.tenant.slug)] : [];
}

async function pendingUser(step: Step, deps: InteractionDeps) {
  const pending = pendingLoginOf(step);
  const state = mfaStateOf(step);
  if (!pending || !state) return undefined;
  const user = await deps.dataSource.manager.findOneBy(User, {
    tenantId: step.entry.tenant.id,
    id: pending.accountId,
  });
  return user?.status === 'active' ? { pending, state, user } : undefined;
}

/** "Use another method": the same page on another of the allowed methods. */
export async function switchMethod(step: Step, deps: InteractionDeps): Promise<void> {
  const found = await pendingUser(step, deps);
  if (!found) return showPrompt(step, deps);
  const method = found.state.choices.find((choice) => choice === step.req.body.method) ?? found.state.method;
  await remember(step, { mfa: { ...found.state, method, codeSent: false } });
  return showSecondFactor(step, deps, found.user, found.state.choices);
}

/** Email/SMS as second factor: sends the code, then shows its form. */
export async function sendFactorCode(step: Step, deps: InteractionDeps): Promise<void> {
  const found = await pendingUser(step, deps);
  if (!found) return showPrompt(step, deps);
  const method = found.state.method;
  if (method !== 'email_otp' && method !== 'sms_otp')
    return showSecondFactor(step, deps, found.user, found.state.choices);
  await deps.passwordless.sendFactorCode(method, {
    tenant: step.entry.tenant,
    user: found.user,
    flowId: `${step.details.uid}:mfa`,
    locale: step.locale,
    ip: requestMeta(step).ip,
  });
  await remember(step, { mfa: { ...found.state, codeSent: true } });
  return showSecondFactor(step, deps, found.user, found.state.choices);
}

/** A code of the current method: TOTP, a recovery code, or an email/SMS code. */
export async function submitSecondFactor(step: Step, deps: InteractionDeps): Promise<void> {
  const found = await pendingUser(step, deps);
  if (!found) return showPrompt(step, deps);
  const { state, user } = found;
  const { tenant } = step.entry;
  const code = String(step.req.body.code ?? '');
  const meta = requestMeta(step);
  let ok = false;
  if (state.method === 'totp') ok = await deps.mfa.totp.verify(tenant, user.id, code, meta);
  else if (state.method === 'recovery_code')
    ok = await deps.mfa.recoveryCodes.redeem(tenant, user.id, code, meta);
  else if (state.method === 'email_otp' || state.method === 'sms_otp')
    ok = await deps.passwordless.checkFactorCode(state.method, {
      tenant,
      user,
      flowId: `${step.details.uid}:mfa`,
      code,
      ...meta,
    });
  if (!ok) return showSecondFactor(step, deps, user, state.choices, true);
  if (step.req.body.remember === 'yes')
    await remember(step, { pendingLogin: { ...found.pending, rememberDevice: true } });
  const method = state.method === 'webauthn' ? 'totp' : state.method;
  return completeAuthentication(step, deps, user.id, { method, at: Math.floor(Date.now() / 1000) });
}

/** MFA required, no factor yet: set up an authenticator app (passkeys are offered by their own page). */
export async function showEnrollment(
  step: Step,
  deps: InteractionDeps,
  user: User,
  _choices: readonly SecondFactorKind[],
  invalid = false,
): Promise<void> {
  const enrollment = await deps.mfa.totp.beginEnrollment(step.entry.tenant, user);
  await remember(step, { mfa: { choices: ['totp'], method: 'totp' } satisfies MfaState });
  return render(
    step,
    deps,
    (ctx) =>
      totpEnrollmentPage({
        ...ctx,
        action: `${step.base}/mfa/enroll`,
        qrDataUrl: enrollment.qrDataUrl,
        secret: enrollment.secret,
        error: invalid ? 'error.codeInvalid' : undefined,
      }),
    invalid ? 400 : 200,
  );
}

/** The first code from the new app confirms it; then the ten recovery codes are shown, once. */
export async function submitEnrollment(step: Step, deps: InteractionDeps): Promise<void> {
  const found = await pendingUser(step, deps);
  if (!found) return showPrompt(step, deps);
  const { tenant } = step.entry;
  const actor = { type: 'user' as const, id: found.user.id };
  try {
    await deps.mfa.totp.confirmEnrollment(
      tenant,
      found.user,
      String(step.req.body.code ?? ''),
      actor,
      requestMeta(step),
    );
  } catch {
    return showEnrollment(step, deps, found.user, ['totp'], true);
  }
  const codes = await deps.mfa.recoveryCodes.regenerate(tenant, found.user.id, actor, requestMeta(step));
  return render(step, deps, (ctx) =>
    recoveryCodesPage({ ...ctx, action: `${step.base}/mfa/enrolled`, codes }),
  );
}

/** After the recovery codes were seen: the new app's code counted as the second factor. */
export async function acknowledgeEnrollment(step: Step, deps: InteractionDeps): Promise<void> {
  const found = await pendingUser(step, deps);
  if (!found) return showPrompt(step, deps);
  return completeAuthentication(step, deps, found.user.id, {
    method: 'totp',
    at: Math.floor(Date.now() / 1000),
  });
}

/** Set on the interaction while the offer is shown: only then may a passkey be added (passkey.steps.ts). */
export const PASSKEY_OFFER_KEY = 'passkeyOfferFor';

export async function showPasskeyOffer(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (pending) await remember(step, { [PASSKEY_OFFER_KEY]: pending.accountId });
  return render(step, deps, (ctx) =>
    passkeyOfferPage({ ...ctx, base: step.base, scriptSources: passkeyScript(step, ['webauthn']) }),
  );
}

/** "Not now" on the passkey offer (and the end of the offer once a passkey was added). */
export async function finishPasskeyOffer(step: Step, deps: InteractionDeps): Promise<void> {
  const pending = pendingLoginOf(step);
  if (!pending) return showPrompt(step, deps);
  if (step.req.body?.action === 'skip') {
    // "Not now" holds for this browser a while: the offer should not nag at every sign-in.
    step.res.cookie(passkeyOfferDeclinedCookie(step.entry.tenant.slug), '1', {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.publicUrl.startsWith('https://'),
      path: `/t/${step.entry.tenant.slug}`,
      maxAge: PASSKEY_OFFER_QUIET_DAYS * 86_400_000,
    });
  }
  const done = { ...pending, passkeyOfferDone: true };
  await remember(step, { pendingLogin: done });
  return continueLogin(step, deps, done);
}
