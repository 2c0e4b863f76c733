import type { EntityManager } from 'typeorm';
import type { CredentialsService } from '../credentials/credentials.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { Role, type RoleScope, UserRole } from './role.entity.js';
import { normalizeEmail, User, type UserStatus } from './user.entity.js';
import { UsersErrors } from './users.errors.js';

export interface NewUser {
  email: string;
  password?: string;
  emailVerified?: boolean;
  phone?: string;
  username?: string;
  status?: UserStatus;
  profile?: Record<string, unknown>;
  /** Stored beside a password that must be changed at first sign-in (a generated one-time password). */
  passwordMustChange?: boolean;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

export class UsersService {
  constructor(private readonly credentials: CredentialsService) {}

  async findByEmail(manager: EntityManager, tenantId: string, email: string): Promise<User | null> {
    return manager.findOneBy(User, { tenantId, emailNormalized: normalizeEmail(email) });
  }

  async create(manager: EntityManager, tenant: Tenant, input: NewUser): Promise<User> {
    const email = input.email.trim();
    if (!EMAIL_PATTERN.test(email) || email.length > 320) throw UsersErrors.invalidEmail();
    if (input.phone !== undefined && !E164_PATTERN.test(input.phone)) throw UsersErrors.invalidPhone();
    if (await this.findByEmail(manager, tenant.id, email)) throw UsersErrors.emailTaken();
    const user = await manager.save(
      manager.create(User, {
        tenantId: tenant.id,
        email,
        emailVerified: input.emailVerified ?? false,
        phone: input.phone ?? null,
        phoneVerified: false,
        username: input.username ?? null,
        status: input.status ?? 'active',
        profile: input.profile ?? {},
        loginCount: 0,
      }),
    );
    if (input.password !== undefined) {
      const data = input.passwordMustChange ? { mustChange: true } : {};
      await this.credentials.setPassword(manager, tenant, user.id, input.password, data);
    }
    return manager.findOneByOrFail(User, { id: user.id });
  }

  /** Finds or creates the tenant's role definitions by name. */
  async ensureRoles(
    manager: EntityManager,
    tenantId: string,
    scope: RoleScope,
    names: string[],
  ): Promise<Role[]> {
    const roles: Role[] = [];
    for (const name of [...new Set(names)]) {
      const existing = await manager.findOneBy(Role, { tenantId, scope, name });
      roles.push(
        existing ?? (await manager.save(manager.create(Role, { tenantId, scope, name, permissions: [] }))),
      );
    }
    return roles;
  }

  async tenantRoleNames(manager: EntityManager, userId: string): Promise<string[]> {
    const rows = await manager
      .createQueryBuilder(UserRole, 'ur')
      .innerJoin(Role, 'r', 'r.id = ur.role_id')
      .where('ur.user_id = :userId', { userId })
      .select('r.name', 'name')
      .orderBy('r.name')
      .getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }

  /** Makes the user's tenant roles exactly `names`; returns whether anything changed. */
  async setTenantRoles(manager: EntityManager, user: User, names: string[]): Promise<boolean> {
    const current = await this.tenantRoleNames(manager, user.id);
    const wanted = [...new Set(names)].sort();
    if (current.join(',') === wanted.join(',')) return false;
    await manager.delete(UserRole, { userId: user.id });
    const roles = await this.ensureRoles(manager, user.tenantId, 'tenant', wanted);
    for (const role of roles)
      await manager.insert(UserRole, { tenantId: user.tenantId, userId: user.id, roleId: role.id });
    return true;
  }
}
