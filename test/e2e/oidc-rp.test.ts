import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import {
  createTestDatabase,
  needsPostgres,
  needsRedis,
  redisUrl,
} from '../../server/test/support/services.js';
import { authorize, codeRequest, completeHostedPages, oauthError, type User } from '../support/oidc-flows.js';
import { freePort, PorticoProcess, repoRoot, waitForStatus } from '../support/processes.js';
import { UserAgent } from '../support/user-agent.js';

/**
 * Portico as a relying party sees it: a real `portico serve` process per storage mode, openid-client 6
 * configured only from discovery, and a browserless user agent walking the hosted login pages
 * (ARCHITECTURE.md "Public contract"; SECURITY.md items 12, 13, 15, 16, 17).
 */

const TENANT = 'acme';
const WEB = {
  id: 'web',
  secret: 's3cret-s3cret-s3cret-s3cret',
  redirectUri: 'http://127.0.0.1:5555/cb',
  postLogoutRedirectUri: 'http://127.0.0.1:5555/',
};
const SPA = { id: 'spa', redirectUri: 'http://127.0.0.1:5556/callback' };
const PARTNER = {
  id: 'partner',
  secret: 'partner-secret-partner-secret',
  redirectUri: 'http://127.0.0.1:5557/cb',
};
const DEVICE = { id: 'device' };
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const BOB = { email: 'bob@example.com', password: "bob's long and secret passphrase" };
const INVALID_CREDENTIALS = 'The email, username or password is incorrect.';

type Mode = 'embedded' | 'postgres+redis';

interface RunningServer {
  publicUrl: string;
  issuer: string;
  process: PorticoProcess;
}

async function startPortico(mode: Mode): Promise<RunningServer> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    MANAGEMENT_PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: publicUrl,
    PORTICO_KICKSTART: path.join(repoRoot, 'test/fixtures/kickstart.oidc.yaml'),
  };
  if (mode === 'embedded') {
    env.PORTICO_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'portico-oidc-'));
  } else {
    env.DATABASE_URL = await createTestDatabase('oidc_rp');
    env.REDIS_URL = redisUrl();
    env.PORTICO_SECRET_KEY = randomBytes(32).toString('base64');
  }
  const portico = new PorticoProcess(['serve'], env);
  try {
    const started = await portico.ports(60_000);
    expect(started.port).to.equal(port);
    await waitForStatus(`${publicUrl}/readyz`, 200, 30_000);
  } catch (error) {
    await portico.stop('SIGKILL');
    throw error;
  }
  return { publicUrl, issuer: `${publicUrl}/t/${TENANT}`, process: portico };
}

