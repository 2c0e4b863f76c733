import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';

const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { id name prefix scopes expiresAt revokedAt } } }`;
const LIST = '{ apiKeys { id name prefix scopes createdAt lastUsedAt expiresAt revokedAt } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';
const USERS_QUERY = '{ users(first: 1) { edges { node { id } } } }';

interface Created {
  createApiKey: { key: string; apiKey: { id: string; name: string; prefix: string; scopes: string[] } };
}

/** API keys through GraphQL: shown once, usable, revocable, never granting more than their creator holds. */
describe('GraphQL API keys: create, use, revoke', function () {
  this.timeout(60_000);
  let api: GraphqlServer;

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
  });
  after(async () => api?.close());

  const auditCount = () => api.server.portico.dataSource.manager.count(AuditEvent);

  it('a key is shown once, works at /graphql within its scopes, and is refused once revoked', async () => {
    const created = await api.gql<Created>(
      CREATE,
      { input: { name: 'reporting', scopes: ['users:read'] } },
      KEYS.acmeAdmin,
    );
    expect(created.errors).to.equal(undefined);
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).to.match(/^pk_/);
    expect(key.slice(3).startsWith(apiKey.prefix)).to.equal(true);
    expect(apiKey.scopes).to.deep.equal(['users:read']);

    const listed = await api.gql<{ apiKeys: Record<string, unknown>[] }>(LIST, {}, KEYS.acmeAdmin);
    const row = listed.data!.apiKeys.find((k) => k.id === apiKey.id)!;
    expect(row).to.include({ name: 'reporting', prefix: apiKey.prefix, revokedAt: null });
    expect(JSON.stringify(listed.data)).to.not.include(key);

    const used = await api.gql(USERS_QUERY, {}, key);
    expect(used.errors).to.equal(undefined);
    expect(codesOf(await api.gql(CREATE, { input: { name: 'x', scopes: [] } }, key))).to.deep.equal([
      'FORBIDDEN',
    ]);

    const revoked = await api.gql<{ revokeApiKey: { revokedAt: string | null } }>(
      REVOKE,
      { id: apiKey.id },
      KEYS.acmeAdmin,
    );
    expect(revoked.data!.revokeApiKey.revokedAt).to.be.a('string');
    const refused = await api.gql(USERS_QUERY, {}, key);
    expect(refused.status).to.equal(401);
    expect(codesOf(refused)).to.deep.equal(['UNAUTHENTICATED']);

    const events = await api.server.portico.dataSource.manager.find(AuditEvent, {
      where: { targetId: apiKey.id },
      order: { createdAt: 'ASC' },
    });
    expect(events.map((e) => e.action)).to.deep.equal(['api_key.created', 'api_key.revoked']);
  });

  it('the key field exists only on the creation payload: no hash, no key on ApiKey', async () => {
    const response = await api.gql<{ __type: { fields: { name: string }[] } }>(
      '{ __type(name: "ApiKey") { fields { name } } }',
    );
    const names = response.data!.__type.fields.map((f) => f.name);
    expect(names).to.not.include.members(['key', 'keyHash', 'hash']);
    expect(names.some((n) => /hash|secret|^key$/i.test(n))).to.equal(false);
  });

  it("SECURITY.md item 32: a scope outside the principal's own is refused and nothing is written", async () => {
    const before = await auditCount();
    // tenants:write means something only in tenant system: an acme admin cannot grant it.
    const escalated = await api.gql(
      CREATE,
      { input: { name: 'escalated', scopes: ['users:read', 'tenants:write'] } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(escalated)).to.deep.equal(['FORBIDDEN']);
    expect(escalated.errors![0]!.message).to.include('tenants:write');
    const unknown = await api.gql(CREATE, { input: { name: 'odd', scopes: ['root'] } }, KEYS.acmeAdmin);
    expect(codesOf(unknown)).to.deep.equal(['BAD_USER_INPUT']);
    const expired = await api.gql(
      CREATE,
      { input: { name: 'stale', scopes: [], expiresAt: new Date(Date.now() - 1000).toISOString() } },
      KEYS.acmeAdmin,
    );
    expect(codesOf(expired)).to.deep.equal(['BAD_USER_INPUT']);
    expect(await auditCount()).to.equal(before);
  });

  it('only administrators manage keys: a users:write key, a viewer token are forbidden', async () => {
    const viewer = await api.userToken('acme', USERS.victor);
    for (const auth of [KEYS.acmeWriter, viewer]) {
      expect(codesOf(await api.gql(LIST, {}, auth))).to.deep.equal(['FORBIDDEN']);
      const create = await api.gql(CREATE, { input: { name: 'w', scopes: ['users:read'] } }, auth);
      expect(codesOf(create)).to.deep.equal(['FORBIDDEN']);
    }
  });

  it("an admin user's token creates a key for itself, expiring; another tenant's key id is NOT_FOUND", async () => {
    const token = await api.userToken('acme', USERS.alice);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await api.gql<{ createApiKey: { apiKey: { expiresAt: string } } }>(
      CREATE,
      { input: { name: 'alice-ci', scopes: ['admin'], expiresAt } },
      token,
    );
    expect(created.errors).to.equal(undefined);
    expect(created.data!.createApiKey.apiKey.expiresAt).to.equal(expiresAt);
    const theirs = await api.gql<{ apiKeys: { id: string }[] }>(LIST, {}, KEYS.umbrellaAdmin);
    const umbrellaKey = theirs.data!.apiKeys[0]!.id;
    expect(codesOf(await api.gql(REVOKE, { id: umbrellaKey }, token))).to.deep.equal(['NOT_FOUND']);
    const mine = await api.gql<{ apiKeys: { id: string }[] }>(LIST, {}, token);
    expect(mine.data!.apiKeys.map((k) => k.id)).to.not.include(umbrellaKey);
  });
});
