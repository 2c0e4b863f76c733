import { expect } from 'chai';
import { AuditEvent } from '../../src/audit/audit-event.entity.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import { codesOf, type GraphqlServer, KEYS, startGraphqlServer, USERS } from './harness.js';

interface SessionView {
  uid: string;
  createdAt: string | null;
  lastSeenAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

const USER_SESSIONS =
  'query($userId: ID!) { userSessions(userId: $userId) { uid createdAt lastSeenAt ip userAgent } }';
const REVOKE_USER = 'mutation($userId: ID!) { revokeUserSessions(userId: $userId) { deleted notified } }';
const MY_SESSIONS = '{ me { sessions { uid createdAt } } }';

/** Sign-in sessions through GraphQL, after real logins through the tenant's OIDC code flow. */
describe('GraphQL sessions: listed and revoked after a real login', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let bobId = '';
  let carolId = '';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const manager = api.server.portico.dataSource.manager;
    bobId = (await manager.findOneByOrFail(User, { email: USERS.bob.email })).id;
    carolId = (await manager.findOneByOrFail(User, { email: USERS.carol.email })).id;
  });
  after(async () => api?.close());

  const sessionsOf = async (userId: string, auth = KEYS.acmeAdmin) => {
    const response = await api.gql<{ userSessions: SessionView[] }>(USER_SESSIONS, { userId }, auth);
    expect(response.errors, JSON.stringify(response.errors)).to.equal(undefined);
    return response.data!.userSessions;
  };

  it("an admin lists a user's sessions (uid, times, ip, user agent) and revokes them all", async () => {
    await api.userToken('acme', USERS.bob);
    const sessions = await sessionsOf(bobId);
    expect(sessions).to.have.length.greaterThan(0);
    const [session] = sessions;
    expect(session!.uid).to.be.a('string').and.not.equal('');
    expect(session!.createdAt).to.be.a('string');
    expect(session!.lastSeenAt).to.be.a('string');
    expect(session!.ip).to.match(/127\.0\.0\.1|::1/);
    expect(session!.userAgent).to.be.a('string');

    const revoked = await api.gql<{ revokeUserSessions: { deleted: number } }>(
      REVOKE_USER,
      { userId: bobId },
      KEYS.acmeAdmin,
    );
    expect(revoked.errors).to.equal(undefined);
    expect(revoked.data!.revokeUserSessions.deleted).to.be.greaterThan(0);
    expect(await sessionsOf(bobId)).to.deep.equal([]);
    const event = await api.server.portico.dataSource.manager.findOneByOrFail(AuditEvent, {
      action: 'user.sessions_revoked',
      targetId: bobId,
    });
    expect(event.actorType).to.equal('api_key');
  });

  it('a user sees its own sessions through me { sessions } and ends them with revokeMySessions', async () => {
    const token = await api.userToken('acme', USERS.bob);
    const mine = await api.gql<{ me: { sessions: { uid: string }[] } }>(MY_SESSIONS, {}, token);
    expect(mine.errors).to.equal(undefined);
    expect(mine.data!.me.sessions).to.have.length.greaterThan(0);
    const revoked = await api.gql('mutation { revokeMySessions { deleted } }', {}, token);
    expect(revoked.errors).to.equal(undefined);
    const after = await api.gql<{ me: { sessions: unknown[] } }>(MY_SESSIONS, {}, token);
    expect(after.data!.me.sessions).to.deep.equal([]);
    const event = await api.server.portico.dataSource.manager.findOneByOrFail(AuditEvent, {
      action: 'user.own_sessions_revoked',
      targetId: bobId,
    });
    expect(event).to.include({ actorType: 'user', actorId: bobId });
  });

  it("a plain user cannot list or revoke another user's sessions; a viewer reads but cannot revoke", async () => {
    const bob = await api.userToken('acme', USERS.bob);
    expect(codesOf(await api.gql(USER_SESSIONS, { userId: bobId }, bob))).to.deep.equal(['FORBIDDEN']);
    expect(codesOf(await api.gql(REVOKE_USER, { userId: bobId }, bob))).to.deep.equal(['FORBIDDEN']);
    const viewer = await api.userToken('acme', USERS.victor);
    expect((await sessionsOf(bobId, viewer)).length).to.be.greaterThan(0);
    expect(codesOf(await api.gql(REVOKE_USER, { userId: bobId }, viewer))).to.deep.equal(['FORBIDDEN']);
  });

  it('users { sessions } lists each user of a page with its own sessions', async () => {
    await api.userToken('acme', USERS.alice);
    const response = await api.gql<{
      users: { edges: { node: { id: string; sessions: { uid: string }[] } }[] };
    }>('{ users(first: 50) { edges { node { id sessions { uid } } } } }', {}, KEYS.acmeAdmin);
    expect(response.errors).to.equal(undefined);
    const byUser = new Map(response.data!.users.edges.map((e) => [e.node.id, e.node.sessions]));
    for (const [id, sessions] of byUser)
      expect(sessions, id).to.deep.equal((await sessionsOf(id)).map(({ uid }) => ({ uid })));
    expect([...byUser.values()].some((s) => s.length > 0)).to.equal(true);
  });

  it("another tenant's user is NOT_FOUND, and its sessions survive", async () => {
    await api.userToken('umbrella', USERS.carol);
    for (const query of [USER_SESSIONS, REVOKE_USER]) {
      expect(codesOf(await api.gql(query, { userId: carolId }, KEYS.acmeAdmin))).to.deep.equal(['NOT_FOUND']);
    }
    expect(await sessionsOf(carolId, KEYS.umbrellaAdmin)).to.have.length.greaterThan(0);
  });
});
