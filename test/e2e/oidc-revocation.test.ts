import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import type { Portico } from '../../server/src/app/portico.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { authorize, codeRequest, oauthError } from '../support/oidc-flows.js';
import { UserAgent } from '../support/user-agent.js';

const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };

/**
 * SECURITY.md ★9: disabling a user revokes every session, grant and refresh token, and tells relying
 * parties that registered for back-channel logout. A disabled account then answers like a wrong password.
 */
describe('blocking a user revokes sessions and tokens, with back-channel logout', function () {
  this.timeout(60_000);
  let portico: Portico;
  let server: InProcessServer;
  let receiver: Server;
  const logoutTokens: string[] = [];

  before(async function () {
    needsPostgres(this);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) logoutTokens.push(token);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverPort = (receiver.address() as { port: number }).port;
    server = await startInProcessServer(
      'postgres',
      `tenants:
  - slug: acme
    applications:
      - name: Web
        type: oidc
        clientId: web
        clientSecret: "s3cret-s3cret-s3cret-s3cret"
        redirectUris: ["http://127.0.0.1:5555/cb"]
        grantTypes: [authorization_code, refresh_token]
        backchannelLogoutUri: "http://127.0.0.1:${receiverPort}/backchannel"
        firstParty: true
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}" }
`,
      { PORTICO_OUTBOUND_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}` },
    );
    portico = server.portico;
  });
  after(async () => {
    await server?.close();
    receiver?.close();
  });

  it('revokes the session and refresh token, notifies the RP, and refuses the next login generically', async () => {
    const config = await server.discover('acme', 'web', 's3cret-s3cret-s3cret-s3cret');
    const agent = new UserAgent();
    const request = await codeRequest(config, 'http://127.0.0.1:5555/cb', {
      scope: 'openid email offline_access',
      prompt: 'consent',
    });
    const callback = await authorize(agent, request.url, ALICE);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.refresh_token, 'a refresh token').to.be.a('string');
    const sid = tokens.claims()?.sid;
    const tenant = await portico.tenants.getBySlug(portico.dataSource.manager, 'acme');
    const alice = await portico.users.findByEmail(portico.dataSource.manager, tenant.id, ALICE.email);

    const { revoked } = await portico.userSessions.block(tenant, alice!.id, {
      actor: { type: 'admin', id: 'test' },
    });
    expect(revoked.deleted).to.be.greaterThan(0);
    expect(revoked.notified).to.equal(1);

    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).to.equal(
      'invalid_grant',
    );
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected.active).to.equal(false);

    expect(logoutTokens).to.have.length(1);
    const logoutClaims = decodeJwt(logoutTokens[0]!);
    expect(logoutClaims.sub).to.equal(alice!.id);
    expect(logoutClaims.sid).to.equal(sid);
    expect(logoutClaims.events).to.have.property('http://schemas.openid.net/event/backchannel-logout');

    // The browser's session is gone: prompt=none now fails, and signing in again is refused.
    const silent = await codeRequest(config, 'http://127.0.0.1:5555/cb', { prompt: 'none' });
    const silentResult = await agent.navigate(silent.url);
    expect(silentResult.location?.searchParams.get('error')).to.equal('login_required');
    const again = await codeRequest(config, 'http://127.0.0.1:5555/cb');
    const identifierPage = await agent.navigate(again.url);
    const passwordPage = await agent.submit(identifierPage.form('/identifier'), {
      values: { identifier: ALICE.email },
    });
    const refused = await agent.submit(passwordPage.form('/password'), {
      values: { password: ALICE.password },
    });
    expect(refused.isRedirect).to.equal(false);
    expect(refused.alertText()).to.equal('The email, username or password is incorrect.');
  });
});
