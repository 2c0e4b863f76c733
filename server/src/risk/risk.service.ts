import type { EntityManager } from 'typeorm';
import type { DevicesService } from '../devices/devices.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { networkOf } from './networks.js';
import { type RiskAssessment, type RiskSignals, scoreRisk } from './risk-score.js';

export interface RiskQuery {
  userId: string;
  /** The browser's device id (its device cookie), if it has one. */
  deviceId?: string | undefined;
  ip?: string | null | undefined;
  /**
   * When the login being assessed began: its own rows in `login_attempts` (written since) are not
   * history, so a first login from a network still counts as new.
   */
  loginStartedAt: Date;
}

/** At most this many distinct recent addresses are compared (a user with more is not "new" anywhere). */
const MAX_KNOWN_ADDRESSES = 1_000;

/**
 * Adaptive MFA (issue 6 §3): gathers a login's risk signals from `devices` and `login_attempts`
 * (PostgreSQL only, so it works without Redis), scores them (risk-score.ts) and decides against the
 * tenant's `mfa.riskThreshold`. The result goes into the login's audit event as it is.
 */
export class RiskService {
  constructor(private readonly devices: DevicesService) {}

  async assess(manager: EntityManager, tenant: Tenant, query: RiskQuery): Promise<RiskAssessment> {
    const settings = resolveTenantSettings(tenant.settings).mfa;
    const signals: RiskSignals = {
      newDevice: !(await this.devices.isKnown(manager, tenant.id, query.userId, query.deviceId)),
      newNetwork: await this.isNewNetwork(manager, tenant.id, query, settings.riskNetworkDays),
      recentFailures: await recentFailures(manager, tenant.id, query),
      accountsFromIp: await accountsFromIp(manager, tenant.id, query.ip),
    };
    return scoreRisk(signals, settings.riskThreshold);
  }

  private async isNewNetwork(
    manager: EntityManager,
    tenantId: string,
    query: RiskQuery,
    days: number,
  ): Promise<boolean> {
    const network = networkOf(query.ip);
    if (network === null) return false;
    const rows: { ip: string }[] = await manager.query(
      `SELECT DISTINCT ip FROM login_attempts
        WHERE tenant_id = $1 AND user_id = $2 AND succeeded AND ip IS NOT NULL
          AND created_at > now() - make_interval(days => $3::int) AND created_at < $4
        LIMIT ${MAX_KNOWN_ADDRESSES}`,
      [tenantId, query.userId, days, query.loginStartedAt],
    );
    return !rows.some((row) => networkOf(row.ip) === network);
  }
}

/** Failures on the account since its last success before this login, within the last day. */
async function recentFailures(manager: EntityManager, tenantId: string, query: RiskQuery): Promise<number> {
  const rows: { n: string }[] = await manager.query(
    `SELECT count(*) AS n FROM login_attempts a
      WHERE a.tenant_id = $1 AND a.user_id = $2 AND NOT a.succeeded
        AND a.created_at > greatest(now() - interval '1 day', coalesce((
          SELECT max(s.created_at) FROM login_attempts s
           WHERE s.tenant_id = $1 AND s.user_id = $2 AND s.succeeded AND s.created_at < $3), '-infinity'))`,
    [tenantId, query.userId, query.loginStartedAt],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Distinct accounts (known users, or identifiers that matched none) tried from the IP in the last hour. */
/**
 * Distinct accounts that failed to sign in from the IP in the last hour: credential stuffing tries many
 * accounts and mostly fails, while many users succeeding behind one office NAT is no signal at all.
 */
async function accountsFromIp(manager: EntityManager, tenantId: string, ip: string | null | undefined) {
  if (!ip) return 0;
  const rows: { n: string }[] = await manager.query(
    `SELECT count(DISTINCT coalesce(user_id::text, identifier)) AS n FROM login_attempts
      WHERE tenant_id = $1 AND ip = $2 AND NOT succeeded AND created_at > now() - interval '1 hour'`,
    [tenantId, ip],
  );
  return Number(rows[0]?.n ?? 0);
}
