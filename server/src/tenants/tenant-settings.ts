import { z } from 'zod';
import { MFA_POLICIES, SECOND_FACTOR_KINDS } from '../mfa/factors.js';

/**
 * Tenant settings (ARCHITECTURE.md "Tenants"; kickstart `tenants[].settings`). A tenant row stores only
 * what an admin set; `resolveTenantSettings` fills every default, so changing a default here changes it
 * for every tenant that did not choose otherwise. Durations are in seconds. Every key is documented in
 * README.md "Tenant settings".
 */
const seconds = z.number().int().positive();

export const tenantSettingsSchema = z.strictObject({
  registration: z
    .strictObject({ enabled: z.boolean().default(true), requireVerifiedEmail: z.boolean().default(false) })
    .prefault({}),
  mfa: z
    .strictObject({
      policy: z.enum(MFA_POLICIES).default('optional'),
      allowedFactors: z
        .array(z.enum(SECOND_FACTOR_KINDS))
        .min(1)
        .default(['totp', 'webauthn', 'recovery_code', 'email_otp']),
      /** TOTP codes accepted this many 30-second steps before and after now (ARCHITECTURE: ±1). */
      totpWindow: z.number().int().min(0).max(3).default(1),
      rememberDevice: z.boolean().default(true),
      /** Risk score (0–100) above which a login steps up to a second factor. */
      riskThreshold: z.number().int().min(0).max(100).default(50),
      /** How far back the risk engine looks for the user's networks (days). */
      riskNetworkDays: z.number().int().min(1).max(365).default(90),
    })
    .prefault({}),
  passwordless: z
    .strictObject({
      passkeys: z.boolean().default(true),
      magicLink: z.boolean().default(true),
      emailOtp: z.boolean().default(true),
      smsOtp: z.boolean().default(false),
    })
    .prefault({}),
  passwords: z
    .strictObject({
      hash: z.enum(['argon2id', 'bcrypt']).default('argon2id'),
      argon2: z
        .strictObject({
          memoryCost: z.number().int().min(8192).default(19456),
          timeCost: z.number().int().min(1).default(2),
          parallelism: z.number().int().min(1).max(16).default(1),
        })
        .prefault({}),
      bcryptCost: z.number().int().min(10).max(16).default(12),
      minLength: z.number().int().min(8).max(64).default(8),
      /** The minimum when a password may be the only factor (tenant MFA not required): NIST asks 15. */
      singleFactorMinLength: z.number().int().min(8).max(64).default(15),
    })
    .prefault({}),
  lockout: z
    .strictObject({
      maxFailures: z.number().int().min(1).max(100).default(10),
      baseSeconds: seconds.default(60),
      maxSeconds: seconds.default(3600),
    })
    .prefault({}),
  lifetimes: z
    .strictObject({
      accessToken: seconds.default(600),
      idToken: seconds.default(3600),
      refreshTokenAbsolute: seconds.default(30 * 86400),
      refreshTokenIdle: seconds.default(14 * 86400),
      session: seconds.default(14 * 86400),
      sessionIdle: seconds.default(3 * 86400),
      rememberedDevice: seconds.default(30 * 86400),
      clockTolerance: z.number().int().min(0).max(300).default(30),
    })
    .prefault({}),
  branding: z
    .strictObject({
      displayName: z.string().max(100).optional(),
      logoUrl: z.url({ protocol: /^https?$/ }).optional(),
      primaryColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/)
        .default('#3b5bdb'),
      backgroundColor: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/)
        .default('#f8f9fa'),
      customCss: z.string().max(20_000).optional(),
    })
    .prefault({}),
  locales: z
    .strictObject({
      supported: z
        .array(z.enum(['en', 'de', 'fr', 'es', 'pt-BR']))
        .min(1)
        .default(['en', 'de', 'fr', 'es', 'pt-BR']),
      default: z.enum(['en', 'de', 'fr', 'es', 'pt-BR']).default('en'),
    })
    .prefault({}),
  messaging: z
    .strictObject({
      email: z
        .strictObject({
          /** The From of the tenant's mail (`Name <address>`); unset: SMTP_FROM. */
          from: z
            .string()
            .max(320)
            .regex(
              /^([^\r\n<>"]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
              'must be "Name <address>" or an address',
            )
            .optional(),
        })
        .prefault({}),
      sms: z
        .strictObject({
          /** Limits against SMS pumping; each counts the SMS accepted in the window. */
          perNumberPerHour: z.number().int().min(1).max(1000).default(5),
          perIpPerHour: z.number().int().min(1).max(10_000).default(20),
          perTenantPerDay: z.number().int().min(1).max(10_000_000).default(1000),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type TenantSettings = z.output<typeof tenantSettingsSchema>;
/** What a tenant row holds: any subset of the settings, nested objects partial. */
export type TenantSettingsInput = z.input<typeof tenantSettingsSchema>;

// Parsed settings per stored object: a tenant row loaded once (provider cache) is parsed once, not on
// every hosted page and login (zod showed in login profiles). Rows are never mutated in place — updates
// assign a new object (mergeTenantSettings) — so a cached result cannot go stale; it is frozen so that no
// caller can change what another one reads.
const resolved = new WeakMap<object, TenantSettings>();

export function resolveTenantSettings(stored: TenantSettingsInput): TenantSettings {
  const cached = resolved.get(stored);
  if (cached !== undefined) return cached;
  const settings = deepFreeze(tenantSettingsSchema.parse(stored));
  if (typeof stored === 'object' && stored !== null) resolved.set(stored, settings);
  return settings;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Deep-merges a declared subset onto what a tenant already holds (kickstart converge, GraphQL updates). */
export function mergeTenantSettings(
  current: TenantSettingsInput,
  declared: TenantSettingsInput,
): TenantSettingsInput {
  return deepMerge(
    current as Record<string, unknown>,
    declared as Record<string, unknown>,
  ) as TenantSettingsInput;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const previous = out[key];
    out[key] = isPlainObject(value) && isPlainObject(previous) ? deepMerge(previous, value) : value;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
