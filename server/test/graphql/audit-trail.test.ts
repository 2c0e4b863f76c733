import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { buildGraphqlSchema } from '../../src/graphql/schema.js';
import { needsPostgres } from '../support/services.js';
import { AUDITED_FIXTURES } from './fixtures.js';
import { type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';
import { operationDocument, rootOperations } from './operations.js';

/**
 * Mutations that succeed only with a secret a probe cannot know (the texted code, the current
 * password): their audit events are checked in me-account-api.test.ts.
 */
const NEEDS_A_SECRET = ['confirmPhone', 'changeMyPassword'];

/**
 * ARCHITECTURE.md "Request flows" → Admin: every mutation of the schema, run as a principal allowed to,
 * writes exactly one audit event in its principal's tenant, naming the actor, the ip and the user
 * agent. The mutations come from the built schema: a new one is covered without editing this test.
 */
describe('GraphQL audit trail: every mutation writes an audit event', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let systemKey = '';
  let userToken = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const { portico } = api.server;
    systemKey = await portico.dataSource.transaction(async (manager) => {
      const system = await portico.tenants.systemTenant(manager);
      return (await portico.apiKeys.create(manager, system.id, { name: 'ops', scopes: ['admin'] })).key;
    });
    userToken = await api.userToken('acme', USERS.bob);
  });
  after(async () => api?.close());

  /** Who may run a mutation: instance principals for tenants, the user for self-service, else the admin key. */
  const principalFor = (name: string) =>
    name.includes('Tenant') ? systemKey : /Me$|My|Phone/.test(name) ? userToken : KEYS.acmeAdmin;

  /** The id a mutation acts on: a fresh user, unless it acts on another kind of row of tenant A. */
  async function idFor(name: string, i: number): Promise<string> {
    const fixture = AUDITED_FIXTURES[name];
    if (!fixture) return freshUserId(i);
    const { portico } = api.server;
    return portico.dataSource.transaction(async (manager) => {
      const acme = await portico.tenants.getBySlug(manager, 'acme');
      return fixture(portico, manager, acme.id, i);
    });
  }

  async function freshUserId(i: number): Promise<string> {
    const { portico } = api.server;
    return portico.dataSource.transaction(async (manager) => {
      const acme = await portico.tenants.getBySlug(manager, 'acme');
      return (await portico.users.create(manager, acme, { email: `audited-${i}@example.com` })).id;
    });
  }

  it('one event per mutation, in the tenant of the principal, with actor, ip and user agent', async () => {
    const manager = api.server.portico.dataSource.manager;
    const mutations = rootOperations(buildGraphqlSchema()).filter(
      (o) => o.kind === 'mutation' && !NEEDS_A_SECRET.includes(o.field.name),
    );
    expect(mutations.length).to.be.greaterThan(5);
    for (const [i, operation] of mutations.entries()) {
      const id = await idFor(operation.field.name, i);
      const before = await manager.count(AuditEvent);
      const { query, variables } = operationDocument(operation, id, `audit-${i}-${Date.now()}`);
      const response = await api.gql(query, variables, principalFor(operation.field.name));
      expect(response.errors, `${operation.field.name}: ${JSON.stringify(response.errors)}`).to.equal(
        undefined,
      );
      const events = await manager.find(AuditEvent, { order: { createdAt: 'DESC' }, take: 2 });
      expect(await manager.count(AuditEvent), operation.field.name).to.equal(before + 1);
      const event = events[0]!;
      expect(event.actorId, operation.field.name).to.be.a('string');
      expect(event.actorType).to.be.oneOf(['api_key', 'user']);
      expect(event.ip, operation.field.name).to.match(/127\.0\.0\.1/);
      expect(event.userAgent, operation.field.name).to.equal('portico-graphql-test/1.0');
      expect(event.action, operation.field.name).to.match(/^[a-z_]+\.[a-z_]+$/);
    }
  });
});
