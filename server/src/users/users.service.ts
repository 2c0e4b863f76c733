import type { EntityManager } from 'typeorm';
import type { CredentialsService } from '../credentials/credentials.service.js';
import { StatementParams } from '../db/statement-params.js';
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

  /** The account a login identifier names (see `findUserByLoginIdentifier`). */
  findByLoginIdentifier(manager: EntityManager, tenantId: string, identifier: string): Promise<User | null> {
    return findUserByLoginIdentifier(manager, tenantId, identifier);
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

  /** The tenant roles a user holds, with the permissions of custom ones. */
  async tenantRoles(
    manager: EntityManager,
    userId: string,
  ): Promise<{ name: string; permissions: string[] }[]> {
    return manager
      .createQueryBuilder(UserRole, 'ur')
      .innerJoin(Role, 'r', 'r.id = ur.role_id')
      .where("ur.user_id = :userId AND r.scope = 'tenant'", { userId })
      .select('r.name', 'name')
      .addSelect('r.permissions', 'permissions')
      .orderBy('r.name')
      .getRawMany<{ name: string; permissions: string[] }>();
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

/** Changes to a user's own fields (GraphQL `updateUser`, `updateMe`); omitted fields stay as they are. */
export interface UserChanges {
  email?: string;
  emailVerified?: boolean;
  /** null removes the phone number. */
  phone?: string | null;
  phoneVerified?: boolean;
  /** null removes the username. */
  username?: string | null;
  /** Merged into the profile; a key set to null is removed. */
  profile?: Record<string, unknown>;
}

/**
 * Applies `changes` to `user`, validated as `UsersService.create` validates, and saves it in the
 * caller's transaction. A new email or phone is unverified unless the change says otherwise. Returns
 * the names of the fields that changed (none: nothing is written).
 */
export async function updateUserFields(
  manager: EntityManager,
  user: User,
  changes: UserChanges,
): Promise<string[]> {
  const changed = new Set<string>();
  const set = <K extends keyof User>(field: K, value: User[K]) => {
    if (user[field] === value) return;
    user[field] = value;
    changed.add(field);
  };
  if (changes.email !== undefined) {
    const email = changes.email.trim();
    if (!EMAIL_PATTERN.test(email) || email.length > 320) throw UsersErrors.invalidEmail();
    const holder = await manager.findOneBy(User, {
      tenantId: user.tenantId,
      emailNormalized: normalizeEmail(email),
    });
    if (holder && holder.id !== user.id) throw UsersErrors.emailTaken();
    if (email !== user.email) set('emailVerified', false);
    set('email', email);
  }
  if (changes.emailVerified !== undefined) set('emailVerified', changes.emailVerified);
  if (changes.phone !== undefined) {
    if (changes.phone !== null && !E164_PATTERN.test(changes.phone)) throw UsersErrors.invalidPhone();
    if (changes.phone !== user.phone) set('phoneVerified', false);
    set('phone', changes.phone);
  }
  if (changes.phoneVerified !== undefined) set('phoneVerified', changes.phoneVerified && user.phone !== null);
  if (changes.username !== undefined) set('username', changes.username);
  if (changes.profile !== undefined) {
    const profile = { ...user.profile };
    for (const [key, value] of Object.entries(changes.profile)) {
      if (value === null) delete profile[key];
      else profile[key] = value;
    }
    if (JSON.stringify(profile) !== JSON.stringify(user.profile)) set('profile', profile);
  }
  if (changed.size > 0) await manager.save(user);
  return [...changed];
}

/**
 * The account a login identifier names: an email when it has an "@", else a username, both folded by
 * PostgreSQL's lower() exactly as the unique indexes fold them (JavaScript's toLowerCase differs for some
 * non-ASCII letters), so every case variant finds one account and counts against one lockout.
 */
export function findUserByLoginIdentifier(
  manager: EntityManager,
  tenantId: string,
  identifier: string,
): Promise<User | null> {
  const params = new StatementParams();
  const statement = loginIdentifierLookup(params, tenantId, identifier);
  if (statement === null) return Promise.resolve(null);
  // A plain statement: this runs on every login, where TypeORM's query builder and hydration cost more
  // CPU than the query (docs/PERFORMANCE.md).
  return manager
    .query(statement, params.values)
    .then((rows: User[]) => (rows[0] ? Object.assign(new User(), rows[0]) : null));
}

/**
 * `findUserByLoginIdentifier` as a statement for the caller to build on (a CTE of a login that also
 * counts the attempt): every column of the account under its User property name, or null when the
 * identifier is empty.
 */
export function loginIdentifierLookup(
  params: StatementParams,
  tenantId: string,
  identifier: string,
): string | null {
  const trimmed = identifier.trim();
  if (trimmed === '') return null;
  const [tenant, value] = [params.add(tenantId), params.add(trimmed)];
  return trimmed.includes('@')
    ? `SELECT ${USER_COLUMNS} FROM users u WHERE u.tenant_id = ${tenant} AND u.email_normalized = lower(${value})`
    : `SELECT ${USER_COLUMNS} FROM users u WHERE u.tenant_id = ${tenant} AND lower(u.username) = lower(${value})`;
}

/** Every column of `users` under its User property name. */
const USER_COLUMNS = `u.id, u.tenant_id AS "tenantId", u.email, u.email_normalized AS "emailNormalized",
  u.email_verified AS "emailVerified", u.username, u.phone, u.phone_verified AS "phoneVerified", u.status,
  u.profile, u.login_count AS "loginCount", u.last_login_at AS "lastLoginAt", u.created_at AS "createdAt",
  u.updated_at AS "updatedAt"`;
