import type { DataSource, EntityManager } from 'typeorm';
import { type DroppedJob, describeError } from '../jobs/outbox.service.js';
import { Delivery, type DeliveryStatus } from './messaging.entity.js';
import { EMAIL_QUEUE, type MessageChannel, SMS_QUEUE } from './messaging.service.js';

export interface DeliveryRecord {
  outboxId: string;
  tenantId: string | null;
  channel: MessageChannel;
  recipient: string;
  status: DeliveryStatus;
  attempt: number;
  provider?: string | null;
  providerMessageId?: string | null;
  error?: unknown;
}

/**
 * The `deliveries` log: one row when a message is accepted (`queued`, in the sender's transaction) and
 * one per delivery attempt. A message is recorded `sent` once (a unique index): the worker checks it
 * before sending, so a job delivered again after its message went out does not send it again.
 */
export class DeliveriesService {
  constructor(
    private readonly dataSource: DataSource,
    /** Counts records in the metrics (the worker counts its own attempts). */
    private readonly onRecorded?: (channel: MessageChannel, outcome: 'dropped') => void,
  ) {}

  async record(record: DeliveryRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(Delivery)
      .values({
        outboxId: record.outboxId,
        tenantId: record.tenantId,
        channel: record.channel,
        recipient: record.recipient,
        status: record.status,
        attempt: record.attempt,
        provider: record.provider ?? null,
        providerMessageId: record.providerMessageId ?? null,
        error: record.error === undefined ? null : describeError(record.error),
      })
      .orIgnore() // a second `sent` of one message (a redelivered job) keeps the first
      .execute();
  }

  /** Messages dropped unsent (a one-time code that expired first), in the transaction that dropped them. */
  async recordDropped(manager: EntityManager, jobs: readonly DroppedJob[]): Promise<void> {
    for (const job of jobs) {
      if (job.queue !== EMAIL_QUEUE && job.queue !== SMS_QUEUE) continue;
      const channel = job.queue === SMS_QUEUE ? 'sms' : 'email';
      const recipient = typeof job.payload.to === 'string' ? job.payload.to : '';
      const error = 'expired before it could be sent';
      await this.record(
        {
          outboxId: job.id,
          tenantId: job.tenantId,
          channel,
          recipient,
          status: 'dropped',
          attempt: job.attempts,
          error,
        },
        manager,
      );
      this.onRecorded?.(channel, 'dropped');
    }
  }

  /** The `sent` record of a message, if it went out already. */
  findSent(outboxId: string): Promise<Delivery | null> {
    return this.dataSource.manager.findOneBy(Delivery, { outboxId, status: 'sent' });
  }

  /** Every record of a message, oldest first. */
  history(outboxId: string): Promise<Delivery[]> {
    return this.dataSource.manager.find(Delivery, {
      where: { outboxId },
      order: { createdAt: 'ASC', attempt: 'ASC' },
    });
  }
}
