import { expect } from 'chai';
import { generateKeyPair, SignJWT } from 'jose';
import { ApiKey } from '../../src/apikeys/api-key.entity.js';
import { AccessTokenVerifier } from '../../src/graphql/access-token-verifier.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { User } from '../../src/users/user.entity.js';
import { needsPostgres } from '../support/services.js';
import {
  codesOf,
  type GraphqlServer,
  KEYS,
  signedAccessToken,
  startGraphqlServer,
  USERS,
} from './harness.js';

/**
 * Principals come from `Authorization: Bearer …` only: API keys (stored hashed, per tenant, revocable,
 * expiring, last use recorded) and JWT access tokens a tenant's provider issued for this API
 * (ARCHITECTURE.md "Public contract" → GraphQL; SECURITY.md item 14).
 */
describe('GraphQL principals: API keys and access tokens', function () {
  this.timeout(60_000);
  let api: GraphqlServer;
  let aliceId = '';
  const ME = '{ me { id email roles } }';
  const USERS_QUERY = '{ users(first: 1) { edges { node { id } } } }';

  before(async function () {
    needsPostgres(this);
    api = await startGraphqlServer('postgres');
    const manager = api.server.portico.dataSource.manager;
    aliceId = (await manager.findOneByOrFail(User, { email: USERS.alice.email })).id;
  });
  after(async () => api?.close());

  const keyRow = (name: string) =>
    api.server.portico.dataSource.manager
      .createQueryBuilder(ApiKey, 'k')
      .innerJoin(Tenant, 't', 't.id = k.tenant_id')
      .where('t.slug = :slug AND k.name = :name', { slug: 'acme', name })
      .getOneOrFail();

  async function expectRefused(auth: string, query = USERS_QUERY) {
    const response = await api.gql(query, {}, auth);
    expect(response.status, JSON.stringify(response.errors)).to.equal(401);
    expect(codesOf(response)).to.deep.equal(['UNAUTHENTICATED']);
    expect(response.headers.get('www-authenticate')).to.match(/^Bearer error="invalid_token"/);
    expect(response.data ?? null).to.equal(null);
  }

  it('without credentials every field answers UNAUTHENTICATED (and __typename still works)', async () => {
    const response = await api.gql(`{ __typename ${USERS_QUERY.slice(1, -1)} }`);
    expect(response.status).to.equal(200);
    expect(codesOf(response)).to.deep.equal(['UNAUTHENTICATED']);
    expect(response.errors![0]!.path).to.deep.equal(['users']);
  });

  it('refuses unknown, malformed and non-Bearer credentials with 401 and WWW-Authenticate', async () => {
    await expectRefused('pk_acme_0123456789abcdef0123456789abcdeX');
    await expectRefused('pk_short');
    await expectRefused('not-a-token');
    const basic = await api.gql(USERS_QUERY, {}, undefined, { authorization: `Basic ${btoa('a:b')}` });
    expect(basic.status).to.equal(401);
  });

  it('reads credentials from the Authorization header only: a key in the query string is ignored', async () => {
    const response = await fetch(`${api.endpoint}?access_token=${KEYS.acmeAdmin}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: USERS_QUERY }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).to.deep.equal(['UNAUTHENTICATED']);
  });

  it('refuses a revoked key, an expired key and a key of a disabled tenant', async () => {
    const manager = api.server.portico.dataSource.manager;
    const reader = await keyRow('reader');
    await manager.update(ApiKey, { id: reader.id }, { revokedAt: new Date() });
    await expectRefused(KEYS.acmeReader);
    await manager.update(
      ApiKey,
      { id: reader.id },
      { revokedAt: null, expiresAt: new Date(Date.now() - 1000) },
    );
    await expectRefused(KEYS.acmeReader);
    await manager.update(ApiKey, { id: reader.id }, { expiresAt: null });
    expect((await api.gql(USERS_QUERY, {}, KEYS.acmeReader)).errors).to.equal(undefined);

    await manager.update(Tenant, { slug: 'umbrella' }, { status: 'disabled' });
    try {
      await expectRefused(KEYS.umbrellaAdmin);
    } finally {
      await manager.update(Tenant, { slug: 'umbrella' }, { status: 'active' });
    }
  });

  it('records last_used_at, writing it at most once a minute', async () => {
    const manager = api.server.portico.dataSource.manager;
    const auditor = await keyRow('auditor');
    expect(auditor.lastUsedAt).to.equal(null);
    await api.gql('{ auditEvents(first: 1) { edges { cursor } } }', {}, KEYS.acmeAuditor);
    const first = (await keyRow('auditor')).lastUsedAt;
    expect(first).to.be.instanceOf(Date);
    await api.gql('{ auditEvents(first: 1) { edges { cursor } } }', {}, KEYS.acmeAuditor);
    expect((await keyRow('auditor')).lastUsedAt!.getTime()).to.equal(first!.getTime());

    const longAgo = new Date(Date.now() - 5 * 60_000);
    await manager.update(ApiKey, { id: auditor.id }, { lastUsedAt: longAgo });
    await api.gql('{ auditEvents(first: 1) { edges { cursor } } }', {}, KEYS.acmeAuditor);
    expect((await keyRow('auditor')).lastUsedAt!.getTime()).to.be.greaterThan(longAgo.getTime() + 60_000);
  });

  it('accepts an access token from the code flow with resource=PUBLIC_URL/graphql: me is its user', async () => {
    const token = await api.userToken('acme', USERS.alice);
    expect(token.split('.')).to.have.length(3);
    const response = await api.gql<{ me: { id: string; email: string; roles: string[] } }>(ME, {}, token);
    expect(response.errors).to.equal(undefined);
    expect(response.data!.me).to.deep.equal({ id: aliceId, email: USERS.alice.email, roles: ['admin'] });
  });

  it('verifies issuer, audience, expiry, not-before (within the tenant clock tolerance) and token type', async () => {
    const now = Math.floor(Date.now() / 1000);
    const valid = await signedAccessToken(api, 'acme', { sub: aliceId });
    expect((await api.gql(ME, {}, valid)).errors).to.equal(undefined);
    // Within the default 30 s tolerance: still accepted.
    const justExpired = await signedAccessToken(api, 'acme', { sub: aliceId, exp: now - 10 });
    expect((await api.gql(ME, {}, justExpired)).errors).to.equal(undefined);

    await expectRefused(await signedAccessToken(api, 'acme', { sub: aliceId, exp: now - 120 }), ME);
    await expectRefused(await signedAccessToken(api, 'acme', { sub: aliceId, nbf: now + 120 }), ME);
    await expectRefused(
      await signedAccessToken(api, 'acme', { sub: aliceId, aud: 'https://rp.example' }),
      ME,
    );
    await expectRefused(await signedAccessToken(api, 'acme', { sub: aliceId }, { typ: 'JWT' }), ME);
    // Issued by acme's provider, but claiming to come from umbrella: umbrella's keys do not verify it.
    const umbrellaIssuer = `${api.server.publicUrl}/t/umbrella`;
    await expectRefused(await signedAccessToken(api, 'acme', { sub: aliceId, iss: umbrellaIssuer }), ME);
    // A DPoP-bound token without its proof, and a client's own token (sub = client id, no user).
    await expectRefused(await signedAccessToken(api, 'acme', { sub: aliceId, cnf: { jkt: 'x' } }), ME);
    await expectRefused(await signedAccessToken(api, 'acme', { sub: 'web' }), ME);
  });

  it('refuses a token signed with a key the tenant never published', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ sub: aliceId, client_id: 'web' })
      .setProtectedHeader({ alg: 'ES256', kid: 'forged-kid', typ: 'at+jwt' })
      .setIssuer(`${api.server.publicUrl}/t/acme`)
      .setAudience(api.endpoint)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    await expectRefused(forged, ME);
    const unsigned = `${forged.split('.').slice(0, 2).join('.')}.`;
    await expectRefused(unsigned, ME);
  });

  it('refuses the token of a user who has been blocked since it was issued', async () => {
    const token = await api.userToken('acme', USERS.bob);
    expect((await api.gql(ME, {}, token)).errors).to.equal(undefined);
    const manager = api.server.portico.dataSource.manager;
    await manager.update(User, { email: USERS.bob.email }, { status: 'blocked' });
    try {
      await expectRefused(token, ME);
    } finally {
      await manager.update(User, { email: USERS.bob.email }, { status: 'active' });
    }
  });

  // Last: it rotates acme's signing keys.
  it("re-reads a tenant's JWKS when a token names a kid it has not seen (a key activated since)", async () => {
    const { portico, publicUrl } = api.server;
    const manager = portico.dataSource.manager;
    const verifier = new AccessTokenVerifier({ ...portico, publicUrl }, 0);
    expect(await verifier.verify(await signedAccessToken(api, 'acme', { sub: aliceId }))).to.not.equal(
      undefined,
    );
    const acme = await portico.tenants.getBySlug(manager, 'acme');
    // Twice: the key active now was created after the verifier read the JWKS.
    await portico.signingKeys.rotate(manager, acme.id, new Date(), 3600);
    await portico.signingKeys.rotate(manager, acme.id, new Date(), 3600);
    const verified = await verifier.verify(await signedAccessToken(api, 'acme', { sub: aliceId }));
    expect(verified?.payload.sub).to.equal(aliceId);
  });
});
