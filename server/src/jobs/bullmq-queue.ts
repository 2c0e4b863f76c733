import { once } from 'node:events';
import type { Job, KeepJobs, Queue, Worker } from 'bullmq';
import { lazyModule } from '../shared/lazy-module.js';
import type { Logger } from '../shared/logger.js';
import { closeRedis, createRequestPathRedis, createWorkerRedis, type PorticoRedis } from '../shared/redis.js';
import { isPermanentJobFailure, JobsErrors } from './jobs.errors.js';
import {
  assertValidConcurrency,
  assertValidJob,
  type JobHandler,
  type JobQueue,
  type JobToEnqueue,
  type ProcessorOptions,
  type QueueDepth,
  settlesWithin,
  withTimeout,
} from './queue.js';

export interface BullmqQueueOptions {
  redisUrl: string;
  logger: Logger;
  /** Redis key prefix: one per deployment (or per test run). */
  prefix?: string;
  /** First retry delay; each further retry doubles it. */
  backoffDelayMs?: number;
  /** `enqueue` and `depth` reject after this long instead of waiting for Redis. */
  commandTimeoutMs?: number;
  keepCompleted?: KeepJobs;
  keepFailed?: KeepJobs;
  /** Bounds `close()`: in-flight jobs get this long to finish. */
  closeTimeoutMs?: number;
}

interface Processor {
  handler: JobHandler;
  concurrency: number;
}

/**
 * BullMQ (~0.2 s of module loading on a small VM) loads with the first queue or worker, which `serve`
 * starts once it listens (docs/PERFORMANCE.md "Start-up").
 */
const loadBullmq = lazyModule(() => import('bullmq'));

/** Once handlers are done, how long BullMQ gets to report to Redis before its connections are dropped. */
const WORKER_CLOSE_GRACE_MS = 2_000;

const DEFAULTS = {
  prefix: 'portico',
  backoffDelayMs: 1_000,
  commandTimeoutMs: 1_000,
  // Completed jobs are remembered a day (deduplication by id); failed ones a week, for inspection.
  keepCompleted: { age: 24 * 3600, count: 1_000 },
  keepFailed: { age: 7 * 24 * 3600, count: 5_000 },
  closeTimeoutMs: 30_000,
} as const;

/**
 * BullMQ 6 on Redis: one Queue (producer) and, once started, one Worker per queue name. The producer
 * connection fails fast so that a Redis outage never blocks a request; Worker connections wait for
 * Redis to return.
 */
export class BullmqJobQueue implements JobQueue {
  private readonly logger: Logger;
  private readonly options: BullmqQueueOptions & typeof DEFAULTS;
  private readonly producer: PorticoRedis;
  private workerConnection: PorticoRedis | undefined;
  private readonly queues = new Map<string, Promise<Queue>>();
  private readonly processors = new Map<string, Processor>();
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  constructor(options: BullmqQueueOptions) {
    this.options = { ...DEFAULTS, ...definedOnly(options) } as BullmqQueueOptions & typeof DEFAULTS;
    this.logger = options.logger;
    this.producer = createRequestPathRedis(options.redisUrl, this.logger, {
      role: 'queue-producer',
      commandTimeoutMs: Math.min(500, this.options.commandTimeoutMs),
    });
  }

  async enqueue(job: JobToEnqueue): Promise<void> {
    if (this.closing) throw JobsErrors.queueClosed();
    assertValidJob(job);
    try {
      const queue = await this.queueNamed(job.queue);
      await this.producerReady();
      const adding = queue.add(job.name, job.payload, {
        jobId: job.id, // an existing id makes `add` a no-op: enqueue is idempotent
        attempts: job.maxAttempts,
        backoff: { type: 'exponential', delay: this.options.backoffDelayMs },
        removeOnComplete: this.options.keepCompleted,
        removeOnFail: this.options.keepFailed,
      });
      await withTimeout(adding, this.options.commandTimeoutMs);
    } catch (error) {
      throw JobsErrors.queueUnavailable(job.queue, error);
    }
  }

  registerProcessor(queue: string, handler: JobHandler, options: ProcessorOptions): void {
    assertValidConcurrency(options.concurrency);
    if (this.processors.has(queue)) throw JobsErrors.processorAlreadyRegistered(queue);
    this.processors.set(queue, { handler, concurrency: options.concurrency });
    if (this.workerConnection) {
      this.startWorker(queue, { handler, concurrency: options.concurrency }).catch((error: unknown) =>
        this.logger.error({ err: error, queue }, 'job worker did not start'),
      );
    }
  }

  async start(): Promise<void> {
    if (this.closing) throw JobsErrors.queueClosed();
    if (this.workerConnection) return;
    this.workerConnection = createWorkerRedis(this.options.redisUrl, this.logger, 'queue-worker');
    await Promise.all([...this.processors].map(([queue, processor]) => this.startWorker(queue, processor)));
  }

