import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { InProcessJobQueue } from '../../src/jobs/in-process-queue.js';
import { JobsErrors } from '../../src/jobs/jobs.errors.js';
import type { OutboxJobContext } from '../../src/jobs/outbox-processor.js';
import { OutboxJobProcessor } from '../../src/jobs/outbox-processor.js';
import type { JobQueue } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase, needsPostgres } from '../support/services.js';
import { capturingLogger, OutboxHarness, openDatabase } from './outbox.harness.js';
import { sleep, waitFor } from './wait.js';

const logger = createLogger('silent');
const SETTLE_MS = 300;

describe('Outbox on PGlite (embedded mode)', function () {
  this.timeout(60_000);
  let dataSource: DataSource;
  before(async () => {
    dataSource = await openDatabase(undefined);
  });
  after(async () => {
    await dataSource?.destroy();
  });
  describeOutboxBehaviour(() => dataSource);
});

describe('Outbox on PostgreSQL', function () {
  this.timeout(60_000);
  let dataSource: DataSource | undefined;
  before(async function () {
    needsPostgres(this);
    dataSource = await openDatabase(await createTestDatabase('outbox'));
  });
  after(async () => {
    await dataSource?.destroy();
  });
  describeOutboxBehaviour(() => dataSource!);

  it('two relays polling at once deliver each row once (FOR UPDATE SKIP LOCKED)', async () => {
    const db = dataSource!;
    const handled = new Map<string, number>();
    const handlers = {
      count: async (_: Record<string, unknown>, context: OutboxJobContext) => {
        handled.set(context.jobId, (handled.get(context.jobId) ?? 0) + 1);
      },
    };
    const relayOptions = { batchSize: 7, pollIntervalMs: 5 };
    const one = new OutboxHarness(db, { queueName: 'race', handlers, logger, relay: relayOptions });
    const two = new OutboxHarness(db, { queueName: 'race', handlers, logger, relay: relayOptions });
    try {
      const jobs = Array.from({ length: 120 }, (_, n) => ({ name: 'count', payload: { n } }));
      const ids = await one.commit(...jobs);
      await Promise.all([one.start(), two.start()]);
      await waitFor('all rows done', async () => {
        const [{ done }] = await db.query(`SELECT count(*)::int AS done FROM outbox WHERE status = 'done'`);
        return done === ids.length;
      });
      for (const id of ids) {
        const enqueues = (one.queue.enqueued.get(id) ?? 0) + (two.queue.enqueued.get(id) ?? 0);
        expect(enqueues, `enqueues of ${id}`).to.equal(1);
        expect(handled.get(id), `runs of ${id}`).to.equal(1);
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});

/** The outbox story, told the same way on both databases (STYLE.md §8). */
function describeOutboxBehaviour(database: () => DataSource): void {
  let harness: OutboxHarness | undefined;
  let runs: { name: string; payload: Record<string, unknown>; context: OutboxJobContext }[];
  let failures: number;

  const handlers = {
    send: async (payload: Record<string, unknown>, context: OutboxJobContext) => {
      runs.push({ name: 'send', payload, context });
    },
    broken: async (payload: Record<string, unknown>, context: OutboxJobContext) => {
      runs.push({ name: 'broken', payload, context });
      failures += 1;
      throw new Error(`smtp said no (${failures})`);
    },
  };

  function newHarness(options: { logger?: typeof logger; queue?: JobQueue } = {}): OutboxHarness {
    harness = new OutboxHarness(database(), { queueName: 'mail', handlers, logger, ...options });
    return harness;
  }

  beforeEach(async () => {
    runs = [];
    failures = 0;
    await database().query('DELETE FROM outbox'); // each story starts with an empty outbox
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('never delivers a row written in a transaction that rolled back', async () => {
    const h = newHarness();
    await h.start();
    let writtenId = '';
    const rolledBack = await database()
      .transaction(async (manager) => {
        writtenId = await h.outbox.add(manager, {
          queue: 'mail',
          name: 'send',
          payload: { to: 'a@example.com' },
        });
        throw new Error('the domain change failed');
      })
      .then(
        () => false,
        () => true,
      );
    h.relay.nudge();
    expect(rolledBack).to.equal(true);
    expect(writtenId).to.match(/^[0-9a-f-]{36}$/);
    expect((await h.relay.runOnce()).claimed).to.equal(0);
    await sleep(SETTLE_MS);
    expect(await h.outbox.find(writtenId)).to.equal(null);
    expect(runs).to.have.length(0);
  });

  it('delivers committed rows exactly once, with their payload, and marks them done', async () => {
    const h = newHarness();
    await h.start();
    const ids = await h.commit(
      { name: 'send', payload: { to: 'a@example.com' } },
      { name: 'send', payload: { to: 'b@example.com' } },
      { name: 'send', payload: { to: 'c@example.com' } },
    );
    for (const id of ids) await h.waitForStatus(id, 'done');
    h.relay.nudge();
    await sleep(SETTLE_MS);
    expect(runs.map((run) => run.payload.to).sort()).to.deep.equal([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    expect(runs.map((run) => run.context.jobId).sort()).to.deep.equal([...ids].sort());
    expect(runs[0]?.context).to.include({ attempt: 1, maxAttempts: 8, tenantId: null });
    for (const id of ids) {
      const row = await h.outbox.find(id);
      expect(row?.processedAt).to.be.instanceOf(Date);
      expect(row?.enqueuedAt).to.be.instanceOf(Date);
      expect(h.queue.enqueued.get(id)).to.equal(1);
    }
  });

  it('drops a row whose expiry passed before it was relayed, without running it', async () => {
    const h = newHarness();
    const [id] = await h.commit({
      name: 'send',
      payload: { code: '123456' },
      expiresAt: new Date(Date.now() - 1_000),
    });
    const result = await h.relay.runOnce();
    expect(result).to.include({ claimed: 1, dropped: 1, enqueued: 0 });
    expect(await h.status(id!)).to.equal('dropped');
    expect(h.queue.enqueued.size).to.equal(0);
  });

  it('drops a job that expired while it waited in the queue (an expired code is not sent)', async () => {
    const h = newHarness();
    const [id] = await h.commit({
      name: 'send',
      payload: { code: '123456' },
      expiresAt: new Date(Date.now() + 60_000),
    });
    const later = new OutboxJobProcessor(h.outbox, logger, () => new Date(Date.now() + 120_000));
    await later.handlerFor(
      'mail',
      handlers,
    )({ id: id!, queue: 'mail', name: 'send', payload: {}, attempt: 1, maxAttempts: 8 });
    expect(await h.status(id!)).to.equal('dropped');
    expect(runs).to.have.length(0);
  });

  it('retries a failing job and leaves it dead, with its error, after max attempts', async () => {
    const h = newHarness();
    await h.start();
    const [id] = await h.commit({ name: 'broken', payload: {}, maxAttempts: 3 });
    await h.waitForStatus(id!, 'dead');
    await sleep(SETTLE_MS);
    const row = await h.outbox.find(id!);
    expect(row).to.include({ attempts: 3, status: 'dead' });
    expect(row?.lastError).to.equal('smtp said no (3)');
    expect(row?.processedAt).to.be.instanceOf(Date);
    expect(runs.map((run) => run.context.attempt)).to.deep.equal([1, 2, 3]);
    expect((await h.outbox.listDead(null)).map((dead) => dead.id)).to.deep.equal([id]);
  });

  it('kills a job with an unknown name at once, saying why', async () => {
    const h = newHarness();
    await h.start();
    const [id] = await h.commit({ name: 'no-such-job', payload: {}, maxAttempts: 5 });
    await h.waitForStatus(id!, 'dead');
    const row = await h.outbox.find(id!);
    expect(row?.attempts).to.equal(1);
    expect(row?.lastError).to.equal('job_unknown_name: No handler for job "no-such-job" on queue "mail".');
  });

  it('stops retrying when a handler reports a permanent failure', async () => {
    const h = new OutboxHarness(database(), {
      queueName: 'mail',
      logger,
      handlers: {
        send: async () => {
          failures += 1;
          throw JobsErrors.permanentFailure('the address is malformed');
        },
      },
    });
    harness = h;
    await h.start();
    const [id] = await h.commit({ name: 'send', payload: {}, maxAttempts: 5 });
    await h.waitForStatus(id!, 'dead');
    await sleep(SETTLE_MS);
    expect(failures).to.equal(1);
    expect((await h.outbox.find(id!))?.lastError).to.equal(
      'job_failed_permanently: the address is malformed',
    );
  });

  it('does nothing when a finished job is delivered again (at-least-once delivery)', async () => {
    const h = newHarness();
    await h.start();
    const [id] = await h.commit({ name: 'send', payload: {} });
    await h.waitForStatus(id!, 'done');
    const again = h.processor.handlerFor('mail', handlers);
    await again({ id: id!, queue: 'mail', name: 'send', payload: {}, attempt: 1, maxAttempts: 8 });
    expect(runs).to.have.length(1);
  });

  it('relays again a row left enqueued too long (the queue lost it), under the same id', async () => {
    const h = newHarness({ queue: new InProcessJobQueue({ logger, backoffDelayMs: 10 }) });
    const [id] = await h.commit({ name: 'send', payload: {} });
    await database().query(
      `UPDATE outbox SET status = 'enqueued', enqueued_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await h.start();
    await h.waitForStatus(id!, 'done');
    expect(runs).to.have.length(1);
    expect(h.queue.enqueued.get(id!)).to.equal(1);
  });

  it('keeps a delayed row until it is due', async () => {
    const h = newHarness();
    await h.commit({ name: 'send', payload: {}, delayMs: 60_000 });
    expect((await h.relay.runOnce()).claimed).to.equal(0);
  });

  it('keeps rows pending while the queue refuses them, warning once per outage', async () => {
    const refusing: JobQueue = {
      enqueue: async (job) => {
        throw JobsErrors.queueUnavailable(job.queue);
      },
      registerProcessor: () => {},
      start: async () => {},
      depth: async () => ({}),
      close: async () => {},
    };
    const { logger: capturing, lines } = capturingLogger();
    const h = newHarness({ logger: capturing, queue: refusing });
    const ids = await h.commit({ name: 'send', payload: {} }, { name: 'send', payload: {} });
    for (let run = 0; run < 3; run += 1) {
      expect((await h.relay.runOnce()).queueError).to.include({ code: 'job_queue_unavailable' });
    }
    for (const id of ids) expect(await h.status(id)).to.equal('pending');
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).to.deep.equal(['job queue unavailable; outbox rows wait']);
  });

  it('lists dead letters per tenant', async () => {
    const h = newHarness();
    const [{ id: systemTenant }] = await database().query(`SELECT id FROM tenants WHERE slug = 'system'`);
    const [tenantJob] = await h.commit({
      name: 'broken',
      payload: {},
      maxAttempts: 1,
      tenantId: systemTenant,
    });
    const [instanceJob] = await h.commit({ name: 'broken', payload: {}, maxAttempts: 1 });
    await h.start();
    await h.waitForStatus(tenantJob!, 'dead');
    await h.waitForStatus(instanceJob!, 'dead');
    expect((await h.outbox.listDead(systemTenant)).map((row) => row.id)).to.deep.equal([tenantJob]);
    expect((await h.outbox.listDead(null)).map((row) => row.id)).to.deep.equal([instanceJob]);
  });
}
