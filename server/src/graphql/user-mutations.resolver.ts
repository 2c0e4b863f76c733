import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { User } from '../users/user.entity.js';
import type { GraphqlContext } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import { CreateUserInput, UpdateUserInput, UserType } from './user.types.js';
import { UserAdmin } from './user-admin.js';

/** Administration of users; every mutation writes an audit event in its transaction. */
@Resolver(() => UserType)
export class UserMutationsResolver {
  private readonly admin: UserAdmin;

  constructor(deps: GraphqlDeps) {
    this.admin = new UserAdmin(deps);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType, { description: 'Creates a user without a password: users choose their own.' })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<User> {
    return this.admin.create(ctx, input);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType)
  async updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<User> {
    return this.admin.update(ctx, id, input);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType, { description: 'Blocks sign-in and revokes every session, grant and token.' })
  async blockUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<User> {
    return this.admin.setStatus(ctx, id, 'blocked');
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType)
  async unblockUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<User> {
    return this.admin.setStatus(ctx, id, 'active');
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ID, { description: 'Deletes the user; returns its id. Audit events are kept.' })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<string> {
    return this.admin.delete(ctx, id);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType, {
    description:
      'Mails the user a password reset link (admins never choose passwords). Rate-limited per user.',
  })
  async sendPasswordReset(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<User> {
    return this.admin.sendPasswordReset(ctx, id);
  }
}