  async depth(queueNames?: readonly string[]): Promise<Record<string, QueueDepth>> {
    const names = queueNames ?? [...new Set([...this.queues.keys(), ...this.processors.keys()])];
    const entries = await Promise.all(
      names.map(async (name) => {
        try {
          const queue = await this.queueNamed(name);
          await this.producerReady();
          const counting = queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          return [name, toDepth(await withTimeout(counting, this.options.commandTimeoutMs))] as const;
        } catch (error) {
          throw JobsErrors.queueUnavailable(name, error);
        }
      }),
    );
    return Object.fromEntries(entries);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.closeWorkers();
    await Promise.allSettled([...this.queues.values()].map(async (queue) => (await queue).close()));
    if (this.workerConnection) await closeRedis(this.workerConnection);
    await closeRedis(this.producer);
  }

  /**
   * Graceful: workers stop fetching at once, and the handlers in flight get `closeTimeoutMs` to
   * finish. BullMQ then reports their outcome to Redis; when Redis is unreachable it cannot, so after
   * a short wait the worker connections are dropped and their pending commands fail (the outbox row
   * still records what happened, and an unreported job is redelivered to an idempotent processor).
   */
  private async closeWorkers(): Promise<void> {
    const closing = Promise.allSettled(this.workers.map((worker) => worker.close()));
    const inFlight = Promise.allSettled([...this.inFlight]);
    if (!(await settlesWithin(inFlight, this.options.closeTimeoutMs))) {
      this.logger.warn({ timeoutMs: this.options.closeTimeoutMs }, 'jobs still running at close');
    }
    if (await settlesWithin(closing, WORKER_CLOSE_GRACE_MS)) return;
    this.logger.warn('job workers cannot reach Redis to close; disconnecting them');
    this.workerConnection?.disconnectWithDuplicates();
    if (!(await settlesWithin(closing, WORKER_CLOSE_GRACE_MS))) {
      this.logger.error('job workers did not close');
    }
  }

  /**
   * Resolves when the producer connection is up. A connection still being made (just after start-up)
   * gets the command timeout to come up; a lost one (reconnecting after an outage) fails at once.
   */
  private async producerReady(): Promise<void> {
    const status = this.producer.status;
    if (status === 'ready') return;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new Error(`redis connection is ${status}`);
    }
    // Rejects on the connection's next 'error' too: a refused connection fails fast.
    await once(this.producer, 'ready', { signal: AbortSignal.timeout(this.options.commandTimeoutMs) });
  }

  /** Handlers in flight, which close() waits for without depending on Redis. */
  private track(running: Promise<void>): Promise<void> {
    this.inFlight.add(running);
    const untrack = () => this.inFlight.delete(running);
    running.then(untrack, untrack);
    return running;
  }

  private queueNamed(name: string): Promise<Queue> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = loadBullmq().then(({ Queue }) => {
        const created = new Queue(name, { connection: this.producer, prefix: this.options.prefix });
        created.on('error', rateLimited(this.logger, `job queue ${name} error`));
        return created;
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async startWorker(queue: string, { handler, concurrency }: Processor): Promise<void> {
    const { Worker, UnrecoverableError } = await loadBullmq();
    const connection = this.workerConnection;
    if (!connection || this.closing) return;
    const run = (job: Job) => this.track(runHandler(handler, queue, job, UnrecoverableError));
    const worker = new Worker(queue, run, {
      connection,
      prefix: this.options.prefix,
      concurrency,
    });
    worker.on('error', rateLimited(this.logger, `job worker ${queue} error`));
    worker.on('failed', (job, error) => {
      const log = { jobId: job?.id, queue, name: job?.name, attempt: job?.attemptsMade, err: error };
      this.logger.debug(log, 'job attempt failed'); // the outbox processor logs the outcome
    });
    this.workers.push(worker);
  }
}

async function runHandler(
  handler: JobHandler,
  queue: string,
  job: Job,
  UnrecoverableError: typeof import('bullmq').UnrecoverableError,
): Promise<void> {
  try {
    await handler({
      id: String(job.id),
      queue,
      name: job.name,
      payload: (job.data ?? {}) as Record<string, unknown>,
      attempt: job.attemptsMade + 1, // attemptsMade counts failed runs so far
      maxAttempts: job.opts.attempts ?? 1,
    });
  } catch (error) {
    // BullMQ's way of saying "do not retry"; the original error was logged by the handler's caller.
    if (isPermanentJobFailure(error)) {
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
}

function toDepth(counts: Record<string, number>): QueueDepth {
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
  };
}

/** BullMQ re-emits every reconnection failure: log the first and every 50th. */
function rateLimited(logger: Logger, message: string): (error: Error) => void {
  let count = 0;
  return (error) => {
    count += 1;
    if (count === 1 || count % 50 === 0) logger.warn({ err: error, occurrences: count }, message);
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
