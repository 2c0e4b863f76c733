import type { EntityManager } from 'typeorm';
import { Role } from '../users/role.entity.js';
import { User } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { RoleErrors } from './graphql.errors.js';
import { isUuid, lockInTenant } from './loaders.js';
import {
  BUILT_IN_TENANT_ROLES,
  GRANTABLE_PERMISSIONS,
  type HeldRole,
  type Permission,
  rolePermissions,
} from './principal.js';
import type { CreateTenantRoleInput, TenantRoleType, UpdateTenantRoleInput } from './role.types.js';

const isBuiltIn = (name: string) => (BUILT_IN_TENANT_ROLES as readonly string[]).includes(name);

/**
 * Tenant role administration: custom roles (a name and a set of the tenant's permissions) and which
 * users hold which roles. A principal never grants, takes away, defines or deletes a role carrying a
 * permission it does not hold itself (SECURITY.md item 32), so a `users:write` key cannot make anyone
 * an admin. Each change and its audit event share one transaction.
 */
export class RoleAdmin {
  constructor(private readonly deps: Pick<GraphqlDeps, 'dataSource' | 'users' | 'audit'>) {}

  async list(ctx: GraphqlContext): Promise<TenantRoleType[]> {
    const { tenant } = principalOf(ctx);
    const rows = await this.deps.dataSource.manager.find(Role, {
      where: { tenantId: tenant.id, scope: 'tenant' },
      order: { name: 'ASC' },
    });
    const custom = rows.filter((row) => !isBuiltIn(row.name)).map((row) => this.view(ctx, row));
    const builtIn = BUILT_IN_TENANT_ROLES.map((name) =>
      this.view(ctx, { id: null, name, description: null, permissions: [] }),
    );
    return [...builtIn, ...custom];
  }

  create(ctx: GraphqlContext, input: CreateTenantRoleInput): Promise<TenantRoleType> {
    const { tenant } = principalOf(ctx);
    if (isBuiltIn(input.name)) throw RoleErrors.builtIn(input.name);
    const permissions = this.checkPermissions(ctx, input.permissions);
    return this.deps.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Role, { tenantId: tenant.id, scope: 'tenant', name: input.name }))
        throw RoleErrors.taken();
      const role = await manager.save(
        manager.create(Role, {
          tenantId: tenant.id,
          scope: 'tenant',
          name: input.name,
          description: input.description ?? null,
          permissions,
        }),
      );
      await this.audit(manager, ctx, 'role.created', role, { permissions });
      return this.view(ctx, role);
    });
  }

  update(ctx: GraphqlContext, id: string, input: UpdateTenantRoleInput): Promise<TenantRoleType> {
    return this.deps.dataSource.transaction(async (manager) => {
      const role = await this.lockRole(manager, ctx, id);
      this.requireHeld(ctx, role.permissions);
      if (input.permissions) role.permissions = this.checkPermissions(ctx, input.permissions);
      if (input.description !== undefined) role.description = input.description;
      await manager.save(role);
      await this.audit(manager, ctx, 'role.updated', role, { permissions: role.permissions });
      return this.view(ctx, role);
    });
  }

  delete(ctx: GraphqlContext, id: string): Promise<string> {
    return this.deps.dataSource.transaction(async (manager) => {
      const role = await this.lockRole(manager, ctx, id);
      this.requireHeld(ctx, role.permissions);
      await manager.delete(Role, { id: role.id }); // user_roles cascade
      await this.audit(manager, ctx, 'role.deleted', role, {});
      return role.id;
    });
  }

  /** Makes the user's tenant roles exactly `names`; every role added or removed must be within the principal's. */
  setUserRoles(ctx: GraphqlContext, userId: string, names: string[]): Promise<User> {
    const { tenant } = principalOf(ctx);
    if (!isUuid(userId)) throw UsersErrors.userNotFound();
    return this.deps.dataSource.transaction(async (manager) => {
      const user = await manager
        .createQueryBuilder(User, 'u')
        .setLock('pessimistic_write')
        .where('u.id = :userId AND u.tenantId = :tenantId', { userId, tenantId: tenant.id })
        .getOne();
      if (!user) throw UsersErrors.userNotFound();
      const wanted = [...new Set(names)];
      const known = await this.rolesNamed(manager, tenant.id, wanted);
      const unknown = wanted.filter((name) => !isBuiltIn(name) && !known.has(name));
      if (unknown.length > 0) throw RoleErrors.notFound();
      const current = await this.deps.users.tenantRoles(manager, user.id);
      const added = wanted.filter((name) => !current.some((role) => role.name === name));
      const removed = current.filter((role) => !wanted.includes(role.name));
      for (const role of [...added.map((name) => known.get(name) ?? name), ...removed])
        this.requireHeld(ctx, [...rolePermissions(tenant, role)]);
      await this.deps.users.setTenantRoles(manager, user, wanted);
      await this.deps.audit.record(
        manager,
        auditEntry(ctx, 'user.roles_set', { type: 'user', id: user.id }, { roles: wanted.sort() }),
      );
      return user;
    });
  }

  private async rolesNamed(manager: EntityManager, tenantId: string, names: string[]) {
    if (names.length === 0) return new Map<string, HeldRole>();
    const rows = await manager
      .createQueryBuilder(Role, 'r')
      .where("r.tenantId = :tenantId AND r.scope = 'tenant' AND r.name IN (:...names)", { tenantId, names })
      .getMany();
    return new Map<string, HeldRole>(rows.map((row) => [row.name, row]));
  }

  /** A custom tenant role of the principal's tenant; built-in ones are not found here (they are not editable). */
  private async lockRole(manager: EntityManager, ctx: GraphqlContext, id: string): Promise<Role> {
    const role = isUuid(id) ? await lockInTenant(manager, Role, principalOf(ctx).tenant.id, id) : null;
    if (role?.scope !== 'tenant') throw RoleErrors.notFound();
    if (isBuiltIn(role.name)) throw RoleErrors.builtIn(role.name);
    return role;
  }

  /** Known permissions only, each held by the principal; sorted and without duplicates. */
  private checkPermissions(ctx: GraphqlContext, permissions: string[]): string[] {
    const unique = [...new Set(permissions)].sort();
    const unknown = unique.filter((p) => !(GRANTABLE_PERMISSIONS as readonly string[]).includes(p));
    if (unknown.length > 0) throw RoleErrors.unknownPermissions(unknown);
    this.requireHeld(ctx, unique);
    return unique;
  }

  private requireHeld(ctx: GraphqlContext, permissions: readonly string[]): void {
    const held = principalOf(ctx).permissions;
    const missing = permissions.filter((p) => !held.has(p as Permission));
    if (missing.length > 0) throw RoleErrors.escalation(missing);
  }

  private view(
    ctx: GraphqlContext,
    role: HeldRole & { id: string | null; description: string | null },
  ): TenantRoleType {
    const { tenant } = principalOf(ctx);
    return {
      id: isBuiltIn(role.name) ? null : role.id,
      name: role.name,
      description: role.description,
      permissions: [...rolePermissions(tenant, role)].sort(),
      builtIn: isBuiltIn(role.name),
    };
  }

  private audit(
    manager: EntityManager,
    ctx: GraphqlContext,
    action: string,
    role: Role,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.record(
      manager,
      auditEntry(ctx, action, { type: 'role', id: role.id }, { name: role.name, ...data }),
    );
  }
}
