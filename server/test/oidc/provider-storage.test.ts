import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type JWK } from 'oidc-provider';
import { createOidcAdapterFactory } from '../../src/oidc/oidc-adapter.js';
import { createTenant } from '../db/seed.js';
import { rows } from '../db/sql.js';
import { describeOnBothDatabases } from '../support/databases.js';

const client = { client_id: 'machine', client_secret: 'machine-secret-machine-secret' };
const basicAuth = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;

async function signingKeys(): Promise<{ keys: JWK[] }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { keys: [{ ...(await exportJWK(privateKey)), kid: 'test', alg: 'RS256', use: 'sig' } as JWK] };
}

/**
 * A real oidc-provider on the database adapter: a client-credentials token is stored in oidc_models under
 * the tenant, and introspection reads it back from there.
 */
describeOnBothDatabases('oidc-provider on the database adapter', (db) => {
  let server: http.Server;
  let baseUrl: string;
  let tenantId: string;

  before(async () => {
    tenantId = await createTenant(db.dataSource, 'oidc');
    let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
    server = http.createServer((req, res) => handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new Provider(baseUrl, {
      adapter: createOidcAdapterFactory(db.dataSource, tenantId),
      jwks: await signingKeys(),
      clients: [{ ...client, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
      ttl: { ClientCredentials: 600 },
      features: {
        clientCredentials: { enabled: true },
        introspection: { enabled: true, allowedPolicy: async () => true },
        devInteractions: { enabled: false },
      },
    });
    handle = provider.callback();
  });

  after(async () => {
    server?.closeAllConnections();
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  });

  const post = async (path: string, form: Record<string, string>): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).to.equal(200);
    return body;
  };

  it('issues an opaque client-credentials token stored per tenant, and introspects it from storage', async () => {
    const issued = await post('/token', { grant_type: 'client_credentials' });
    const token = issued.access_token;
    expect(token, 'opaque, not a JWT').to.be.a('string').that.does.not.include('.');
    const stored = await rows(
      db.dataSource,
      `SELECT payload->>'clientId' AS client_id, expires_at > now() AS live FROM oidc_models
       WHERE tenant_id = $1 AND model = 'ClientCredentials' AND id = $2`,
      [tenantId, token],
    );
    expect(stored).to.deep.equal([{ client_id: client.client_id, live: true }]);
    expect(await post('/token/introspection', { token: String(token) })).to.include({
      active: true,
      client_id: client.client_id,
    });
    await db.dataSource.query('DELETE FROM oidc_models WHERE tenant_id = $1 AND id = $2', [tenantId, token]);
    expect(await post('/token/introspection', { token: String(token) }), 'row deleted').to.include({
      active: false,
    });
  });
});
