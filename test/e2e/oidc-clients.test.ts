import { expect } from 'chai';
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';
import { oauthError } from '../support/oidc-flows.js';

const SPA_ORIGIN = 'http://127.0.0.1:5556';

/** Client authentication methods and per-application CORS (issue: OIDC provider, "Clients", "CORS"). */
describe('OIDC clients: private_key_jwt and per-application CORS', function () {
  this.timeout(60_000);
  let server: InProcessServer;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const publicJwk = {
      ...(await exportJWK(pair.publicKey)),
      kid: 'service-key-1',
      alg: 'ES256',
      use: 'sig',
    };
    server = await startInProcessServer(
      'pglite',
      `tenants:
  - slug: acme
    applications:
      - name: Service
        type: oidc
        clientId: service
        tokenEndpointAuthMethod: private_key_jwt
        jwks: { keys: [${JSON.stringify(publicJwk)}] }
        grantTypes: [client_credentials]
      - name: SPA
        type: oidc
        clientId: spa
        redirectUris: ["${SPA_ORIGIN}/cb"]
        corsOrigins: ["${SPA_ORIGIN}"]
        grantTypes: [authorization_code, refresh_token]
`,
    );
  });
  after(async () => server?.close());

  it('authenticates a client by a private_key_jwt assertion signed with its registered key', async () => {
    const config = await client.discovery(
      new URL(server.issuer('acme')),
      'service',
      undefined,
      client.PrivateKeyJwt(privateKey),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.access_token).to.be.a('string');

    const stranger = await generateKeyPair('ES256');
    const impostor = await client.discovery(
      new URL(server.issuer('acme')),
      'service',
      undefined,
      client.PrivateKeyJwt(stranger.privateKey),
      { execute: [client.allowInsecureRequests] },
    );
    expect((await oauthError(client.clientCredentialsGrant(impostor))).error).to.equal('invalid_client');
  });

  it("answers browser calls to the token endpoint only from the application's CORS origins", async () => {
    const tokenEndpoint = `${server.issuer('acme')}/token`;
    const post = (origin: string) =>
      fetch(tokenEndpoint, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: 'unknown',
          client_id: 'spa',
        }),
      });
    const allowed = await post(SPA_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(SPA_ORIGIN);
    const denied = await post('http://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).to.equal(null);
  });
});
