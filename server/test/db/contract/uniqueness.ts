import { expect } from 'chai';
import type { TestDatabase } from '../../support/databases.js';
import { createConnection, createOrganization, createRole, createTenant, createUser } from '../seed.js';
import { count, expectSqlError, insert, SQLSTATE } from '../sql.js';

export function uniquenessContract(db: TestDatabase): void {
  describe('keys and checks', () => {
    it('identities are unique on (connection, subject); the subject may recur at another connection', async () => {
      const tenantId = await createTenant(db.dataSource);
      const [google, github] = [
        await createConnection(db.dataSource, tenantId),
        await createConnection(db.dataSource, tenantId),
      ];
      const [alice, bob] = [
        await createUser(db.dataSource, tenantId),
        await createUser(db.dataSource, tenantId),
      ];
      const identity = (user_id: string, connection_id: string) =>
        insert(db.dataSource, 'identities', {
          tenant_id: tenantId,
          user_id,
          connection_id,
          subject: 'sub-1',
        });
      await identity(alice, google);
      await expectSqlError(identity(bob, google), SQLSTATE.uniqueViolation, { table: 'identities' });
      await expectSqlError(identity(alice, google), SQLSTATE.uniqueViolation, { table: 'identities' });
      await identity(bob, github);
    });

    it('an organization domain is claimed once per tenant; another tenant may claim it too', async () => {
      const [one, two] = [await createTenant(db.dataSource), await createTenant(db.dataSource)];
      const domain = (tenant_id: string, organization_id: string, name: string) =>
        insert(db.dataSource, 'org_domains', { tenant_id, organization_id, domain: name });
      const [orgA, orgB] = [
        await createOrganization(db.dataSource, one),
        await createOrganization(db.dataSource, one),
      ];
      await domain(one, orgA, 'globex.example');
      await expectSqlError(domain(one, orgB, 'globex.example'), SQLSTATE.uniqueViolation, {
        table: 'org_domains',
        constraint: 'org_domains_tenant_id_domain_key',
      });
      await domain(two, await createOrganization(db.dataSource, two), 'globex.example');
      await expectSqlError(domain(one, orgB, 'Globex.example'), SQLSTATE.checkViolation, {
        table: 'org_domains',
      });
    });

    it('an OIDC application needs a client_id and a SAML application an entity_id', async () => {
      const tenantId = await createTenant(db.dataSource);
      const app = (values: object) =>
        insert(db.dataSource, 'applications', { tenant_id: tenantId, name: 'App', ...values });
      await expectSqlError(app({ type: 'oidc', entity_id: 'https://sp.example' }), SQLSTATE.checkViolation, {
        table: 'applications',
      });
      await expectSqlError(app({ type: 'saml', client_id: 'web' }), SQLSTATE.checkViolation, {
        table: 'applications',
      });
      await app({ type: 'oidc', client_id: 'web' });
      await app({ type: 'saml', entity_id: 'https://sp.example' });
      expect(
        await count(db.dataSource, 'SELECT count(*) AS n FROM applications WHERE tenant_id = $1', [tenantId]),
      ).to.equal(2);
    });

    it('client_id is unique per tenant; another tenant may reuse it', async () => {
      const [one, two] = [await createTenant(db.dataSource), await createTenant(db.dataSource)];
      const app = (tenant_id: string) =>
        insert(db.dataSource, 'applications', { tenant_id, name: 'Web', type: 'oidc', client_id: 'web' });
      await app(one);
      await expectSqlError(app(one), SQLSTATE.uniqueViolation, {
        table: 'applications',
        constraint: 'applications_tenant_id_client_id_key',
      });
      await app(two);
    });

    it('roles are unique on (tenant, scope, name)', async () => {
      const [one, two] = [await createTenant(db.dataSource), await createTenant(db.dataSource)];
      await createRole(db.dataSource, one, 'tenant', 'admin');
      await expectSqlError(createRole(db.dataSource, one, 'tenant', 'admin'), SQLSTATE.uniqueViolation, {
        table: 'roles',
        constraint: 'roles_tenant_id_scope_name_key',
      });
      await createRole(db.dataSource, one, 'organization', 'admin');
      await createRole(db.dataSource, two, 'tenant', 'admin');
    });

    it('tenant slugs are unique, so "system" cannot be created twice', async () => {
      const statement = insert(db.dataSource, 'tenants', { slug: 'system', name: 'Impostor' });
      await expectSqlError(statement, SQLSTATE.uniqueViolation, { table: 'tenants' });
    });
  });
}
