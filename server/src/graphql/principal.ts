import type { Actor } from '../audit/audit.service.js';
import { SYSTEM_TENANT, type Tenant } from '../tenants/tenant.entity.js';

/**
 * What a principal may do through the GraphQL API. Every root field requires one (authorization.ts);
 * `self` is the self-service API of a user's own access token (`me`, `updateMe`).
 */
export const PERMISSIONS = [
  'users:read',
  'users:write',
  'orgs:read',
  'orgs:write',
  'apps:read',
  'apps:write',
  'audit:read',
  'tenants:read',
  'tenants:write',
  'apikeys:admin',
  'messaging:read',
  'messaging:write',
  'self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Who is calling: an API key of a tenant, or a user of a tenant through an access token. */
export interface Principal {
  kind: 'api_key' | 'user';
  /** The tenant every read and write is scoped to (ARCHITECTURE.md "Tenants"). */
  tenant: Tenant;
  /** The API key id or the user id. */
  id: string;
  permissions: ReadonlySet<Permission>;
  /** A user's last sign-in (the access token's `auth_time`, epoch seconds), when the token carries it. */
  authTime?: number;
}

const TENANT_READ: Permission[] = ['users:read', 'orgs:read', 'apps:read', 'audit:read', 'messaging:read'];
const TENANT_WRITE: Permission[] = ['users:write', 'orgs:write', 'apps:write', 'messaging:write'];
/** Only the tenant's administrators (scope or role `admin`) manage its API keys. */
const TENANT_ADMIN: Permission[] = [...TENANT_READ, ...TENANT_WRITE, 'apikeys:admin'];

/** Only principals of the reserved tenant `system` administer the instance (creating tenants). */
const isInstance = (tenant: Tenant) => tenant.slug === SYSTEM_TENANT;

/**
 * An API key's permissions from its scopes: `admin` is all of the tenant's administration, a `:write`
 * scope includes its `:read`. `tenants:*` means something only for keys of tenant `system`.
 */
export function apiKeyPermissions(tenant: Tenant, scopes: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  const instance = isInstance(tenant);
  for (const scope of scopes) {
    if (scope === 'admin') {
      for (const p of TENANT_ADMIN) out.add(p);
      if (instance) out.add('tenants:read').add('tenants:write');
      continue;
    }
    const [resource, access] = scope.split(':');
    if (resource === 'tenants' && !instance) continue;
    const read = `${resource}:read` as Permission;
    if (!(PERMISSIONS as readonly string[]).includes(read)) continue;
    out.add(read);
    if (access === 'write') out.add(`${resource}:write` as Permission);
  }
  return out;
}

/** A tenant role as held by a user: built-in `admin` and `viewer`, or a custom role with permissions. */
export interface HeldRole {
  name: string;
  permissions: readonly string[];
}

/** Built-in tenant roles: their permissions are fixed here, whatever their row says. */
export const BUILT_IN_TENANT_ROLES = ['admin', 'viewer'] as const;

/** What a custom role may carry: the tenant-scoped permissions (never `self`, never instance ones). */
export const GRANTABLE_PERMISSIONS: readonly Permission[] = [...TENANT_ADMIN];

/** The permissions one tenant role gives (ARCHITECTURE.md "Tenants, admins and sessions"). */
export function rolePermissions(tenant: Tenant, role: HeldRole | string): Set<Permission> {
  const name = typeof role === 'string' ? role : role.name;
  const instance = isInstance(tenant);
  if (name === 'admin') {
    const out = new Set<Permission>(TENANT_ADMIN);
    if (instance) out.add('tenants:read').add('tenants:write');
    return out;
  }
  if (name === 'viewer') {
    const out = new Set<Permission>(TENANT_READ);
    if (instance) out.add('tenants:read');
    return out;
  }
  const custom = typeof role === 'string' ? [] : role.permissions;
  return new Set(GRANTABLE_PERMISSIONS.filter((permission) => custom.includes(permission)));
}

/**
 * A user's permissions from the tenant roles held: every user has `self`; `admin` reads and writes the
 * tenant, `viewer` reads it, a custom role gives its listed permissions. In tenant `system` the built-in
 * roles administer the instance.
 */
export function userPermissions(tenant: Tenant, roles: readonly (HeldRole | string)[]): Set<Permission> {
  const out = new Set<Permission>(['self']);
  for (const role of roles) for (const permission of rolePermissions(tenant, role)) out.add(permission);
  return out;
}

/** The audit log's actor for a principal. */
export const actorOf = (principal: Principal): Actor => ({
  type: principal.kind === 'api_key' ? 'api_key' : 'user',
  id: principal.id,
});
