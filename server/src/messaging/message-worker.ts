import type { DataSource } from 'typeorm';
import type { Metrics } from '../http/metrics.js';
import { isPermanentJobFailure, JobsErrors } from '../jobs/jobs.errors.js';
import type { OutboxHandlerRegistry, OutboxJobContext, OutboxJobHandler } from '../jobs/outbox-processor.js';
import { Tenant } from '../tenants/tenant.entity.js';
import type { DeliveriesService } from './deliveries.service.js';
import {
  MESSAGE_KINDS,
  type MessageChannel,
  type MessagePayload,
  type MessagingService,
} from './messaging.service.js';

/** What a channel's sender reports: who took the message and its id there. */
export interface SentMessage {
  provider: string;
  providerMessageId: string | null;
}

/** A channel's delivery of one message: render, then hand to a provider (throws on failure). */
export type ChannelSender = (
  tenant: Tenant,
  payload: MessagePayload,
  variables: Record<string, string>,
  context: OutboxJobContext,
) => Promise<SentMessage>;

export interface MessageWorkerDeps {
  dataSource: DataSource;
  messaging: MessagingService;
  deliveries: DeliveriesService;
  metrics: Metrics;
}

/**
 * The steps every message job takes, whatever its channel: skip it if it already went out (a job
 * delivered again after a crash), open its variables, send it through the channel, record the attempt
 * in `deliveries` and in the metrics. Failures are rethrown for the outbox processor to retry.
 */
export function messageHandlers(
  channel: MessageChannel,
  send: ChannelSender,
  deps: MessageWorkerDeps,
): OutboxHandlerRegistry {
  const handler: OutboxJobHandler = async (raw, context) => {
    const payload = raw as unknown as MessagePayload;
    const recorded = { outboxId: context.jobId, tenantId: context.tenantId, channel, recipient: payload.to };
    if (await deps.deliveries.findSent(context.jobId)) {
      context.logger.info('message already sent; not sending it again');
      deps.metrics.messages.inc({ channel, provider: 'none', outcome: 'duplicate' });
      return;
    }
    let provider = 'none';
    try {
      const tenant = await deps.dataSource.manager.findOneBy(Tenant, { id: payload.tenantId });
      if (!tenant) throw JobsErrors.permanentFailure(`The tenant ${payload.tenantId} no longer exists.`);
      const variables = deps.messaging.openVariables(payload);
      const sent = await send(tenant, payload, variables, context);
      provider = sent.provider;
      await deps.deliveries.record({ ...recorded, status: 'sent', attempt: context.attempt, ...sent });
      deps.metrics.messages.inc({ channel, provider, outcome: 'sent' });
      context.logger.info({ provider, kind: payload.kind }, 'message sent');
    } catch (error) {
      const dead = isPermanentJobFailure(error) || context.attempt >= context.maxAttempts;
      const status = dead ? 'dead' : 'failed';
      provider = providerOf(error) ?? provider;
      await deps.deliveries.record({ ...recorded, status, attempt: context.attempt, provider, error });
      deps.metrics.messages.inc({ channel, provider, outcome: status });
      throw error;
    }
  };
  return Object.fromEntries(MESSAGE_KINDS.map((kind) => [kind, handler]));
}

/** The provider a failure came from, when the sender said (failover tries several). */
const providerOf = (error: unknown): string | undefined => {
  const details = (error as { details?: { provider?: unknown } } | null)?.details;
  return typeof details?.provider === 'string' ? details.provider : undefined;
};
