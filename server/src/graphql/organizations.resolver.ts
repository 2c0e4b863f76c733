import 'reflect-metadata';
import { Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Organization } from '../organizations/organization.entity.js';
import type { User } from '../users/user.entity.js';
import { type GraphqlContext, loadersOf } from './context.js';
import { OrganizationType } from './organization.types.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  PageArgs,
  type Positioned,
  pageSizeOf,
} from './relay.js';
import { UserConnection } from './user.types.js';

/** Organization fields that need their own queries (batched per request). */
@Resolver(() => OrganizationType)
export class OrganizationsResolver {
  @Authorized<Permission>('users:read')
  @FieldResolver(() => UserConnection, { description: 'Members, in the order they joined.' })
  async members(
    @Root() organization: Organization,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<User>> {
    const loaders = loadersOf(ctx);
    const after = decodeAfter('members', page.after);
    const first = pageSizeOf(page);
    const refs = await loaders.membersOf(first, after).load(organization.id);
    const users = await loaders.userById.loadMany(refs.map((ref) => ref.userId));
    const rows: Positioned<User>[] = [];
    refs.forEach((ref, i) => {
      const user = users[i];
      if (user && !(user instanceof Error)) rows.push({ node: user, position: ref.position });
    });
    return connectionOf('members', rows, first, refs.length > first);
  }
}
