import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { AuditEventConnection, AuditEventsFilter } from './audit.types.js';
import { type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  PageArgs,
  pageSizeOf,
  sqlMicros,
  sqlTimestamp,
} from './relay.js';

interface AuditRow {
  id: string;
  tenant_id: string;
  actor_type: AuditEvent['actorType'];
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: Record<string, unknown>;
  created_at: Date;
  micros: string;
}

/** The tenant's audit log, newest first. */
@Resolver()
export class AuditResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('audit:read')
  @Query(() => AuditEventConnection, { description: 'Audit events of the tenant, newest first.' })
  async auditEvents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventsFilter, { nullable: true }) filter: AuditEventsFilter | null | undefined,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<AuditEvent>> {
    const { tenant } = principalOf(ctx);
    const after = decodeAfter('auditEvents', page.after);
    const first = pageSizeOf(page);
    const params: unknown[] = [tenant.id];
    const conditions = ['tenant_id = $1'];
    const where = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (filter?.actorId != null) where((p) => `actor_id = ${p}`, filter.actorId);
    if (filter?.action != null) where((p) => `action = ${p}`, filter.action);
    if (filter?.targetId != null) where((p) => `target_id = ${p}`, filter.targetId);
    if (filter?.since != null) where((p) => `created_at >= ${p}`, filter.since);
    if (filter?.until != null) where((p) => `created_at < ${p}`, filter.until);
    if (after) {
      // Newest first, ties by id: the order of the index (tenant_id, created_at DESC, id).
      params.push(after.micros.toString(), after.id);
      const [t, i] = [`$${params.length - 1}`, `$${params.length}`];
      conditions.push(
        `(created_at < ${sqlTimestamp(t)} OR (created_at = ${sqlTimestamp(t)} AND id > ${i}::uuid))`,
      );
    }
    params.push(first + 1);
    const rows = (await this.deps.dataSource.manager.query(
      `SELECT id, tenant_id, actor_type, actor_id, action, target_type, target_id, ip, user_agent, data,
         created_at, ${sqlMicros('created_at')} AS micros
       FROM audit_events WHERE ${conditions.join(' AND ')}
       ORDER BY created_at DESC, id LIMIT $${params.length}`,
      params,
    )) as AuditRow[];
    return connectionOf(
      'auditEvents',
      rows.map((row) => ({ node: toAuditEvent(row), position: { micros: BigInt(row.micros), id: row.id } })),
      first,
    );
  }
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return Object.assign(new AuditEvent(), {
    id: row.id,
    tenantId: row.tenant_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    userAgent: row.user_agent,
    data: row.data,
    createdAt: row.created_at,
  });
}
