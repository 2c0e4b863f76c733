import 'reflect-metadata';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { MfaErrors } from '../mfa/mfa.errors.js';
import type { User } from '../users/user.entity.js';
import { type GraphqlContext, principalOf } from './context.js';
import { MfaFactorsType, PasskeyType, ResetFactorsPayload } from './factor.types.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { actorOf, type Permission, type Principal } from './principal.js';
import { UserType } from './user.types.js';
import { userOfTenant } from './user-sessions.js';

/**
 * Second factors through the API (issue 6 §4): a user lists, removes (after a recent sign-in) and
 * renames their own (`me { factors }`, `removeMyFactor`, `renameMyPasskey`); administrators read them
 * and reset them all (`resetUserFactors`, audited, remembered devices forgotten).
 */
@Resolver(() => UserType)
export class FactorsResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read', 'self')
  @FieldResolver(() => MfaFactorsType, {
    description: 'Authenticator app, passkeys and recovery codes left.',
  })
  factors(@Root() user: User): Promise<MfaFactorsType> {
    return this.deps.factors.list(this.deps.dataSource.manager, user.tenantId, user.id);
  }

  @Authorized<Permission>('self', 'users:write')
  @Mutation(() => MfaFactorsType, {
    description: "Removes one of one's own authenticator apps or passkeys; needs a sign-in within 5 minutes.",
  })
  async removeMyFactor(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<MfaFactorsType> {
    const principal = ownUser(ctx);
    const change = { actor: actorOf(principal), authTime: principal.authTime, origin: ctx.request };
    await this.deps.factors.remove(principal.tenant, principal.id, id, change);
    return this.deps.factors.list(this.deps.dataSource.manager, principal.tenant.id, principal.id);
  }

  @Authorized<Permission>('self', 'users:write')
  @Mutation(() => PasskeyType, { description: "Renames one of one's own passkeys." })
  renameMyPasskey(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<PasskeyType> {
    const principal = ownUser(ctx);
    const change = { actor: actorOf(principal), origin: ctx.request };
    return this.deps.factors.renamePasskey(principal.tenant, principal.id, id, name, change);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ResetFactorsPayload, {
    description: 'Removes every second factor and recovery code of the user and forgets remembered devices.',
  })
  resetUserFactors(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ResetFactorsPayload> {
    const principal = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const user = await userOfTenant(manager, principal.tenant, userId);
      return this.deps.factors.reset(manager, principal.tenant, user.id, {
        actor: actorOf(principal),
        origin: ctx.request,
      });
    });
  }
}

/** The signed-in user; an API key has no factors of its own, so none of "its" factors exists. */
function ownUser(ctx: GraphqlContext): Principal {
  const principal = principalOf(ctx);
  if (principal.kind !== 'user') throw MfaErrors.factorNotFound();
  return principal;
}
