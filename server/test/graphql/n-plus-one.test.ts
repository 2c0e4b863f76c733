import { expect } from 'chai';
import { Membership, Organization } from '../../src/organizations/organization.entity.js';
import { needsPostgres } from '../support/services.js';
import { type GraphqlServer, KEYS, startGraphqlServer } from './harness.js';

/**
 * DataLoaders per request: a nested list costs one query per level, whatever the page size. The test
 * counts the SQL statements of one request through TypeORM's logger and fails on N+1.
 */
describe('GraphQL DataLoaders: no N+1 queries on nested lists', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let statements: string[] = [];

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const { portico } = api.server;
    await portico.dataSource.transaction(async (manager) => {
      const acme = await portico.tenants.getBySlug(manager, 'acme');
      const by = { actor: { type: 'system' as const, id: 'test' } };
      await portico.consent.publish(manager, acme.id, { key: 'terms', required: true }, by);
      await portico.consent.publish(manager, acme.id, { key: 'news', kind: 'marketing' }, by);
      const orgs = [];
      for (const slug of ['north', 'south']) {
        orgs.push(
          await manager.save(
            manager.create(Organization, { tenantId: acme.id, slug, name: slug, metadata: {} }),
          ),
        );
      }
      for (let i = 0; i < 60; i += 1) {
        const user = await portico.users.create(manager, acme, { email: `member-${i}@example.com` });
        await portico.users.setTenantRoles(manager, user, i % 2 === 0 ? ['viewer'] : ['admin', 'viewer']);
        // Every third member accepted the terms: `consents` must tell them apart.
        if (i % 3 === 0) {
          await portico.consent.grant(manager, 'terms', {
            tenantId: acme.id,
            userId: user.id,
            source: 'api',
          });
        }
        for (const org of orgs) {
          await manager.insert(Membership, { tenantId: acme.id, organizationId: org.id, userId: user.id });
        }
      }
    });
    const logger = portico.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      statements.push(query);
      return logQuery(query, parameters, runner);
    };
  });
  after(async () => api?.close());

  async function statementsFor(first: number): Promise<string[]> {
    const query = `query($first: Int) { users(first: $first) { edges { node { id email roles
      consents { policy { key } decision pending }
      organizations { id name members(first: 2) { edges { node { id roles } } } } } } } }`;
    statements = [];
    const response = await api.gql<{
      users: {
        edges: {
          node: {
            email: string;
            roles: string[];
            organizations: unknown[];
            consents: { policy: { key: string }; decision: string | null; pending: boolean }[];
          };
        }[];
      };
    }>(query, { first }, KEYS.acmeAdmin);
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    expect(response.data!.users.edges).to.have.length(first);
    for (const { node } of response.data!.users.edges) {
      const member = /^member-(\d+)@/.exec(node.email);
      if (!member) continue;
      const accepted = Number(member[1]) % 3 === 0;
      expect(node.consents, node.email).to.deep.equal([
        { policy: { key: 'news' }, decision: null, pending: false },
        { policy: { key: 'terms' }, decision: accepted ? 'granted' : null, pending: !accepted },
      ]);
    }
    const organizations = response.data!.users.edges.map((e) => e.node.organizations.length);
    expect(organizations.filter((n) => n === 2).length, 'seeded members').to.be.at.least(first - 3);
    return statements;
  }

  it('users(first: 50) with roles, consents, organizations and their members costs no more queries than first: 5', async () => {
    await statementsFor(1); // the key's last use is recorded once; later requests do not write it
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    // One statement per level (principal, page, roles, organizations, members, their users and roles);
    // a larger page may save one when the loaders' caches already hold the members, and user search
    // may try its second plan once.
    expect(large.length, large.join('\n---\n')).to.be.at.most(small.length + 1);
    expect(large.length, large.join('\n---\n')).to.be.at.most(11);
  });
});
