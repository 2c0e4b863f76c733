import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import {
  createTestDatabase,
  needsPostgres,
  needsRedis,
  redisUrl,
} from '../../server/test/support/services.js';
import {
  freePort,
  PorticoProcess,
  repoRoot,
  runPortico,
  sleep,
  waitForStatus,
} from '../support/processes.js';

/** SECURITY.md ★39: signing-key rotation without downtime. */
describe('signing key rotation (portico keys rotate against a running server)', function () {
  this.timeout(90_000);
  let server: PorticoProcess;
  let env: Record<string, string>;
  let publicUrl: string;

  before(async function () {
    needsPostgres(this);
    needsRedis(this);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      DATABASE_URL: await createTestDatabase('keys'),
      REDIS_URL: redisUrl(),
      PORTICO_SECRET_KEY: randomBytes(32).toString('base64'),
      PORTICO_KICKSTART: path.join(repoRoot, 'test/fixtures/kickstart.example.yaml'),
    };
    server = new PorticoProcess(['serve'], env);
    await server.ports();
    await waitForStatus(`${publicUrl}/readyz`, 200, 20_000);
  });
  after(async () => server?.stop());

  async function jwtAccessToken(): Promise<string> {
    const res = await fetch(`${publicUrl}/t/acme/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('web:s3cret-s3cret-s3cret-s3cret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: `${publicUrl}/graphql` }),
    });
    const body = (await res.json()) as { access_token: string };
    expect(res.status, JSON.stringify(body)).to.equal(200);
    return body.access_token;
  }

  const jwks = async () => (await (await fetch(`${publicUrl}/t/acme/jwks`)).json()) as JSONWebKeySet;

  it('keeps tokens signed before a rotation verifiable, and signs new ones with the key published before', async () => {
    const before = await jwtAccessToken();
    const jwksBefore = await jwks();
    const kidBefore = decodeProtectedHeader(before).kid;
    expect(jwksBefore.keys.every((k) => !('d' in k))).to.equal(true);

    const rotated = await runPortico(['keys', 'rotate', '--tenant', 'acme'], { ...env, LOG_LEVEL: 'warn' });
    expect(rotated.code, rotated.stderr).to.equal(0);
    expect(rotated.stdout).to.match(/^activated: /m);

    // The running server learns of the rotation over Redis and rebuilds the tenant's provider.
    let after = before;
    const deadline = Date.now() + 10_000;
    while (decodeProtectedHeader(after).kid === kidBefore && Date.now() < deadline) {
      await sleep(100);
      after = await jwtAccessToken();
    }
    const kidAfter = decodeProtectedHeader(after).kid;
    expect(kidAfter).to.not.equal(kidBefore);
    // The new signing key was already in the JWKS published before the rotation.
    expect(jwksBefore.keys.map((k) => k.kid)).to.include(kidAfter);

    const keysNow = createLocalJWKSet(await jwks());
    const options = { issuer: `${publicUrl}/t/acme`, audience: `${publicUrl}/graphql` };
    await jwtVerify(before, keysNow, options);
    await jwtVerify(after, keysNow, options);
  });
});
