import { expect } from 'chai';
import { Redis } from 'ioredis';
import { IpThrottle, type IpThrottleRedis, ipBucket } from '../../src/credentials/ip-throttle.js';
import { createLogger } from '../../src/shared/logger.js';
import { closeRedis, createRequestPathRedis, redisStatus } from '../../src/shared/redis.js';
import { deleteRedisKeys } from '../jobs/redis-keys.js';
import { timed, waitFor } from '../jobs/wait.js';
import { needsRedis, redisPrefix, redisUrl } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const logger = createLogger('silent');
const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER_TENANT = '00000000-0000-4000-8000-000000000002';

async function fail(throttle: IpThrottle, ip: string, times: number, tenant = TENANT): Promise<void> {
  for (let n = 0; n < times; n += 1) await throttle.recordFailure(tenant, ip);
}

/** SECURITY.md item 1 ★ (per IP) and item 41 ★ (Redis down: counters fall back to the process). */
describe('IpThrottle', () => {
  describe('in process (no Redis)', () => {
    let clock = 0;
    const throttle = (options: { maxFailures?: number; maxLocalEntries?: number } = {}) =>
      new IpThrottle({ logger, maxFailures: 3, windowSeconds: 60, now: () => clock, ...options });
    beforeEach(() => {
      clock = 1_000_000;
    });

    it('blocks an IP at its limit of failures, per IP and per tenant', async () => {
      const ips = throttle();
      await fail(ips, '203.0.113.1', 2);
      expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(false);
      await fail(ips, '203.0.113.1', 1);
      expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(true);
      expect(await ips.isBlocked(TENANT, '203.0.113.2')).to.equal(false);
      expect(await ips.isBlocked(OTHER_TENANT, '203.0.113.1')).to.equal(false);
    });

    it('counts only failures: asking does not count', async () => {
      const ips = throttle();
      for (let n = 0; n < 10; n += 1) expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(false);
    });

    it('forgets the failures when the window ends, and on reset', async () => {
      const ips = throttle();
      await fail(ips, '203.0.113.1', 3);
      clock += 59_999;
      expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(true);
      clock += 1;
      expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(false);
      await fail(ips, '203.0.113.1', 3);
      await ips.reset(TENANT, '203.0.113.1');
      expect(await ips.isBlocked(TENANT, '203.0.113.1')).to.equal(false);
    });

    it('holds a bounded number of entries, dropping expired ones first, then the oldest', async () => {
      const ips = throttle({ maxLocalEntries: 3 });
      await fail(ips, '203.0.113.1', 3);
      clock += 30_000;
      await fail(ips, '203.0.113.2', 3);
      await fail(ips, '203.0.113.3', 3);
      await fail(ips, '203.0.113.4', 3);
      expect(ips.inProcessEntries).to.equal(3);
      expect(await ips.isBlocked(TENANT, '203.0.113.1'), 'the oldest went').to.equal(false);
      expect(await ips.isBlocked(TENANT, '203.0.113.4')).to.equal(true);
      clock += 60_000;
      await fail(ips, '203.0.113.5', 1);
      expect(ips.inProcessEntries, 'the expired entries went').to.equal(1);
    });

    it('counts an IPv6 /64 as one client and IPv4-mapped addresses as IPv4', async () => {
      const ips = throttle();
      await ips.recordFailure(TENANT, '2001:db8:1:2::1');
      await ips.recordFailure(TENANT, '2001:0DB8:1:2:ffff:ffff:ffff:ffff');
      await ips.recordFailure(TENANT, '2001:db8:1:2:0:0:0:9%eth0');
      expect(await ips.isBlocked(TENANT, '2001:db8:1:2::abcd')).to.equal(true);
      expect(await ips.isBlocked(TENANT, '2001:db8:1:3::1')).to.equal(false);
      expect(ipBucket('::ffff:192.0.2.1')).to.equal('192.0.2.1');
      expect(ipBucket('::1')).to.equal('0:0:0:0::/64');
      expect(ipBucket('64:ff9b::192.0.2.1')).to.equal('64:ff9b:0:0::/64');
      expect(ipBucket('')).to.equal(undefined);
      expect(await ips.isBlocked(TENANT, undefined), 'no IP, no bucket').to.equal(false);
    });

    it('falls back to process memory, within its time bound, when a Redis command hangs', async () => {
      const never = () => new Promise<never>(() => {});
      const hanging = { status: 'ready', get: never, eval: never, del: never } as unknown as IpThrottleRedis;
      const ips = new IpThrottle({ logger, redis: hanging, maxFailures: 2, commandTimeoutMs: 50 });
      const failing = await timed(() => fail(ips, '203.0.113.9', 2));
      expect(failing.ms).to.be.below(500);
      const asking = await timed(async () =>
        expect(await ips.isBlocked(TENANT, '203.0.113.9')).to.equal(true),
      );
      expect(asking.error).to.equal(undefined);
      expect(asking.ms).to.be.below(250);
    });
  });

  describe('on Redis', function () {
    this.timeout(30_000);
    const prefix = redisPrefix('ip-throttle');
    let proxy: TcpProxy | undefined;
    let viaProxy: Redis | undefined;
    let direct: Redis | undefined;

    before(async function () {
      needsRedis(this);
      const target = new URL(redisUrl());
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
      viaProxy = createRequestPathRedis(proxy.urlFor(redisUrl()), logger, { role: 'ip-throttle-test' });
      direct = new Redis(redisUrl());
      await waitFor(
        'redis to connect',
        () => redisStatus(viaProxy!) === 'up' && redisStatus(direct!) === 'up',
      );
    });
    afterEach(async () => {
      await proxy?.resume();
      if (viaProxy) await waitFor('redis to reconnect', () => redisStatus(viaProxy!) === 'up');
    });
    after(async () => {
      if (viaProxy) await closeRedis(viaProxy);
      if (direct) await closeRedis(direct);
      await proxy?.close();
      await deleteRedisKeys(prefix);
    });

    const onRedis = (redis: Redis, keyPrefix = prefix) =>
      new IpThrottle({ logger, redis, keyPrefix, maxFailures: 3, windowSeconds: 60 });

    it('shares the counters between replicas, in keys that expire with the window', async () => {
      const replicaA = onRedis(viaProxy!);
      const replicaB = onRedis(direct!);
      await fail(replicaA, '203.0.113.20', 2);
      await fail(replicaB, '203.0.113.20', 1);
      expect(await replicaA.isBlocked(TENANT, '203.0.113.20')).to.equal(true);
      expect(await replicaB.isBlocked(TENANT, '203.0.113.20')).to.equal(true);
      expect(replicaA.inProcessEntries + replicaB.inProcessEntries, 'nothing counted in memory').to.equal(0);
      const key = `${prefix}:${TENANT}:203.0.113.20`;
      expect(await direct!.get(key)).to.equal('3');
      expect(await direct!.pttl(key)).to.be.within(55_000, 60_000);

      await replicaB.reset(TENANT, '203.0.113.20');
      expect(await replicaA.isBlocked(TENANT, '203.0.113.20')).to.equal(false);
    });

    it('keeps counting in process, answering fast, while Redis is down, and keeps those counts after', async () => {
      const ips = onRedis(viaProxy!);
      await fail(ips, '203.0.113.30', 1); // in Redis
      await proxy!.pause();

      const failing = await timed(() => fail(ips, '203.0.113.30', 2));
      expect(failing.error).to.equal(undefined);
      expect(failing.ms, 'two failures recorded while Redis is down').to.be.below(1_000);
      expect(ips.inProcessEntries).to.equal(1);
      const asking = await timed(async () =>
        expect(await ips.isBlocked(TENANT, '203.0.113.30')).to.equal(false),
      );
      expect(asking.error, 'only the two failures counted in process are known').to.equal(undefined);
      await fail(ips, '203.0.113.30', 1);
      expect(await ips.isBlocked(TENANT, '203.0.113.30')).to.equal(true);

      await proxy!.resume();
      await waitFor('redis to reconnect', () => redisStatus(viaProxy!) === 'up', { timeoutMs: 10_000 });
      expect(await ips.isBlocked(TENANT, '203.0.113.30'), 'Redis (1) + process (3)').to.equal(true);
      await ips.reset(TENANT, '203.0.113.30');
      await fail(ips, '203.0.113.30', 1);
      expect(await direct!.get(`${prefix}:${TENANT}:203.0.113.30`), 'counted in Redis again').to.equal('1');
    });
  });
});
