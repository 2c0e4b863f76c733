import 'reflect-metadata';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { EntityManager } from 'typeorm';
import { ConsentErrors } from '../consent/consent.errors.js';
import type { ConsentState, DecisionContext } from '../consent/consent.service.js';
import type { User } from '../users/user.entity.js';
import { UserConsentType } from './consent.types.js';
import { type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { RequestLoader } from './loaders.js';
import type { Permission } from './principal.js';
import { UserType } from './user.types.js';

/**
 * Users' consents: `me { consents }` for the user, `user(id) { consents }` for administrators, and
 * the self-service grant and withdrawal (receipts with source `api`).
 */
@Resolver(() => UserType)
export class MyConsentsResolver {
  /** Per request: `users { edges { node { consents } } }` is one query. */
  private readonly consentStates = new RequestLoader<ConsentState[]>(async (tenant, userIds) => {
    const byUser = await this.deps.consent.statesFor(this.deps.dataSource.manager, tenant.id, userIds);
    return userIds.map((id) => byUser.get(id) ?? []);
  });

  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read', 'self')
  @FieldResolver(() => [UserConsentType], {
    description: 'Where the user stands with every current policy: latest decision, version, time.',
  })
  async consents(@Root() user: User, @Ctx() ctx: GraphqlContext): Promise<ConsentState[]> {
    return this.consentStates.of(ctx, principalOf(ctx).tenant).load(user.id);
  }

  @Authorized<Permission>('self')
  @Mutation(() => UserConsentType, {
    description:
      'Grants the current version of a policy (`version`, if given, must be it); writes a receipt.',
  })
  async grantMyConsent(
    @Arg('key', () => String) key: string,
    @Arg('version', () => Int, { nullable: true }) version: number | null,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConsentState> {
    return this.decide(ctx, key, (manager, context) =>
      this.deps.consent.grant(manager, key, context, version ?? undefined),
    );
  }

  @Authorized<Permission>('self')
  @Mutation(() => UserConsentType, {
    description:
      'Withdraws consent to a policy; writes a receipt. A required one is asked again at next login.',
  })
  async withdrawMyConsent(
    @Arg('key', () => String) key: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConsentState> {
    return this.decide(ctx, key, (manager, context) => this.deps.consent.withdraw(manager, key, context));
  }

  private async decide(
    ctx: GraphqlContext,
    key: string,
    write: (manager: EntityManager, context: DecisionContext) => Promise<unknown>,
  ): Promise<ConsentState> {
    const principal = principalOf(ctx);
    const context: DecisionContext = {
      tenantId: principal.tenant.id,
      userId: principal.id,
      source: 'api',
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent,
    };
    return this.deps.dataSource.transaction(async (manager) => {
      await write(manager, context);
      const states = await this.deps.consent.stateFor(manager, context.tenantId, context.userId);
      const state = states.find((s) => s.policy.key === key);
      if (!state) throw ConsentErrors.policyNotFound();
      return state;
    });
  }
}
