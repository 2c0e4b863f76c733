import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { OutboxMessage } from '../../src/jobs/outbox.entity.js';
import type { MessagePayload } from '../../src/messaging/messaging.service.js';
import { needsPostgres } from '../support/services.js';
import {
  codesOf,
  type GraphqlResponse,
  type GraphqlServer,
  KEYS,
  startGraphqlServer,
  USERS,
} from './harness.js';

const SET_ROLES =
  'mutation($id: ID!, $roles: [String!]!) { setUserRoles(userId: $id, roles: $roles) { id roles } }';
const reasonsOf = (response: GraphqlResponse<unknown>) =>
  (response.errors ?? []).map((e) => e.extensions?.reason);

/**
 * Tenant roles through the GraphQL API: custom roles carry a subset of the tenant's permissions and
 * give them to their holders; nobody grants, takes away or defines more than they hold (SECURITY.md 32).
 * Also the admin's "send a password reset" and the linked identities of a user.
 */
describe('GraphQL tenant roles, password reset mails and linked identities', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  const ids: Record<string, string> = {};
  let supportId = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const { portico } = api.server;
    const manager = portico.dataSource.manager;
    const acme = await portico.tenants.getBySlug(manager, 'acme');
    for (const name of ['alice', 'bob', 'victor'] as const) {
      ids[name] = (await portico.users.findByEmail(manager, acme.id, USERS[name].email))!.id;
    }
  });
  after(async () => api?.close());

  const admin = <T>(query: string, variables: Record<string, unknown> = {}) =>
    api.gql<T>(query, variables, KEYS.acmeAdmin);
  const writer = <T>(query: string, variables: Record<string, unknown> = {}) =>
    api.gql<T>(query, variables, KEYS.acmeWriter);

  it('lists the built-in roles with their permissions', async () => {
    const response = await admin<{
      roles: { id: string | null; name: string; builtIn: boolean; permissions: string[] }[];
    }>('{ roles { id name builtIn permissions } }');
    const byName = Object.fromEntries(response.data!.roles.map((r) => [r.name, r]));
    expect(byName.admin).to.include({ builtIn: true, id: null });
    expect(byName.admin!.permissions).to.include('apikeys:admin');
    expect(byName.viewer!.permissions).to.include('users:read').and.not.include('users:write');
  });

  it('a custom role gives its permissions: a support agent can read users and not change them', async () => {
    const created = await admin<{ createRole: { id: string; permissions: string[] } }>(
      'mutation { createRole(input: { name: "support", description: "Helpdesk", permissions: ["users:read", "audit:read", "users:read"] }) { id permissions } }',
    );
    expect(created.errors).to.equal(undefined);
    supportId = created.data!.createRole.id;
    expect(created.data!.createRole.permissions).to.deep.equal(['audit:read', 'users:read']);
    const set = await admin<{ setUserRoles: { roles: string[] } }>(SET_ROLES, {
      id: ids.bob,
      roles: ['support'],
    });
    expect(set.data!.setUserRoles.roles).to.deep.equal(['support']);

    const token = await api.userToken('acme', USERS.bob);
    const read = await api.gql('{ users(first: 5) { edges { node { id } } } }', {}, token);
    expect(read.errors).to.equal(undefined);
    const write = await api.gql(
      'mutation { createUser(input: { email: "x@example.com" }) { id } }',
      {},
      token,
    );
    expect(codesOf(write)).to.deep.equal(['FORBIDDEN']);
    const manager = api.server.portico.dataSource.manager;
    expect(await manager.countBy(AuditEvent, { action: 'user.roles_set', targetId: ids.bob })).to.equal(1);
  });

  it('a users:write key cannot make anyone an admin, nor define or delete a role beyond its permissions (★32)', async () => {
    expect(reasonsOf(await writer(SET_ROLES, { id: ids.bob, roles: ['support', 'admin'] }))).to.deep.equal([
      'permission_escalation',
    ]);
    expect(reasonsOf(await writer(SET_ROLES, { id: ids.alice, roles: [] }))).to.deep.equal([
      'permission_escalation',
    ]);
    const define = await writer(
      'mutation { createRole(input: { name: "sneaky", permissions: ["apikeys:admin"] }) { id } }',
    );
    expect(reasonsOf(define)).to.deep.equal(['permission_escalation']);
    const remove = await writer('mutation($id: ID!) { deleteRole(id: $id) }', { id: supportId });
    expect(reasonsOf(remove)).to.deep.equal(['permission_escalation']);
  });

  it('built-in roles cannot be redefined; unknown permissions, unknown roles and other tenants are refused', async () => {
    const builtIn = await admin('mutation { createRole(input: { name: "admin", permissions: [] }) { id } }');
    expect(reasonsOf(builtIn)).to.deep.equal(['role_built_in']);
    const unknown = await admin(
      'mutation { createRole(input: { name: "x", permissions: ["tenants:write"] }) { id } }',
    );
    expect(codesOf(unknown)).to.deep.equal(['BAD_USER_INPUT']);
    expect(reasonsOf(await admin(SET_ROLES, { id: ids.bob, roles: ['nope'] }))).to.deep.equal(['not_found']);
    const otherTenant = await api.gql(
      'mutation($id: ID!) { deleteRole(id: $id) }',
      { id: supportId },
      KEYS.umbrellaAdmin,
    );
    expect(codesOf(otherTenant)).to.deep.equal(['NOT_FOUND']);
  });

  it('deleting a custom role takes it from its holders', async () => {
    const deleted = await admin<{ deleteRole: string }>('mutation($id: ID!) { deleteRole(id: $id) }', {
      id: supportId,
    });
    expect(deleted.data!.deleteRole).to.equal(supportId);
    const bob = await admin<{ user: { roles: string[] } }>('query($id: ID!) { user(id: $id) { roles } }', {
      id: ids.bob,
    });
    expect(bob.data!.user.roles).to.deep.equal([]);
  });

  it('sendPasswordReset mails the user a reset link (sealed in the outbox), audited with the key as actor', async () => {
    const response = await admin('mutation($id: ID!) { sendPasswordReset(id: $id) { id } }', {
      id: ids.victor,
    });
    expect(response.errors).to.equal(undefined);
    const { portico } = api.server;
    const rows = await portico.dataSource.manager.findBy(OutboxMessage, { name: 'password_reset' });
    const mine = rows.filter((row) => (row.payload as unknown as MessagePayload).to === USERS.victor.email);
    expect(mine).to.have.length(1);
    const payload = mine[0]!.payload as unknown as MessagePayload;
    expect(JSON.stringify(payload)).to.not.contain('token=');
    const { link } = portico.messaging.openVariables(payload);
    expect(link).to.match(
      new RegExp(`^${api.server.publicUrl}/t/acme/reset-password\\?token=[A-Za-z0-9_-]{43}$`),
    );
    const events = await portico.dataSource.manager.findBy(AuditEvent, {
      action: 'password.reset_requested',
      targetId: ids.victor,
    });
    expect(events.map((e) => e.actorType)).to.deep.equal(['api_key']);
    const otherTenant = await api.gql(
      'mutation($id: ID!) { sendPasswordReset(id: $id) { id } }',
      { id: ids.victor },
      KEYS.umbrellaAdmin,
    );
    expect(codesOf(otherTenant)).to.deep.equal(['NOT_FOUND']);
  });

  it('lists the upstream identities linked to a user, to admins and to the user through me', async () => {
    const { portico } = api.server;
    const manager = portico.dataSource.manager;
    const acme = await portico.tenants.getBySlug(manager, 'acme');
    const [connection] = (await manager.query(
      `INSERT INTO connections (tenant_id, type, name) VALUES ($1, 'social', 'Google') RETURNING id`,
      [acme.id],
    )) as { id: string }[];
    await manager.query(
      'INSERT INTO identities (tenant_id, user_id, connection_id, subject) VALUES ($1, $2, $3, $4)',
      [acme.id, ids.alice, connection!.id, 'google-sub-1'],
    );
    const viaAdmin = await admin<{ user: { identities: unknown[] } }>(
      'query($id: ID!) { user(id: $id) { identities { subject connectionName connectionType } } }',
      { id: ids.alice },
    );
    expect(viaAdmin.data!.user.identities).to.deep.equal([
      { subject: 'google-sub-1', connectionName: 'Google', connectionType: 'social' },
    ]);
    const token = await api.userToken('acme', USERS.alice);
    const viaMe = await api.gql<{ me: { identities: { subject: string }[] } }>(
      '{ me { identities { subject } } }',
      {},
      token,
    );
    expect(viaMe.data!.me.identities.map((i) => i.subject)).to.deep.equal(['google-sub-1']);
  });
});
