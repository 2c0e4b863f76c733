import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { createOidcAdapterFactory } from '../../src/oidc/oidc-adapter.js';
import {
  deferProtocolWrites,
  deferWrite,
  savedIn,
  type WritesFailed,
} from '../../src/oidc/oidc-deferred-writes.js';
import { loadOidcProvider } from '../../src/oidc/oidc-provider-module.js';
import { OidcWriteBatch } from '../../src/oidc/oidc-write-batch.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTenant } from '../db/seed.js';
import { rows } from '../db/sql.js';
import { describeOnBothDatabases } from '../support/databases.js';

const client = {
  client_id: 'app',
  client_secret: 'app-secret-app-secret-app-secret',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code' as const],
  redirect_uris: ['https://rp.example/cb'],
  id_token_signed_response_alg: 'ES256' as const,
};
const basicAuth = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
// Refuses to store an access token of account `refused`: a write that fails inside the database.
const REFUSING_FUNCTION = `CREATE OR REPLACE FUNCTION refuse_marked_access_token() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.model = 'AccessToken' AND NEW.payload->>'accountId' = 'refused' THEN
      RAISE EXCEPTION 'refused by the test';
    END IF;
    RETURN NEW;
  END $$`;
const REFUSING_TRIGGER = `CREATE TRIGGER refuse_marked_access_token BEFORE INSERT ON oidc_models
  FOR EACH ROW EXECUTE FUNCTION refuse_marked_access_token()`;

const failWith: WritesFailed = async (ctx) => {
  ctx.body = 'the error page';
};

/**
 * The token endpoint's writes wait for its answer and go to the database together (docs/PERFORMANCE.md):
 * a refresh rotation spends the old token, stores the new one and the access token all or nothing.
 */
