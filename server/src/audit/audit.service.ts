import type { EntityManager } from 'typeorm';
import { type ActorType, AuditEvent } from './audit-event.entity.js';

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
    await manager.save(
      manager.create(AuditEvent, {
        tenantId: entry.tenantId,
        actorType: entry.actor.type,
        actorId: entry.actor.id,
        action: entry.action,
        targetType: entry.target?.type ?? null,
        targetId: entry.target?.id ?? null,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent ?? null,
        data: entry.data ?? {},
      }),
    );
    this.onRecorded(entry.action);
  }
}
