import type { DataSource } from 'typeorm';
import type { RevokedAccount } from '../oidc/oidc-adapter.js';

/**
 * One user's oidc-provider Sessions in the oidc_models table, for the account pages: listing them and
 * ending some but not all (one session, or every session but the current one). "Revoke all" is the
 * model store's `revokeByAccountId`; these serve the database store, which every deployment uses.
 */

export interface SessionSummary {
  uid: string;
  createdAt: Date | null;
  lastSeenAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

interface SessionRow {
  uid: string;
  portico: { ip?: string; userAgent?: string; createdAt?: string; lastSeenAt?: string } | null;
}

const dateOf = (iso: string | undefined) => (iso ? new Date(iso) : null);

const LIST = `SELECT payload->>'uid' AS uid, payload->'portico' AS portico FROM oidc_models
  WHERE tenant_id = $1 AND model = 'Session' AND account_id = $2::uuid
    AND (expires_at IS NULL OR expires_at > now())
  ORDER BY payload #>> '{portico,createdAt}' NULLS LAST, id`;

/** The grant ids a Session's authorizations hold (one per client it signed in to). */
const grantsOf = (sessions: string) => `SELECT a.value->>'grantId' AS grant_id
  FROM ${sessions} s, jsonb_each(coalesce(s.payload->'authorizations', '{}'::jsonb)) a
  WHERE a.value->>'grantId' IS NOT NULL`;

const REPORT = `SELECT count(*)::int AS deleted,
  coalesce(jsonb_agg(payload) FILTER (WHERE model = 'Session'), '[]'::jsonb) AS sessions FROM deleted`;

/** Ends one session: the Session row, its grants and everything issued from them. */
const REVOKE_ONE = `WITH doomed AS (
    SELECT id, payload FROM oidc_models
    WHERE tenant_id = $1 AND model = 'Session' AND account_id = $2::uuid AND uid = $3),
  grants AS (${grantsOf('doomed')}),
  deleted AS (
    DELETE FROM oidc_models m WHERE m.tenant_id = $1 AND (
      (m.model = 'Session' AND m.id IN (SELECT id FROM doomed))
      OR (m.model = 'Grant' AND m.id IN (SELECT grant_id FROM grants))
      OR m.grant_id IN (SELECT grant_id FROM grants))
    RETURNING m.model, m.payload)
  ${REPORT}`;

/**
 * Ends every session, grant and token of the user except the kept session and what its grants hold:
 * "sign out other sessions", and a password change (which also voids refresh tokens elsewhere).
 */
const REVOKE_ALL_BUT = `WITH kept AS (
    SELECT payload FROM oidc_models
    WHERE tenant_id = $1 AND model = 'Session' AND account_id = $2::uuid AND uid = $3),
  grants AS (${grantsOf('kept')}),
  deleted AS (
    DELETE FROM oidc_models m WHERE m.tenant_id = $1 AND m.account_id = $2::uuid
      AND NOT (m.model = 'Session' AND m.uid IS NOT DISTINCT FROM $3)
      AND NOT (m.model = 'Grant' AND m.id IN (SELECT grant_id FROM grants))
      AND (m.grant_id IS NULL OR m.grant_id NOT IN (SELECT grant_id FROM grants))
    RETURNING m.model, m.payload)
  ${REPORT}`;

export async function listSessions(
  dataSource: DataSource,
  tenantId: string,
  userId: string,
): Promise<SessionSummary[]> {
  const rows: SessionRow[] = await dataSource.query(LIST, [tenantId, userId]);
  return rows.map(({ uid, portico }) => ({
    uid,
    createdAt: dateOf(portico?.createdAt),
    lastSeenAt: dateOf(portico?.lastSeenAt),
    ip: portico?.ip ?? null,
    userAgent: portico?.userAgent ?? null,
  }));
}

export async function revokeOneSession(
  dataSource: DataSource,
  tenantId: string,
  userId: string,
  uid: string,
): Promise<RevokedAccount> {
  return revoked(await dataSource.query(REVOKE_ONE, [tenantId, userId, uid]));
}

export async function revokeSessionsExcept(
  dataSource: DataSource,
  tenantId: string,
  userId: string,
  keptUid: string,
): Promise<RevokedAccount> {
  return revoked(await dataSource.query(REVOKE_ALL_BUT, [tenantId, userId, keptUid]));
}

const revoked = ([row]: RevokedAccount[]): RevokedAccount => ({
  deleted: row?.deleted ?? 0,
  sessions: row?.sessions ?? [],
});
