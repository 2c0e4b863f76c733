import { expect } from 'chai';
import * as client from 'openid-client';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { authorize, codeRequest } from '../support/oidc-flows.js';
import { sleep } from '../support/processes.js';
import { UserAgent } from '../support/user-agent.js';

const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const REDIRECT = 'http://127.0.0.1:5555/cb';

const KICKSTART = `tenants:
  - slug: acme
    settings: { lifetimes: { accessToken: 120, idToken: 900 } }
    applications:
      - name: Web
        type: oidc
        clientId: web
        clientSecret: "s3cret-s3cret-s3cret-s3cret"
        redirectUris: ["${REDIRECT}"]
        grantTypes: [authorization_code, refresh_token, client_credentials]
        firstParty: true
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}" }
`;

/** SECURITY.md ★8 and item 11; ARCHITECTURE.md "Sessions" and tenant lifetimes. */
describe('sessions: new id at every login, re-authentication, lifetimes, enrichment', function () {
  this.timeout(60_000);
  let server: InProcessServer;
  let config: client.Configuration;

  before(async function () {
    needsPostgres(this);
    server = await startInProcessServer('postgres', KICKSTART);
    config = await server.discover('acme', 'web', 's3cret-s3cret-s3cret-s3cret');
  });
  after(async () => server?.close());

  const sessionCookie = (agent: UserAgent) =>
    agent.jar.all().find((c) => c.name === 'portico_session_acme')?.value;

  async function codeFlow(agent: UserAgent, extra: Record<string, string> = {}) {
    const request = await codeRequest(config, REDIRECT, extra);
    const callback = await authorize(agent, request.url, ALICE);
    return client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  it('issues a new session id at every login, and prompt=login re-authenticates with a new auth_time', async () => {
    const agent = new UserAgent({ userAgent: 'PorticoTest/1.0' });
    const first = await codeFlow(agent);
    const firstSession = sessionCookie(agent);
    expect(firstSession).to.be.a('string');
    // The first ID token carries auth_time only when asked for; the login happened by its iat.
    const authTime = Number(first.claims()?.iat);
    await sleep(1_100);
    // prompt=login must show the login pages again (authorize() walks them) and yield a fresh auth_time.
    const second = await codeFlow(agent, { prompt: 'login' });
    expect(Number(second.claims()?.auth_time)).to.be.greaterThan(authTime);
    expect(sessionCookie(agent)).to.be.a('string').and.not.equal(firstSession);
  });

  it('max_age: an older login is not reused, the user signs in again', async () => {
    const agent = new UserAgent();
    const first = await codeFlow(agent);
    await sleep(2_100);
    const request = await codeRequest(config, REDIRECT, { max_age: '1' });
    const page = await agent.navigate(request.url);
    expect(page.hasForm('/identifier'), 'the login page is shown again').to.equal(true);
    const again = await codeFlow(agent, { max_age: '1' });
    expect(Number(again.claims()?.auth_time)).to.be.greaterThan(Number(first.claims()?.iat));
  });

  it('uses the tenant lifetimes for access and ID tokens', async () => {
    const tokens = await codeFlow(new UserAgent());
    expect(tokens.expires_in).to.equal(120);
    const claims = tokens.claims()!;
    expect(Number(claims.exp) - Number(claims.iat)).to.equal(900);
    const machine = await client.clientCredentialsGrant(config);
    expect(machine.expires_in).to.equal(120);
  });

  it('records the device, IP and first and last seen time of each session', async () => {
    await codeFlow(new UserAgent({ userAgent: 'EnrichmentProbe/2.0' }));
    const rows: { portico: { ip: string; userAgent: string; createdAt: string; lastSeenAt: string } }[] =
      await server.portico.dataSource.query(
        `SELECT payload->'portico' AS portico FROM oidc_models
         WHERE model = 'Session' AND payload->'portico'->>'userAgent' = 'EnrichmentProbe/2.0'`,
      );
    expect(rows).to.have.length(1);
    const enrichment = rows[0]!.portico;
    expect(enrichment.ip).to.match(/127\.0\.0\.1/);
    expect(Date.parse(enrichment.createdAt)).to.be.at.most(Date.parse(enrichment.lastSeenAt));
  });
});
