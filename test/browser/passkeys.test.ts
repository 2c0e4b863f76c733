import { expect } from 'chai';
import * as client from 'openid-client';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { Credential } from '../../server/src/credentials/credential.entity.js';
import { User } from '../../server/src/users/user.entity.js';
import { needsPostgres } from '../../server/test/support/services.js';
import { collectCspViolations, launchBrowser, navigationTo } from '../support/browser.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { type CodeRequest, codeRequest } from '../support/oidc-flows.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };

// `web` follows the tenant (MFA optional); `strict` requires a second factor (set in `before`).
const KICKSTART = `tenants:
  - slug: keys
    name: Keys Inc
    settings:
      passwords: { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
      - { name: Strict, type: oidc, clientId: strict, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true }
`;

/** The virtual authenticator of the tests: a platform authenticator with resident keys and user verification. */
const AUTHENTICATOR = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

/**
 * Passkeys end to end in Chromium with a CDP virtual authenticator (issue 6 "Done when"): registered
 * from the offer after a password sign-in, then used passwordless (a new browser profile holding the
 * same credential) and as the second factor of an app that requires MFA; an RP (openid-client) reads
 * `amr` and `acr` from the ID token (ARCHITECTURE.md "Hosted pages").
 */
describe('passkeys in a browser (Chromium, virtual authenticator)', function () {
  this.timeout(90_000);
  let server: InProcessServer;
  let browser: Browser;
  let credentials: Record<string, unknown>[] = [];
  const contexts: BrowserContext[] = [];

  before(async function () {
    needsPostgres(this);
    [server, browser] = await Promise.all([
      startInProcessServer('postgres', KICKSTART, {}, { hostname: 'localhost' }),
      launchBrowser(),
    ]);
    await server.portico.dataSource.query(
      `UPDATE applications SET config = config || '{"mfa": {"policy": "required"}}'::jsonb WHERE client_id = 'strict'`,
    );
  });
  after(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await server?.close();
  });

  async function newPage(): Promise<{ page: Page; authenticator: VirtualAuthenticator; csp: string[] }> {
    const context = await browser.newContext({ locale: 'en-US' });
    contexts.push(context);
    const csp = collectCspViolations(context);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: AUTHENTICATOR,
    });
    return { page, authenticator: { cdp, authenticatorId }, csp };
  }

  async function tokensFor(clientId: string, request: CodeRequest, callback: URL) {
    const config = await server.discover('keys', clientId, SECRET);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    return tokens.claims()!;
  }

  async function signInWithPassword(page: Page, url: URL) {
    await page.goto(url.href);
    await page.locator('#identifier').fill(ALICE.email);
    await page.locator('main form button[type="submit"]').first().click();
    await page.locator('#password').fill(ALICE.password);
    await page.locator('main form button[type="submit"]').first().click();
  }

  it('offers a passkey after a password sign-in and registers it with the authenticator', async () => {
    const { page, authenticator, csp } = await newPage();
    const request = await codeRequest(await server.discover('keys', 'web', SECRET), REDIRECT);
    await signInWithPassword(page, request.url);
    const add = page.getByRole('button', { name: 'Add a passkey' });
    await add.waitFor();
    const callback = await navigationTo(page, REDIRECT, () => add.click());
    const claims = await tokensFor('web', request, callback);
    expect(claims.amr).to.deep.equal(['pwd']);

    const user = await server.portico.dataSource.manager.findOneByOrFail(User, { email: ALICE.email });
    const stored = await server.portico.dataSource.manager.findBy(Credential, {
      userId: user.id,
      type: 'webauthn',
    });
    expect(stored).to.have.length(1);
    const held = await authenticator.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: authenticator.authenticatorId,
    });
    expect(held.credentials).to.have.length(1);
    expect(held.credentials[0]!.isResidentCredential).to.equal(true);
    expect(Buffer.from(held.credentials[0]!.credentialId, 'base64').toString('base64url')).to.equal(
      stored[0]!.webauthnCredentialId,
    );
    credentials = held.credentials as unknown as Record<string, unknown>[];
    expect(csp).to.deep.equal([]);
  });

  /** The passkey moves to this authenticator as the last one left it (its signature counter included). */
  async function holdPasskey(authenticator: VirtualAuthenticator) {
    for (const credential of credentials) {
      await authenticator.cdp.send('WebAuthn.addCredential', {
        authenticatorId: authenticator.authenticatorId,
        credential: credential as never,
      });
    }
  }

  async function keepPasskey(authenticator: VirtualAuthenticator) {
    const held = await authenticator.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: authenticator.authenticatorId,
    });
    credentials = held.credentials as unknown as Record<string, unknown>[];
  }

  it('signs in passwordless with "Sign in with a passkey": amr hwk + user, acr phr', async () => {
    expect(credentials, 'the passkey of the first test').to.have.length(1);
    const { page, authenticator, csp } = await newPage();
    // A browser without passkey autofill: the virtual authenticator would otherwise answer the autofill
    // request by itself (see the next test) before the button is clicked.
    await page.addInitScript(() => {
      (
        globalThis as unknown as { PublicKeyCredential: { isConditionalMediationAvailable: unknown } }
      ).PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    });
    await holdPasskey(authenticator);
    const request = await codeRequest(await server.discover('keys', 'web', SECRET), REDIRECT);
    await page.goto(request.url.href);
    expect(await page.locator('#identifier').getAttribute('autocomplete')).to.equal('username webauthn');
    const button = page.getByRole('button', { name: 'Sign in with a passkey' });
    const callback = await navigationTo(page, REDIRECT, () => button.click());
    const claims = await tokensFor('web', request, callback);
    expect(claims.amr).to.have.members(['hwk', 'user']);
    expect(claims.acr).to.equal('urn:portico:acr:phr');
    await keepPasskey(authenticator);
    expect(csp).to.deep.equal([]);
  });

  it('offers the passkey in the identifier field’s autofill (conditional mediation) and signs in with it', async () => {
    const { page, authenticator, csp } = await newPage();
    await holdPasskey(authenticator);
    const request = await codeRequest(await server.discover('keys', 'web', SECRET), REDIRECT);
    // The virtual authenticator picks the passkey from the autofill request by itself: no click.
    const callback = await navigationTo(page, REDIRECT, () => page.goto(request.url.href));
    const claims = await tokensFor('web', request, callback);
    expect(claims.amr).to.have.members(['hwk', 'user']);
    await keepPasskey(authenticator);
    expect(csp).to.deep.equal([]);
  });

  it('uses the passkey as the second factor of an app that requires MFA: amr pwd + hwk + mfa', async () => {
    const { page, authenticator, csp } = await newPage();
    const request = await codeRequest(await server.discover('keys', 'strict', SECRET), REDIRECT);
    await signInWithPassword(page, request.url);
    const second = page.getByRole('button', { name: 'Continue with a passkey' });
    await second.waitFor();
    await holdPasskey(authenticator);
    const callback = await navigationTo(page, REDIRECT, () => second.click());
    const claims = await tokensFor('strict', request, callback);
    expect(claims.amr).to.include.members(['pwd', 'hwk', 'mfa']);
    expect(claims.acr).to.equal('urn:portico:acr:phr');
    await keepPasskey(authenticator);
    expect(csp).to.deep.equal([]);
  });
});
