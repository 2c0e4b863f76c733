import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../shared/logger.js';
import type { OutboxMessage } from './outbox.entity.js';
import type { OutboxService } from './outbox.service.js';
import type { JobQueue, JobToEnqueue } from './queue.js';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  outbox: OutboxService;
  queue: JobQueue;
  logger: Logger;
  /** Pause between polls when there is nothing more to relay. */
  pollIntervalMs?: number;
  /** Rows claimed per transaction. */
  batchSize?: number;
  /** Rows `enqueued` longer than this without being processed are enqueued again (same id). */
  staleAfterMs?: number;
}

export interface RelayRunResult {
  claimed: number;
  enqueued: number;
  dropped: number;
  /** Set when the queue refused a job: the rest of the batch stays as it was, for a later run. */
  queueError?: unknown;
}

/**
 * Moves committed outbox rows into the job queue. Each run claims a batch with
 * `FOR UPDATE SKIP LOCKED` in a short transaction, so several relays (replicas) share the rows without
 * taking the same one; the job id is the row id, so an enqueue repeated after a crash is a no-op.
 * While the queue is down (Redis outage) rows stay pending and the relay keeps polling.
 */
export class OutboxRelay {
  private readonly dataSource: DataSource;
  private readonly outbox: OutboxService;
  private readonly queue: JobQueue;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly staleAfterMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<RelayRunResult | undefined> | undefined;
  private runAgain = false;
  private queueDown = false;
  private databaseDown = false;

  constructor(options: OutboxRelayOptions) {
    this.dataSource = options.dataSource;
    this.outbox = options.outbox;
    this.queue = options.queue;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Call after committing outbox rows: relays them now rather than at the next poll. */
  nudge(): void {
    if (!this.running) return;
    if (this.inFlight) this.runAgain = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the current run. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One claim-enqueue-mark transaction. */
  async runOnce(): Promise<RelayRunResult> {
    const result = await this.dataSource.transaction((manager) => this.relayBatch(manager));
    this.reportQueueHealth(result);
    return result;
  }

  private async relayBatch(manager: EntityManager): Promise<RelayRunResult> {
    const rows = await this.outbox.claimDue(manager, {
      limit: this.batchSize,
      staleAfterMs: this.staleAfterMs,
    });
    const now = Date.now();
    const expired = rows.filter((row) => row.expiresAt !== null && row.expiresAt.getTime() <= now);
    const live = rows.filter((row) => !expired.includes(row));
    // An expired job is pointless (a one-time code past its expiry): never enqueued.
    await this.outbox.markDropped(
      expired.map((row) => row.id),
      manager,
    );
    const { enqueued, queueError } = await this.enqueueAll(live);
    await this.outbox.markEnqueued(manager, enqueued);
    return { claimed: rows.length, enqueued: enqueued.length, dropped: expired.length, queueError };
  }

  /** Stops at the first refusal: the queue is down, the other rows would only wait for a timeout too. */
  private async enqueueAll(
    rows: readonly OutboxMessage[],
  ): Promise<{ enqueued: string[]; queueError?: unknown }> {
    const enqueued: string[] = [];
    for (const row of rows) {
      try {
        await this.queue.enqueue(toJob(row));
        enqueued.push(row.id);
      } catch (queueError) {
        return { enqueued, queueError };
      }
    }
    return { enqueued };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref(); // the relay alone does not keep the process alive
  }

  private tick(): void {
    this.timer = undefined;
    const run = this.runOnce().then(
      (result) => this.noteDatabaseUp(result),
      (error: unknown) => this.noteDatabaseDown(error),
    );
    this.inFlight = run;
    run.then((result) => {
      this.inFlight = undefined;
      const batchWasFull = result !== undefined && !result.queueError && result.claimed === this.batchSize;
      const again = this.runAgain || batchWasFull;
      this.runAgain = false;
      this.schedule(again ? 0 : this.pollIntervalMs);
    }, noop);
  }

  /** One warning per outage, not one per row or per poll. */
  private reportQueueHealth(result: RelayRunResult): void {
    if (result.queueError !== undefined) {
      const waiting = result.claimed - result.dropped - result.enqueued;
      if (this.queueDown) this.logger.debug({ waiting }, 'job queue still unavailable');
      else this.logger.warn({ err: result.queueError, waiting }, 'job queue unavailable; outbox rows wait');
      this.queueDown = true;
    } else if (this.queueDown && result.enqueued > 0) {
      // Only an accepted job proves the queue is back: a run with nothing to relay proves nothing.
      this.logger.info({ enqueued: result.enqueued }, 'job queue available again; relaying the outbox');
      this.queueDown = false;
    }
  }

  private noteDatabaseUp(result: RelayRunResult): RelayRunResult {
    if (this.databaseDown) this.logger.info('outbox relay reaches the database again');
    this.databaseDown = false;
    return result;
  }

  private noteDatabaseDown(error: unknown): undefined {
    if (!this.databaseDown) this.logger.error({ err: error }, 'outbox relay run failed');
    else this.logger.debug({ err: error }, 'outbox relay run failed again');
    this.databaseDown = true;
    return undefined;
  }
}

/** Redis holds only the row id: the payload (addresses, codes) stays in PostgreSQL. */
function toJob(row: OutboxMessage): JobToEnqueue {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    payload: {},
    // A row relayed again (lost by Redis) keeps the attempts it already used.
    maxAttempts: Math.max(1, row.maxAttempts - row.attempts),
  };
}

const noop = (): void => {};