describeOnBothDatabases('oidc-provider token endpoint writes, deferred', (db) => {
  let server: http.Server;
  let provider: Provider;
  let tenantId: string;
  let baseUrl: string;

  before(async () => {
    await loadOidcProvider(); // what tells the adapter which request it serves (Provider.ctx)
    tenantId = await createTenant(db.dataSource, 'deferred');
    server = http.createServer((req, res) => provider.callback()(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const key = { ...(await exportJWK(privateKey)), kid: 'k', alg: 'ES256', use: 'sig' } as JWK;
    provider = new Provider(baseUrl, {
      adapter: createOidcAdapterFactory(db.dataSource, tenantId),
      jwks: { keys: [key] },
      clients: [client],
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      rotateRefreshToken: true,
      features: { devInteractions: { enabled: false } },
    });
    provider.use(deferProtocolWrites(createLogger('silent'), failWith));
    await db.dataSource.query(REFUSING_FUNCTION);
  });

  after(async () => {
    server?.closeAllConnections();
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  });

  /** A refresh token of a fresh grant, minted the way oidc-provider's own code grant does. */
  async function refreshTokenOf(accountId: string): Promise<{ value: string; grantId: string }> {
    const grant = new provider.Grant({ accountId, clientId: client.client_id });
    grant.addOIDCScope('openid offline_access');
    const grantId = await grant.save();
    const token = new provider.RefreshToken({
      accountId,
      grantId,
      client: (await provider.Client.find(client.client_id)) as InstanceType<Provider['Client']>,
      scope: 'openid offline_access',
      gty: 'authorization_code',
    });
    return { value: await token.save(), grantId };
  }

  const refresh = async (refreshToken: string) => {
    const response = await fetch(`${baseUrl}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  const modelsOf = (grantId: string) =>
    rows(
      db.dataSource,
      `SELECT model, id, consumed_at IS NOT NULL AS consumed FROM oidc_models
       WHERE tenant_id = $1 AND grant_id = $2 AND model <> 'Grant' ORDER BY model, consumed_at NULLS LAST`,
      [tenantId, grantId],
    );

  it('rotates a refresh token: the old one spent, the new one and the access token stored', async () => {
    const { value, grantId } = await refreshTokenOf('user-1');
    const { status, body } = await refresh(value);
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(body.refresh_token).to.be.a('string').and.not.equal(value);
    expect(await modelsOf(grantId)).to.deep.equal([
      { model: 'AccessToken', id: body.access_token, consumed: false },
      { model: 'RefreshToken', id: value, consumed: true },
      { model: 'RefreshToken', id: body.refresh_token, consumed: false },
    ]);
    // The access token was stored before the answer left: it is usable at once.
    const introspected = await provider.AccessToken.find(body.access_token as string);
    expect(introspected?.grantId).to.equal(grantId);
  });

  it('writes nothing when the database refuses part of a rotation: server_error, old token still good', async () => {
    const { value, grantId } = await refreshTokenOf('refused');
    await db.dataSource.query(REFUSING_TRIGGER);
    try {
      const { status, body } = await refresh(value);
      expect(status).to.equal(500);
      expect(body).to.include({ error: 'server_error' });
      expect(await modelsOf(grantId)).to.deep.equal([{ model: 'RefreshToken', id: value, consumed: false }]);
    } finally {
      await db.dataSource.query('DROP TRIGGER refuse_marked_access_token ON oidc_models');
    }
    const retried = await refresh(value);
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
  });

  it('defers only in token requests; such a request reads back what it saved', async () => {
    const writer = new OidcWriteBatch(db.dataSource);
    const row = {
      tenantId,
      model: 'AccessToken',
      id: 'deferred-at',
      payload: JSON.stringify({ jti: 'deferred-at', kind: 'AccessToken' }),
      grantId: null,
      userCode: null,
      uid: null,
      accountId: null,
      expiresIn: 60,
    };
    const middleware = deferProtocolWrites(createLogger('silent'), failWith);
    const stored = () =>
      rows(db.dataSource, `SELECT id FROM oidc_models WHERE tenant_id = $1 AND id = 'deferred-at'`, [
        tenantId,
      ]);

    const elsewhere = { method: 'POST', oidc: { route: 'userinfo' } } as unknown as KoaContextWithOIDC;
    await middleware(elsewhere, async () => {
      expect(deferWrite(elsewhere, writer, { kind: 'upsert', row })).to.equal(false);
    });
    const token = { method: 'POST', oidc: { route: 'token' } } as unknown as KoaContextWithOIDC;
    await middleware(token, async () => {
      expect(deferWrite(token, writer, { kind: 'upsert', row })).to.equal(true);
      expect(savedIn(token, tenantId, 'AccessToken', 'deferred-at')).to.equal(row.payload);
      expect(savedIn({}, tenantId, 'AccessToken', 'deferred-at')).to.equal(undefined);
      expect(await stored()).to.deep.equal([]);
    });
    expect(await stored()).to.deep.equal([{ id: 'deferred-at' }]);
    expect(deferWrite(token, writer, { kind: 'upsert', row }), 'after the request').to.equal(false);
  });

  it('answers the error page, not the redirect, when the writes of a browser route fail', async () => {
    const writer = new OidcWriteBatch(db.dataSource);
    const orphan = {
      tenantId: randomUUID(), // no such tenant: the database refuses the row
      model: 'AuthorizationCode',
      id: 'orphan-code',
      payload: '{}',
      grantId: null,
      userCode: null,
      uid: null,
      accountId: null,
      expiresIn: 60,
    };
    const removed: string[] = [];
    const rendered: string[] = [];
    const ctx = {
      method: 'GET',
      oidc: { route: 'resume' },
      status: 303,
      remove: (name: string) => removed.push(name),
    } as unknown as KoaContextWithOIDC;
    const middleware = deferProtocolWrites(createLogger('silent'), async (_ctx, out) => {
      rendered.push(out.error);
    });
    await middleware(ctx, async () => {
      expect(deferWrite(ctx, writer, { kind: 'upsert', row: orphan })).to.equal(true);
    });
    expect(ctx.status).to.equal(500);
    expect(removed).to.deep.equal(['Location']);
    expect(rendered).to.deep.equal(['server_error']);
  });
});
