import {
  createLocalJWKSet,
  decodeJwt,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { DataSource } from 'typeorm';
import { graphqlResource, issuerOf } from '../oidc/provider-factory.js';
import type { SigningKeysService } from '../oidc/signing-keys.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { TENANT_SLUG_PATTERN, type TenantsService } from '../tenants/tenants.service.js';

export interface VerifiedAccessToken {
  tenant: Tenant;
  payload: JWTPayload & { sub: string };
}

interface CachedJwks {
  getKey: JWTVerifyGetKey;
  loadedAt: number;
}

const ALGORITHMS = ['ES256', 'RS256'];
/** A tenant's JWKS is re-read after this long even without an unknown kid (a removed key stops verifying). */
const JWKS_MAX_AGE_MS = 5 * 60_000;
/** An unknown kid re-reads the JWKS at most this often per tenant, so forged kids cannot hammer the database. */
const JWKS_REFRESH_COOLDOWN_MS = 10_000;
const MAX_CACHED_TENANTS = 1_000;

/**
 * Verifies JWT access tokens that a tenant's OIDC provider issued for this API (ARCHITECTURE.md "Public
 * contract" → GraphQL; SECURITY.md item 14): the issuer names the tenant (`PUBLIC_URL/t/T`), the
 * signature must verify with that tenant's published keys, the audience must be `PUBLIC_URL/graphql`,
 * and exp/nbf hold within the tenant's clock tolerance. Returns undefined for anything else.
 */
export class AccessTokenVerifier {
  private readonly jwks = new Map<string, CachedJwks>();

  constructor(
    private readonly deps: {
      publicUrl: string;
      dataSource: DataSource;
      tenants: TenantsService;
      signingKeys: SigningKeysService;
    },
    private readonly refreshCooldownMs = JWKS_REFRESH_COOLDOWN_MS,
  ) {}

  async verify(token: string): Promise<VerifiedAccessToken | undefined> {
    const tenant = await this.tenantOf(token);
    if (!tenant) return undefined;
    const settings = resolveTenantSettings(tenant.settings);
    const options = {
      issuer: issuerOf(this.deps.publicUrl, tenant),
      audience: graphqlResource(this.deps.publicUrl),
      algorithms: ALGORITHMS,
      typ: 'at+jwt',
      clockTolerance: settings.lifetimes.clockTolerance,
      requiredClaims: ['sub', 'exp', 'iat'],
    };
    try {
      const { payload } = await this.verifyWithRefresh(token, tenant, options);
      // This API is the token's one audience (not one of several), and a sender-constrained (DPoP)
      // token is only good with a proof of its key, which this API does not take.
      if (payload.aud !== options.audience || payload.cnf !== undefined) return undefined;
      if (typeof payload.sub !== 'string') return undefined;
      return { tenant, payload: payload as JWTPayload & { sub: string } };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
  }

  /** The active tenant named by the (not yet verified) issuer, or undefined. */
  private async tenantOf(token: string): Promise<Tenant | undefined> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    const prefix = `${this.deps.publicUrl}/t/`;
    if (typeof issuer !== 'string' || !issuer.startsWith(prefix)) return undefined;
    const slug = issuer.slice(prefix.length);
    if (!TENANT_SLUG_PATTERN.test(slug)) return undefined;
    const tenant = await this.deps.tenants.findBySlug(this.deps.dataSource.manager, slug);
    return tenant?.status === 'active' ? tenant : undefined;
  }

  private async verifyWithRefresh(token: string, tenant: Tenant, options: Parameters<typeof jwtVerify>[2]) {
    const cached = await this.keysOf(tenant);
    try {
      return await jwtVerify(token, cached.getKey, options);
    } catch (error) {
      const unknownKid = error instanceof joseErrors.JWKSNoMatchingKey;
      if (!unknownKid || Date.now() - cached.loadedAt < this.refreshCooldownMs) throw error;
      return jwtVerify(token, (await this.load(tenant)).getKey, options);
    }
  }

  private async keysOf(tenant: Tenant): Promise<CachedJwks> {
    const cached = this.jwks.get(tenant.id);
    if (cached && Date.now() - cached.loadedAt < JWKS_MAX_AGE_MS) return cached;
    return this.load(tenant);
  }

  private async load(tenant: Tenant): Promise<CachedJwks> {
    const jwks = await this.deps.signingKeys.publicJwks(this.deps.dataSource.manager, tenant.id);
    const entry = {
      getKey: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]),
      loadedAt: Date.now(),
    };
    this.jwks.delete(tenant.id);
    if (this.jwks.size >= MAX_CACHED_TENANTS) {
      const oldest = this.jwks.keys().next().value;
      if (oldest !== undefined) this.jwks.delete(oldest);
    }
    this.jwks.set(tenant.id, entry);
    return entry;
  }
}
