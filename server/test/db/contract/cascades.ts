import { expect } from 'chai';
import type { TestDatabase } from '../../support/databases.js';
import { tenantTables } from '../catalog.js';
import { createTenant, seedTenantGraph } from '../seed.js';
import { count, insert, rows, type Sql } from '../sql.js';

/** Rows a user owns: they go with it. */
const OWNED_BY_USER: [table: string, column: string][] = [
  ['credentials', 'user_id'],
  ['identities', 'user_id'],
  ['memberships', 'user_id'],
  ['user_roles', 'user_id'],
  ['devices', 'user_id'],
  ['lockouts', 'user_id'],
  ['login_attempts', 'user_id'],
  ['one_time_tokens', 'user_id'],
  ['oidc_models', 'account_id'],
];

/** Rows that only name a user (no foreign key): they outlive it (ARCHITECTURE.md "Domain model"). */
const NAMING_USER: [table: string, column: string][] = [
  ['audit_events', 'actor_id'],
  ['audit_events', 'target_id'],
  ['consent_records', 'user_id'],
];

/** References between rows, beyond tenant_id (which tenantTables() covers). */
const REFERENCES: [child: string, column: string, parent: string][] = [
  ...OWNED_BY_USER.map(([table, column]): [string, string, string] => [table, column, 'users']),
  ['identities', 'connection_id', 'connections'],
  ['memberships', 'organization_id', 'organizations'],
  ['membership_roles', 'membership_id', 'memberships'],
  ['membership_roles', 'role_id', 'roles'],
  ['user_roles', 'role_id', 'roles'],
  ['invitations', 'organization_id', 'organizations'],
  ['org_domains', 'organization_id', 'organizations'],
  ['connections', 'organization_id', 'organizations'],
  ['consent_records', 'policy_id', 'consent_policies'],
  ['profile_fields', 'application_id', 'applications'],
  ['deliveries', 'outbox_id', 'outbox'],
];

/** "child.column → parent: n" for every reference with rows whose parent is missing. */
async function orphans(db: Sql): Promise<string[]> {
  const references = [
    ...REFERENCES,
    ...(await tenantTables(db)).map((table): [string, string, string] => [table, 'tenant_id', 'tenants']),
  ];
  const found: string[] = [];
  for (const [child, column, parent] of references) {
    const n = await count(
      db,
      `SELECT count(*) AS n FROM ${child} c
       WHERE c.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${parent} p WHERE p.id = c.${column})`,
    );
    if (n > 0) found.push(`${child}.${column} → ${parent}: ${n}`);
  }
  return found;
}

async function countWhere(
  db: Sql,
  pairs: [string, string][],
  value: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, column] of pairs) {
    counts[`${table}.${column}`] = await count(
      db,
      `SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`,
      [value],
    );
  }
  return counts;
}

async function countByTenant(db: Sql, tenantId: string): Promise<Record<string, number>> {
  return countWhere(
    db,
    (await tenantTables(db)).map((table) => [table, 'tenant_id']),
    tenantId,
  );
}

/** The rows of one organization (and of its connection), counted now and before the change. */
interface Footprint {
  before: Record<string, number>;
  now(): Promise<Record<string, number>>;
}

async function organizationFootprint(
  db: Sql,
  organizationId: string,
  connectionId: string,
): Promise<Footprint> {
  const memberships = await rows(db, 'SELECT id FROM memberships WHERE organization_id = $1', [
    organizationId,
  ]);
  const membershipIds = memberships.map((row) => row.id);
  const byOrganization = (table: string) =>
    count(db, `SELECT count(*) AS n FROM ${table} WHERE organization_id = $1`, [organizationId]);
  const now = async () => ({
    memberships: await byOrganization('memberships'),
    membership_roles: await count(
      db,
      'SELECT count(*) AS n FROM membership_roles WHERE membership_id = ANY($1::uuid[])',
      [membershipIds],
    ),
    org_domains: await byOrganization('org_domains'),
    invitations: await byOrganization('invitations'),
    connections: await byOrganization('connections'),
    identities: await count(db, 'SELECT count(*) AS n FROM identities WHERE connection_id = $1', [
      connectionId,
    ]),
  });
  return { before: await now(), now };
}

const zeroed = (counts: Record<string, number>) => Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));

function expectAllPositive(counts: Record<string, number>, what: string): void {
  const missing = Object.entries(counts).filter(([, n]) => n === 0);
  expect(missing, `the seed has no ${what} in these tables`).to.deep.equal([]);
}

