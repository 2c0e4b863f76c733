import type { DataSource } from 'typeorm';
import type { ApiKeysService } from '../apikeys/apikeys.service.js';
import type { SigningKeysService } from '../oidc/signing-keys.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { GraphqlErrors } from './graphql.errors.js';
import { apiKeyPermissions, type Principal, userPermissions } from './principal.js';

export interface PrincipalDeps {
  publicUrl: string;
  dataSource: DataSource;
  tenants: TenantsService;
  users: UsersService;
  apiKeys: ApiKeysService;
  signingKeys: SigningKeysService;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who a GraphQL request comes from, read from `Authorization: Bearer …` and nothing else (no cookies,
 * no query parameters): an API key (`pk_…`) or a JWT access token of a tenant's user. No header is an
 * anonymous request (every field then refuses it); a header that does not authenticate is an error.
 */
export class PrincipalResolver {
  private readonly tokens: AccessTokenVerifier;

  constructor(private readonly deps: PrincipalDeps) {
    this.tokens = new AccessTokenVerifier(deps);
  }

  async resolve(authorization: string | undefined): Promise<Principal | undefined> {
    if (authorization === undefined || authorization === '') return undefined;
    const credential = BEARER.exec(authorization)?.[1];
    if (credential === undefined) throw GraphqlErrors.invalidCredentials();
    const principal = credential.startsWith('pk_')
      ? await this.fromApiKey(credential)
      : await this.fromAccessToken(credential);
    if (!principal) throw GraphqlErrors.invalidCredentials();
    return principal;
  }

  /** An API key that is stored, not revoked, not expired, of an active tenant; its use is recorded. */
  private async fromApiKey(key: string): Promise<Principal | undefined> {
    const manager = this.deps.dataSource.manager;
    const apiKey = await this.deps.apiKeys.findByKey(manager, key);
    const now = new Date();
    if (!apiKey || apiKey.revokedAt !== null) return undefined;
    if (apiKey.expiresAt !== null && apiKey.expiresAt.getTime() <= now.getTime()) return undefined;
    const tenant = await manager.findOneBy(Tenant, { id: apiKey.tenantId });
    if (tenant?.status !== 'active') return undefined;
    await this.deps.apiKeys.recordUse(manager, apiKey, now);
    return {
      kind: 'api_key',
      tenant,
      id: apiKey.id,
      permissions: apiKeyPermissions(tenant, apiKey.scopes),
    };
  }

  /** A verified access token of an active user; the user's tenant roles are read now, not from the token. */
  private async fromAccessToken(token: string): Promise<Principal | undefined> {
    const verified = await this.tokens.verify(token);
    if (!verified || !UUID.test(verified.payload.sub)) return undefined;
    const { tenant } = verified;
    const manager = this.deps.dataSource.manager;
    const user = await manager.findOneBy(User, { id: verified.payload.sub, tenantId: tenant.id });
    if (user?.status !== 'active') return undefined;
    const roles = await this.deps.users.tenantRoles(manager, user.id);
    const authTime = verified.payload.auth_time;
    return {
      kind: 'user',
      tenant,
      id: user.id,
      permissions: userPermissions(tenant, roles),
      ...(typeof authTime === 'number' ? { authTime } : {}),
    };
  }
}
