import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { Organization } from '../../src/organizations/organization.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';

const ORG_FIELDS = 'id slug name metadata domains { id domain verifiedAt } members { edges { node { id } } }';

interface OrgView {
  id: string;
  slug: string;
  name: string;
  metadata: Record<string, unknown>;
  domains: { id: string; domain: string; verifiedAt: string | null }[];
  members: { edges: { node: { id: string } }[] };
}

/** Organizations through GraphQL: their lifecycle, members with roles, domains; one audit event each. */
describe('GraphQL organizations: create, read, update, members, domains, delete', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let bobId = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    bobId = (await api.server.portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email }))
      .id;
  });
  after(async () => api?.close());

  async function run<T>(
    field: string,
    query: string,
    variables: Record<string, unknown>,
    auth = KEYS.acmeAdmin,
  ) {
    const response = await api.gql<Record<string, T>>(query, variables, auth);
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data![field]!;
  }

  const memberRoles = async (organizationId: string, userId: string): Promise<string[]> => {
    const rows: { name: string }[] = await api.server.portico.dataSource.query(
      `SELECT r.name FROM memberships m JOIN membership_roles mr ON mr.membership_id = m.id
       JOIN roles r ON r.id = mr.role_id WHERE m.organization_id = $1 AND m.user_id = $2 ORDER BY r.name`,
      [organizationId, userId],
    );
    return rows.map((r) => r.name);
  };

  it('runs the whole lifecycle, each mutation with exactly one audit event', async () => {
    const manager = api.server.portico.dataSource.manager;
    const before = await manager.count(AuditEvent);
    const created = await run<OrgView>(
      'createOrganization',
      `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${ORG_FIELDS} } }`,
      { input: { slug: 'initech', name: 'Initech', metadata: { tier: 'gold' } } },
    );
    expect(created).to.deep.include({
      slug: 'initech',
      name: 'Initech',
      metadata: { tier: 'gold' },
      domains: [],
    });
    const id = created.id;

    const listed = await run<{ edges: { node: { slug: string } }[] }>(
      'organizations',
      '{ organizations(first: 10) { edges { node { slug } } pageInfo { hasNextPage } } }',
      {},
    );
    expect(listed.edges.map((e) => e.node.slug)).to.include.members(['globex', 'initech']);

    const updated = await run<OrgView>(
      'updateOrganization',
      `mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Initech Corp" }) { ${ORG_FIELDS} } }`,
      { id },
    );
    expect(updated).to.include({ slug: 'initech', name: 'Initech Corp' });

    const withMember = await run<OrgView>(
      'addOrganizationMember',
      `mutation($o: ID!, $u: ID!) { addOrganizationMember(organizationId: $o, userId: $u, roles: ["billing"]) { ${ORG_FIELDS} } }`,
      { o: id, u: bobId },
    );
    expect(withMember.members.edges.map((e) => e.node.id)).to.deep.equal([bobId]);
    expect(await memberRoles(id, bobId)).to.deep.equal(['billing']);

    await run(
      'setMemberRoles',
      'mutation($o: ID!, $u: ID!) { setMemberRoles(organizationId: $o, userId: $u, roles: ["admin", "member"]) { id } }',
      {
        o: id,
        u: bobId,
      },
    );
    expect(await memberRoles(id, bobId)).to.deep.equal(['admin', 'member']);

    const withDomain = await run<OrgView>(
      'addOrganizationDomain',
      `mutation($o: ID!) { addOrganizationDomain(organizationId: $o, domain: "Initech.Example") { ${ORG_FIELDS} } }`,
      { o: id },
    );
    expect(withDomain.domains).to.have.length(1);
    expect(withDomain.domains[0]).to.include({ domain: 'initech.example', verifiedAt: null });

    const removed = await run<OrgView>(
      'removeOrganizationDomain',
      `mutation($id: ID!) { removeOrganizationDomain(id: $id) { ${ORG_FIELDS} } }`,
      { id: withDomain.domains[0]!.id },
    );
    expect(removed.domains).to.deep.equal([]);

    const withoutMember = await run<OrgView>(
      'removeOrganizationMember',
      `mutation($o: ID!, $u: ID!) { removeOrganizationMember(organizationId: $o, userId: $u) { ${ORG_FIELDS} } }`,
      { o: id, u: bobId },
    );
    expect(withoutMember.members.edges).to.deep.equal([]);

    expect(
      await run('deleteOrganization', 'mutation($id: ID!) { deleteOrganization(id: $id) }', { id }),
    ).to.equal(id);
    expect(await run('organization', 'query($id: ID!) { organization(id: $id) { id } }', { id })).to.equal(
      null,
    );

    const events = await manager.find(AuditEvent, { where: { targetId: id }, order: { createdAt: 'ASC' } });
    expect(events.map((e) => e.action)).to.deep.equal([
      'organization.created',
      'organization.updated',
      'organization.member_added',
      'organization.member_roles_set',
      'organization.domain_added',
      'organization.domain_removed',
      'organization.member_removed',
      'organization.deleted',
    ]);
    expect(await manager.count(AuditEvent)).to.equal(before + 8);
  });

  it('refuses a taken slug, a taken domain, a duplicate member and bad input, writing nothing', async () => {
    const manager = api.server.portico.dataSource.manager;
    const acme = await manager.findOneByOrFail(Tenant, { slug: 'acme' });
    const globex = await manager.findOneByOrFail(Organization, { tenantId: acme.id, slug: 'globex' });
    const alice = await manager.findOneByOrFail(User, { email: USERS.alice.email });
    const before = await manager.count(AuditEvent);
    const create = 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }';
    expect(
      codesOf(await api.gql(create, { input: { slug: 'globex', name: 'Again' } }, KEYS.acmeAdmin)),
    ).to.deep.equal(['CONFLICT']);
    expect(
      codesOf(await api.gql(create, { input: { slug: 'Not A Slug', name: 'x' } }, KEYS.acmeAdmin)),
    ).to.deep.equal(['BAD_USER_INPUT']);
    const add = 'mutation($o: ID!, $u: ID!) { addOrganizationMember(organizationId: $o, userId: $u) { id } }';
    expect(codesOf(await api.gql(add, { o: globex.id, u: alice.id }, KEYS.acmeAdmin))).to.deep.equal([
      'CONFLICT',
    ]);
    const domain =
      'mutation($o: ID!, $d: String!) { addOrganizationDomain(organizationId: $o, domain: $d) { id } }';
    expect(codesOf(await api.gql(domain, { o: globex.id, d: 'not a domain' }, KEYS.acmeAdmin))).to.deep.equal(
      ['BAD_USER_INPUT'],
    );
    expect(await manager.count(AuditEvent)).to.equal(before);
  });

  it("readers read, only orgs:write changes; another tenant's organization is NOT_FOUND", async () => {
    const viewer = await api.userToken('acme', USERS.victor);
    const listed = await api.gql('{ organizations { edges { node { slug } } } }', {}, viewer);
    expect(listed.errors).to.equal(undefined);
    const create = 'mutation { createOrganization(input: { slug: "nope", name: "Nope" }) { id } }';
    expect(codesOf(await api.gql(create, {}, viewer))).to.deep.equal(['FORBIDDEN']);
    expect(codesOf(await api.gql(create, {}, KEYS.acmeWriter))).to.deep.equal(['FORBIDDEN']);

    const manager = api.server.portico.dataSource.manager;
    const umbrella = await manager.findOneByOrFail(Tenant, { slug: 'umbrella' });
    const hive = await manager.findOneByOrFail(Organization, { tenantId: umbrella.id, slug: 'hive' });
    const update = 'mutation($id: ID!) { updateOrganization(id: $id, input: { name: "Mine" }) { id } }';
    expect(codesOf(await api.gql(update, { id: hive.id }, KEYS.acmeAdmin))).to.deep.equal(['NOT_FOUND']);
    const read = await api.gql(
      'query($id: ID!) { organization(id: $id) { id } }',
      { id: hive.id },
      KEYS.acmeAdmin,
    );
    expect(read.data).to.deep.equal({ organization: null });
    expect((await manager.findOneByOrFail(Organization, { id: hive.id })).name).to.equal('Hive');
  });
});
