import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { expect } from 'chai';
import * as client from 'openid-client';
import { Credential } from '../../server/src/credentials/credential.entity.js';
import { Tenant } from '../../server/src/tenants/tenant.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { SoftwareAuthenticator } from '../../server/test/passkeys/software-authenticator.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { codeRequest } from '../support/oidc-flows.js';
import { UserAgent } from '../support/user-agent.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const PASSKEY_FAILED = 'Signing in with a passkey did not work. Try again or use another method.';
const FORM_EXPIRED = 'This page has expired. Please try again.';

const KICKSTART = `tenants:
  - slug: keys
    name: Keys Inc
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
    users:
      - { email: alice@example.com, password: "correct horse battery staple", emailVerified: true }
  - slug: other
    name: Other Corp
    users:
      - { email: olivia@example.org, password: "olivia's long and secret passphrase", emailVerified: true }
  - slug: nokeys
    name: No Keys Ltd
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
    users:
      - { email: nadia@example.net, password: "nadia's long and secret passphrase", emailVerified: true }
`;

/** A software authenticator holding one P-256 passkey: signs assertions as an authenticator would. */
class SoftPasskey {
  readonly id = randomBytes(16).toString('base64url');
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  counter = 0;

  /** The COSE public key, as a registration would have stored it. */
  cosePublicKey(): string {
    const jwk = (this.keys.publicKey as KeyObject).export({ format: 'jwk' });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    return Buffer.from(isoCBOR.encode(cose)).toString('base64url');
  }

  assertion(challenge: string, origin: string) {
    const rpId = new URL(origin).hostname;
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }),
    );
    this.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    // Flags: user present (0x01) and user verified (0x04).
    const authenticatorData = Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([0x05]),
      counter,
    ]);
    const signed = Buffer.concat([authenticatorData, createHash('sha256').update(clientData).digest()]);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authenticatorData.toString('base64url'),
        signature: sign('sha256', signed, this.keys.privateKey).toString('base64url'),
      },
      clientExtensionResults: {},
    };
  }
}

/**
 * The passkey script's JSON endpoints over HTTP (SECURITY.md item 24): what they refuse — no CSRF token,
 * a form instead of JSON, a challenge the server did not issue or already spent, another tenant's
 * credential, registration outside the post-login offer — and that a good assertion signs in.
 */
