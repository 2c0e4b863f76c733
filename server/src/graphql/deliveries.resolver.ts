import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { DeliveryStatus } from '../messaging/messaging.entity.js';
import {
  EMAIL_QUEUE,
  type MessageChannel,
  type MessageKind,
  SMS_QUEUE,
} from '../messaging/messaging.service.js';
import { type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { GraphqlErrors } from './graphql.errors.js';
import {
  DeadMessageType,
  DeliveriesFilter,
  DeliveryConnection,
  type DeliveryType,
} from './messaging.types.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  MAX_PAGE_SIZE,
  PageArgs,
  pageSizeOf,
  sqlMicros,
  sqlTimestamp,
} from './relay.js';

interface DeliveryRow {
  id: string;
  outbox_id: string;
  channel: MessageChannel;
  recipient: string;
  status: DeliveryStatus;
  attempt: number;
  provider: string | null;
  provider_message_id: string | null;
  error: string | null;
  message_status: string | null;
  created_at: Date;
  micros: string;
}

interface DeadRow {
  id: string;
  queue: string;
  name: MessageKind;
  recipient: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  processed_at: Date | null;
}

/** What happened to the tenant's messages: the delivery log, and the dead letters (SECURITY.md ★40). */
@Resolver()
export class DeliveriesResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('messaging:read')
  @Query(() => DeliveryConnection, { description: 'Message deliveries of the tenant, newest first.' })
  async deliveries(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => DeliveriesFilter, { nullable: true }) filter: DeliveriesFilter | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<DeliveryType>> {
    const { tenant } = principalOf(ctx);
    const after = decodeAfter('deliveries', page.after);
    const first = pageSizeOf(page);
    const params: unknown[] = [tenant.id];
    const conditions = ['d.tenant_id = $1', `d.channel IN ('email', 'sms')`];
    const where = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (filter?.status != null) where((p) => `d.status = ${p}`, filter.status);
    if (filter?.channel != null) where((p) => `d.channel = ${p}`, filter.channel);
    if (filter?.recipient != null) where((p) => `d.recipient = ${p}`, filter.recipient);
    if (filter?.since != null) where((p) => `d.created_at >= ${p}`, filter.since);
    if (filter?.until != null) where((p) => `d.created_at < ${p}`, filter.until);
    if (after) {
      params.push(after.micros.toString(), after.id);
      const [t, i] = [`$${params.length - 1}`, `$${params.length}`];
      conditions.push(
        `(d.created_at < ${sqlTimestamp(t)} OR (d.created_at = ${sqlTimestamp(t)} AND d.id > ${i}::uuid))`,
      );
    }
    params.push(first + 1);
    const rows = (await this.deps.dataSource.manager.query(
      `SELECT d.id, d.outbox_id, d.channel, d.recipient, d.status, d.attempt, d.provider, d.provider_message_id,
         d.error, o.status AS message_status, d.created_at, ${sqlMicros('d.created_at')} AS micros
       FROM deliveries d LEFT JOIN outbox o ON o.id = d.outbox_id
       WHERE ${conditions.join(' AND ')}
       ORDER BY d.created_at DESC, d.id LIMIT $${params.length}`,
      params,
    )) as DeliveryRow[];
    const nodes = rows.map((row) => ({
      node: toDelivery(row),
      position: { micros: BigInt(row.micros), id: row.id },
    }));
    return connectionOf('deliveries', nodes, first);
  }

  @Authorized<Permission>('messaging:read')
  @Query(() => [DeadMessageType], {
    description: 'Messages that used their last attempt (dead-letter), newest first.',
  })
  async deadMessages(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Ctx() ctx: GraphqlContext,
  ): Promise<DeadMessageType[]> {
    const { tenant } = principalOf(ctx);
    if (first > MAX_PAGE_SIZE) throw GraphqlErrors.pageSizeExceeded(first, MAX_PAGE_SIZE);
    const rows = (await this.deps.dataSource.manager.query(
      `SELECT id, queue, name, payload->>'to' AS recipient, attempts, last_error, created_at, processed_at
       FROM outbox WHERE tenant_id = $1 AND status = 'dead' AND queue IN ($2, $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [tenant.id, EMAIL_QUEUE, SMS_QUEUE, Math.max(0, first)],
    )) as DeadRow[];
    return rows.map((row) => ({
      id: row.id,
      channel: row.queue === SMS_QUEUE ? 'sms' : 'email',
      kind: row.name,
      recipient: row.recipient ?? '',
      attempts: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at,
      diedAt: row.processed_at,
    }));
  }
}

function toDelivery(row: DeliveryRow): DeliveryType {
  return {
    id: row.id,
    messageId: row.outbox_id,
    channel: row.channel,
    recipient: row.recipient,
    status: row.status,
    attempt: row.attempt,
    provider: row.provider,
    providerMessageId: row.provider_message_id,
    error: row.error,
    messageStatus: row.message_status ?? 'deleted',
    createdAt: row.created_at,
  };
}
