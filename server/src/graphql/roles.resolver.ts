import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { User } from '../users/user.entity.js';
import type { GraphqlContext } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import { CreateTenantRoleInput, TenantRoleType, UpdateTenantRoleInput } from './role.types.js';
import { RoleAdmin } from './role-admin.js';
import { UserType } from './user.types.js';

/** Tenant roles (ARCHITECTURE.md "Tenants, admins and sessions") and who holds them. */
@Resolver(() => TenantRoleType)
export class RolesResolver {
  private readonly admin: RoleAdmin;

  constructor(deps: GraphqlDeps) {
    this.admin = new RoleAdmin(deps);
  }

  @Authorized<Permission>('users:read')
  @Query(() => [TenantRoleType], { description: 'The built-in and custom tenant roles.' })
  async roles(@Ctx() ctx: GraphqlContext): Promise<TenantRoleType[]> {
    return this.admin.list(ctx);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => TenantRoleType, {
    description: 'A custom role; its permissions must all be held by the caller.',
  })
  async createRole(
    @Arg('input', () => CreateTenantRoleInput) input: CreateTenantRoleInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TenantRoleType> {
    return this.admin.create(ctx, input);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => TenantRoleType)
  async updateRole(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTenantRoleInput) input: UpdateTenantRoleInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<TenantRoleType> {
    return this.admin.update(ctx, id, input);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ID, { description: 'Deletes a custom role (its holders lose it); returns its id.' })
  async deleteRole(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<string> {
    return this.admin.delete(ctx, id);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => UserType, {
    description: "Replaces the user's tenant roles; the caller must hold every permission added or removed.",
  })
  async setUserRoles(
    @Arg('userId', () => ID) userId: string,
    @Arg('roles', () => [String]) roles: string[],
    @Ctx() ctx: GraphqlContext,
  ): Promise<User> {
    return this.admin.setUserRoles(ctx, userId, roles);
  }
}
