import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { type ProviderJwks, SigningKeysService } from '../../src/oidc/signing-keys.service.js';
import { KeyRing } from '../../src/secrets/key-ring.js';
import { describeOnBothDatabases } from '../support/databases.js';

const CLIENT = { id: 'reporting-service', secret: 'a-client-secret-long-enough-for-the-test' };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv', 'k'];
// Two resource servers, so one token per published algorithm can be obtained without a browser.
const RESOURCES: Record<string, 'ES256' | 'RS256'> = { 'urn:api': 'ES256', 'urn:legacy-api': 'RS256' };

interface RunningProvider {
  issuer: string;
  /** A JWT access token from the client_credentials grant, for `resource` (default urn:api). */
  token(resource?: string): Promise<string>;
  jwks(): Promise<JSONWebKeySet>;
  close(): Promise<void>;
}

/** A real oidc-provider on an ephemeral port, configured with `jwks` the way Portico wires a tenant. */
async function startProvider(jwks: ProviderJwks): Promise<RunningProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const configuration: Configuration = {
    jwks,
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:api',
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'api',
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: RESOURCES[resource] ?? 'ES256' } },
        }),
      },
    },
  };
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  return {
    issuer,
    async token(resource = 'urn:api') {
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        scope: 'api',
        resource,
      });
      const response = await fetch(`${issuer}/token`, { method: 'POST', body });
      const json = (await response.json()) as { access_token?: string };
      if (!response.ok || !json.access_token)
        throw new Error(`token request failed: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    async jwks() {
      const response = await fetch(`${issuer}/jwks`);
      expect(response.status).to.equal(200);
      return (await response.json()) as JSONWebKeySet;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function createTestTenant(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query(
    `INSERT INTO tenants (slug, name) VALUES ('keys-' || substr(md5(random()::text), 1, 12), 'Keys') RETURNING id`,
  )) as { id: string }[];
  if (!row) throw new Error('tenant insert returned no row');
  return row.id;
}

const kidOfToken = (jwt: string): string | undefined => decodeProtectedHeader(jwt).kid;

describeOnBothDatabases('signing keys in oidc-provider', (db) => {
  const service = new SigningKeysService(KeyRing.parse(KeyRing.generateKey()));
  const running: RunningProvider[] = [];
  let tenantId: string;

  const start = async (jwks: ProviderJwks): Promise<RunningProvider> => {
    const provider = await startProvider(jwks);
    running.push(provider);
    return provider;
  };
  const keys = () => service.list(db.dataSource.manager, tenantId);
  const activeKid = async (alg: string) =>
    (await keys()).find((k) => k.status === 'active' && k.alg === alg)?.kid;
  const providerJwks = () => service.jwksForProvider(db.dataSource.manager, tenantId);

  beforeEach(async () => {
    tenantId = await createTestTenant(db.dataSource);
    await service.ensureKeys(db.dataSource.manager, tenantId);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((provider) => provider.close()));
  });

  it('signs with the active key of each alg and publishes active and next keys, public members only', async () => {
    const provider = await start(await providerJwks());
    const es256 = await provider.token();
    const rs256 = await provider.token('urn:legacy-api');
    expect(decodeProtectedHeader(es256)).to.include({ alg: 'ES256', kid: await activeKid('ES256') });
    expect(decodeProtectedHeader(rs256)).to.include({ alg: 'RS256', kid: await activeKid('RS256') });

    const published = await provider.jwks();
    expect(published.keys.map((k) => k.kid).sort()).to.deep.equal((await keys()).map((k) => k.kid).sort());
    for (const jwk of published.keys) expect(jwk).to.not.have.any.keys(...PRIVATE_MEMBERS);
    await jwtVerify(es256, createLocalJWKSet(published), { issuer: provider.issuer, audience: 'urn:api' });
  });

  it('never signs with a next or retired key, whatever the order of the jwks (key_ops guard)', async () => {
    await service.rotate(db.dataSource.manager, tenantId, new Date(), 3600);
    const reversed = { keys: [...(await providerJwks()).keys].reverse() };
    expect(reversed.keys[0]?.key_ops, 'a non-active key comes first').to.deep.equal(['verify']);
    const provider = await start(reversed);
    expect(kidOfToken(await provider.token())).to.equal(await activeKid('ES256'));
    expect(kidOfToken(await provider.token('urn:legacy-api'))).to.equal(await activeKid('RS256'));
  });

  it('keeps tokens valid across a rotation, and the new key was published before it signed (★39)', async () => {
    const before = await start(await providerJwks());
    const oldToken = await before.token();
    const oldJwks = await before.jwks();
    const oldActive = await activeKid('ES256');

    await service.rotate(db.dataSource.manager, tenantId, new Date(), 3600);
    const after = await start(await providerJwks());
    const newJwks = await after.jwks();
    expect(newJwks.keys).to.have.length(6);
    for (const jwk of newJwks.keys) expect(jwk).to.not.have.any.keys(...PRIVATE_MEMBERS);

    const { protectedHeader } = await jwtVerify(oldToken, createLocalJWKSet(newJwks), {
      issuer: before.issuer,
      audience: 'urn:api',
    });
    expect(protectedHeader.kid).to.equal(oldActive);

    const newToken = await after.token();
    const newActive = await activeKid('ES256');
    expect(newActive).to.not.equal(oldActive);
    expect(kidOfToken(newToken)).to.equal(newActive);
    // A relying party that cached the JWKS before the rotation can verify the new token already.
    await jwtVerify(newToken, createLocalJWKSet(oldJwks), { issuer: after.issuer, audience: 'urn:api' });
  });
});
