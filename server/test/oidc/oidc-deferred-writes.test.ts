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
  pendingIn,
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
// Refuses to store an access token or a code of an account named `refused…`: a write that fails inside
// the database.
const REFUSING_FUNCTION = `CREATE OR REPLACE FUNCTION refuse_marked_access_token() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.model IN ('AccessToken', 'AuthorizationCode') AND NEW.payload->>'accountId' LIKE 'refused%' THEN
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
 * The token endpoint's and the browser routes' writes wait for the answer and go to the database together
 * (docs/PERFORMANCE.md): a refresh rotation spends the old token, stores the new one and the access token
 * all or nothing; a resume deletes its Interaction (and a renewed Session's old id) in the statement that
 * stores the code and the Session.
 */
describeOnBothDatabases('oidc-provider protocol writes, deferred', (db) => {
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

  /** A browser's cookies for this provider (by name: each test cookie is sent on every path). */
  const browser = () => new Map<string, string>();
  async function visit(path: string, cookies: Map<string, string>) {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: { cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get('location') ?? '', response };
  }

  /** Starts an authorization request and returns its interaction's uid. */
  async function authorize(cookies: Map<string, string>, prompt?: string): Promise<string> {
    const query = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: client.redirect_uris[0] as string,
      ...(prompt ? { prompt } : {}),
    });
    const { status, location } = await visit(`/auth?${query}`, cookies);
    expect(status, location).to.equal(303);
    return location.split('/').pop() as string;
  }

  /** What the hosted pages do when the user has signed in: the interaction's result, with consent. */
  async function signIn(uid: string, accountId: string): Promise<void> {
    const grant = new provider.Grant({ accountId, clientId: client.client_id });
    grant.addOIDCScope('openid');
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) throw new Error(`no interaction ${uid}`);
    interaction.result = { login: { accountId }, consent: { grantId: await grant.save() } };
    await interaction.save((interaction.exp as number) - Math.floor(Date.now() / 1000));
  }

  const stored = (model: string, accountId: string) =>
    rows(
      db.dataSource,
      `SELECT id FROM oidc_models WHERE tenant_id = $1 AND model = $2 AND payload->>'accountId' = $3
       ORDER BY id`,
      [tenantId, model, accountId],
    );
  const interactionStored = async (uid: string) =>
    (
      await rows(
        db.dataSource,
        `SELECT 1 FROM oidc_models WHERE tenant_id = $1 AND model = 'Interaction' AND id = $2`,
        [tenantId, uid],
      )
    ).length === 1;

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
      expect(pendingIn(token, tenantId, 'AccessToken', 'deferred-at')).to.equal(row.payload);
      expect(pendingIn({}, tenantId, 'AccessToken', 'deferred-at')).to.equal(undefined);
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
    expect(removed).to.deep.equal(['Location', 'Set-Cookie']);
    expect(rendered).to.deep.equal(['server_error']);
  });
  it("deletes the Interaction with the resume's other writes; the request no longer finds it", async () => {
    const cookies = browser();
    const uid = await authorize(cookies);
    await signIn(uid, 'user-resume');
    const foundInRequest: Promise<unknown>[] = [];
    const findAgain = () => foundInRequest.push(provider.Interaction.find(uid));
    provider.once('authorization.success', findAgain); // inside the resume, after its destroy
    const { status, location } = await visit(`/auth/${uid}`, cookies);
    expect(status).to.equal(303);
    expect(location).to.match(/^https:\/\/rp\.example\/cb\?code=/);
    expect(await Promise.all(foundInRequest)).to.deep.equal([undefined]);
    expect(await interactionStored(uid)).to.equal(false);
    expect(await stored('AuthorizationCode', 'user-resume')).to.have.length(1);
    expect(await stored('Session', 'user-resume')).to.have.length(1);
  });

  it("keeps the Interaction when the resume's statement fails: no cookie changes, and a reload succeeds", async () => {
    const cookies = browser();
    const uid = await authorize(cookies);
    await signIn(uid, 'refused-resume');
    const before = new Map(cookies);
    await db.dataSource.query(REFUSING_TRIGGER);
    try {
      const failed = await visit(`/auth/${uid}`, cookies);
      expect(failed.status).to.equal(500);
      expect(failed.location).to.equal('');
      expect(failed.response.headers.getSetCookie()).to.deep.equal([]);
      expect(await failed.response.text()).to.equal('the error page');
      expect(await interactionStored(uid)).to.equal(true);
      expect(await stored('AuthorizationCode', 'refused-resume')).to.deep.equal([]);
      expect(await stored('Session', 'refused-resume')).to.deep.equal([]);
    } finally {
      await db.dataSource.query('DROP TRIGGER refuse_marked_access_token ON oidc_models');
    }
    expect(cookies).to.deep.equal(before);
    const retried = await visit(`/auth/${uid}`, cookies);
    expect(retried.status).to.equal(303);
    expect(retried.location).to.match(/^https:\/\/rp\.example\/cb\?code=/);
    expect(await interactionStored(uid)).to.equal(false);
  });

  it("keeps a signed-in Session's old id when the resume that renews it fails", async () => {
    const cookies = browser();
    const first = await authorize(cookies);
    await signIn(first, 'refused-sso');
    expect((await visit(`/auth/${first}`, cookies)).status).to.equal(303);
    const [session] = await stored('Session', 'refused-sso');
    expect(session).to.not.equal(undefined);

    const uid = await authorize(cookies, 'login');
    await signIn(uid, 'refused-sso');
    await db.dataSource.query(REFUSING_TRIGGER);
    try {
      expect((await visit(`/auth/${uid}`, cookies)).status).to.equal(500);
      expect(await stored('Session', 'refused-sso')).to.deep.equal([session]);
      expect(await interactionStored(uid)).to.equal(true);
    } finally {
      await db.dataSource.query('DROP TRIGGER refuse_marked_access_token ON oidc_models');
    }
    expect((await visit(`/auth/${uid}`, cookies)).status).to.equal(303);
    const renewed = await stored('Session', 'refused-sso');
    expect(renewed).to.have.length(1);
    expect(renewed).to.not.deep.equal([session]);
  });

  it('defers the deletion of an Interaction or a Session only; a later deletion replaces a save', async () => {
    const writer = new OidcWriteBatch(db.dataSource);
    const key = { tenantId, model: 'Interaction', id: 'doomed-interaction' };
    const row = {
      ...key,
      payload: JSON.stringify({ jti: key.id, kind: 'Interaction' }),
      grantId: null,
      userCode: null,
      uid: null,
      accountId: null,
      expiresIn: 60,
    };
    await writer.upsert(row);
    const middleware = deferProtocolWrites(createLogger('silent'), failWith);
    const resume = { method: 'GET', oidc: { route: 'resume' } } as unknown as KoaContextWithOIDC;
    await middleware(resume, async () => {
      expect(deferWrite(resume, writer, { kind: 'upsert', row })).to.equal(true);
      expect(deferWrite(resume, writer, { kind: 'destroy', key })).to.equal(true);
      expect(pendingIn(resume, tenantId, 'Interaction', key.id)).to.equal(null);
      expect(() => deferWrite(resume, writer, { kind: 'upsert', row })).to.throw(/twice/);
      const token = { tenantId, model: 'AccessToken', id: 'not-deferred' };
      expect(deferWrite(resume, writer, { kind: 'destroy', key: token }), 'a token').to.equal(false);
      expect(await interactionStored(key.id)).to.equal(true);
    });
    expect(await interactionStored(key.id)).to.equal(false);
  });
});
