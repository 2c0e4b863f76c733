import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '../../support/databases.js';
import {
  createConnection,
  createMembership,
  createOrganization,
  createRole,
  createTenant,
  createUser,
} from '../seed.js';
import { expectSqlError, insert, type Row, SQLSTATE } from '../sql.js';

/** The parents a child row may point at, all in one tenant. */
interface Parents {
  tenantId: string;
  userId: string;
  /** A user in no organization yet, for membership rows. */
  newcomerId: string;
  organizationId: string;
  membershipId: string;
  tenantRoleId: string;
  orgRoleId: string;
  connectionId: string;
}

async function createParents(db: TestDatabase): Promise<Parents> {
  const ds = db.dataSource;
  const tenantId = await createTenant(ds, 'iso');
  const userId = await createUser(ds, tenantId);
  const organizationId = await createOrganization(ds, tenantId);
  return {
    tenantId,
    userId,
    newcomerId: await createUser(ds, tenantId),
    organizationId,
    membershipId: await createMembership(ds, tenantId, userId, organizationId),
    tenantRoleId: await createRole(ds, tenantId, 'tenant', 'admin'),
    orgRoleId: await createRole(ds, tenantId, 'organization', 'member'),
    connectionId: await createConnection(ds, tenantId),
  };
}

/**
 * Child rows of tenant `own` whose parent references are taken from `parents` — the same tenant for the
 * control, another tenant for the attack. Each child names the parent that comes from `parents`.
 */
const CHILDREN: { table: string; parent: string; row: (own: Parents, parents: Parents) => Row }[] = [
  {
    table: 'credentials',
    parent: 'a user',
    row: (own, p) => ({ tenant_id: own.tenantId, user_id: p.userId, type: 'totp', secret: 'x' }),
  },
  {
    table: 'memberships',
    parent: 'an organization',
    row: (own, p) => ({
      tenant_id: own.tenantId,
      user_id: own.newcomerId,
      organization_id: p.organizationId,
    }),
  },
  {
    table: 'memberships',
    parent: 'a user',
    row: (own, p) => ({
      tenant_id: own.tenantId,
      user_id: p.newcomerId,
      organization_id: own.organizationId,
    }),
  },
  {
    table: 'identities',
    parent: 'a connection',
    row: (own, p) => ({
      tenant_id: own.tenantId,
      user_id: own.userId,
      connection_id: p.connectionId,
      subject: randomUUID(),
    }),
  },
  {
    table: 'user_roles',
    parent: 'a role',
    row: (own, p) => ({ tenant_id: own.tenantId, user_id: own.userId, role_id: p.tenantRoleId }),
  },
  {
    table: 'membership_roles',
    parent: 'a role',
    row: (own, p) => ({ tenant_id: own.tenantId, membership_id: own.membershipId, role_id: p.orgRoleId }),
  },
  {
    table: 'membership_roles',
    parent: 'a membership',
    row: (own, p) => ({ tenant_id: own.tenantId, membership_id: p.membershipId, role_id: own.orgRoleId }),
  },
  {
    table: 'oidc_models',
    parent: 'an account',
    row: (own, p) => ({
      tenant_id: own.tenantId,
      model: 'Session',
      id: randomUUID(),
      payload: {},
      account_id: p.userId,
    }),
  },
  {
    table: 'devices',
    parent: 'a user',
    row: (own, p) => ({ tenant_id: own.tenantId, user_id: p.userId, fingerprint_hash: randomUUID() }),
  },
  {
    table: 'one_time_tokens',
    parent: 'a user',
    row: (own, p) => ({
      tenant_id: own.tenantId,
      user_id: p.userId,
      purpose: 'magic_link',
      token_hash: randomUUID(),
      expires_at: new Date(Date.now() + 60_000),
    }),
  },
];

export function tenantIsolationContract(db: TestDatabase): void {
  describe('tenant consistency', () => {
    let home: Parents;
    let foreign: Parents;

    before(async () => {
      home = await createParents(db);
      foreign = await createParents(db);
    });

    for (const child of CHILDREN) {
      it(`${child.table} cannot reference ${child.parent} of another tenant`, async () => {
        // Two fresh parent sets: a control row inserted first must not block the attack by a unique key.
        const own = await createParents(db);
        await expectSqlError(
          insert(db.dataSource, child.table, child.row(own, foreign)),
          SQLSTATE.foreignKeyViolation,
          { table: child.table },
        );
        await insert(db.dataSource, child.table, child.row(own, own)); // the same row inside the tenant is fine
      });
    }

    it('a child row cannot be moved into another tenant by UPDATE', async () => {
      const credential = await insert(db.dataSource, 'credentials', {
        tenant_id: home.tenantId,
        user_id: home.userId,
        type: 'recovery',
      });
      await expectSqlError(
        db.dataSource.query('UPDATE credentials SET user_id = $2 WHERE id = $1', [
          credential.id,
          foreign.userId,
        ]),
        SQLSTATE.foreignKeyViolation,
        { table: 'credentials' },
      );
      await expectSqlError(
        db.dataSource.query('UPDATE credentials SET tenant_id = $2 WHERE id = $1', [
          credential.id,
          foreign.tenantId,
        ]),
        SQLSTATE.foreignKeyViolation,
        { table: 'credentials' },
      );
    });

    it('a user owning rows cannot be moved into another tenant', async () => {
      await expectSqlError(
        db.dataSource.query('UPDATE users SET tenant_id = $2 WHERE id = $1', [home.userId, foreign.tenantId]),
        SQLSTATE.foreignKeyViolation,
      );
    });
  });
}
