import 'reflect-metadata';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { User } from '../users/user.entity.js';
import { type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { RequestLoader } from './loaders.js';
import type { Permission } from './principal.js';
import { RevokedSessionsPayload, SessionType } from './session.types.js';
import { UserType } from './user.types.js';
import { revokeSessions, sessionsOfUsers, userOfTenant } from './user-sessions.js';

/** Users' sign-in sessions: administrators see and end anyone's, a user its own (`me { sessions }`). */
@Resolver(() => UserType)
export class SessionsResolver {
  /** Per request: `users { edges { node { sessions } } }` is one query. */
  private readonly sessionsOf = new RequestLoader<SessionType[]>(async (tenant, userIds) => {
    const byUser = await sessionsOfUsers(this.deps.dataSource.manager, tenant, userIds);
    return userIds.map((id) => byUser.get(id.toLowerCase()) ?? []);
  });

  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read')
  @Query(() => [SessionType], { description: "The user's live sessions, oldest first." })
  async userSessions(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<SessionType[]> {
    const { tenant } = principalOf(ctx);
    const manager = this.deps.dataSource.manager;
    const user = await userOfTenant(manager, tenant, userId);
    return this.sessionsOf.of(ctx, tenant).load(user.id);
  }

  @Authorized<Permission>('users:read', 'self')
  @FieldResolver(() => [SessionType], { description: 'Live sessions, oldest first.' })
  async sessions(@Root() user: User, @Ctx() ctx: GraphqlContext): Promise<SessionType[]> {
    return this.sessionsOf.of(ctx, principalOf(ctx).tenant).load(user.id);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => RevokedSessionsPayload, {
    description: 'Ends every session of the user and revokes its grants and tokens (back-channel logout).',
  })
  async revokeUserSessions(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<RevokedSessionsPayload> {
    const { tenant } = principalOf(ctx);
    return revokeSessions(this.deps, ctx, tenant, userId, 'user.sessions_revoked');
  }

  @Authorized<Permission>('self')
  @Mutation(() => RevokedSessionsPayload, { description: "Ends every one of one's own sessions." })
  async revokeMySessions(@Ctx() ctx: GraphqlContext): Promise<RevokedSessionsPayload> {
    const principal = principalOf(ctx);
    return revokeSessions(this.deps, ctx, principal.tenant, principal.id, 'user.own_sessions_revoked');
  }
}