describe('passkey endpoints of the hosted login (HTTP)', function () {
  this.timeout(60_000);
  let server: InProcessServer;
  const alicePasskey = new SoftPasskey();
  const oliviaPasskey = new SoftPasskey();

  before(async function () {
    needsPostgres(this);
    server = await startInProcessServer('postgres', KICKSTART, {}, { hostname: 'localhost' });
    const manager = server.portico.dataSource.manager;
    for (const [slug, email, passkey] of [
      ['keys', 'alice@example.com', alicePasskey],
      ['other', 'olivia@example.org', oliviaPasskey],
    ] as const) {
      const tenant = await manager.findOneByOrFail(Tenant, { slug });
      const user = await manager.findOneByOrFail(User, { tenantId: tenant.id, email });
      await manager.save(
        manager.create(Credential, {
          tenantId: tenant.id,
          userId: user.id,
          type: 'webauthn',
          name: 'Soft key',
          secret: null,
          data: {
            publicKey: passkey.cosePublicKey(),
            transports: [],
            aaguid: '',
            backedUp: false,
            deviceType: 'singleDevice',
          },
          webauthnCredentialId: passkey.id,
          signCount: '0',
        }),
      );
    }
  });
  after(async () => server?.close());

  /** Opens the login of `web`: the interaction's base URL and the page's CSRF token. */
  async function startLogin(agent: UserAgent, tenant = 'keys') {
    const request = await codeRequest(await server.discover(tenant, 'web', SECRET), REDIRECT);
    const page = await agent.navigate(request.url);
    const form = page.form('/identifier');
    const csrf = form.fields.find(([name]) => name === '_csrf')?.[1] ?? '';
    const base = form.action.href.replace(/\/identifier$/, '');
    return { request, page, csrf, base };
  }

  async function postJson(agent: UserAgent, url: string, body: Record<string, unknown>) {
    const target = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/json', origin: target.origin };
    const cookie = agent.jar.headerFor(target);
    if (cookie) headers.cookie = cookie;
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      redirect: 'manual',
    });
    agent.jar.store(target, response.headers.getSetCookie());
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function challengeOf(agent: UserAgent, base: string, csrf: string): Promise<string> {
    const answer = await postJson(agent, `${base}/passkey/options`, { _csrf: csrf });
    expect(answer.status).to.equal(200);
    const options = answer.body.options as {
      challenge: string;
      userVerification: string;
      allowCredentials: [];
    };
    expect(options.userVerification).to.equal('required');
    expect(options.allowCredentials).to.deep.equal([]);
    return options.challenge;
  }

  it('shows "Sign in with a passkey" once the tenant has a passkey, with autofill on the identifier', async () => {
    const { page, base } = await startLogin(new UserAgent());
    expect(page.body).to.contain('Sign in with a passkey');
    expect(page.body).to.contain('autocomplete="username webauthn"');
    expect(page.body).to.contain(`data-verify="${new URL(base).pathname}/passkey"`);
    expect(page.body).to.match(
      /<script nonce="[^"]+" src="\/t\/keys\/assets\/passkeys\.js\?v=[\w-]+"><\/script>/,
    );
  });

  it('shows no passkey button while the tenant has no passkey, and shows it once this server registers one', async () => {
    const before = await startLogin(new UserAgent(), 'nokeys');
    expect(before.page.body).to.not.contain('Sign in with a passkey');
    expect(before.page.body).to.not.contain('autocomplete="username webauthn"');

    // Registered through this server's passkey service (the offer after a sign-in, the account pages):
    // the next page shows the button at once, however recently "no passkeys" was answered.
    const manager = server.portico.dataSource.manager;
    const tenant = await manager.findOneByOrFail(Tenant, { slug: 'nokeys' });
    const user = await manager.findOneByOrFail(User, { tenantId: tenant.id, email: 'nadia@example.net' });
    const passkeys = server.portico.mfa.passkeys;
    const options = await passkeys.registrationOptions(tenant, user);
    const attestation = new SoftwareAuthenticator().register(options, server.publicUrl);
    await passkeys.verifyRegistration(tenant, user, attestation);
    const after = await startLogin(new UserAgent(), 'nokeys');
    expect(after.page.body).to.contain('Sign in with a passkey');
    expect(after.page.body).to.contain('autocomplete="username webauthn"');
  });

  it('serves the passkey script as JavaScript, cached for a year under its versioned URL', async () => {
    const { page } = await startLogin(new UserAgent());
    const src = /src="(\/t\/keys\/assets\/passkeys\.js\?v=[\w-]+)"/.exec(page.body)![1]!;
    const response = await fetch(`${server.publicUrl}${src}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).to.contain('immutable');
    expect(await response.text()).to.contain('navigator.credentials');
  });

  it('refuses the JSON endpoints without the CSRF token, and answers a plain form with the sign-in page', async () => {
    const agent = new UserAgent();
    const { base, csrf } = await startLogin(agent);
    for (const path of ['/passkey/options', '/passkey', '/passkey/register/options', '/passkey/register']) {
      const answer = await postJson(agent, `${base}${path}`, { _csrf: 'forged' });
      expect(answer, path).to.deep.equal({ status: 403, body: { error: FORM_EXPIRED } });
    }
    const form = await agent.request(`${base}/passkey`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(form.status).to.equal(200);
    expect(form.body).to.contain('Sign in with a passkey');
  });

  it('refuses a challenge it did not issue, a spent one, and a credential of another tenant', async () => {
    const agent = new UserAgent();
    const { base, csrf } = await startLogin(agent);
    await challengeOf(agent, base, csrf);
    const invented = randomBytes(32).toString('base64url');
    const wrong = await postJson(agent, `${base}/passkey`, {
      _csrf: csrf,
      response: alicePasskey.assertion(invented, server.publicUrl),
    });
    expect(wrong).to.deep.equal({ status: 400, body: { error: PASSKEY_FAILED } });

    const foreign = await postJson(agent, `${base}/passkey`, {
      _csrf: csrf,
      response: oliviaPasskey.assertion(await challengeOf(agent, base, csrf), server.publicUrl),
    });
    expect(foreign).to.deep.equal({ status: 400, body: { error: PASSKEY_FAILED } });

    const challenge = await challengeOf(agent, base, csrf);
    const good = alicePasskey.assertion(challenge, server.publicUrl);
    const accepted = await postJson(agent, `${base}/passkey`, { _csrf: csrf, response: good });
    expect(accepted).to.deep.equal({
      status: 200,
      body: { redirect: `${new URL(base).pathname}/passkey/continue` },
    });
    const replayed = await postJson(agent, `${base}/passkey`, {
      _csrf: csrf,
      response: alicePasskey.assertion(challenge, server.publicUrl),
    });
    expect(replayed).to.deep.equal({ status: 400, body: { error: PASSKEY_FAILED } });
  });

  it('refuses to register a passkey outside the offer that follows a complete sign-in', async () => {
    const agent = new UserAgent();
    const { base, csrf } = await startLogin(agent);
    const options = await postJson(agent, `${base}/passkey/register/options`, { _csrf: csrf });
    expect(options.status).to.equal(403);
    expect(options.body).to.have.property('error').that.is.a('string');
  });

  it('signs in with a good assertion: the login goes on at …/passkey/continue, amr hwk + user', async () => {
    const agent = new UserAgent();
    const { base, csrf, request } = await startLogin(agent);
    const response = alicePasskey.assertion(await challengeOf(agent, base, csrf), server.publicUrl);
    const accepted = await postJson(agent, `${base}/passkey`, { _csrf: csrf, response });
    const callback = await agent.navigate(new URL(String(accepted.body.redirect), server.publicUrl));
    expect(callback.isRedirect, callback.describe()).to.equal(true);
    const config = await server.discover('keys', 'web', SECRET);
    const tokens = await client.authorizationCodeGrant(config, callback.location!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()!.amr).to.have.members(['hwk', 'user']);
    expect(tokens.claims()!.acr).to.equal('urn:portico:acr:phr');
  });
});
