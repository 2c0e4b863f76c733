import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import type { OutboxJobContext } from '../../src/jobs/outbox-processor.js';
import { closeRedis, createRequestPathRedis, redisStatus } from '../../src/shared/redis.js';
import { createTestDatabase, needsPostgres, needsRedis, redisPrefix, redisUrl } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { capturingLogger, OutboxHarness, openDatabase } from './outbox.harness.js';
import { deleteRedisKeys } from './redis-keys.js';
import { sleep, timed, waitFor } from './wait.js';

/**
 * SECURITY.md 41: with Redis down nothing hangs — calls that need Redis fail fast and messages wait in
 * the outbox — and nothing is lost once it returns. A TCP proxy between the server and Redis plays
 * the outage.
 */
describe('Redis outage', function () {
  this.timeout(60_000);
  const prefix = redisPrefix('outage');
  const { logger, lines } = capturingLogger();
  const runs = new Map<string, number>();
  let proxy: TcpProxy | undefined;
  let dataSource: DataSource | undefined;
  let harness: OutboxHarness | undefined;

  before(async function () {
    needsRedis(this);
    needsPostgres(this);
    const target = new URL(redisUrl());
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    dataSource = await openDatabase(await createTestDatabase('outage'));
    const queue = new BullmqJobQueue({
      redisUrl: proxy.urlFor(redisUrl()),
      logger,
      prefix,
      backoffDelayMs: 50,
    });
    const handlers = {
      send: async (_: Record<string, unknown>, context: OutboxJobContext) => {
        runs.set(context.jobId, (runs.get(context.jobId) ?? 0) + 1);
      },
    };
    harness = new OutboxHarness(dataSource, {
      queueName: 'mail',
      handlers,
      logger,
      queue,
      relay: { pollIntervalMs: 100 },
    });
    await harness.start();
  });

  afterEach(async () => {
    await proxy?.resume(); // each story starts with Redis up, even after a failed one
  });

  after(async () => {
    await harness?.close();
    await proxy?.close();
    await dataSource?.destroy();
    await deleteRedisKeys(prefix);
  });

  it('delivers outbox jobs through BullMQ while Redis is up', async () => {
    const [id] = await harness!.commit({ name: 'send', payload: {} });
    await harness!.waitForStatus(id!, 'done');
    expect(runs.get(id!)).to.equal(1);
  });

  it('keeps a committed message in the outbox during the outage and delivers it once after', async () => {
    const h = harness!;
    await proxy!.pause();

    const direct = await timed(() =>
      h.queue.enqueue({ id: 'direct', queue: 'mail', name: 'send', payload: {}, maxAttempts: 1 }),
    );
    expect(direct.error).to.include({ code: 'job_queue_unavailable' });
    expect(direct.ms, 'enqueue while Redis is down').to.be.below(1_000);
    const depth = await timed(() => h.queue.depth(['mail']));
    expect(depth.error).to.include({ code: 'job_queue_unavailable' });
    expect(depth.ms, 'depth while Redis is down').to.be.below(1_000);

    const committedAt = Date.now();
    const [id] = await h.commit({ name: 'send', payload: {} }); // nudges the running relay
    const warned = () => lines.filter((line) => line.msg === 'job queue unavailable; outbox rows wait');
    await waitFor('the relay to find the queue down', () => warned().length > 0, { timeoutMs: 3_000 });
    expect(Date.now() - committedAt, 'a relay run while Redis is down').to.be.below(1_500);
    await sleep(500); // several polls of the running relay
    expect(await h.status(id!)).to.equal('pending');
    expect(runs.has(id!)).to.equal(false);
    expect(warned(), 'one warning per outage, not per poll').to.have.length(1);

    await proxy!.resume();
    await h.waitForStatus(id!, 'done', 30_000);
    await sleep(300);
    expect(runs.get(id!)).to.equal(1);
    expect(lines.some((line) => line.msg === 'job queue available again; relaying the outbox')).to.equal(
      true,
    );
  });

  it('fails request-path Redis commands fast while Redis is down, and recovers', async () => {
    const client = createRequestPathRedis(proxy!.urlFor(redisUrl()), logger);
    try {
      await waitFor('the client to connect', () => redisStatus(client) === 'up');
      await proxy!.pause();
      for (let n = 0; n < 3; n += 1) {
        const ping = await timed(() => client.ping());
        expect(ping.error, 'ping while Redis is down').to.be.instanceOf(Error);
        expect(ping.ms, 'ping while Redis is down').to.be.below(1_000);
      }
      expect(redisStatus(client)).to.equal('down');
      await proxy!.resume();
      await waitFor('the client to reconnect', () => redisStatus(client) === 'up', { timeoutMs: 10_000 });
      expect(await client.ping()).to.equal('PONG');
    } finally {
      await closeRedis(client);
    }
  });

  // Regression: ioredis never ends a client disconnected while it waits to reconnect, and BullMQ's
  // Worker.close() waited on it forever (PorticoRedis repairs this).
  it('closes a BullMQ queue promptly while Redis is down and just after it returns', async () => {
    for (const returnsBeforeClose of [false, true]) {
      const queue = new BullmqJobQueue({ redisUrl: proxy!.urlFor(redisUrl()), logger, prefix });
      let processed = false;
      queue.registerProcessor(
        'warm',
        async () => {
          processed = true;
        },
        { concurrency: 1 },
      );
      await queue.start();
      await queue.enqueue({
        id: `warm-${returnsBeforeClose}`,
        queue: 'warm',
        name: 'warm',
        payload: {},
        maxAttempts: 1,
      });
      await waitFor('the worker to be up', () => processed);
      await proxy!.pause();
      await sleep(300);
      if (returnsBeforeClose) await proxy!.resume();
      const closing = await timed(() => queue.close());
      expect(closing.error).to.equal(undefined);
      expect(closing.ms, `close (Redis back: ${returnsBeforeClose})`).to.be.below(1_000);
      await proxy!.resume();
    }
  });

  it('closes within a bound a queue whose workers never reached Redis', async () => {
    await proxy!.pause();
    const queue = new BullmqJobQueue({ redisUrl: proxy!.urlFor(redisUrl()), logger, prefix });
    queue.registerProcessor('never', async () => {}, { concurrency: 1 });
    await queue.start();
    await sleep(300);
    const closing = await timed(() => queue.close());
    expect(closing.error).to.equal(undefined);
    expect(closing.ms, 'close without Redis').to.be.below(5_000);
  });

  it('lets the job in flight finish on close during an outage, within the close timeout', async () => {
    const queue = new BullmqJobQueue({
      redisUrl: proxy!.urlFor(redisUrl()),
      logger,
      prefix,
      closeTimeoutMs: 1_000,
    });
    let state = 'waiting';
    queue.registerProcessor(
      'slow',
      async () => {
        state = 'running';
        await sleep(500);
        state = 'finished';
      },
      { concurrency: 1 },
    );
    await queue.start();
    await queue.enqueue({ id: 'slow-1', queue: 'slow', name: 'slow', payload: {}, maxAttempts: 1 });
    await waitFor('the job to start', () => state === 'running');
    await proxy!.pause();
    const closing = await timed(() => queue.close());
    expect(state).to.equal('finished');
    expect(closing.ms, 'close with a job in flight').to.be.within(400, 5_000);
  });
});
