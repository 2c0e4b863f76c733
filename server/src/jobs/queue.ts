import { JobsErrors } from './jobs.errors.js';

/**
 * The job queue seen by the rest of the server. Two implementations share one contract suite
 * (STYLE.md §8): BullMQ on Redis (`bullmq-queue.ts`) and an in-memory queue for embedded mode
 * (`in-process-queue.ts`). Either may lose jobs (Redis without persistence, a process restart):
 * durability comes from the outbox, whose relay enqueues again what was lost.
 */
export interface JobQueue {
  /**
   * Adds a job. Idempotent by `id` while the queue knows that id (waiting, delayed, active or
   * recently finished): a second enqueue does not run the job twice. Rejects quickly with
   * `job_queue_unavailable` when the backend is unreachable.
   */
  enqueue(job: JobToEnqueue): Promise<void>;
  /** Declares who processes `queue`; call before `start()`. */
  registerProcessor(queue: string, handler: JobHandler, options: ProcessorOptions): void;
  /** Begins processing the registered queues. */
  start(): Promise<void>;
  /** Job counts per queue, for the metrics gauge; default: every queue this instance has seen. */
  depth(queues?: readonly string[]): Promise<Record<string, QueueDepth>>;
  /** Stops taking jobs, waits for the in-flight ones, releases connections. */
  close(): Promise<void>;
}

export interface JobToEnqueue {
  id: string;
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  /** Total runs allowed, the first included (≥ 1). */
  maxAttempts: number;
}

export interface QueuedJob {
  id: string;
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  maxAttempts: number;
}

/**
 * Resolves: the job is done. Rejects: retried after an exponential backoff until `maxAttempts`,
 * unless the error is permanent (`isPermanentJobFailure`), which fails the job at once.
 */
export type JobHandler = (job: QueuedJob) => Promise<void>;

export interface ProcessorOptions {
  /** Jobs of this queue run at the same time in this process. */
  concurrency: number;
}

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Delay before retry number `failures` (1-based): base, 2·base, 4·base, … (BullMQ's 'exponential'). */
export const exponentialBackoffMs = (baseDelayMs: number, failures: number): number =>
  Math.round(baseDelayMs * 2 ** Math.max(0, failures - 1));

export function assertValidJob(job: JobToEnqueue): void {
  if (!job.id || job.id.includes(':')) throw JobsErrors.invalidJob('the id must be non-empty without ":"');
  if (!job.queue || job.queue.includes(':')) {
    throw JobsErrors.invalidJob('the queue name must be non-empty without ":"');
  }
  if (!Number.isInteger(job.maxAttempts) || job.maxAttempts < 1) {
    throw JobsErrors.invalidJob('maxAttempts must be an integer ≥ 1');
  }
}

export function assertValidConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw JobsErrors.invalidJob('concurrency must be an integer ≥ 1');
  }
}

/** True when `promise` settles (either way) within `timeoutMs`. */
export function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return withTimeout(promise, timeoutMs).then(
    () => true,
    () => false,
  );
}

/** Rejects when `promise` has not settled within `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
