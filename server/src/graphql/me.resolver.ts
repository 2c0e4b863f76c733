import 'reflect-metadata';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { User } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import { UpdateMeInput, UserType } from './user.types.js';
import { UserAdmin } from './user-admin.js';

/** The self-service API of a user's own access token. */
@Resolver(() => UserType)
export class MeResolver {
  private readonly admin: UserAdmin;

  constructor(deps: GraphqlDeps) {
    this.admin = new UserAdmin(deps);
  }

  @Authorized<Permission>('self')
  @Query(() => UserType, { description: 'The user of the access token.' })
  async me(@Ctx() ctx: GraphqlContext): Promise<User> {
    const user = await loadersOf(ctx).userById.load(principalOf(ctx).id);
    if (!user) throw UsersErrors.userNotFound();
    return user;
  }

  @Authorized<Permission>('self')
  @Mutation(() => UserType, { description: "Changes one's own profile attributes." })
  async updateMe(
    @Arg('input', () => UpdateMeInput) input: UpdateMeInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<User> {
    return this.admin.update(ctx, principalOf(ctx).id, { profile: input.profile }, 'user.profile_updated');
  }
}
