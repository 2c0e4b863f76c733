import type { EntityManager } from 'typeorm';
import { StatementParams } from '../db/statement-params.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';

/** A tenant's `lockout` settings. */
export type LockoutPolicy = TenantSettings['lockout'];

/** NIST SP 800-63B: no more than 100 consecutive failed attempts on one account. */
export const MAX_CONSECUTIVE_FAILURES = 100;
/** Beyond 2^40 the doubling only risks a float overflow: maxSeconds has long been reached. */
const MAX_DOUBLINGS = 40;

/** Whether an attempt on an account may go ahead (see `LockoutService.beginAttempt`). */
export type AttemptAdmission =
  | {
      readonly admitted: true;
      /** Consecutive failures counting this attempt (it is undone by `reset` if it succeeds). */
      readonly failures: number;
      /** Set when this attempt reached the threshold: the lock that stays if it fails. */
      readonly lockedUntil: Date | null;
    }
  | { readonly admitted: false; readonly lockedUntil: Date };

interface LockoutRow {
  consecutive_failures: number;
  locked_until: Date | null;
}

/** What `countAttemptStatement` returns for a counted attempt (NULLs when joined to a refused one). */
export interface CountedAttempt {
  consecutive_failures: number | string | null;
  locked_until: Date | null;
}

/**
 * Durable per-account lockout (SECURITY.md item 1) in the `lockouts` table, so it holds across replicas
 * and without Redis (item 41). Temporary and exponential, never permanent: the attempt that reaches
 * `maxFailures` consecutive failures locks the account for `baseSeconds`, and each later failure, made
 * once the lock has ended, for twice as long as the one before, up to `maxSeconds`.
 *
 * Every attempt is counted *before* the secret is checked, in one atomic statement, and undone by
 * `reset` when it succeeds: so parallel attempts all count and none can slip past the threshold while
 * others are still being verified. Every login path (password, OTP, passkey, token endpoint) uses it
 * the same way: `beginAttempt`, check the secret only if admitted, `reset` on success.
 *
 * Takes the caller's EntityManager: `dataSource.manager`, or a transaction's manager (on PGlite every
 * query of a transaction must go through its manager).
 */
export class LockoutService {
  async beginAttempt(
    manager: EntityManager,
    tenantId: string,
    userId: string,
    policy: LockoutPolicy,
  ): Promise<AttemptAdmission> {
    const params = new StatementParams();
    const statement = this.countAttemptStatement(params, tenantId, policy, { userId: params.add(userId) });
    const rows: CountedAttempt[] = await manager.query(statement, params.values);
    return this.admissionOf(manager, tenantId, userId, rows[0]);
  }

  /**
   * `beginAttempt` as a statement for the caller to run inside its own (a data-modifying CTE of a
   * login that finds the account in the same statement): counts one attempt on the account whose id
   * is the SQL expression `userId`, over the rows of `from` (a FROM clause; none: one row), unless it
   * is locked. Returns `consecutive_failures, locked_until` of the counted attempt; no row when refused.
   */
  countAttemptStatement(
    params: StatementParams,
    tenantId: string,
    policy: LockoutPolicy,
    account: { userId: string; from?: string },
  ): string {
    const effective = effectivePolicy(policy);
    const limits = {
      maxFailures: params.add(effective.maxFailures),
      baseSeconds: params.add(effective.baseSeconds),
      maxSeconds: params.add(effective.maxSeconds),
    };
    return countAttemptUnlessLocked(params.add(tenantId), account, limits);
  }

  /** The admission a `countAttemptStatement` row (or its absence: refused) stands for. */
  async admissionOf(
    manager: EntityManager,
    tenantId: string,
    userId: string,
    counted: CountedAttempt | undefined,
  ): Promise<AttemptAdmission> {
    if (counted && counted.consecutive_failures !== null) {
      return {
        admitted: true,
        failures: Number(counted.consecutive_failures),
        lockedUntil: counted.locked_until,
      };
    }
    // Refused: the account is locked. The lock is read afresh (it may have just ended: still refuse).
    return {
      admitted: false,
      lockedUntil: (await this.lockedUntil(manager, tenantId, userId)) ?? new Date(),
    };
  }

  /** The end of the account's current lock, or null when it is not locked. */
  async lockedUntil(manager: EntityManager, tenantId: string, userId: string): Promise<Date | null> {
    const rows: Pick<LockoutRow, 'locked_until'>[] = await manager.query(
      'SELECT locked_until FROM lockouts WHERE tenant_id = $1 AND user_id = $2 AND locked_until > now()',
      [tenantId, userId],
    );
    return rows[0]?.locked_until ?? null;
  }

  /** After a successful login, and to unlock (admin action, password reset): forgets every failure. */
  async reset(manager: EntityManager, tenantId: string, userId: string): Promise<void> {
    const params = new StatementParams();
    await manager.query(this.resetStatement(params, tenantId, userId), params.values);
  }

  /** `reset` as a statement for the caller to run inside its own (a data-modifying CTE of a login). */
  resetStatement(params: StatementParams, tenantId: string, userId: string): string {
    return `DELETE FROM lockouts WHERE tenant_id = ${params.add(tenantId)} AND user_id = ${params.add(userId)}`;
  }
}

function effectivePolicy(policy: LockoutPolicy): LockoutPolicy {
  const maxFailures = Math.min(Math.max(1, Math.trunc(policy.maxFailures)), MAX_CONSECUTIVE_FAILURES);
  const baseSeconds = Math.max(1, policy.baseSeconds);
  return { maxFailures, baseSeconds, maxSeconds: Math.max(baseSeconds, policy.maxSeconds) };
}

interface LockLimits {
  maxFailures: string;
  baseSeconds: string;
  maxSeconds: string;
}

/** now() + the lock earned by `failures` consecutive failures under `limits` (placeholders), or NULL. */
const lockEndAfter = (failures: string, { maxFailures, baseSeconds, maxSeconds }: LockLimits): string =>
  `CASE WHEN ${failures} >= ${maxFailures}::int THEN now() + make_interval(
  secs => least(${maxSeconds}::float8, ${baseSeconds}::float8 * power(2::float8, least(${failures} - ${maxFailures}::int, ${MAX_DOUBLINGS}))))
  END`;

/**
 * Counts one attempt unless the account is locked (then no row comes back). ON CONFLICT takes the row
 * lock, so concurrent attempts are counted one after the other, each seeing the previous one's lock.
 */
const countAttemptUnlessLocked = (
  tenantId: string,
  account: { userId: string; from?: string },
  limits: LockLimits,
): string => `
  INSERT INTO lockouts AS l (tenant_id, user_id, consecutive_failures, last_failure_at, locked_until)
  SELECT ${tenantId}::uuid, ${account.userId}::uuid, 1, now(), ${lockEndAfter('1', limits)} ${account.from ?? ''}
  ON CONFLICT (tenant_id, user_id) DO UPDATE SET
    consecutive_failures = l.consecutive_failures + 1,
    last_failure_at = now(),
    locked_until = ${lockEndAfter('(l.consecutive_failures + 1)', limits)}
  WHERE l.locked_until IS NULL OR l.locked_until <= now()
  RETURNING consecutive_failures, locked_until`;
