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

/**
 * A user's permissions from the tenant roles held (ARCHITECTURE.md "Tenants, admins and sessions"):
 * every user has `self`; `admin` reads and writes the tenant, `viewer` reads it. In tenant `system`
 * the same roles administer the instance.
 */
export function userPermissions(tenant: Tenant, roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>(['self']);
  const instance = isInstance(tenant);
  if (roles.includes('admin')) {
    for (const p of TENANT_ADMIN) out.add(p);
    if (instance) out.add('tenants:read').add('tenants:write');
  } else if (roles.includes('viewer')) {
    for (const p of TENANT_READ) out.add(p);
    if (instance) out.add('tenants:read');
  }
  return out;
}

/** The audit log's actor for a principal. */
export const actorOf = (principal: Principal): Actor => ({
  type: principal.kind === 'api_key' ? 'api_key' : 'user',
  id: principal.id,
});
