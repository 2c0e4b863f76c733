import type { EntityManager } from 'typeorm';
import { StatementParams } from '../db/statement-params.js';
import type { ActorType } from './audit-event.entity.js';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export interface AuditEntry {
  tenantId: string;
  actor: Actor;
  action: string;
  target?: { type: string; id: string };
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown>;
}

/** Who made a change and from where: what a domain service needs to audit it. */
export interface ChangedBy {
  actor: Actor;
  ip?: string | null;
  userAgent?: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

/**
 * Writes audit events in the caller's transaction (ARCHITECTURE.md "Request flows" → Admin), so an
 * event exists exactly when its change does.
 */
export class AuditLog {
  constructor(private readonly onRecorded: (action: string) => void = () => {}) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.recordWithin(manager, entry, new StatementParams(), (insertEvent) => insertEvent);
  }

  /**
   * Writes the event in the same statement as the caller's change, where that saves a transaction's
   * round trips: `compose` gets the event's INSERT (its values added to `params`, after the caller's)
   * to put beside the change as a data-modifying CTE (they commit or fail together), and returns the
   * whole statement, which runs on `manager`; its rows are returned.
   */
  async recordWithin<Row = unknown>(
    manager: EntityManager,
    entry: AuditEntry,
    params: StatementParams,
    compose: (insertEvent: string) => string,
  ): Promise<Row[]> {
    const rows: Row[] = await manager.query(compose(insertEvent(params, entry)), params.values);
    this.onRecorded(entry.action);
    return rows;
  }
}

/** The one mapping of an entry to its `audit_events` row (id and created_at: the table's defaults). */
function insertEvent(params: StatementParams, entry: AuditEntry): string {
  const values = [
    params.add(entry.tenantId),
    params.add(entry.actor.type),
    params.add(entry.actor.id),
    params.add(entry.action),
    params.add(entry.target?.type ?? null),
    params.add(entry.target?.id ?? null),
    params.add(entry.ip ?? null),
    params.add(entry.userAgent ?? null),
    `${params.add(JSON.stringify(entry.data ?? {}))}::jsonb`,
  ];
  return `INSERT INTO audit_events
      (tenant_id, actor_type, actor_id, action, target_type, target_id, ip, user_agent, data)
    VALUES (${values.join(', ')})`;
}
