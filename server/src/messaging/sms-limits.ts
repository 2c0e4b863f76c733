import type { EntityManager } from 'typeorm';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { MessagingErrors, type SmsLimitKind } from './messaging.errors.js';
import type { OutgoingMessage } from './messaging.service.js';

/**
 * Limits against SMS pumping (toll fraud through one-time codes): per recipient number and per client
 * IP each hour, per tenant each day (tenant settings `messaging.sms.*`). Counted in PostgreSQL, in the
 * sender's transaction, so they hold without Redis and across replicas; a per-tenant transaction lock
 * makes concurrent sends count one after another. A refused SMS is not counted.
 */
export async function enforceSmsLimits(manager: EntityManager, message: OutgoingMessage): Promise<void> {
  const limits = resolveTenantSettings(message.tenant.settings).messaging.sms;
  const tenantId = message.tenant.id;
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('sms_limits:' || $1))`, [tenantId]);
  const [counts] = (await manager.query(
    `SELECT
       count(*) FILTER (WHERE phone = $2 AND created_at > now() - interval '1 hour') AS number,
       count(*) FILTER (WHERE $3::text IS NOT NULL AND ip = $3 AND created_at > now() - interval '1 hour') AS ip,
       count(*) AS tenant
     FROM sms_sends WHERE tenant_id = $1 AND created_at > now() - interval '1 day'`,
    [tenantId, message.to, message.ip ?? null],
  )) as { number: string; ip: string; tenant: string }[];
  const exceeded: [SmsLimitKind, number, number][] = [
    ['number', Number(counts?.number ?? 0), limits.perNumberPerHour],
    ['ip', Number(counts?.ip ?? 0), limits.perIpPerHour],
    ['tenant', Number(counts?.tenant ?? 0), limits.perTenantPerDay],
  ];
  const hit = exceeded.find(([, count, limit]) => count >= limit);
  if (hit) throw MessagingErrors.smsLimited(hit[0]);
  // Counts older than the longest window are useless; each send clears the ones that aged out.
  await manager.query(
    `DELETE FROM sms_sends WHERE tenant_id = $1 AND created_at <= now() - interval '1 day'`,
    [tenantId],
  );
  await manager.query(`INSERT INTO sms_sends (tenant_id, phone, ip) VALUES ($1, $2, $3)`, [
    tenantId,
    message.to,
    message.ip ?? null,
  ]);
}
