import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../apikeys/api-key.entity.js';
import { assertKnownScopes } from '../apikeys/apikeys.service.js';
import { ApiKeyType, CreateApiKeyInput, CreateApiKeyPayload } from './api-key.types.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { GraphqlErrors } from './graphql.errors.js';
import { lockInTenant } from './loaders.js';
import { apiKeyPermissions, type Permission, type Principal } from './principal.js';

/**
 * The tenant's API keys, for its administrators. The key is returned once by `createApiKey`; only its
 * prefix is readable afterwards (the hash never is).
 */
@Resolver(() => ApiKeyType)
export class ApiKeysResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('apikeys:admin')
  @Query(() => [ApiKeyType], { description: 'Every API key of the tenant, newest first.' })
  async apiKeys(@Ctx() ctx: GraphqlContext): Promise<ApiKey[]> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.manager.find(ApiKey, {
      where: { tenantId: tenant.id },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  @Authorized<Permission>('apikeys:admin')
  @Mutation(() => CreateApiKeyPayload, { description: 'Creates an API key; the key is in this answer only.' })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<CreateApiKeyPayload> {
    const principal = principalOf(ctx);
    assertKnownScopes(input.scopes);
    assertScopesHeld(principal, input.scopes);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw GraphqlErrors.expiryInPast();
    return this.deps.dataSource.transaction(async (manager) => {
      const { apiKey, key } = await this.deps.apiKeys.create(manager, principal.tenant.id, {
        name: input.name,
        scopes: input.scopes,
      });
      apiKey.expiresAt = input.expiresAt ?? null;
      apiKey.createdBy = principal.kind === 'user' ? principal.id : null;
      await manager.save(apiKey);
      const target = { type: 'api_key', id: apiKey.id };
      await this.deps.audit.record(
        manager,
        auditEntry(ctx, 'api_key.created', target, { scopes: apiKey.scopes }),
      );
      return { apiKey, key };
    });
  }

  @Authorized<Permission>('apikeys:admin')
  @Mutation(() => ApiKeyType, {
    description: 'Revokes the key at once; it is kept, revoked, for the record.',
  })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<ApiKey> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const apiKey = await lockInTenant(manager, ApiKey, tenant.id, id);
      if (!apiKey) throw GraphqlErrors.apiKeyNotFound();
      apiKey.revokedAt ??= new Date();
      await manager.save(apiKey);
      await this.deps.audit.record(
        manager,
        auditEntry(ctx, 'api_key.revoked', { type: 'api_key', id: apiKey.id }),
      );
      return apiKey;
    });
  }
}

/**
 * SECURITY.md item 32: a principal grants only what it holds. Each scope's permissions in this tenant
 * must be the principal's own; a scope meaningless in this tenant (`tenants:write` outside `system`)
 * is refused too, rather than stored for later.
 */
function assertScopesHeld(principal: Principal, scopes: readonly string[]): void {
  const refused = scopes.filter((scope) => {
    const granted = apiKeyPermissions(principal.tenant, [scope]);
    return granted.size === 0 || [...granted].some((p) => !principal.permissions.has(p));
  });
  if (refused.length > 0) throw GraphqlErrors.scopeEscalation(refused);
}
