import { z } from 'zod';
import { API_KEY_PATTERN } from '../apikeys/api-key.js';
import { API_KEY_SCOPES } from '../apikeys/apikeys.service.js';
import { POLICY_KINDS } from '../consent/consent.entity.js';
import { POLICY_KEY_PATTERN } from '../consent/consent.service.js';
import { isLocale } from '../i18n/locales.js';
import { PROFILE_KEY_PATTERN } from '../profiles/profile-definitions.js';
import { PROFILE_FIELD_TYPES, PROFILE_REQUIREMENTS } from '../profiles/profile-field.entity.js';
import { type TenantSettingsInput, tenantSettingsSchema } from '../tenants/tenant-settings.js';
import { RESERVED_TENANT_SLUGS, TENANT_SLUG_PATTERN } from '../tenants/tenants.service.js';

/**
 * The kickstart file (ARCHITECTURE.md "Kickstart file"). Every object is strict, so an unknown key is
 * an error naming its path. No field has a default here: what the file does not declare is left as it
 * is in the database; defaults apply only when an entity is created.
 */
const slug = z.string().regex(TENANT_SLUG_PATTERN, 'a slug is lowercase letters, digits and dashes');
const email = z.email();
const password = z.string().min(8, 'passwords have at least 8 characters').max(1024);
const httpUrl = z.url({ protocol: /^https?$/ });
const origin = httpUrl.refine((v) => new URL(v).origin === v.replace(/\/$/, ''), 'an origin has no path');
const roleName = z.string().regex(/^[a-z0-9][a-z0-9_:.-]{0,62}$/, 'a role name is lowercase, e.g. admin');

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'device_code',
] as const;

const oidcApplication = z
  .strictObject({
    name: z.string().min(1).max(200),
    type: z.literal('oidc'),
    clientId: z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, 'a client id is 1–128 URL-safe characters'),
    clientSecret: z.string().min(16, 'client secrets have at least 16 characters').max(512).optional(),
    redirectUris: z.array(z.url()).optional(),
    postLogoutRedirectUris: z.array(z.url()).optional(),
    corsOrigins: z.array(origin).optional(),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).optional(),
    backchannelLogoutUri: httpUrl.optional(),
    tokenEndpointAuthMethod: z
      .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
      .optional(),
    jwksUri: httpUrl.optional(),
    jwks: z.strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
    firstParty: z.boolean().optional(),
  })
  .refine((app) => isConfidential(app) || !app.grantTypes?.includes('client_credentials'), {
    message: 'public clients (no clientSecret) may not use client_credentials',
    path: ['grantTypes'],
  })
  .refine(
    (app) =>
      app.tokenEndpointAuthMethod !== 'private_key_jwt' ||
      app.jwks !== undefined ||
      app.jwksUri !== undefined,
    {
      message: "private_key_jwt needs the client's public keys: jwks or jwksUri",
      path: ['tokenEndpointAuthMethod'],
    },
  )
  .refine((app) => app.tokenEndpointAuthMethod !== 'private_key_jwt' || app.clientSecret === undefined, {
    message: 'a private_key_jwt client has no clientSecret',
    path: ['clientSecret'],
  });

/** Confidential clients authenticate with a secret or a signed assertion; the others are public. */
function isConfidential(app: { clientSecret?: string; tokenEndpointAuthMethod?: string }): boolean {
  return app.clientSecret !== undefined || app.tokenEndpointAuthMethod === 'private_key_jwt';
}

const samlApplication = z.strictObject({
  name: z.string().min(1).max(200),
  type: z.literal('saml'),
  entityId: z.string().min(1).max(1024),
  acsUrl: httpUrl,
  firstParty: z.boolean().optional(),
});

const user = z.strictObject({
  email,
  password: password.optional(),
  emailVerified: z.boolean().optional(),
  phone: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, 'a phone number is in E.164 form, e.g. +4915112345678')
    .optional(),
  username: z.string().min(1).max(100).optional(),
  status: z.enum(['active', 'blocked']).optional(),
  roles: z.array(roleName).optional(),
  profile: z.record(z.string(), z.unknown()).optional(),
});

const organization = z.strictObject({
  slug,
  name: z.string().min(1).max(200),
  domains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z0-9-]+$/, 'a domain is lowercase, e.g. example.com'))
    .optional(),
  members: z.array(z.strictObject({ email, roles: z.array(roleName).optional() })).optional(),
});

/** Text per supported locale: `{ en: "Terms of service", de: "Nutzungsbedingungen" }`. */
const localized = z
  .record(z.string(), z.string().min(1).max(300))
  .refine((texts) => Object.keys(texts).every(isLocale), 'keys are supported locales: en, de, fr, es, pt-BR');

const consentPolicy = z.strictObject({
  key: z
    .string()
    .regex(POLICY_KEY_PATTERN, 'a policy key is lowercase letters, digits, dots, dashes, underscores'),
  kind: z.enum(POLICY_KINDS),
  required: z.boolean().optional(),
  title: localized.optional(),
  url: httpUrl.optional(),
});

const profileField = z.strictObject({
  key: z.string().regex(PROFILE_KEY_PATTERN, 'a field key is a letter then letters, digits or underscores'),
  type: z.enum(PROFILE_FIELD_TYPES),
  labels: localized.optional(),
  /** Checked against the field type by the profiles domain (profile-definitions.ts). */
  validation: z.record(z.string(), z.unknown()).optional(),
  requiredAt: z.enum(PROFILE_REQUIREMENTS).nullable().optional(),
  requiredAfterLogins: z.number().int().min(1).optional(),
  /** clientId (OIDC) or entityId (SAML) of an application of the tenant. */
  application: z.string().min(1).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});

/**
 * Settings are validated against the full schema but kept as declared (without the defaults the
 * schema fills in), so a tenant row holds only what someone chose.
 */
const declaredSettings = z.unknown().superRefine((value, ctx) => {
  const result = tenantSettingsSchema.safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        ctx.addIssue({ code: 'custom', message: 'unknown key', path: [...issue.path, key] });
    } else {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  }
}) as z.ZodType<TenantSettingsInput>;

const tenant = z.strictObject({
  slug: slug.refine((s) => !RESERVED_TENANT_SLUGS.has(s), 'this tenant slug is reserved'),
  name: z.string().min(1).max(200).optional(),
  settings: declaredSettings.optional(),
  apiKeys: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(100),
        key: z.string().regex(API_KEY_PATTERN, 'an API key matches ^pk_[A-Za-z0-9_]{32,}$').optional(),
        scopes: z.array(z.enum(API_KEY_SCOPES)).min(1),
      }),
    )
    .optional(),
  applications: z.array(z.discriminatedUnion('type', [oidcApplication, samlApplication])).optional(),
  users: z.array(user).optional(),
  organizations: z.array(organization).optional(),
  consentPolicies: z.array(consentPolicy).optional(),
  profileFields: z.array(profileField).optional(),
});

export const kickstartSchema = z.strictObject({
  admins: z.array(z.strictObject({ email, password })).optional(),
  tenants: z.array(tenant).optional(),
});

export type KickstartFile = z.output<typeof kickstartSchema>;
export type KickstartTenant = z.output<typeof tenant>;
export type KickstartUser = z.output<typeof user>;
export type KickstartOrganization = z.output<typeof organization>;
export type KickstartApplication = KickstartTenant['applications'] extends (infer A)[] | undefined
  ? A
  : never;
