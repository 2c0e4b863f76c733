import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source.js';
import { runMigrations } from '../../src/db/migrator.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-queue.js';
import type { OutboxStatus } from '../../src/jobs/outbox.entity.js';
import { type NewOutboxJob, OutboxService } from '../../src/jobs/outbox.service.js';
import { type OutboxHandlerRegistry, OutboxJobProcessor } from '../../src/jobs/outbox-processor.js';
import { OutboxRelay, type OutboxRelayOptions } from '../../src/jobs/outbox-relay.js';
import type {
  JobHandler,
  JobQueue,
  JobToEnqueue,
  ProcessorOptions,
  QueueDepth,
} from '../../src/jobs/queue.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import { waitFor } from './wait.js';

/** A migrated database: PostgreSQL at `url`, or in-memory PGlite when `url` is undefined. */
export async function openDatabase(url: string | undefined): Promise<DataSource> {
  const dataSource = createDataSource({ url, dataDir: 'memory://' });
  await dataSource.initialize();
  await runMigrations(dataSource, createLogger('silent'));
  return dataSource;
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Counts enqueues per job id, so a test can tell a double relay from a deduplicated one. */
export class CountingQueue implements JobQueue {
  readonly enqueued = new Map<string, number>();

  constructor(private readonly inner: JobQueue) {}

  enqueue(job: JobToEnqueue): Promise<void> {
    this.enqueued.set(job.id, (this.enqueued.get(job.id) ?? 0) + 1);
    return this.inner.enqueue(job);
  }
  registerProcessor(queue: string, handler: JobHandler, options: ProcessorOptions): void {
    this.inner.registerProcessor(queue, handler, options);
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  depth(queues?: readonly string[]): Promise<Record<string, QueueDepth>> {
    return this.inner.depth(queues);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface HarnessOptions {
  queueName: string;
  handlers: OutboxHandlerRegistry;
  logger: Logger;
  queue?: JobQueue;
  relay?: Partial<OutboxRelayOptions>;
}

/** The wiring of start-up in miniature: outbox, queue, processor, relay. */
export class OutboxHarness {
  readonly outbox: OutboxService;
  readonly queue: CountingQueue;
  readonly processor: OutboxJobProcessor;
  readonly relay: OutboxRelay;

  constructor(
    readonly dataSource: DataSource,
    private readonly options: HarnessOptions,
  ) {
    this.outbox = new OutboxService(dataSource);
    this.queue = new CountingQueue(
      options.queue ?? new InProcessJobQueue({ logger: options.logger, backoffDelayMs: 10 }),
    );
    this.processor = new OutboxJobProcessor(this.outbox, options.logger);
    this.relay = new OutboxRelay({
      dataSource,
      outbox: this.outbox,
      queue: this.queue,
      logger: options.logger,
      pollIntervalMs: 50,
      ...options.relay,
    });
    const handler = this.processor.handlerFor(options.queueName, options.handlers);
    this.queue.registerProcessor(options.queueName, handler, { concurrency: 4 });
  }

  async start(): Promise<void> {
    await this.queue.start();
    this.relay.start();
  }

  async close(): Promise<void> {
    await this.relay.stop();
    await this.queue.close();
  }

  /** Commits one transaction holding these jobs; returns their ids. */
  async commit(...jobs: Omit<NewOutboxJob, 'queue'>[]): Promise<string[]> {
    const ids = await this.dataSource.transaction(async (manager) => {
      const written: string[] = [];
      for (const job of jobs)
        written.push(await this.outbox.add(manager, { queue: this.options.queueName, ...job }));
      return written;
    });
    this.relay.nudge();
    return ids;
  }

  async status(id: string): Promise<OutboxStatus | undefined> {
    return (await this.outbox.find(id))?.status;
  }

  waitForStatus(id: string, status: OutboxStatus, timeoutMs = 10_000): Promise<boolean> {
    return waitFor(`outbox row ${id} to be ${status}`, async () => (await this.status(id)) === status, {
      timeoutMs,
    });
  }
}
