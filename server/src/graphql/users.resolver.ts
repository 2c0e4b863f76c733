import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Organization } from '../organizations/organization.entity.js';
import { CommonErrors } from '../shared/errors.js';
import type { User } from '../users/user.entity.js';
import { searchUsers } from '../users/user-search.js';
import { type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { isUuid, type LinkedIdentity } from './loaders.js';
import { OrganizationType } from './organization.types.js';
import type { Permission } from './principal.js';
import { type ConnectionOf, connectionOf, decodeAfter, microsOf, PageArgs, pageSizeOf } from './relay.js';
import { LinkedIdentityType, UserConnection, UsersFilter, UserType } from './user.types.js';

const MAX_QUERY_LENGTH = 200;

/** Reading users: the `users` connection, `user(id)`, and the User fields that need their own queries. */
@Resolver(() => UserType)
export class UsersResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read')
  @Query(() => UserConnection, {
    description: "The tenant's users, oldest first; `query` searches email, name and phone.",
  })
  async users(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('query', () => String, { nullable: true }) query: string | null | undefined,
    @Arg('filter', () => UsersFilter, { nullable: true }) filter: UsersFilter | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<User>> {
    const { tenant } = principalOf(ctx);
    if (query && query.length > MAX_QUERY_LENGTH) {
      throw CommonErrors.invalidInput(`A search is at most ${MAX_QUERY_LENGTH} characters.`, {
        fields: { query: `must be at most ${MAX_QUERY_LENGTH} characters` },
      });
    }
    const after = decodeAfter('users', page.after);
    const first = pageSizeOf(page);
    // An id that is no UUID names no organization: no members, and nothing reaches SQL.
    if (filter?.organizationId != null && !isUuid(filter.organizationId)) {
      return connectionOf('users', [], first);
    }
    const { users, hasNextPage } = await searchUsers(this.deps.dataSource.manager, tenant.id, {
      query: query ?? undefined,
      filter: {
        status: filter?.status ?? undefined,
        organizationId: filter?.organizationId?.toLowerCase() ?? undefined,
        createdAfter: filter?.createdAfter ?? undefined,
        createdBefore: filter?.createdBefore ?? undefined,
      },
      first,
      after: after && { createdAt: new Date(Number(after.micros / 1000n)), id: after.id },
    });
    const rows = users.map((node) => ({ node, position: { micros: microsOf(node.createdAt), id: node.id } }));
    return connectionOf('users', rows, first, hasNextPage);
  }

  @Authorized<Permission>('users:read')
  @Query(() => UserType, { nullable: true, description: 'A user of the tenant, or null.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<User | null> {
    return loadersOf(ctx).userById.load(id);
  }

  @Authorized<Permission>('users:read', 'self')
  @FieldResolver(() => [String], { description: 'Tenant roles held (admin, viewer, …).' })
  async roles(@Root() user: User, @Ctx() ctx: GraphqlContext): Promise<string[]> {
    return loadersOf(ctx).tenantRoles.load(user.id);
  }

  @Authorized<Permission>('orgs:read', 'self')
  @FieldResolver(() => [OrganizationType], { description: 'Organizations the user is a member of, by name.' })
  async organizations(@Root() user: User, @Ctx() ctx: GraphqlContext): Promise<Organization[]> {
    return loadersOf(ctx).organizationsOfUser.load(user.id);
  }

  @Authorized<Permission>('users:read', 'self')
  @FieldResolver(() => [LinkedIdentityType], { description: 'Upstream accounts linked to the user.' })
  async identities(@Root() user: User, @Ctx() ctx: GraphqlContext): Promise<LinkedIdentity[]> {
    return loadersOf(ctx).identitiesOfUser.load(user.id);
  }
}
