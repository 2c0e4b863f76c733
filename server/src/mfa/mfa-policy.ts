import {
  ACR_MFA,
  ACR_PHR,
  acrFor,
  acrSatisfies,
  amrFor,
  type CompletedFactor,
  ENROLLABLE_FACTORS,
  isMultiFactor,
  knownAcrValues,
  type MfaPolicy,
  type SecondFactorKind,
} from './factors.js';

/** Everything the decision depends on; the service (mfa-policy.service.ts) gathers it per login. */
export interface LoginPolicyInput {
  /** Tenant `mfa.policy`, unless the application overrides it. */
  readonly tenantPolicy: MfaPolicy;
  readonly applicationPolicy?: MfaPolicy | undefined;
  /** Tenant `mfa.allowedFactors`. */
  readonly allowedFactors: readonly SecondFactorKind[];
  /** Second factors the user can answer now (enrolled TOTP/passkeys/codes, verified email/phone). */
  readonly available: readonly SecondFactorKind[];
  /** Factors completed in this login and in the session it continues. */
  readonly completed: readonly CompletedFactor[];
  /** The authorization request's `acr_values` (space-split) and `max_age`. */
  readonly acrValues?: readonly string[];
  readonly maxAge?: number | undefined;
  /** Epoch seconds. */
  readonly now: number;
  /** The browser presented a valid remembered-device cookie of this user. */
  readonly rememberedDevice: boolean;
  /** The risk engine asked for a step-up (risk.service.ts). */
  readonly riskStepUp: boolean;
  /** Passkeys may be added (tenant `passwordless.passkeys`, `webauthn` allowed). */
  readonly passkeysEnabled?: boolean;
  /** The user already has a passkey. */
  readonly hasPasskey?: boolean;
}

/** Why a second factor is asked: shown in logs and the login audit event. */
export type StepUpReason = 'policy_required' | 'enrolled' | 'acr_values' | 'risk';

/** What the login must still do. */
export type LoginRequirement =
  /** `max_age` passed (or nothing done yet): sign in again. */
  | { readonly kind: 'first_factor' }
  | {
      readonly kind: 'second_factor';
      readonly reasons: readonly StepUpReason[];
      /** The factors that may answer, in the order to offer them. */
      readonly choices: readonly SecondFactorKind[];
    }
  /** MFA is required but the user has no usable factor: set one up now. */
  | {
      readonly kind: 'enrollment';
      readonly reasons: readonly StepUpReason[];
      readonly choices: readonly SecondFactorKind[];
    }
  | {
      readonly kind: 'done';
      readonly amr: readonly string[];
      readonly acr: string | null;
      /** Step-ups that could not be met (no suitable factor): the claims tell the RP what was achieved. */
      readonly unmet: readonly StepUpReason[];
      /** A password login without a passkey: offer to add one ("Not now" allowed). */
      readonly offerPasskey: boolean;
    };

// Email and SMS codes (and magic links, recorded as email codes) are first factors when a tenant enables them.
const FIRST_FACTORS = new Set<CompletedFactor['method']>([
  'password',
  'passkey',
  'upstream',
  'email_otp',
  'sms_otp',
]);
const OFFER_ORDER: readonly SecondFactorKind[] = [
  'webauthn',
  'totp',
  'email_otp',
  'sms_otp',
  'recovery_code',
];

/**
 * The MFA / step-up decision of one login (issue 6 §2; SECURITY.md item 26), a pure function:
 * 1. factors older than `max_age` no longer count; without a first factor the user signs in again;
 * 2. a second factor is due when the policy is `required`, when it is `optional` and the user enrolled
 *    one (both skipped on a remembered device), when `acr_values` asks for more than was done, or when
 *    the risk engine steps up; policy `off` asks only for what `acr_values` requests;
 * 3. a due factor already done → done; one the user can answer → ask it; none → enrollment when MFA is
 *    required, else done with the step-up recorded as unmet.
 */
export function decideLogin(input: LoginPolicyInput): LoginRequirement {
  const fresh = freshFactors(input);
  if (!fresh.some((f) => FIRST_FACTORS.has(f.method))) return { kind: 'first_factor' };
  const policy = input.applicationPolicy ?? input.tenantPolicy;
  const usable = OFFER_ORDER.filter((k) => input.allowedFactors.includes(k) && input.available.includes(k));
  const wanted = wantedAcr(input.acrValues ?? [], usable);
  const reasons = stepUpReasons(input, policy, usable, fresh, wanted);
  if (reasons.length === 0) return done(input, fresh, []);
  const choices = wanted === ACR_PHR && reasons.includes('acr_values') ? ['webauthn' as const] : usable;
  if (choices.length > 0) return { kind: 'second_factor', reasons, choices };
  if (reasons.includes('policy_required')) {
    const enrollable = ENROLLABLE_FACTORS.filter((k) => input.allowedFactors.includes(k));
    return { kind: 'enrollment', reasons, choices: enrollable };
  }
  return done(input, fresh, reasons);
}

function freshFactors(input: LoginPolicyInput): CompletedFactor[] {
  const { maxAge, now } = input;
  if (maxAge === undefined) return [...input.completed];
  return input.completed.filter((f) => now - f.at <= maxAge);
}

/** The strongest known `acr_values` entry the user can reach: `phr` needs a passkey, else `mfa`. */
function wantedAcr(requested: readonly string[], usable: readonly SecondFactorKind[]): string | null {
  const [strongest] = knownAcrValues(requested);
  if (strongest === ACR_PHR && !usable.includes('webauthn')) return ACR_MFA;
  return strongest ?? null;
}

/** The step-ups still due: those that the factors done so far do not already meet. */
function stepUpReasons(
  input: LoginPolicyInput,
  policy: MfaPolicy,
  usable: readonly SecondFactorKind[],
  fresh: readonly CompletedFactor[],
  wanted: string | null,
): StepUpReason[] {
  const reasons: StepUpReason[] = [];
  if (!isMultiFactor(fresh)) {
    if (!input.rememberedDevice && policy === 'required') reasons.push('policy_required');
    // Enrolled means an app or passkey the user set up; a verified email alone is not an enrollment.
    const enrolled = usable.some((kind) => ENROLLABLE_FACTORS.includes(kind));
    if (!input.rememberedDevice && policy === 'optional' && enrolled) reasons.push('enrolled');
  }
  if (wanted !== null && !acrSatisfies(acrFor(fresh), wanted)) reasons.push('acr_values');
  if (input.riskStepUp && policy !== 'off' && !isMultiFactor(fresh)) reasons.push('risk');
  return reasons;
}

function done(
  input: LoginPolicyInput,
  fresh: readonly CompletedFactor[],
  unmet: readonly StepUpReason[],
): LoginRequirement {
  const usedPassword = fresh.some((f) => f.method === 'password');
  const offerPasskey =
    usedPassword &&
    input.passkeysEnabled === true &&
    input.hasPasskey !== true &&
    input.allowedFactors.includes('webauthn');
  return { kind: 'done', amr: amrFor(fresh), acr: acrFor(fresh), unmet, offerPasskey };
}
