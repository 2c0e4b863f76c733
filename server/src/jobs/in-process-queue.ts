import type { Logger } from '../shared/logger.js';
import { isPermanentJobFailure, JobsErrors } from './jobs.errors.js';
import {
  assertValidConcurrency,
  assertValidJob,
  exponentialBackoffMs,
  type JobHandler,
  type JobQueue,
  type JobToEnqueue,
  type ProcessorOptions,
  type QueueDepth,
  settlesWithin,
} from './queue.js';

export interface InProcessQueueOptions {
  logger: Logger;
  /** First retry delay; each further retry doubles it. */
  backoffDelayMs?: number;
  /** Finished job ids remembered per queue for deduplication (like BullMQ's bounded removeOnComplete). */
  rememberFinished?: number;
  /** Bounds `close()`: in-flight jobs get this long to finish. */
  closeTimeoutMs?: number;
}

/**
 * The queue of embedded mode (no Redis): jobs live in memory, retries wait on timers. A restart loses
 * what was waiting; the outbox relay enqueues those jobs again once their rows look stale.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly queues = new Map<string, LocalQueue>();
  private readonly logger: Logger;
  private readonly backoffDelayMs: number;
  private readonly rememberFinished: number;
  private readonly closeTimeoutMs: number;
  private started = false;
  private closing = false;

  constructor(options: InProcessQueueOptions) {
    this.logger = options.logger;
    this.backoffDelayMs = options.backoffDelayMs ?? 1_000;
    this.rememberFinished = options.rememberFinished ?? 10_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
  }

  async enqueue(job: JobToEnqueue): Promise<void> {
    if (this.closing) throw JobsErrors.queueClosed();
    assertValidJob(job);
    const queue = this.queueNamed(job.queue);
    if (queue.knows(job.id)) return;
    // A copy, as a Redis-backed queue would hold: later changes by the caller do not leak in.
    queue.push({ job: { ...job, payload: structuredClone(job.payload) }, failures: 0 });
    this.schedulePump(queue);
  }

  registerProcessor(queueName: string, handler: JobHandler, options: ProcessorOptions): void {
    assertValidConcurrency(options.concurrency);
    const queue = this.queueNamed(queueName);
    if (queue.handler) throw JobsErrors.processorAlreadyRegistered(queueName);
    queue.handler = handler;
    queue.concurrency = options.concurrency;
    this.schedulePump(queue);
  }

  async start(): Promise<void> {
    if (this.closing) throw JobsErrors.queueClosed();
    this.started = true;
    for (const queue of this.queues.values()) this.schedulePump(queue);
  }

  async depth(queueNames?: readonly string[]): Promise<Record<string, QueueDepth>> {
    const names = queueNames ?? [...this.queues.keys()];
    return Object.fromEntries(names.map((name) => [name, this.queueNamed(name).depth()]));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const queue of this.queues.values()) queue.cancelDelayed();
    const inFlight = [...this.queues.values()].flatMap((queue) => [...queue.active.values()]);
    if (!(await settlesWithin(Promise.allSettled(inFlight), this.closeTimeoutMs))) {
      this.logger.warn({ timeoutMs: this.closeTimeoutMs }, 'jobs still running at close');
    }
  }

  private queueNamed(name: string): LocalQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new LocalQueue(name, this.rememberFinished);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** On a later tick: a job never runs inside its caller's `enqueue` (nor its transaction). */
  private schedulePump(queue: LocalQueue): void {
    setImmediate(() => this.pump(queue));
  }

  private pump(queue: LocalQueue): void {
    const handler = queue.handler;
    if (!this.started || this.closing || !handler) return;
    while (queue.active.size < queue.concurrency) {
      const entry = queue.shift();
      if (!entry) return;
      // Started on a later microtask, so the `active` entry exists before the run removes it.
      const running = Promise.resolve().then(() => this.run(queue, handler, entry));
      queue.active.set(entry.job.id, running);
    }
  }

  private async run(queue: LocalQueue, handler: JobHandler, entry: LocalJob): Promise<void> {
    const { job } = entry;
    try {
      await handler({ ...job, attempt: entry.failures + 1 });
      queue.finished.add(job.id);
    } catch (error) {
      this.handleFailure(queue, entry, error);
    } finally {
      queue.active.delete(job.id);
      this.schedulePump(queue);
    }
  }

  private handleFailure(queue: LocalQueue, entry: LocalJob, error: unknown): void {
    const { job } = entry;
    entry.failures += 1;
    const log = { jobId: job.id, queue: job.queue, name: job.name, attempt: entry.failures, err: error };
    if (isPermanentJobFailure(error) || entry.failures >= job.maxAttempts) {
      queue.failed.add(job.id);
      queue.finished.add(job.id);
      this.logger.warn(log, 'job failed for good');
      return;
    }
    if (this.closing) return; // no retry timers after close(); the outbox relay will re-enqueue it
    const delayMs = exponentialBackoffMs(this.backoffDelayMs, entry.failures);
    this.logger.debug({ ...log, delayMs }, 'job failed, will retry');
    queue.delay(entry, delayMs, () => this.schedulePump(queue));
  }
}

interface LocalJob {
  job: JobToEnqueue;
  failures: number;
}

/** The state of one named queue. */
class LocalQueue {
  handler: JobHandler | undefined;
  concurrency = 1;
  readonly active = new Map<string, Promise<void>>();
  readonly finished: BoundedIdSet;
  readonly failed: BoundedIdSet;
  private readonly waiting: LocalJob[] = [];
  private readonly waitingIds = new Set<string>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly name: string,
    remember: number,
  ) {
    this.finished = new BoundedIdSet(remember);
    this.failed = new BoundedIdSet(remember);
  }

  knows(id: string): boolean {
    return this.waitingIds.has(id) || this.delayed.has(id) || this.active.has(id) || this.finished.has(id);
  }

  push(entry: LocalJob): void {
    this.waiting.push(entry);
    this.waitingIds.add(entry.job.id);
  }

  shift(): LocalJob | undefined {
    const entry = this.waiting.shift();
    if (entry) this.waitingIds.delete(entry.job.id);
    return entry;
  }

  delay(entry: LocalJob, delayMs: number, onDue: () => void): void {
    const timer = setTimeout(() => {
      this.delayed.delete(entry.job.id);
      this.push(entry);
      onDue();
    }, delayMs);
    this.delayed.set(entry.job.id, timer);
  }

  cancelDelayed(): void {
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
  }

  depth(): QueueDepth {
    return {
      waiting: this.waiting.length,
      active: this.active.size,
      delayed: this.delayed.size,
      failed: this.failed.size,
    };
  }
}

/** A set that forgets its oldest ids beyond `limit`, so memory stays bounded. */
class BoundedIdSet {
  private readonly ids = new Set<string>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size <= this.limit) return;
    const oldest = this.ids.values().next();
    if (!oldest.done) this.ids.delete(oldest.value);
  }
}
