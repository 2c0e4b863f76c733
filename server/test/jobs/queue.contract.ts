import { expect } from 'chai';
import { JobsErrors } from '../../src/jobs/jobs.errors.js';
import type { JobQueue, QueuedJob } from '../../src/jobs/queue.js';
import { sleep, waitFor } from './wait.js';

export interface QueueFactoryOptions {
  backoffDelayMs: number;
}

export type JobQueueFactory = (options: QueueFactoryOptions) => JobQueue | Promise<JobQueue>;

const BACKOFF_MS = 60;
/** After the expected work is done, how long we watch for work that should not happen. */
const SETTLE_MS = 300;

/**
 * The behaviour every JobQueue promises (STYLE.md §8), run against the in-process queue and BullMQ.
 * Each test uses its own queue instance and queue name, closed after the test.
 */
export function describeJobQueueContract(label: string, factory: JobQueueFactory): void {
  describe(`JobQueue contract: ${label}`, () => {
    const open: JobQueue[] = [];
    let counter = 0;
    const queueName = () => `contract_${process.pid}_${++counter}`;

    async function newQueue(): Promise<JobQueue> {
      const queue = await factory({ backoffDelayMs: BACKOFF_MS });
      open.push(queue);
      return queue;
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.close()));
    });

    it('processes enqueued jobs, passing name, payload and attempt 1', async () => {
      const queue = await newQueue();
      const name = queueName();
      const seen: QueuedJob[] = [];
      queue.registerProcessor(name, async (job) => void seen.push(job), { concurrency: 1 });
      await queue.start();
      for (const n of [1, 2, 3]) {
        await queue.enqueue({ id: `job-${n}`, queue: name, name: 'greet', payload: { n }, maxAttempts: 3 });
      }
      await waitFor('three jobs', () => seen.length === 3);
      expect(seen.map((job) => job.payload.n).sort()).to.deep.equal([1, 2, 3]);
      for (const job of seen) {
        expect(job).to.include({ queue: name, name: 'greet', attempt: 1, maxAttempts: 3 });
      }
    });

    it('runs a job once when the same id is enqueued twice (before and after it ran)', async () => {
      const queue = await newQueue();
      const name = queueName();
      let runs = 0;
      queue.registerProcessor(
        name,
        async () => {
          runs += 1;
        },
        { concurrency: 2 },
      );
      const job = { id: 'same-id', queue: name, name: 'once', payload: {}, maxAttempts: 1 };
      await Promise.all([queue.enqueue(job), queue.enqueue(job)]);
      await queue.start();
      await waitFor('the first run', () => runs === 1);
      await queue.enqueue(job);
      await sleep(SETTLE_MS);
      expect(runs).to.equal(1);
    });

    it('retries a failing job with growing delays until it succeeds', async () => {
      const queue = await newQueue();
      const name = queueName();
      const runs: { attempt: number; at: number }[] = [];
      queue.registerProcessor(
        name,
        async (job) => {
          runs.push({ attempt: job.attempt, at: Date.now() });
          if (job.attempt < 4) throw new Error(`flaky attempt ${job.attempt}`);
        },
        { concurrency: 1 },
      );
      await queue.start();
      await queue.enqueue({ id: 'flaky', queue: name, name: 'flaky', payload: {}, maxAttempts: 5 });
      await waitFor('the fourth attempt', () => runs.length === 4);
      await sleep(SETTLE_MS);
      expect(runs.map((run) => run.attempt)).to.deep.equal([1, 2, 3, 4]);
      const gaps = runs.slice(1).map((run, i) => run.at - (runs[i]?.at ?? 0));
      // Exponential backoff: base, 2·base, 4·base (with slack for timers, not below the floor).
      gaps.forEach((gap, i) => {
        expect(gap, `gap ${i + 1}`).to.be.at.least(BACKOFF_MS * 2 ** i - 10);
      });
      expect(gaps[2]).to.be.greaterThan(gaps[0] ?? 0);
      expect((await queue.depth([name]))[name]).to.include({ failed: 0, delayed: 0, waiting: 0 });
    });

    it('gives up after maxAttempts and counts the job as failed', async () => {
      const queue = await newQueue();
      const name = queueName();
      let runs = 0;
      queue.registerProcessor(
        name,
        async () => {
          runs += 1;
          throw new Error('always broken');
        },
        { concurrency: 1 },
      );
      await queue.start();
      await queue.enqueue({ id: 'doomed', queue: name, name: 'doomed', payload: {}, maxAttempts: 3 });
      await waitFor('the failed count', async () => (await queue.depth([name]))[name]?.failed === 1);
      await sleep(SETTLE_MS);
      expect(runs).to.equal(3);
    });

    it('does not retry a job whose handler reports a permanent failure', async () => {
      const queue = await newQueue();
      const name = queueName();
      let runs = 0;
      queue.registerProcessor(
        name,
        async () => {
          runs += 1;
          throw JobsErrors.permanentFailure('the recipient does not exist');
        },
        { concurrency: 1 },
      );
      await queue.start();
      await queue.enqueue({ id: 'hopeless', queue: name, name: 'hopeless', payload: {}, maxAttempts: 5 });
      await waitFor('the failed count', async () => (await queue.depth([name]))[name]?.failed === 1);
      await sleep(SETTLE_MS);
      expect(runs).to.equal(1);
    });

    it('close() waits for the job in flight to finish', async () => {
      const queue = await newQueue();
      const name = queueName();
      let started = false;
      let finished = false;
      queue.registerProcessor(
        name,
        async () => {
          started = true;
          await sleep(400);
          finished = true;
        },
        { concurrency: 1 },
      );
      await queue.start();
      await queue.enqueue({ id: 'slow', queue: name, name: 'slow', payload: {}, maxAttempts: 1 });
      await waitFor('the job to start', () => started);
      await queue.close();
      expect(finished).to.equal(true);
    });

    it('runs at most `concurrency` jobs of a queue at once', async () => {
      const queue = await newQueue();
      const name = queueName();
      let running = 0;
      let mostAtOnce = 0;
      let done = 0;
      queue.registerProcessor(
        name,
        async () => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await sleep(100);
          running -= 1;
          done += 1;
        },
        { concurrency: 2 },
      );
      for (let n = 0; n < 6; n += 1) {
        await queue.enqueue({ id: `c-${n}`, queue: name, name: 'work', payload: {}, maxAttempts: 1 });
      }
      await queue.start();
      await waitFor('six jobs', () => done === 6);
      expect(mostAtOnce).to.equal(2);
    });

    it('depth() reports waiting jobs of a queue nobody processes yet', async () => {
      const queue = await newQueue();
      const name = queueName();
      for (let n = 0; n < 3; n += 1) {
        await queue.enqueue({ id: `w-${n}`, queue: name, name: 'later', payload: {}, maxAttempts: 1 });
      }
      const depth = await queue.depth();
      expect(depth[name]).to.deep.equal({ waiting: 3, active: 0, delayed: 0, failed: 0 });
    });

    it('refuses an invalid job with a stable code', async () => {
      const queue = await newQueue();
      const error = await queue
        .enqueue({ id: 'x', queue: queueName(), name: 'n', payload: {}, maxAttempts: 0 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.include({ code: 'job_invalid' });
    });
  });
}
