import type { EntityManager } from 'typeorm';
import type { ConsentDecision } from './consent.entity.js';

/** Narrows a receipts query; every condition given must hold. */
export interface ReceiptsFilter {
  userId?: string | null;
  policyKey?: string | null;
  decision?: ConsentDecision | null;
  /** At or after. */
  since?: Date | null;
  /** Before. */
  until?: Date | null;
}

/** A receipt with the policy it is about, as admins read and export it. */
export interface Receipt {
  id: string;
  userId: string;
  policyId: string;
  policyKey: string;
  policyVersion: number;
  policyKind: string;
  decision: ConsentDecision;
  source: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  /** Microseconds since the epoch of `createdAt`, exact (the keyset position). */
  micros: bigint;
}

/** Keyset position: newest first, ties by id. */
export interface ReceiptPosition {
  micros: bigint;
  id: string;
}

interface ReceiptRow {
  id: string;
  user_id: string;
  policy_id: string;
  key: string;
  version: number;
  kind: string;
  decision: ConsentDecision;
  source: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  micros: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One page of the tenant's receipts, newest first (index consent_records_tenant_created_idx), with
 * `limit` rows at most after `after`. A user id that is not a uuid matches nothing.
 */
export async function findReceipts(
  manager: EntityManager,
  tenantId: string,
  filter: ReceiptsFilter,
  limit: number,
  after?: ReceiptPosition,
): Promise<Receipt[]> {
  const params: unknown[] = [tenantId];
  const conditions = ['r.tenant_id = $1'];
  const where = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter.userId != null) {
    if (!UUID.test(filter.userId)) return [];
    where((p) => `r.user_id = ${p}::uuid`, filter.userId);
  }
  if (filter.policyKey != null) where((p) => `p.key = ${p}`, filter.policyKey);
  if (filter.decision != null) where((p) => `r.decision = ${p}`, filter.decision);
  if (filter.since != null) where((p) => `r.created_at >= ${p}`, filter.since);
  if (filter.until != null) where((p) => `r.created_at < ${p}`, filter.until);
  if (after) {
    params.push(after.micros.toString(), after.id);
    const t = `(timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond')`;
    conditions.push(`(r.created_at < ${t} OR (r.created_at = ${t} AND r.id > $${params.length}::uuid))`);
  }
  params.push(limit);
  const rows = (await manager.query(
    `SELECT r.id, r.user_id, r.policy_id, p.key, p.version, p.kind, r.decision, r.source, r.ip, r.user_agent,
            r.created_at, (extract(epoch FROM r.created_at) * 1000000)::bigint::text AS micros
       FROM consent_records r
       JOIN consent_policies p ON p.tenant_id = r.tenant_id AND p.id = r.policy_id
      WHERE ${conditions.join(' AND ')}
      ORDER BY r.created_at DESC, r.id
      LIMIT $${params.length}`,
    params,
  )) as ReceiptRow[];
  return rows.map(toReceipt);
}

function toReceipt(row: ReceiptRow): Receipt {
  return {
    id: row.id,
    userId: row.user_id,
    policyId: row.policy_id,
    policyKey: row.key,
    policyVersion: row.version,
    policyKind: row.kind,
    decision: row.decision,
    source: row.source,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    micros: BigInt(row.micros),
  };
}

/**
 * The export format: JSON Lines (https://jsonlines.org), one receipt per line, newest first, with
 * the fields `id, userId, policyKey, policyVersion, policyId, policyKind, decision, source, ip,
 * userAgent, createdAt` (ISO 8601). Chosen over CSV because user agents hold commas and quotes and
 * every value keeps its type.
 */
export function receiptsAsJsonLines(receipts: readonly Receipt[]): string {
  return receipts
    .map((r) =>
      JSON.stringify({
        id: r.id,
        userId: r.userId,
        policyKey: r.policyKey,
        policyVersion: r.policyVersion,
        policyId: r.policyId,
        policyKind: r.policyKind,
        decision: r.decision,
        source: r.source,
        ip: r.ip,
        userAgent: r.userAgent,
        createdAt: r.createdAt.toISOString(),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