export function cascadesContract(db: TestDatabase): void {
  describe('cascades', () => {
    it('deleting a user removes what it owns but keeps the audit events and consent receipts naming it', async () => {
      const ds = db.dataSource;
      const graph = await seedTenantGraph(ds, await createTenant(ds));
      const [victim, bystander] = graph.users;
      const membershipIds = (await rows(ds, 'SELECT id FROM memberships WHERE user_id = $1', [victim])).map(
        (r) => r.id,
      );
      const membershipRoles = () =>
        count(ds, 'SELECT count(*) AS n FROM membership_roles WHERE membership_id = ANY($1::uuid[])', [
          membershipIds,
        ]);
      const owned = await countWhere(ds, OWNED_BY_USER, victim);
      const named = await countWhere(ds, NAMING_USER, victim);
      const bystanderOwned = await countWhere(ds, OWNED_BY_USER, bystander);
      expectAllPositive(owned, 'rows of the user');
      expectAllPositive(named, 'rows naming the user');
      expect(await membershipRoles()).to.equal(2);

      expect(await ds.query('DELETE FROM users WHERE id = $1', [victim])).to.deep.equal([[], 1]);

      expect(await countWhere(ds, OWNED_BY_USER, victim)).to.deep.equal(zeroed(owned));
      expect(await membershipRoles()).to.equal(0);
      expect(await countWhere(ds, NAMING_USER, victim)).to.deep.equal(named);
      expect(await countWhere(ds, OWNED_BY_USER, bystander)).to.deep.equal(bystanderOwned);
      const invitations = await rows(ds, 'SELECT invited_by FROM invitations WHERE tenant_id = $1', [
        graph.tenantId,
      ]);
      expect(invitations, 'invitations the user sent stay, without the inviter').to.deep.equal([
        { invited_by: null },
        { invited_by: null },
      ]);
      expect(await orphans(ds)).to.deep.equal([]);
    });

    it('deleting an organization removes its memberships (and roles held there), domains, invitations, connections and their identities', async () => {
      const ds = db.dataSource;
      const graph = await seedTenantGraph(ds, await createTenant(ds));
      const doomed = await organizationFootprint(ds, graph.organizationId, graph.orgConnectionId);
      const other = await organizationFootprint(ds, graph.otherOrganizationId, graph.otherOrgConnectionId);
      const tenantWide = await countWhere(ds, [['identities', 'connection_id']], graph.tenantConnectionId);
      expectAllPositive(doomed.before, 'rows of the organization');
      expectAllPositive(tenantWide, 'identities at the tenant-wide connection');

      await ds.query('DELETE FROM organizations WHERE id = $1', [graph.organizationId]);

      expect(await doomed.now()).to.deep.equal(zeroed(doomed.before));
      expect(await other.now()).to.deep.equal(other.before);
      expect(await countWhere(ds, [['identities', 'connection_id']], graph.tenantConnectionId)).to.deep.equal(
        tenantWide,
      );
      expect(
        await count(ds, 'SELECT count(*) AS n FROM users WHERE tenant_id = $1', [graph.tenantId]),
      ).to.equal(2);
      expect(
        await count(ds, 'SELECT count(*) AS n FROM roles WHERE tenant_id = $1', [graph.tenantId]),
      ).to.equal(2);
      expect(await orphans(ds)).to.deep.equal([]);
    });

    it('deleting a tenant removes every row of that tenant and nothing of another', async () => {
      const ds = db.dataSource;
      const [doomed, kept] = [await createTenant(ds), await createTenant(ds)];
      await seedTenantGraph(ds, doomed);
      await seedTenantGraph(ds, kept);
      const instanceWide = await insert(ds, 'outbox', {
        tenant_id: null,
        queue: 'maintenance',
        name: 'sweep',
      });
      const doomedBefore = await countByTenant(ds, doomed);
      const keptBefore = await countByTenant(ds, kept);
      expectAllPositive(doomedBefore, 'rows of the tenant (seed one in seedTenantGraph)');

      expect(await ds.query('DELETE FROM tenants WHERE id = $1', [doomed])).to.deep.equal([[], 1]);

      expect(await countByTenant(ds, doomed)).to.deep.equal(zeroed(doomedBefore));
      expect(await countByTenant(ds, kept)).to.deep.equal(keptBefore);
      expect(await count(ds, 'SELECT count(*) AS n FROM outbox WHERE id = $1', [instanceWide.id])).to.equal(
        1,
      );
      expect(await orphans(ds)).to.deep.equal([]);
    });
  });
}
