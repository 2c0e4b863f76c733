import type { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { User } from '../users/user.entity.js';
/**
 * The vocabulary of multi-factor sign-in (issue 6), shared by the policy engine, the factor services
 * and the hosted pages. Email and SMS codes (one_time_tokens, built by the login pages) plug in as
 * second factors under the kinds `email_otp` and `sms_otp`.
 */
export const MFA_POLICIES = ['off', 'optional', 'required'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

/** What can be asked as a second factor (tenant setting `mfa.allowedFactors`). */
export const SECOND_FACTOR_KINDS = ['totp', 'webauthn', 'recovery_code', 'email_otp', 'sms_otp'] as const;
export type SecondFactorKind = (typeof SECOND_FACTOR_KINDS)[number];

/** Second factors a user sets up (recovery codes come with them; email/SMS ride on verified contacts). */
export const ENROLLABLE_FACTORS: readonly SecondFactorKind[] = ['totp', 'webauthn'];

/**
 * One authentication step completed in a login, with when (epoch seconds). `passkey` is a WebAuthn
 * assertion; `userVerified` says whether the authenticator verified the user (PIN, biometrics).
 */
export type CompletedFactor =
  | { readonly method: 'password'; readonly at: number }
  | { readonly method: 'passkey'; readonly userVerified: boolean; readonly at: number }
  | { readonly method: 'totp' | 'recovery_code' | 'email_otp' | 'sms_otp'; readonly at: number }
  | { readonly method: 'upstream'; readonly at: number; readonly amr?: readonly string[] };

export const ACR_MFA = 'urn:portico:acr:mfa';
/** Phishing-resistant: a passkey was used. */
export const ACR_PHR = 'urn:portico:acr:phr';
/** From weakest to strongest: a request for one is met by it or anything after it. */
const ACR_RANK = [ACR_MFA, ACR_PHR] as const;

/** Two different methods (password + TOTP, password + passkey, …) are two factors. */
const distinctMethods = (factors: readonly CompletedFactor[]) => new Set(factors.map((f) => f.method)).size;

/** RFC 8176 values of one factor (ARCHITECTURE.md "Hosted pages"). */
function amrOf(factor: CompletedFactor): string[] {
  switch (factor.method) {
    case 'password':
      return ['pwd'];
    case 'totp':
    case 'email_otp':
    case 'recovery_code': // a one-time password printed in advance
      return ['otp'];
    case 'sms_otp':
      return ['sms'];
    case 'passkey':
      return factor.userVerified ? ['hwk', 'user'] : ['hwk'];
    case 'upstream':
      return [...(factor.amr ?? [])];
  }
}

/**
 * Whether the factors make multi-factor authentication: two methods, or one passkey that verified the
 * user (a multi-factor cryptographic authenticator, NIST SP 800-63B).
 */
export function isMultiFactor(factors: readonly CompletedFactor[]): boolean {
  return distinctMethods(factors) >= 2 || factors.some(isVerifyingPasskey);
}

const isVerifyingPasskey = (f: CompletedFactor) => f.method === 'passkey' && f.userVerified;

/**
 * `amr` of a login: each factor's RFC 8176 values, plus `mfa` whenever two factors were used. A passkey
 * with user verification alone is `hwk` + `user` (one authenticator, no `mfa`), and earns `phr`.
 */
export function amrFor(factors: readonly CompletedFactor[]): string[] {
  const values = new Set(factors.flatMap(amrOf));
  if (distinctMethods(factors) >= 2) values.add('mfa');
  return [...values];
}

/**
 * `acr` of a login: `phr` when a passkey was used (with user verification, or with another factor),
 * `mfa` for two factors, else none (single factor: the claim is left out).
 */
export function acrFor(factors: readonly CompletedFactor[]): string | null {
  const passkey = factors.some((f) => f.method === 'passkey');
  if (passkey && isMultiFactor(factors)) return ACR_PHR;
  return isMultiFactor(factors) ? ACR_MFA : null;
}

/** Whether the achieved `acr` meets a requested one (a stronger one does; unknown values never do). */
export function acrSatisfies(achieved: string | null, requested: string): boolean {
  const want = ACR_RANK.indexOf(requested as (typeof ACR_RANK)[number]);
  const have = achieved === null ? -1 : ACR_RANK.indexOf(achieved as (typeof ACR_RANK)[number]);
  return want >= 0 && have >= want;
}

/** The `acr_values` this server knows, strongest first (others are ignored, as OIDC allows). */
export function knownAcrValues(requested: readonly string[]): string[] {
  return [...ACR_RANK].reverse().filter((acr) => requested.includes(acr));
}

/** Mails the user that a passkey or an authenticator app was added to their account. */
export type FactorAddedNotifier = (
  manager: EntityManager,
  tenant: Tenant,
  user: User,
  factor: 'passkey' | 'totp',
) => Promise<void>;
