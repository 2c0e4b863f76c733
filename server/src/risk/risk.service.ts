import type { EntityManager } from 'typeorm';
import { StatementParams } from '../db/statement-params.js';
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
    const history = await this.history(manager, tenant.id, query, settings.riskNetworkDays);
    const network = networkOf(query.ip);
    const signals: RiskSignals = {
      newDevice: !history.known_device,
      newNetwork: network !== null && !history.known_ips.some((ip) => networkOf(ip) === network),
      recentFailures: Number(history.recent_failures),
      accountsFromIp: Number(history.accounts_from_ip),
    };
    return scoreRisk(signals, settings.riskThreshold);
  }

  /** The `login_attempts` signals of a login and whether its device is known, in one statement. */
  private async history(
    manager: EntityManager,
    tenantId: string,
    query: RiskQuery,
    networkDays: number,
  ): Promise<LoginHistory> {
    const params = new StatementParams();
    // In the order of ATTEMPT_HISTORY's $1…$5.
    for (const value of [tenantId, query.userId, networkDays, query.loginStartedAt, query.ip || null])
      params.add(value);
    const known = this.devices.knownCondition(params, tenantId, query.userId, query.deviceId);
    const rows: LoginHistory[] = await manager.query(
      `${ATTEMPT_HISTORY}, ${known} AS known_device`,
      params.values,
    );
    return rows[0] ?? { known_ips: [], recent_failures: '0', accounts_from_ip: '0', known_device: false };
  }
}

interface LoginHistory {
  known_ips: string[];
  recent_failures: string;
  accounts_from_ip: string;
  known_device: boolean;
}

/**
 * $1 tenant, $2 user, $3 riskNetworkDays, $4 when the login began, $5 its IP (or NULL).
 * - known_ips: the addresses the user succeeded from in the last $3 days, before this login (the
 *   networks are compared in networks.ts).
 * - recent_failures: failures on the account since its last success before this login, within a day.
 * - accounts_from_ip: distinct accounts (known users, or identifiers that matched none) that failed to
 *   sign in from the IP in the last hour. Only failures: credential stuffing tries many accounts and
 *   mostly fails, while many users succeeding behind one office NAT is no signal at all.
 */
const ATTEMPT_HISTORY = `
  SELECT
    ARRAY(SELECT DISTINCT ip FROM login_attempts
           WHERE tenant_id = $1 AND user_id = $2 AND succeeded AND ip IS NOT NULL
             AND created_at > now() - make_interval(days => $3::int) AND created_at < $4
           LIMIT ${MAX_KNOWN_ADDRESSES}) AS known_ips,
    (SELECT count(*) FROM login_attempts a
      WHERE a.tenant_id = $1 AND a.user_id = $2 AND NOT a.succeeded
        AND a.created_at > greatest(now() - interval '1 day', coalesce((
          SELECT max(s.created_at) FROM login_attempts s
           WHERE s.tenant_id = $1 AND s.user_id = $2 AND s.succeeded AND s.created_at < $4), '-infinity'))
    ) AS recent_failures,
    (SELECT count(DISTINCT coalesce(user_id::text, identifier)) FROM login_attempts
      WHERE tenant_id = $1 AND ip = $5 AND NOT succeeded AND created_at > now() - interval '1 hour'
    ) AS accounts_from_ip`;
