import type { DataSource } from 'typeorm';
import type { Config } from '../config/config.js';
import type { Probe } from '../http/health.js';
import type { Metrics } from '../http/metrics.js';
import { BullmqJobQueue } from '../jobs/bullmq-queue.js';
import { InProcessJobQueue } from '../jobs/in-process-queue.js';
import { MaintenanceScheduler } from '../jobs/maintenance.jobs.js';
import type { OutboxService } from '../jobs/outbox.service.js';
import { type OutboxHandlerRegistry, OutboxJobProcessor } from '../jobs/outbox-processor.js';
import { OutboxRelay } from '../jobs/outbox-relay.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../shared/logger.js';
import { type PorticoRedis, redisStatus } from '../shared/redis.js';

/** Job processors per queue: each domain adds its queue here as it gains background work. */
export type QueueHandlers = Readonly<
  Record<string, { handlers: OutboxHandlerRegistry; concurrency: number }>
>;

/**
 * The job side of a process (ARCHITECTURE.md "Processes and scaling"): the queue (BullMQ on REDIS_URL,
 * in-process otherwise), the outbox relay that feeds it, and the processors when this process runs jobs.
 */
export class JobsRuntime {
  readonly queue: JobQueue;
  readonly relay: OutboxRelay;
  readonly maintenance: MaintenanceScheduler;
  private readonly redis: PorticoRedis | undefined;
  readonly redisProbe = (): Probe => (this.redis ? redisStatus(this.redis) : 'absent');

  constructor(
    private readonly deps: {
      config: Config;
      logger: Logger;
      dataSource: DataSource;
      outbox: OutboxService;
      metrics: Metrics;
      /** The request-path client, whose state readiness and metrics report (owned by the caller). */
      redis: PorticoRedis | undefined;
    },
  ) {
    const { config, logger, dataSource, outbox } = deps;
    this.queue = config.redisUrl
      ? new BullmqJobQueue({ redisUrl: config.redisUrl, logger, prefix: 'portico' })
      : new InProcessJobQueue({ logger });
    this.relay = new OutboxRelay({ dataSource, outbox, queue: this.queue, logger });
    this.maintenance = new MaintenanceScheduler({
      dataSource,
      logger,
      afterSchedule: () => this.relay.nudge(),
    });
    this.redis = deps.redis;
    deps.metrics.watchQueueDepth(this.queue);
    if (this.redis) deps.metrics.watchRedis(this.redisProbe);
  }

  /** Registers the processors and starts taking jobs. */
  async startWorkers(queues: QueueHandlers): Promise<void> {
    const processor = new OutboxJobProcessor(this.deps.outbox, this.deps.logger);
    for (const [name, { handlers, concurrency }] of Object.entries(queues)) {
      this.queue.registerProcessor(name, processor.handlerFor(name, handlers), { concurrency });
    }
    await this.queue.start();
  }

  /** The relay, and the schedule of maintenance jobs it carries to the queue. */
  startRelay(): void {
    this.relay.start();
    this.maintenance.start();
  }

  /** Relay first (nothing new enters the queue), then the queue (waits for in-flight jobs). */
  async close(): Promise<void> {
    this.maintenance.stop();
    await this.relay.stop();
    await this.queue.close();
  }
}