const endpointOf = (url: URL | string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

/** ARCHITECTURE.md "Hosted pages": `amr` values from RFC 8176, `pwd` for a password login. */
function expectPasswordAmr(claims: client.IDToken): void {
  expect(
    claims.amr,
    `the ID token has no amr "pwd" (claims: ${JSON.stringify(claims)}); oidc-provider masks ID token claims by ` +
      'scope, and amr is configured as a standalone claim (requestable only with the claims parameter, which is off)',
  )
    .to.be.an('array')
    .that.includes('pwd');
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

for (const mode of ['embedded', 'postgres+redis'] as const) {
  describe(`OIDC relying party against portico serve (${mode})`, function () {
    this.timeout(30_000);
    let server: RunningServer | undefined;
    let issuer = '';
    let publicUrl = '';

    const discover = (clientId: string, secret?: string) =>
      client.discovery(new URL(issuer), clientId, secret, undefined, {
        execute: [client.allowInsecureRequests],
      });

    /** A new browser signed in as `user` through `config`'s code flow, and the tokens it got. */
    async function signInWithCode(
      config: client.Configuration,
      redirectUri: string,
      user: User = ALICE,
      extra: Record<string, string> = {},
      options?: client.DPoPOptions,
    ) {
      const agent = new UserAgent();
      const request = await codeRequest(config, redirectUri, extra);
      const callback = await authorize(agent, request.url, user);
      const tokens = await client.authorizationCodeGrant(
        config,
        callback,
        { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
        undefined,
        options,
      );
      return { agent, request, callback, tokens };
    }

    before(async function () {
      this.timeout(120_000);
      if (mode === 'postgres+redis') {
        needsPostgres(this);
        needsRedis(this);
      }
      server = await startPortico(mode);
      ({ issuer, publicUrl } = server);
    });

    after(async () => {
      await server?.process.stop();
    });

    afterEach(function () {
      if (this.currentTest?.state !== 'failed' || !server) return;
      const problems = server.process
        .logLines()
        .filter((l) => Number(l.level) >= 50)
        .slice(-5);
      if (problems.length > 0) {
        process.stdout.write(
          `      server errors:\n${problems.map((l) => `        ${JSON.stringify(l)}`).join('\n')}\n`,
        );
      }
    });

    describe('flows', () => {
      it('discovery: issuer is PUBLIC_URL/t/acme, every endpoint is under it, the JWKS holds only public keys', async () => {
        const config = await discover(WEB.id, WEB.secret);
        const metadata = config.serverMetadata();
        expect(metadata.issuer).to.equal(`${publicUrl}/t/${TENANT}`);
        const endpoints = Object.entries(metadata).filter(
          ([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string',
        );
        expect(endpoints.map(([key]) => key)).to.include.members([
          'authorization_endpoint',
          'token_endpoint',
          'userinfo_endpoint',
          'jwks_uri',
          'end_session_endpoint',
          'introspection_endpoint',
          'revocation_endpoint',
          'device_authorization_endpoint',
          'pushed_authorization_request_endpoint',
        ]);
        for (const [key, value] of endpoints) {
          expect(String(value), key).to.match(
            new RegExp(`^${issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`),
          );
        }
        expect(metadata.code_challenge_methods_supported).to.deep.equal(['S256']);

        const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
        expect(jwks.keys).to.not.be.empty;
        for (const key of jwks.keys) {
          expect(key).to.include.keys('kid', 'kty', 'alg');
          for (const member of PRIVATE_JWK_MEMBERS)
            expect(key, `${String(key.kid)} member ${member}`).to.not.have.property(member);
        }
      });

      it('code + PKCE (public client): id token and userinfo; refresh rotates, and replaying a spent refresh token revokes the whole grant', async () => {
        const spa = await discover(SPA.id);
        const { tokens } = await signInWithCode(spa, SPA.redirectUri, ALICE, {
          scope: 'openid email profile offline_access',
          prompt: 'consent',
        });
        const claims = tokens.claims()!;
        expect(claims.iss).to.equal(issuer);
        expect(claims.aud).to.equal(SPA.id);
        expect(claims.sub).to.match(/^[0-9a-f-]{36}$/);
        // Scope claims (email) go to userinfo when an access token is issued (OIDC Core §5.4,
        // oidc-provider's conformIdTokenClaims); amr has its own test below.
        if (claims.email !== undefined) expect(claims.email).to.equal(ALICE.email);
        const userinfo = await client.fetchUserInfo(spa, tokens.access_token, claims.sub);
        expect(userinfo).to.include({
          sub: claims.sub,
          email: ALICE.email,
          email_verified: true,
          given_name: 'Alice',
        });

        const firstRefresh = tokens.refresh_token;
        expect(firstRefresh, 'offline_access gives a refresh token').to.be.a('string');
        const rotated = await client.refreshTokenGrant(spa, firstRefresh!);
        expect(rotated.refresh_token).to.be.a('string').and.not.equal(firstRefresh);
        expect(rotated.access_token).to.not.equal(tokens.access_token);
        await client.fetchUserInfo(spa, rotated.access_token, claims.sub);

        // SECURITY.md ★13: the spent token is refused, and everything of its grant is revoked with it.
        expect(await oauthError(client.refreshTokenGrant(spa, firstRefresh!))).to.include({
          error: 'invalid_grant',
        });
        expect(await oauthError(client.refreshTokenGrant(spa, rotated.refresh_token!))).to.include({
          error: 'invalid_grant',
        });
        expect(await oauthError(client.fetchUserInfo(spa, rotated.access_token, claims.sub))).to.include({
          error: 'invalid_token',
        });
      });

      it('the ID token of a password login says how: amr includes "pwd" (RFC 8176)', async () => {
        const spa = await discover(SPA.id);
        const { tokens } = await signInWithCode(spa, SPA.redirectUri);
        expectPasswordAmr(tokens.claims()!);
      });

      it('client credentials: opaque token, introspection active, inactive after revocation; resource=/graphql gives a JWT for that audience', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const opaque = await client.clientCredentialsGrant(web);
        expect(opaque.token_type.toLowerCase()).to.equal('bearer');
        expect(opaque.access_token.split('.'), 'opaque, not a JWT').to.have.length(1);
        const active = await client.tokenIntrospection(web, opaque.access_token);
        expect(active).to.include({ active: true, client_id: WEB.id });
        await client.tokenRevocation(web, opaque.access_token);
        expect(await client.tokenIntrospection(web, opaque.access_token)).to.include({ active: false });

        const graphql = `${publicUrl}/graphql`;
        const jwt = await client.clientCredentialsGrant(web, { resource: graphql });
        expect(jwt.access_token.split('.')).to.have.length(3);
        const jwks = createRemoteJWKSet(new URL(web.serverMetadata().jwks_uri!));
        const { payload, protectedHeader } = await jwtVerify(jwt.access_token, jwks, {
          issuer,
          audience: graphql,
          typ: 'at+jwt',
        });
        expect(payload.aud).to.equal(graphql);
        expect(payload).to.include({ client_id: WEB.id });
        expect(protectedHeader.alg).to.equal('ES256');
      });

      it('device flow: the user opens verification_uri_complete, signs in, confirms; polling yields tokens', async () => {
        const device = await discover(DEVICE.id);
        const authorization = await client.initiateDeviceAuthorization(device, {
          scope: 'openid email offline_access',
        });
        expect(authorization.verification_uri_complete).to.be.a('string');
        expect(endpointOf(authorization.verification_uri)).to.equal(`${issuer}/device`);
        const pending = await oauthError(
          client.genericGrantRequest(device, 'urn:ietf:params:oauth:grant-type:device_code', {
            device_code: authorization.device_code,
          }),
        );
        expect(pending).to.include({ error: 'authorization_pending' });

        const agent = new UserAgent();
        let page = await agent.navigate(authorization.verification_uri_complete!);
        if (page.isAutoSubmit) page = await agent.autoSubmit(page);
        // "Is this your device?": the code shown is the one the device displays.
        expect(page.status, page.describe()).to.equal(200);
        expect(page.body).to.contain(authorization.user_code);
        page = await agent.submit(page.form('/device'), { button: { name: 'confirm', value: 'yes' } });
        const done = await completeHostedPages(agent, page, ALICE);
        expect(done.status, done.describe()).to.equal(200);
        expect(done.isRedirect).to.equal(false);

        const tokens = await client.pollDeviceAuthorizationGrant(device, authorization);
        const claims = tokens.claims()!;
        expect(claims.aud).to.equal(DEVICE.id);
        const userinfo = await client.fetchUserInfo(device, tokens.access_token, claims.sub);
        expect(userinfo.email).to.equal(ALICE.email);
        expect(tokens.refresh_token).to.be.a('string');
      });

      it('device flow: a browser can run the auto-submit script of verification_uri_complete under its CSP', async () => {
        const device = await discover(DEVICE.id);
        const authorization = await client.initiateDeviceAuthorization(device, { scope: 'openid' });
        const page = await new UserAgent().navigate(authorization.verification_uri_complete!);
        expect(page.isAutoSubmit, page.describe()).to.equal(true);
        expect(
          page.blockedInlineScripts(),
          `Content-Security-Policy "${page.headers.get('content-security-policy')}" blocks the page's only script, ` +
            'so a browser stays on a blank "Submitting Callback" page (its <noscript> button is hidden)',
        ).to.deep.equal([]);
      });

      it('response_mode=form_post: the code reaches the client in an auto-submitted POST a browser can run', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const agent = new UserAgent();
        const request = await codeRequest(web, WEB.redirectUri, { response_mode: 'form_post' });
        const page = await completeHostedPages(agent, await agent.navigate(request.url), ALICE);
        expect(page.isAutoSubmit, page.describe()).to.equal(true);
        const form = page.form();
        expect(form.action.href).to.equal(WEB.redirectUri);
        expect(form.method).to.equal('POST');
        const posted = new URLSearchParams(form.fields);
        expect(posted.get('state')).to.equal(request.state);
        const callback = new Request(WEB.redirectUri, { method: 'POST', body: posted });
        const tokens = await client.authorizationCodeGrant(web, callback, {
          pkceCodeVerifier: request.verifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
        });
        expect(tokens.claims()).to.include({ aud: WEB.id });
        expect(
          page.blockedInlineScripts(),
          `Content-Security-Policy "${page.headers.get('content-security-policy')}" blocks the auto-submit script, ` +
            'so a browser never posts the code to the client (its <noscript> button is hidden)',
        ).to.deep.equal([]);
      });

      it('PAR: the authorization URL carries only client_id and request_uri; login and code exchange work', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = await client.buildAuthorizationUrlWithPAR(web, {
          redirect_uri: WEB.redirectUri,
          scope: 'openid email',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        });
        expect([...url.searchParams.keys()].sort()).to.deep.equal(['client_id', 'request_uri']);
        expect(url.searchParams.get('request_uri')).to.match(/^urn:ietf:params:oauth:request_uri:/);
        const callback = await authorize(new UserAgent(), url, ALICE);
        expect(endpointOf(callback)).to.equal(WEB.redirectUri);
        const tokens = await client.authorizationCodeGrant(web, callback, {
          pkceCodeVerifier: verifier,
          expectedState: state,
        });
        const claims = tokens.claims()!;
        expect(claims).to.include({ aud: WEB.id, iss: issuer });
        expect(await client.fetchUserInfo(web, tokens.access_token, claims.sub)).to.include({
          email: ALICE.email,
        });
      });

      it('DPoP: the code grant with a DPoP proof gives a DPoP-bound token, usable at userinfo only with proofs', async () => {
        const spa = await discover(SPA.id);
        const dpop = client.getDPoPHandle(spa, await client.randomDPoPKeyPair());
        const { tokens } = await signInWithCode(spa, SPA.redirectUri, ALICE, {}, { DPoP: dpop });
        expect(tokens.token_type.toLowerCase()).to.equal('dpop');
        const sub = tokens.claims()!.sub;
        const userinfo = await client.fetchUserInfo(spa, tokens.access_token, sub, { DPoP: dpop });
        expect(userinfo).to.include({ sub, email: ALICE.email });
        // The same token as a plain bearer token (no proof) is refused.
        const refused = await oauthError(client.fetchUserInfo(spa, tokens.access_token, sub));
        expect(refused.status).to.equal(401);
      });

      it('RP-initiated logout: confirm page, logout=yes returns to post_logout_redirect_uri, the session is gone', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const { agent, tokens } = await signInWithCode(web, WEB.redirectUri);
        // Signed in: a second authorization request goes straight back to the client (SSO).
        const again = await agent.navigate((await codeRequest(web, WEB.redirectUri)).url);
        expect(again.isRedirect, again.describe()).to.equal(true);
        expect(endpointOf(again.location!)).to.equal(WEB.redirectUri);
        expect(again.location!.searchParams.has('code')).to.equal(true);

        const state = client.randomState();
        const endSession = client.buildEndSessionUrl(web, {
          id_token_hint: tokens.id_token!,
          post_logout_redirect_uri: WEB.postLogoutRedirectUri,
          state,
        });
        const confirm = await agent.navigate(endSession);
        expect(confirm.status, confirm.describe()).to.equal(200);
        const form = confirm.form('/session/end/confirm');
        const loggedOut = await agent.submit(form, { button: { name: 'logout', value: 'yes' } });
        expect(loggedOut.isRedirect, loggedOut.describe()).to.equal(true);
        expect(endpointOf(loggedOut.location!)).to.equal(WEB.postLogoutRedirectUri);
        expect(loggedOut.location!.searchParams.get('state')).to.equal(state);

        const afterLogout = await agent.navigate((await codeRequest(web, WEB.redirectUri)).url);
        expect(afterLogout.isRedirect, 'no silent sign-in after logout').to.equal(false);
        expect(afterLogout.hasForm('/identifier'), afterLogout.describe()).to.equal(true);
      });
    });

    describe('refusals', () => {
      it('redirect_uri not registered exactly: an HTML error page (400) and never a redirect (★15)', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const attacker = [
          'https://attacker.example/cb',
          'http://127.0.0.1:5555/cb/../evil',
          'http://127.0.0.1:5555/cb/extra',
          'http://127.0.0.1:5555/cbx',
          'http://127.0.0.1:5555/cb?next=https://attacker.example',
          'http://127.0.0.1:5555/CB',
        ];
        for (const redirectUri of attacker) {
          const { url } = await codeRequest(web, redirectUri);
          const page = await new UserAgent().request(url);
          expect(page.status, redirectUri).to.equal(400);
          expect(page.headers.get('location'), redirectUri).to.equal(null);
          expect(page.headers.get('content-type')).to.match(/^text\/html/);
          expect(page.alertText()).to.contain('has not registered');
          expect(page.body).to.not.contain('attacker.example');
        }
      });

      it('post_logout_redirect_uri not registered: an error page, no redirect (★15)', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const { agent, tokens } = await signInWithCode(web, WEB.redirectUri);
        const endSession = client.buildEndSessionUrl(web, {
          id_token_hint: tokens.id_token!,
          post_logout_redirect_uri: 'https://attacker.example/',
        });
        const page = await agent.request(endSession);
        expect(page.status).to.equal(400);
        expect(page.headers.get('location')).to.equal(null);
        expect(page.isHtml).to.equal(true);
        expect(page.body).to.not.contain('attacker.example');
      });

      it('an authorization code works once; reuse is invalid_grant and revokes the tokens issued from it', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const agent = new UserAgent();
        const request = await codeRequest(web, WEB.redirectUri);
        const callback = await authorize(agent, request.url, ALICE);
        const checks = {
          pkceCodeVerifier: request.verifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
        };
        const tokens = await client.authorizationCodeGrant(web, callback, checks);
        const sub = tokens.claims()!.sub;
        await client.fetchUserInfo(web, tokens.access_token, sub);
        expect(await oauthError(client.authorizationCodeGrant(web, callback, checks))).to.include({
          error: 'invalid_grant',
        });
        expect(await oauthError(client.fetchUserInfo(web, tokens.access_token, sub))).to.include({
          error: 'invalid_token',
        });
      });

      it('a public client without code_challenge is sent back to its registered redirect_uri with invalid_request (★16)', async () => {
        const spa = await discover(SPA.id);
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(spa, {
          redirect_uri: SPA.redirectUri,
          scope: 'openid',
          state,
        });
        const page = await new UserAgent().navigate(url);
        expect(page.isRedirect, page.describe()).to.equal(true);
        expect(endpointOf(page.location!)).to.equal(SPA.redirectUri);
        expect(page.location!.searchParams.get('error')).to.equal('invalid_request');
        expect(page.location!.searchParams.get('state')).to.equal(state);
        expect(page.location!.searchParams.has('code')).to.equal(false);
      });

      it('code_challenge_method=plain is refused at the authorization endpoint (★16)', async () => {
        const spa = await discover(SPA.id);
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(spa, {
          redirect_uri: SPA.redirectUri,
          scope: 'openid',
          state,
          code_challenge: verifier,
          code_challenge_method: 'plain',
        });
        const page = await new UserAgent().navigate(url);
        expect(page.isRedirect, page.describe()).to.equal(true);
        expect(endpointOf(page.location!)).to.equal(SPA.redirectUri);
        expect(page.location!.searchParams.get('error')).to.equal('invalid_request');
        expect(page.location!.searchParams.get('state')).to.equal(state);
      });

      it('a wrong or missing code_verifier at the token endpoint is invalid_grant (★16)', async () => {
        const spa = await discover(SPA.id);
        const request = await codeRequest(spa, SPA.redirectUri);
        const callback = await authorize(new UserAgent(), request.url, ALICE);
        const wrong = await oauthError(
          client.authorizationCodeGrant(spa, callback, {
            pkceCodeVerifier: client.randomPKCECodeVerifier(),
            expectedState: request.state,
          }),
        );
        expect(wrong).to.include({ error: 'invalid_grant' });
        const missing = await oauthError(
          client.authorizationCodeGrant(spa, callback, { expectedState: request.state }),
        );
        expect(missing).to.include({ error: 'invalid_grant' });
      });

      it('prompt=none without a session: login_required at the redirect_uri, state intact', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const state = 'opaque/state?with=odd&chars ünïcode';
        const url = client.buildAuthorizationUrl(web, {
          redirect_uri: WEB.redirectUri,
          scope: 'openid',
          prompt: 'none',
          state,
        });
        const page = await new UserAgent().navigate(url);
        expect(page.isRedirect, page.describe()).to.equal(true);
        expect(endpointOf(page.location!)).to.equal(WEB.redirectUri);
        expect(page.location!.searchParams.get('error')).to.equal('login_required');
        expect(page.location!.searchParams.get('state')).to.equal(state);
        expect(
          await oauthError(client.authorizationCodeGrant(web, page.location!, { expectedState: state })),
        ).to.include({
          error: 'login_required',
        });
      });

      it('a wrong password and an unknown account get the same page: status, alert text and markup', async () => {
        const web = await discover(WEB.id, WEB.secret);
        const attempt = async (identifier: string, password: string) => {
          const agent = new UserAgent();
          const first = await agent.navigate((await codeRequest(web, WEB.redirectUri)).url);
          const passwordStep = await agent.submit(first.form('/identifier'), { values: { identifier } });
          const page = await agent.submit(passwordStep.form('/password'), { values: { password } });
          const uid = /\/interaction\/([^/]+)\//.exec(page.form('/password').action.pathname)?.[1] ?? '';
          const normalized = page.body
            .replaceAll(identifier, '<identifier>')
            .replaceAll(uid, '<uid>')
            .replace(/nonce="[^"]*"/g, 'nonce=""')
            .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
          return { page, normalized };
        };
        const wrongPassword = await attempt(BOB.email, 'not what bob chose at all');
        const unknownAccount = await attempt('nobody-here@example.com', 'not what bob chose at all');
        expect(wrongPassword.page.status).to.equal(400);
        expect(unknownAccount.page.status).to.equal(wrongPassword.page.status);
        expect(wrongPassword.page.alertText()).to.equal(INVALID_CREDENTIALS);
        expect(unknownAccount.page.alertText()).to.equal(wrongPassword.page.alertText());
        expect(unknownAccount.normalized).to.equal(wrongPassword.normalized);
      });

      it('a third-party client shows the consent page; "deny" returns access_denied to the client', async () => {
        const partner = await discover(PARTNER.id, PARTNER.secret);
        const agent = new UserAgent();
        const request = await codeRequest(partner, PARTNER.redirectUri);
        let page = await agent.navigate(request.url);
        page = await agent.submit(page.form('/identifier'), { values: { identifier: ALICE.email } });
        page = await agent.submit(page.form('/password'), { values: { password: ALICE.password } });
        expect(page.hasForm('/consent'), page.describe()).to.equal(true);
        expect(page.body).to.contain('Partner Portal');
        const denied = await agent.submit(page.form('/consent'), {
          button: { name: 'decision', value: 'deny' },
        });
        expect(denied.isRedirect, denied.describe()).to.equal(true);
        expect(endpointOf(denied.location!)).to.equal(PARTNER.redirectUri);
        expect(denied.location!.searchParams.get('error')).to.equal('access_denied');
        expect(denied.location!.searchParams.get('state')).to.equal(request.state);
        expect(
          await oauthError(
            client.authorizationCodeGrant(partner, denied.location!, { expectedState: request.state }),
          ),
        ).to.include({ error: 'access_denied' });
      });

      it('a third-party client gets tokens for what the user allowed on the consent page', async () => {
        const partner = await discover(PARTNER.id, PARTNER.secret);
        const agent = new UserAgent();
        const request = await codeRequest(partner, PARTNER.redirectUri);
        const callback = await authorize(agent, request.url, ALICE, 'allow');
        const tokens = await client.authorizationCodeGrant(partner, callback, {
          pkceCodeVerifier: request.verifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
        });
        expect(tokens.scope?.split(' ')).to.include.members(['openid', 'email', 'profile']);
        const claims = tokens.claims()!;
        expect(claims).to.include({ aud: PARTNER.id });
        expect(await client.fetchUserInfo(partner, tokens.access_token, claims.sub)).to.include({
          email: ALICE.email,
        });
      });
    });
  });
}
