import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { SmsProvider } from '../messaging/messaging.entity.js';
import { MessagingErrors } from '../messaging/messaging.errors.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { lockInTenant } from './loaders.js';
import { CreateSmsProviderInput, SmsProviderType, UpdateSmsProviderInput } from './messaging.types.js';
import type { Permission } from './principal.js';

/** The tenant's SMS providers, in failover order. Secrets are write-only. */
@Resolver(() => SmsProviderType)
export class SmsProvidersResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('messaging:read')
  @Query(() => [SmsProviderType], { description: 'SMS providers in failover order (ascending priority).' })
  async smsProviders(@Ctx() ctx: GraphqlContext): Promise<SmsProviderType[]> {
    const { tenant } = principalOf(ctx);
    const providers = await this.deps.smsProviders.list(this.deps.dataSource.manager, tenant.id);
    return providers.map(toType);
  }

  @Authorized<Permission>('messaging:write')
  @Mutation(() => SmsProviderType, {
    description: 'Adds an SMS provider; its secret can never be read back.',
  })
  async createSmsProvider(
    @Arg('input', () => CreateSmsProviderInput) input: CreateSmsProviderInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SmsProviderType> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const provider = await this.deps.smsProviders.create(manager, tenant.id, input);
      await this.audit(manager, ctx, 'sms_provider.created', provider);
      return toType(provider);
    });
  }

  @Authorized<Permission>('messaging:write')
  @Mutation(() => SmsProviderType, {
    description: 'Changes the fields given; `secret` replaces the stored one.',
  })
  async updateSmsProvider(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSmsProviderInput) input: UpdateSmsProviderInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SmsProviderType> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const provider = await lockInTenant(manager, SmsProvider, tenant.id, id);
      if (!provider) throw MessagingErrors.providerNotFound();
      const updated = await this.deps.smsProviders.update(manager, provider, input);
      await this.audit(manager, ctx, 'sms_provider.updated', updated, {
        secretChanged: input.secret !== undefined,
      });
      return toType(updated);
    });
  }

  @Authorized<Permission>('messaging:write')
  @Mutation(() => SmsProviderType, { description: 'Removes an SMS provider; returns it as it was.' })
  async deleteSmsProvider(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SmsProviderType> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const provider = await lockInTenant(manager, SmsProvider, tenant.id, id);
      if (!provider) throw MessagingErrors.providerNotFound();
      const deleted = toType(provider);
      await manager.delete(SmsProvider, { id: provider.id, tenantId: tenant.id });
      await this.audit(manager, ctx, 'sms_provider.deleted', provider);
      return deleted;
    });
  }

  private audit(
    manager: Parameters<GraphqlDeps['audit']['record']>[0],
    ctx: GraphqlContext,
    action: string,
    provider: SmsProvider,
    extra: Record<string, unknown> = {},
  ): Promise<unknown> {
    const data = { name: provider.name, kind: provider.kind, priority: provider.priority, ...extra };
    return this.deps.audit.record(
      manager,
      auditEntry(ctx, action, { type: 'sms_provider', id: provider.id }, data),
    );
  }
}

function toType(provider: SmsProvider): SmsProviderType {
  return {
    id: provider.id,
    name: provider.name,
    kind: provider.kind,
    priority: provider.priority,
    enabled: provider.enabled,
    url: provider.config.url,
    from: provider.config.from,
    accountSid: provider.config.accountSid ?? null,
    createdAt: provider.createdAt,
    updatedAt: provider.updatedAt,
  };
}
