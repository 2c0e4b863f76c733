import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { Organization } from '../../src/organizations/organization.entity.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Users through the GraphQL API (ARCHITECTURE.md "Request flows" → Admin): each mutation changes the
 * user through the users domain and writes its audit event (actor, tenant, action, target, ip, user
 * agent) in the same transaction; connections page in a stable order with opaque cursors.
 */
describe('GraphQL users, audit events and connections', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let apiKeyId = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const { portico } = api.server;
    apiKeyId = (await portico.apiKeys.findByKey(portico.dataSource.manager, KEYS.acmeAdmin))!.id;
  });
  after(async () => api?.close());

  const admin = <T>(query: string, variables: Record<string, unknown> = {}) =>
    api.gql<T>(query, variables, KEYS.acmeAdmin);
  const eventsFor = (targetId: string) =>
    api.server.portico.dataSource.manager.find(AuditEvent, {
      where: { targetId },
      order: { createdAt: 'ASC' },
    });

  async function create(input: Record<string, unknown>): Promise<string> {
    const response = await admin<{ createUser: { id: string } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input },
    );
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data!.createUser.id;
  }

  it('every user mutation writes its audit event: actor, tenant, action, target, ip, user agent', async () => {
    const id = await create({ email: 'erin@example.com', username: 'erin', profile: { givenName: 'Erin' } });
    for (const mutation of ['blockUser', 'unblockUser']) {
      const response = await admin(`mutation($id: ID!) { ${mutation}(id: $id) { id status } }`, { id });
      expect(response.errors).to.equal(undefined);
    }
    await admin('mutation($id: ID!) { updateUser(id: $id, input: { phone: "+4915112345678" }) { id } }', {
      id,
    });
    const deleted = await admin<{ deleteUser: string }>('mutation($id: ID!) { deleteUser(id: $id) }', { id });
    expect(deleted.data!.deleteUser).to.equal(id);

    const events = await eventsFor(id);
    expect(events.map((e) => e.action)).to.deep.equal([
      'user.created',
      'user.blocked',
      'user.unblocked',
      'user.updated',
      'user.deleted',
    ]);
    const acme = await api.server.portico.tenants.getBySlug(api.server.portico.dataSource.manager, 'acme');
    for (const event of events) {
      expect(event).to.include({
        tenantId: acme.id,
        actorType: 'api_key',
        actorId: apiKeyId,
        targetType: 'user',
      });
      expect(event.ip).to.match(/127\.0\.0\.1/);
      expect(event.userAgent).to.equal('portico-graphql-test/1.0');
    }
    expect(events[3]!.data).to.deep.equal({ fields: ['phone'] });
    expect((await admin('query($id: ID!) { user(id: $id) { id } }', { id })).data).to.deep.equal({
      user: null,
    });
  });

  it('a refused change writes no audit event (the event shares the transaction)', async () => {
    const before = await api.server.portico.dataSource.manager.count(AuditEvent);
    const taken = await admin('mutation { createUser(input: { email: "ALICE@example.com" }) { id } }');
    expect(codesOf(taken)).to.deep.equal(['CONFLICT']);
    expect(taken.errors![0]!.extensions!.fields).to.have.property('email');
    await create({ email: 'frank@example.com', username: 'frank' });
    const username = await admin(
      'mutation { createUser(input: { email: "frank2@example.com", username: "frank" }) { id } }',
    );
    expect(codesOf(username)).to.deep.equal(['CONFLICT']);
    expect(username.errors![0]!.extensions!.fields).to.have.property('username');
    expect(await api.server.portico.dataSource.manager.count(AuditEvent)).to.equal(before + 1);
  });

  it('updateUser: a new email is unverified, the profile merges (null removes a key), phone null clears', async () => {
    const id = await create({
      email: 'gina@example.com',
      emailVerified: true,
      phone: '+4915100000001',
      profile: { givenName: 'Gina', team: 'red' },
    });
    const response = await admin<{ updateUser: Record<string, unknown> }>(
      `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) {
         email emailVerified phone profile } }`,
      { id, input: { email: 'gina@new.example', phone: null, profile: { team: null, familyName: 'G' } } },
    );
    expect(response.errors).to.equal(undefined);
    expect(response.data!.updateUser).to.deep.equal({
      email: 'gina@new.example',
      emailVerified: false,
      phone: null,
      profile: { givenName: 'Gina', familyName: 'G' },
    });
  });

  it('blockUser revokes the sessions and tokens of the user (SECURITY.md ★9)', async () => {
    const token = await api.userToken('acme', USERS.bob);
    const bob = await api.server.portico.dataSource.manager.findOneByOrFail(User, { email: USERS.bob.email });
    const sessions = () =>
      api.server.portico.dataSource.query(
        'SELECT count(*)::int AS n FROM oidc_models WHERE account_id = $1',
        [bob.id],
      );
    expect((await sessions())[0].n).to.be.greaterThan(0);
    const blocked = await admin<{ blockUser: { status: string } }>(
      'mutation($id: ID!) { blockUser(id: $id) { status } }',
      {
        id: bob.id,
      },
    );
    expect(blocked.data!.blockUser.status).to.equal('blocked');
    expect((await sessions())[0].n).to.equal(0);
    expect((await api.gql('{ me { id } }', {}, token)).status).to.equal(401);
    await admin('mutation($id: ID!) { unblockUser(id: $id) { status } }', { id: bob.id });
  });

  it('me and updateMe: a user changes their own profile; the audit event names the user as actor', async () => {
    const token = await api.userToken('acme', USERS.victor);
    const response = await api.gql<{ updateMe: { id: string; profile: Record<string, unknown> } }>(
      'mutation { updateMe(input: { profile: { nickname: "vic" } }) { id profile } }',
      {},
      token,
    );
    expect(response.errors).to.equal(undefined);
    expect(response.data!.updateMe.profile).to.deep.equal({ nickname: 'vic' });
    // The sign-in wrote its own event (`user.login`) before.
    const event = (await eventsFor(response.data!.updateMe.id)).find(
      (e) => e.action === 'user.profile_updated',
    );
    expect(event).to.include({
      action: 'user.profile_updated',
      actorType: 'user',
      actorId: response.data!.updateMe.id,
    });
  });

  it('users pages in a stable order with opaque cursors: every user once, even when created together', async () => {
    const { portico } = api.server;
    await portico.dataSource.transaction(async (manager) => {
      const acme = await portico.tenants.getBySlug(manager, 'acme');
      for (let i = 0; i < 7; i += 1)
        await portico.users.create(manager, acme, { email: `batch-${i}@example.com` });
    });
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const response: Awaited<ReturnType<typeof admin<{ users: Page<{ id: string }> }>>> = await admin(
        'query($after: String) { users(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page = response.data!.users;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const all = await portico.dataSource.query(
      `SELECT u.id FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = 'acme' ORDER BY u.created_at, u.id`,
    );
    expect(seen).to.deep.equal(all.map((r: { id: string }) => r.id));
  });

  it('refuses a cursor it did not issue, or one of another connection, as BAD_USER_INPUT on `after`', async () => {
    const audit = await admin<{ auditEvents: Page<unknown> }>(
      '{ auditEvents(first: 1) { pageInfo { endCursor } } }',
    );
    const foreign = audit.data!.auditEvents.pageInfo.endCursor!;
    const forged = Buffer.from(
      JSON.stringify({ k: 'users', t: "1'; DROP TABLE users; --", i: 'x' }),
    ).toString('base64url');
    for (const after of [foreign, forged, 'not a cursor', `${foreign}==`, 'e30']) {
      const response = await admin('query($after: String) { users(after: $after) { edges { cursor } } }', {
        after,
      });
      expect(codesOf(response), after).to.deep.equal(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions!.fields).to.have.property('after');
    }
  });

  it('auditEvents: newest first, paged, filtered by actor, action, target and time', async () => {
    const id = await create({ email: 'hank@example.com' });
    for (let i = 0; i < 3; i += 1) {
      await admin(
        'mutation($id: ID!, $p: JSONObject) { updateUser(id: $id, input: { profile: $p }) { id } }',
        {
          id,
          p: { step: i },
        },
      );
    }
    const query = `query($filter: AuditEventsFilter, $after: String) {
      auditEvents(first: 2, after: $after, filter: $filter) {
        edges { node { action targetId actorId createdAt } } pageInfo { hasNextPage endCursor } } }`;
    const first = await admin<{ auditEvents: Page<{ action: string; createdAt: string }> }>(query, {
      filter: { targetId: id },
    });
    expect(first.data!.auditEvents.edges.map((e) => e.node.action)).to.deep.equal([
      'user.updated',
      'user.updated',
    ]);
    expect(first.data!.auditEvents.pageInfo.hasNextPage).to.equal(true);
    const second = await admin<{ auditEvents: Page<{ action: string }> }>(query, {
      filter: { targetId: id },
      after: first.data!.auditEvents.pageInfo.endCursor,
    });
    expect(second.data!.auditEvents.edges.map((e) => e.node.action)).to.deep.equal([
      'user.updated',
      'user.created',
    ]);
    expect(second.data!.auditEvents.pageInfo.hasNextPage).to.equal(false);

    const future = await admin<{ auditEvents: Page<unknown> }>(query, {
      filter: { targetId: id, since: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(future.data!.auditEvents.edges).to.deep.equal([]);
    const byAction = await admin<{ auditEvents: Page<{ action: string }> }>(query, {
      filter: {
        targetId: id,
        action: 'user.created',
        actorId: apiKeyId,
        until: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    expect(byAction.data!.auditEvents.edges.map((e) => e.node.action)).to.deep.equal(['user.created']);
  });

  it('node(id) finds users, organizations and audit events of the tenant; members page through an organization', async () => {
    const { portico } = api.server;
    const manager = portico.dataSource.manager;
    const globex = await manager.findOneByOrFail(Organization, { slug: 'globex' });
    const alice = await manager.findOneByOrFail(User, { email: USERS.alice.email });
    const nodes = await admin<Record<string, { __typename: string; id: string } | null>>(
      'query($u: ID!, $o: ID!) { u: node(id: $u) { __typename id } o: node(id: $o) { __typename id ... on Organization { slug } } }',
      { u: alice.id, o: globex.id },
    );
    expect(nodes.data).to.deep.equal({
      u: { __typename: 'User', id: alice.id },
      o: { __typename: 'Organization', id: globex.id, slug: 'globex' },
    });
    const anyEvent = await manager.findOneByOrFail(AuditEvent, { action: 'user.created' });
    const eventNode = await admin<{ node: { __typename: string } }>(
      'query($id: ID!) { node(id: $id) { __typename } }',
      {
        id: anyEvent.id,
      },
    );
    expect(eventNode.data!.node.__typename).to.equal('AuditEvent');

    const members = await admin<{
      u: Page<{ organizations: { slug: string; members: Page<{ email: string }> }[] }>;
    }>(
      `query($q: String) { u: users(first: 1, query: $q) { edges { node { organizations { slug
        members(first: 1) { edges { node { email } } pageInfo { hasNextPage } } } } } } }`,
      { q: 'alice' },
    );
    expect(members.errors).to.equal(undefined);
    const [org] = members.data!.u.edges[0]!.node.organizations;
    expect(org!.slug).to.equal('globex');
    expect(org!.members.edges.map((e) => e.node.email)).to.deep.equal([USERS.alice.email]);
    expect(org!.members.pageInfo.hasNextPage).to.equal(false);
  });
});
