import type { Logger } from '../shared/logger.js';
import { isPermanentJobFailure, JobsErrors } from './jobs.errors.js';
import type { OutboxMessage } from './outbox.entity.js';
import { FINAL_STATUSES, type OutboxService } from './outbox.service.js';
import type { JobHandler, QueuedJob } from './queue.js';

export interface OutboxJobContext {
  jobId: string;
  tenantId: string | null;
  /** 1 on the first run; counted in the outbox row, so it survives a re-enqueue. */
  attempt: number;
  maxAttempts: number;
  expiresAt: Date | null;
  logger: Logger;
}

/** Does the work of one job; throws to be retried (or a permanent JobsErrors error to stop). */
export type OutboxJobHandler = (payload: Record<string, unknown>, context: OutboxJobContext) => Promise<void>;

/** The handlers of one queue, by job name. */
export type OutboxHandlerRegistry = Readonly<Record<string, OutboxJobHandler>>;

/**
 * Turns a queue's handler registry into the queue's `JobHandler`, keeping the outbox row the source
 * of truth. Delivery is at least once, so a job delivered again after it finished does nothing; an
 * expired job is dropped unsent; failures are counted in the row, which dies (dead-letter, visible to
 * admins) on its last attempt.
 */
export class OutboxJobProcessor {
  constructor(
    private readonly outbox: OutboxService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  handlerFor(queue: string, handlers: OutboxHandlerRegistry): JobHandler {
    return (job) => this.process(queue, handlers, job);
  }

  /** Skip what is finished, drop what expired, run the rest; the row records the outcome. */
  private async process(queue: string, handlers: OutboxHandlerRegistry, job: QueuedJob): Promise<void> {
    const logger = this.logger.child({ jobId: job.id, queue, attempt: job.attempt });
    const row = await this.outbox.find(job.id);
    if (!row) {
      logger.warn('no outbox row for this job; skipped');
      return;
    }
    if (FINAL_STATUSES.includes(row.status)) {
      logger.debug({ status: row.status }, 'job already finished; skipped');
      return;
    }
    if (row.expiresAt !== null && row.expiresAt <= this.now()) {
      await this.outbox.markDropped([row.id]);
      logger.info({ name: row.name }, 'job expired; dropped');
      return;
    }
    await this.run(queue, handlers, row, logger);
  }

  private async run(
    queue: string,
    handlers: OutboxHandlerRegistry,
    row: OutboxMessage,
    logger: Logger,
  ): Promise<void> {
    const handle = Object.hasOwn(handlers, row.name) ? handlers[row.name] : undefined;
    if (!handle) return this.fail(row, JobsErrors.unknownJobName(queue, row.name), logger);
    try {
      await handle(row.payload, contextOf(row, logger));
    } catch (error) {
      return this.fail(row, error, logger);
    }
    await this.outbox.markDone(row.id); // outside the try: a failed write is not a failed handler
  }

  /** Records the failure, then rethrows so the queue retries (or, once dead, stops retrying). */
  private async fail(row: OutboxMessage, error: unknown, logger: Logger): Promise<void> {
    const permanent = isPermanentJobFailure(error);
    const outcome = await this.outbox.recordFailure(row.id, error, { final: permanent });
    if (outcome.status === 'done' || outcome.status === 'dropped') {
      logger.info({ err: error, status: outcome.status }, 'job failed, but another delivery finished it');
      return;
    }
    if (outcome.status === 'dead') {
      logger.error({ err: error, name: row.name, attempts: outcome.attempts }, 'job is dead');
      throw permanent ? error : JobsErrors.attemptsExhausted(row.id, outcome.attempts, error);
    }
    logger.warn({ err: error, name: row.name, attempts: outcome.attempts }, 'job failed; will retry');
    throw error;
  }
}

function contextOf(row: OutboxMessage, logger: Logger): OutboxJobContext {
  return {
    jobId: row.id,
    tenantId: row.tenantId,
    attempt: row.attempts + 1,
    maxAttempts: row.maxAttempts,
    expiresAt: row.expiresAt,
    logger: logger.child({ name: row.name }),
  };
}
