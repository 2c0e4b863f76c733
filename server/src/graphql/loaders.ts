import DataLoader from 'dataloader';
import { type EntityManager, type EntityTarget, type FindOptionsWhere, In } from 'typeorm';
import { Organization } from '../organizations/organization.entity.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { User } from '../users/user.entity.js';
import { type KeysetPosition, sqlMicros, sqlTimestamp } from './relay.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** One member of an organization, at its place in the organization's keyset order (joined first). */
export interface MemberRef {
  userId: string;
  position: KeysetPosition;
}

interface OrganizationRow {
  key: string;
  id: string;
  tenant_id: string;
  slug: string;
  name: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/**
 * The DataLoaders of one request (a nested list costs one query per level, not one per item), every
 * query scoped to the principal's tenant. Ids that are not UUIDs are "not found" without reaching SQL.
 */
export class Loaders {
  private readonly memberLoaders = new Map<string, DataLoader<string, MemberRef[]>>();

  constructor(
    private readonly manager: EntityManager,
    private readonly tenantId: string,
  ) {}

  readonly userById = new DataLoader<string, User | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const users =
      valid.length === 0 ? [] : await this.manager.findBy(User, { tenantId: this.tenantId, id: In(valid) });
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });

  readonly tenantRoles = new DataLoader<string, string[]>(async (userIds) => {
    const rows = (await this.manager.query(
      `SELECT ur.user_id AS key, r.name FROM user_roles ur
       JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
       WHERE ur.tenant_id = $1 AND ur.user_id = ANY($2::uuid[]) AND r.scope = 'tenant'
       ORDER BY r.name`,
      [this.tenantId, userIds.filter(isUuid)],
    )) as { key: string; name: string }[];
    return group(userIds, rows, (row) => row.name);
  });

  /** Upstream identities linked to each user (connection and subject), oldest first. */
  readonly identitiesOfUser = new DataLoader<string, LinkedIdentity[]>(async (userIds) => {
    const rows = (await this.manager.query(
      `SELECT i.user_id AS key, i.id, i.connection_id, c.type, c.name, i.subject, i.created_at, i.last_login_at
       FROM identities i JOIN connections c ON c.tenant_id = i.tenant_id AND c.id = i.connection_id
       WHERE i.tenant_id = $1 AND i.user_id = ANY($2::uuid[])
       ORDER BY i.created_at, i.id`,
      [this.tenantId, userIds.filter(isUuid)],
    )) as IdentityRow[];
    return group(userIds, rows, (row) => ({
      id: row.id,
      connectionId: row.connection_id,
      connectionType: row.type,
      connectionName: row.name,
      subject: row.subject,
      createdAt: new Date(row.created_at),
      lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
    }));
  });

  readonly organizationsOfUser = new DataLoader<string, Organization[]>(async (userIds) => {
    const rows = (await this.manager.query(
      `SELECT m.user_id AS key, o.id, o.tenant_id, o.slug, o.name, o.metadata, o.created_at, o.updated_at
       FROM memberships m JOIN organizations o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id
       WHERE m.tenant_id = $1 AND m.user_id = ANY($2::uuid[])
       ORDER BY o.name, o.id`,
      [this.tenantId, userIds.filter(isUuid)],
    )) as OrganizationRow[];
    return group(userIds, rows, toOrganization);
  });

  readonly organizationById = new DataLoader<string, Organization | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const orgs =
      valid.length === 0
        ? []
        : await this.manager.findBy(Organization, { tenantId: this.tenantId, id: In(valid) });
    const byId = new Map(orgs.map((o) => [o.id, o]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });

  /** Members of organizations, one page each (`first + 1` rows, to tell whether more follow). */
  membersOf(first: number, after: KeysetPosition | undefined): DataLoader<string, MemberRef[]> {
    const key = `${first}:${after ? `${after.micros}:${after.id}` : ''}`;
    let loader = this.memberLoaders.get(key);
    if (!loader) {
      loader = new DataLoader((orgIds) => this.loadMembers(orgIds, first + 1, after));
      this.memberLoaders.set(key, loader);
    }
    return loader;
  }

  private async loadMembers(orgIds: readonly string[], limit: number, after: KeysetPosition | undefined) {
    const rows = (await this.manager.query(
      `SELECT key, user_id, micros, id FROM (
         SELECT m.organization_id AS key, m.user_id, m.id,
           ${sqlMicros('m.created_at')} AS micros,
           row_number() OVER (PARTITION BY m.organization_id ORDER BY m.created_at, m.id) AS rn
         FROM memberships m
         WHERE m.tenant_id = $1 AND m.organization_id = ANY($2::uuid[])
           AND ($3::bigint IS NULL OR (m.created_at, m.id) > (${sqlTimestamp('$3')}, $4::uuid))
       ) ranked WHERE rn <= $5 ORDER BY key, rn`,
      [this.tenantId, orgIds.filter(isUuid), after?.micros.toString() ?? null, after?.id ?? null, limit],
    )) as { key: string; user_id: string; micros: string; id: string }[];
    return group(orgIds, rows, (row) => ({
      userId: row.user_id,
      position: { micros: BigInt(row.micros), id: row.id },
    }));
  }
}

export function toOrganization(row: Omit<OrganizationRow, 'key'>): Organization {
  return Object.assign(new Organization(), {
    id: row.id,
    tenantId: row.tenant_id,
    slug: row.slug,
    name: row.name,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * A DataLoader of a resolver class, one per request (keyed by its context, made on first use), for what
 * `Loaders` cannot build itself because it needs one of the resolver's services.
 */
export class RequestLoader<V> {
  private readonly loaders = new WeakMap<object, DataLoader<string, V>>();

  constructor(private readonly load: (tenant: Tenant, keys: readonly string[]) => Promise<V[]>) {}

  /** The request's loader; `tenant` is its principal's (every load is scoped to it). */
  of(ctx: object, tenant: Tenant): DataLoader<string, V> {
    let loader = this.loaders.get(ctx);
    if (!loader) {
      loader = new DataLoader((keys) => this.load(tenant, keys));
      this.loaders.set(ctx, loader);
    }
    return loader;
  }
}

/** Rows grouped under the key each was loaded for, in the order DataLoader asked for the keys. */
function group<Row extends { key: string }, T>(
  keys: readonly string[],
  rows: Row[],
  map: (row: Row) => T,
): T[][] {
  const byKey = new Map<string, T[]>();
  for (const row of rows) {
    const list = byKey.get(row.key) ?? [];
    list.push(map(row));
    byKey.set(row.key, list);
  }
  return keys.map((key) => byKey.get(key.toLowerCase()) ?? []);
}

/**
 * The row of `entity` with this id in the principal's tenant, locked for update inside the caller's
 * transaction; null for a malformed id or another tenant's row (they look the same to the caller).
 */
export function lockInTenant<T extends { id: string; tenantId: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  tenantId: string,
  id: string,
): Promise<T | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  const where = { id, tenantId } as FindOptionsWhere<T>;
  return manager.findOne(entity, { where, lock: { mode: 'pessimistic_write' } });
}

/** A user's link to an upstream account (social, OIDC or SAML connection). */
export interface LinkedIdentity {
  id: string;
  connectionId: string;
  connectionType: string;
  connectionName: string;
  subject: string;
  createdAt: Date;
  lastLoginAt: Date | null;
}

interface IdentityRow {
  key: string;
  id: string;
  connection_id: string;
  type: string;
  name: string;
  subject: string;
  created_at: Date | string;
  last_login_at: Date | string | null;
}
