import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLogger } from '../../src/shared/logger.js';
import { closeRedis, createRequestPathRedis, redisStatus } from '../../src/shared/redis.js';
import { deleteRedisKeys } from '../jobs/redis-keys.js';
import { timed, waitFor } from '../jobs/wait.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { needsRedis, redisPrefix, redisUrl } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { failureReason, LoginHarness, PASSWORD, WRONG_PASSWORD } from './password-login.harness.js';

const IP_LIMIT = 3;

/**
 * SECURITY.md item 41 ★: with Redis down, password login still works and nothing hangs; the per-IP
 * counters fall back to the process. A TCP proxy between the service and Redis plays the outage.
 */
describeOnBothDatabases('password login with the IP throttle on Redis', (db) => {
  const prefix = redisPrefix(`login-ip-${db.kind}`);
  let proxy: TcpProxy | undefined;
  let redis: Redis | undefined;
  let harness: LoginHarness;

  before(async function () {
    needsRedis(this);
    const target = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    redis = createRequestPathRedis(proxy.urlFor(redisUrl()), createLogger('silent'));
    await waitFor('redis to connect', () => redisStatus(redis!) === 'up');
    harness = new LoginHarness(db.dataSource, {
      ipThrottle: { redis, keyPrefix: prefix, maxFailures: IP_LIMIT },
    });
  });
  afterEach(async () => {
    await proxy?.resume(); // each story starts with Redis up, even after a failed one
    if (redis) await waitFor('redis to reconnect', () => redisStatus(redis!) === 'up', { timeoutMs: 10_000 });
  });
  after(async () => {
    if (redis) await closeRedis(redis);
    await proxy?.close();
    await deleteRedisKeys(prefix);
  });

  it('counts failed logins per IP in Redis', async () => {
    const tenant = await harness.createTenant();
    await harness.createUser(tenant, { email: 'alice@example.com' });
    for (let n = 0; n < IP_LIMIT; n += 1) await harness.login(tenant, 'alice@example.com', WRONG_PASSWORD);

    expect(await redis!.get(`${prefix}:${tenant.id}:198.51.100.7`)).to.equal(String(IP_LIMIT));
    expect(harness.ipThrottle.inProcessEntries).to.equal(0);
    expect(failureReason(await harness.login(tenant, 'alice@example.com', PASSWORD))).to.equal(
      'ip_throttled',
    );
    expect((await harness.login(tenant, 'alice@example.com', PASSWORD, '198.51.100.8')).ok).to.equal(true);
  });

  it('logs in within 1 s while Redis is down, and throttles IPs from process memory', async () => {
    const tenant = await harness.createTenant();
    await harness.createUser(tenant, { email: 'bob@example.com' });
    await proxy!.pause();

    let result: Awaited<ReturnType<LoginHarness['login']>> | undefined;
    const login = await timed(async () => {
      result = await harness.login(tenant, 'bob@example.com', PASSWORD, '192.0.2.50');
    });
    expect(login.error).to.equal(undefined);
    expect(result?.ok, 'the right password logs in').to.equal(true);
    expect(login.ms, 'a login while Redis is down').to.be.below(1_000);

    for (let n = 0; n < IP_LIMIT; n += 1) {
      const failing = await timed(() =>
        harness.login(tenant, 'bob@example.com', WRONG_PASSWORD, '192.0.2.51'),
      );
      expect(failing.ms, 'a failed login while Redis is down').to.be.below(1_000);
    }
    expect(failureReason(await harness.login(tenant, 'bob@example.com', PASSWORD, '192.0.2.51'))).to.equal(
      'ip_throttled',
    );
    expect((await harness.login(tenant, 'bob@example.com', PASSWORD, '192.0.2.52')).ok).to.equal(true);
  });
});
