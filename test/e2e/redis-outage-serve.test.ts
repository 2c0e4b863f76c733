import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import * as client from 'openid-client';
import {
  createTestDatabase,
  needsPostgres,
  needsRedis,
  redisUrl,
} from '../../server/test/support/services.js';
import { TcpProxy } from '../../server/test/support/tcp-proxy.js';
import { codeRequest, completeHostedPages } from '../support/oidc-flows.js';
import { freePort, PorticoProcess, sleep, waitForStatus } from '../support/processes.js';
import { UserAgent } from '../support/user-agent.js';

const REDIRECT = 'http://127.0.0.1:5555/cb';
const SECRET = 's3cret-s3cret-s3cret-s3cret';
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };

/**
 * SECURITY.md ★41 against a real `portico serve` whose Redis goes away (a TCP proxy between them is
 * unplugged): /readyz stays 200 and reports `redis: down`, a password login still completes and
 * nothing hangs; when Redis is back, readiness says so again.
 */
describe('portico serve during a Redis outage (SECURITY.md ★41)', function () {
  this.timeout(120_000);
  let proxy: TcpProxy;
  let server: PorticoProcess;
  let publicUrl = '';

  before(async function () {
    needsPostgres(this);
    needsRedis(this);
    const redis = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const kickstart = path.join(tmpdir(), `redis-outage-${process.pid}-${Date.now()}.yaml`);
    writeFileSync(
      kickstart,
      `tenants:
  - slug: acme
    name: Acme
    settings: { passwords: { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }, passwordless: { passkeys: false } }
    applications:
      - { name: Web, type: oidc, clientId: web, clientSecret: "${SECRET}", redirectUris: ["${REDIRECT}"],
          grantTypes: [authorization_code], firstParty: true }
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true }
`,
    );
    server = new PorticoProcess(['serve'], {
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      PUBLIC_URL: publicUrl,
      DATABASE_URL: await createTestDatabase('redisoutage'),
      REDIS_URL: proxy.urlFor(redisUrl()),
      PORTICO_SECRET_KEY: randomBytes(32).toString('base64'),
      PORTICO_KICKSTART: kickstart,
    });
    await server.ports(30_000);
    const ready = await waitForStatus(`${publicUrl}/readyz`, 200, 30_000);
    expect(await ready.json()).to.include({ redis: 'up' });
  });

  after(async () => {
    await server?.stop();
    await proxy?.close();
  });

  async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${publicUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('stays ready with redis "down", and a password login completes quickly', async () => {
    await proxy.pause();
    let state = await readiness();
    for (let i = 0; i < 50 && state.body.redis !== 'down'; i += 1) {
      await sleep(200);
      state = await readiness();
    }
    expect(state).to.deep.include({ status: 200 });
    expect(state.body).to.include({ redis: 'down', database: 'up' });

    const started = Date.now();
    const config = await client.discovery(new URL(`${publicUrl}/t/acme`), 'web', SECRET, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const request = await codeRequest(config, REDIRECT);
    const agent = new UserAgent();
    const callback = await completeHostedPages(agent, await agent.navigate(request.url), ALICE);
    expect(callback.isRedirect, callback.describe()).to.equal(true);
    const tokens = await client.authorizationCodeGrant(config, callback.location!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.access_token).to.be.a('string');
    expect(Date.now() - started, 'nothing waits on Redis').to.be.lessThan(15_000);
  });

  it('reports redis "up" again once it is back', async () => {
    await proxy.resume();
    let state = await readiness();
    for (let i = 0; i < 100 && state.body.redis !== 'up'; i += 1) {
      await sleep(200);
      state = await readiness();
    }
    expect(state.status).to.equal(200);
    expect(state.body.redis).to.equal('up');
  });
});
