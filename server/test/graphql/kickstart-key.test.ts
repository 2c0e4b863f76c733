import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { fixture } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';
import { type GraphqlServer, startGraphqlServer } from './harness.js';

/**
 * The kickstart example of ARCHITECTURE.md (test/fixtures/kickstart.example.yaml) gives tenant `acme`
 * the API key `pk_acme_0123…` with scope `admin`: with it alone, an operator's script lists, searches
 * and creates users and reads the audit log. Both storage modes.
 */
const KEY = 'pk_acme_0123456789abcdef0123456789abcdef';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`GraphQL with the kickstart example's API key (${kind})`, function () {
    this.timeout(60_000);
    let api: GraphqlServer;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      api = await startGraphqlServer(kind, readFileSync(fixture('kickstart.example.yaml'), 'utf8'));
    });
    after(async () => api?.close());

    it('lists users with the pinned User fields', async () => {
      const response = await api.gql(
        `{ users(first: 10) { edges { cursor node { id email emailVerified phone status profile createdAt } }
           pageInfo { hasNextPage endCursor } } }`,
        {},
        KEY,
      );
      expect(response.errors).to.equal(undefined);
      const users = response.data!.users as { edges: { node: Record<string, unknown> }[] };
      expect(users.edges.map((e) => e.node.email)).to.deep.equal(['alice@example.com']);
      expect(users.edges[0]!.node).to.include({ emailVerified: true, phone: null, status: 'active' });
      expect(users.edges[0]!.node.profile).to.deep.equal({ givenName: 'Alice', familyName: 'Example' });
      expect(Date.parse(String(users.edges[0]!.node.createdAt))).to.be.a('number').and.not.NaN;
    });

    it('creates a user with only an email, finds it by search, and reads user.created in the audit log', async () => {
      const created = await api.gql<{ createUser: { id: string; email: string; emailVerified: boolean } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { id email emailVerified status } }',
        { input: { email: 'dora@example.com' } },
        KEY,
      );
      expect(created.errors).to.equal(undefined);
      const id = created.data!.createUser.id;
      expect(created.data!.createUser).to.include({ email: 'dora@example.com', emailVerified: false });

      const found = await api.gql<{ users: { edges: { node: { id: string } }[] } }>(
        'query($q: String) { users(first: 10, query: $q) { edges { node { id email } } } }',
        { q: 'dora' },
        KEY,
      );
      expect(found.errors).to.equal(undefined);
      expect(found.data!.users.edges.map((e) => e.node.id)).to.deep.equal([id]);

      const audit = await api.gql<{ auditEvents: { edges: { node: Record<string, unknown> }[] } }>(
        '{ auditEvents(first: 5, filter: { action: "user.created" }) { edges { node { action actorType targetId ip userAgent } } } }',
        {},
        KEY,
      );
      expect(audit.errors).to.equal(undefined);
      expect(audit.data!.auditEvents.edges[0]!.node).to.include({
        action: 'user.created',
        actorType: 'api_key',
        targetId: id,
        userAgent: 'portico-graphql-test/1.0',
      });
      expect(audit.data!.auditEvents.edges[0]!.node.ip).to.match(/127\.0\.0\.1/);
    });
  });
}
