import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { ApiKeysService } from '../apikeys/apikeys.service.js';
import { type AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import type { Config } from '../config/config.js';
import { DEFAULT_TENANT } from '../tenants/tenant.entity.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import { Role, UserRole } from '../users/role.entity.js';
import type { UsersService } from '../users/users.service.js';

export interface FirstRunDeps {
  dataSource: DataSource;
  tenants: TenantsService;
  users: UsersService;
  apiKeys: ApiKeysService;
  audit: AuditLog;
}

/** Credentials created by this start, to be printed once and never again. */
export interface FirstRunCredentials {
  adminEmail?: string;
  adminPassword?: string;
  apiKey?: string;
}

export const EMBEDDED_ADMIN_EMAIL = 'admin@portico.localhost';

/**
 * Runs at every `serve` start under the start-up lock, and does something only the first time:
 * - `PORTICO_BOOTSTRAP_ADMIN_EMAIL`/`_PASSWORD` create an instance admin when none exists;
 * - embedded mode creates tenant `default`, an instance admin with a one-time password (if none
 *   exists) and an admin API key for `default` (ARCHITECTURE.md "Modes").
 */
export async function ensureFirstRunSetup(deps: FirstRunDeps, config: Config): Promise<FirstRunCredentials> {
  return deps.dataSource.transaction(async (manager) => {
    const out: FirstRunCredentials = {};
    const system = await deps.tenants.systemTenant(manager);
    if (config.bootstrapAdmin && !(await hasInstanceAdmin(manager, system.id))) {
      await createInstanceAdmin(deps, manager, config.bootstrapAdmin);
    }
    if (!config.embedded || (await deps.tenants.findBySlug(manager, DEFAULT_TENANT))) return out;

    const tenant = await deps.tenants.create(manager, { slug: DEFAULT_TENANT, name: 'Default' });
    await deps.audit.record(manager, { tenantId: tenant.id, actor: SYSTEM_ACTOR, action: 'tenant.created' });
    if (!(await hasInstanceAdmin(manager, system.id))) {
      out.adminEmail = EMBEDDED_ADMIN_EMAIL;
      out.adminPassword = randomBytes(18).toString('base64url');
      await createInstanceAdmin(deps, manager, { email: out.adminEmail, password: out.adminPassword }, true);
    }
    const { key } = await deps.apiKeys.create(manager, tenant.id, { name: 'bootstrap', scopes: ['admin'] });
    out.apiKey = key;
    return out;
  });
}

async function hasInstanceAdmin(manager: EntityManager, systemTenantId: string): Promise<boolean> {
  const count = await manager
    .createQueryBuilder(UserRole, 'ur')
    .innerJoin(Role, 'r', 'r.id = ur.role_id')
    .where('ur.tenant_id = :tenantId AND r.name = :name', { tenantId: systemTenantId, name: 'admin' })
    .getCount();
  return count > 0;
}

export async function createInstanceAdmin(
  deps: Pick<FirstRunDeps, 'tenants' | 'users' | 'audit'>,
  manager: EntityManager,
  admin: { email: string; password: string },
  oneTimePassword = false,
) {
  const system = await deps.tenants.systemTenant(manager);
  const user = await deps.users.create(manager, system, {
    email: admin.email,
    password: admin.password,
    emailVerified: true,
    passwordMustChange: oneTimePassword,
  });
  await deps.users.setTenantRoles(manager, user, ['admin']);
  await deps.audit.record(manager, {
    tenantId: system.id,
    actor: SYSTEM_ACTOR,
    action: 'admin.created',
    target: { type: 'user', id: user.id },
  });
  return user;
}
