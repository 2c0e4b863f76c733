import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { Credential } from '../../src/credentials/credential.entity.js';
import { buildGraphqlSchema } from '../../src/graphql/schema.js';
import { Membership, Organization } from '../../src/organizations/organization.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { type GraphqlResponse, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';
import { operationDocument, rootOperations, takesIds } from './operations.js';

/**
 * SECURITY.md ★29: every Query and Mutation of the schema, run by principals of tenant A (`acme`: its
 * admin API key, its admin's access token) with the ids of tenant B (`umbrella`: a user, an
 * organization, an audit event, the tenant itself) answers "not found" — null, NOT_FOUND or an empty
 * page — never B's data, and changes nothing of B. The operations come from the built schema, so a new
 * one is covered without editing this test.
 */
describe('GraphQL tenant isolation: every operation, with the ids of another tenant', function () {
  this.timeout(120_000);
  let api: GraphqlServer;
  let tenantB: { ids: Record<string, string>; secrets: string[] };
  const principals: { name: string; auth: string }[] = [];

  async function snapshotOfB() {
    const manager = api.server.portico.dataSource.manager;
    const tenant = await manager.findOneByOrFail(Tenant, { slug: 'umbrella' });
    const users = await manager.find(User, { where: { tenantId: tenant.id }, order: { id: 'ASC' } });
    return JSON.stringify({
      tenant: [tenant.name, tenant.status],
      users: users.map((u) => [u.id, u.email, u.status, u.profile, u.phone, u.username]),
      orgs: await manager.countBy(Organization, { tenantId: tenant.id }),
      members: await manager.countBy(Membership, { tenantId: tenant.id }),
      audit: await manager.countBy(AuditEvent, { tenantId: tenant.id }),
      credentials: await manager.countBy(Credential, { tenantId: tenant.id }),
    });
  }

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const manager = api.server.portico.dataSource.manager;
    // Something in B's audit log, written through B's own key.
    const carol = await manager.findOneByOrFail(User, { email: USERS.carol.email });
    const update = await api.gql(
      'mutation($id: ID!) { updateUser(id: $id, input: { profile: { givenName: "Carol" } }) { id } }',
      { id: carol.id },
      KEYS.umbrellaAdmin,
    );
    expect(update.errors).to.equal(undefined);
    const tenant = await manager.findOneByOrFail(Tenant, { slug: 'umbrella' });
    const hive = await manager.findOneByOrFail(Organization, { tenantId: tenant.id, slug: 'hive' });
    const event = await manager.findOneByOrFail(AuditEvent, { tenantId: tenant.id, action: 'user.updated' });
    // A second factor of B's user (an authenticator app waiting for its first code).
    const factor = await api.server.portico.mfa.totp.beginEnrollment(tenant, carol);
    tenantB = {
      ids: {
        user: carol.id,
        organization: hive.id,
        auditEvent: event.id,
        tenant: tenant.id,
        factor: factor.credentialId,
      },
      secrets: [
        carol.id,
        hive.id,
        event.id,
        tenant.id,
        factor.credentialId,
        USERS.carol.email,
        'hive',
        'Umbrella',
      ],
    };
    principals.push({ name: 'admin API key of A', auth: KEYS.acmeAdmin });
    principals.push({
      name: 'access token of an admin of A',
      auth: await api.userToken('acme', USERS.alice),
    });
  });
  after(async () => api?.close());

  function expectNothingOfB(response: GraphqlResponse, label: string) {
    const text = JSON.stringify({ data: response.data, errors: response.errors });
    for (const secret of tenantB.secrets)
      expect(text, `${label} leaks ${secret}: ${text}`).to.not.include(secret);
  }

  /** null, an empty page, or only NOT_FOUND errors. */
  function expectNotFound(response: GraphqlResponse, field: string, label: string) {
    const codes = (response.errors ?? []).map((e) => e.extensions?.code);
    if (codes.length > 0) {
      expect(codes, `${label}: ${JSON.stringify(response.errors)}`).to.satisfy((c: unknown[]) =>
        c.every((code) => code === 'NOT_FOUND'),
      );
      return;
    }
    const value = response.data?.[field] as { edges?: unknown[] } | null | undefined;
    if (value === null) return;
    expect(value?.edges, `${label}: ${JSON.stringify(response.data)}`).to.deep.equal([]);
  }

  it('covers every operation of the schema, with and without ids', () => {
    const operations = rootOperations(buildGraphqlSchema());
    expect(operations.filter(takesIds).map((o) => o.field.name)).to.include.members([
      'user',
      'node',
      'updateUser',
      'blockUser',
      'unblockUser',
      'deleteUser',
      'users',
      'auditEvents',
    ]);
  });

  it('principals of A given ids of B get "not found" from every operation, and B is unchanged', async () => {
    const before = await snapshotOfB();
    const operations = rootOperations(buildGraphqlSchema());
    let runs = 0;
    for (const principal of principals) {
      for (const operation of operations) {
        const ids = takesIds(operation)
          ? Object.entries(tenantB.ids)
          : [['none', '00000000-0000-4000-8000-000000000000']];
        for (const [kind, id] of ids) {
          runs += 1;
          const { query, variables } = operationDocument(operation, id!, `iso-${runs}-${Date.now()}`);
          const response = await api.gql(query, variables, principal.auth);
          const label = `${principal.name}: ${operation.field.name} with B's ${kind} id`;
          expectNothingOfB(response, label);
          if (takesIds(operation)) expectNotFound(response, operation.field.name, label);
        }
      }
    }
    expect(runs).to.be.greaterThan(40);
    expect(await snapshotOfB()).to.equal(before);
  });
});
