import type { DataSource, EntityManager } from 'typeorm';
import { type AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import { LockoutService } from '../credentials/lockout.service.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';

/** Where an attempt came from (client IP under TRUST_PROXY, user agent), for login_attempts and audit. */
export interface AttemptOrigin {
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

/** Methods recorded in `login_attempts.method` by the factor services. */
export type FactorMethod = 'totp' | 'recovery_code' | 'passkey';

/** Counts `factorVerifications{factor, outcome}` (composition root: Metrics). */
export type FactorMetric = (factor: FactorMethod, outcome: 'success' | 'failure' | 'locked') => void;

export interface FactorAttemptDeps {
  dataSource: DataSource;
  audit: AuditLog;
  logger: Logger;
  /** Shared with password login, so every path counts against one lockout (SECURITY.md item 1). */
  lockouts?: LockoutService;
  metric?: FactorMetric;
}

/**
 * Runs one verification of a user's factor under the account lockout, the way password login does:
 * count the attempt first (refused when locked, so parallel guesses all count), check the secret,
 * forget the failures on success; every attempt goes to `login_attempts` (which the risk engine
 * reads) and a lock reached writes `user.locked_out`.
 */
export class FactorAttempts {
  private readonly lockouts: LockoutService;

  constructor(private readonly deps: FactorAttemptDeps) {
    this.lockouts = deps.lockouts ?? new LockoutService();
  }

  /**
   * `check` runs only when admitted and returns whether the factor verified; on success `onSuccess`
   * runs in the transaction that resets the lockout.
   */
  async run(
    tenant: Tenant,
    userId: string,
    method: FactorMethod,
    origin: AttemptOrigin,
    check: () => Promise<boolean>,
    onSuccess: (manager: EntityManager) => Promise<void> = async () => {},
  ): Promise<boolean> {
    const { dataSource } = this.deps;
    const policy = resolveTenantSettings(tenant.settings).lockout;
    const admission = await this.lockouts.beginAttempt(dataSource.manager, tenant.id, userId, policy);
    if (!admission.admitted) {
      await recordAttempt(dataSource.manager, tenant.id, userId, method, origin, 'account_locked');
      this.deps.metric?.(method, 'locked');
      return false;
    }
    if (await check()) {
      await dataSource.transaction(async (manager) => {
        await this.lockouts.reset(manager, tenant.id, userId);
        await recordAttempt(manager, tenant.id, userId, method, origin, null);
        await onSuccess(manager);
      });
      this.deps.metric?.(method, 'success');
      return true;
    }
    await dataSource.transaction(async (manager) => {
      await recordAttempt(manager, tenant.id, userId, method, origin, 'wrong_code');
      if (admission.lockedUntil !== null) {
        await this.deps.audit.record(manager, {
          tenantId: tenant.id,
          actor: SYSTEM_ACTOR,
          action: 'user.locked_out',
          target: { type: 'user', id: userId },
          ip: origin.ip ?? null,
          userAgent: origin.userAgent ?? null,
          data: { failures: admission.failures, lockedUntil: admission.lockedUntil.toISOString(), method },
        });
      }
    });
    this.deps.metric?.(method, 'failure');
    this.deps.logger.debug({ tenantId: tenant.id, userId, method }, 'second factor failed');
    return false;
  }
}

/** login_attempts keeps one row per attempt; the identifier of a factor attempt is the user id. */
async function recordAttempt(
  manager: EntityManager,
  tenantId: string,
  userId: string,
  method: FactorMethod,
  origin: AttemptOrigin,
  failure: string | null,
): Promise<void> {
  await manager.query(
    `INSERT INTO login_attempts (tenant_id, user_id, identifier, ip, method, succeeded, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [tenantId, userId, userId, origin.ip ?? null, method, failure === null, failure],
  );
}
