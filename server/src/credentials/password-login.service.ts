import type { DataSource, EntityManager } from 'typeorm';
import { AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import { StatementParams } from '../db/statement-params.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings, type TenantSettings } from '../tenants/tenant-settings.js';
import { User } from '../users/user.entity.js';
import { loginIdentifierLookup } from '../users/users.service.js';
import type { Credential } from './credential.entity.js';
import { IpThrottle } from './ip-throttle.js';
import { type AttemptAdmission, type CountedAttempt, LockoutService } from './lockout.service.js';
import type { PasswordHasher, PasswordHashPolicy, PasswordVerification } from './password-hasher.js';
import { passwordHashPolicyOf } from './password-policy.js';

export interface PasswordLoginAttempt {
  tenant: Tenant;
  /** An email (any case, surrounding spaces ignored) or a username (case-insensitive). */
  identifier: string;
  password: string;
  /** The client IP as Express computes it under TRUST_PROXY (SECURITY.md item 7). */
  ip: string | null | undefined;
  userAgent?: string | null | undefined;
}

/**
 * Why a login failed: for logs, `login_attempts` and audit only. Callers show the same generic error
 * (`CredentialsErrors.invalidCredentials`) for every reason (SECURITY.md items 2 and 3).
 */
export type LoginFailureReason =
  | 'tenant_disabled'
  | 'ip_throttled'
  | 'unknown_user'
  | 'user_blocked'
  | 'account_locked'
  | 'no_password'
  | 'wrong_password';

export type PasswordLoginResult = { ok: true; user: User } | { ok: false; reason: LoginFailureReason };

/** What the service uses of the hasher (tests wrap one to watch the verifications). */
export type PasswordVerifier = Pick<PasswordHasher, 'hash' | 'verify' | 'verifyAgainstDummy'>;

export interface PasswordLoginDependencies {
  dataSource: DataSource;
  hasher: PasswordVerifier;
  logger: Logger;
  /** Shared with every other login path (OTP, passkeys, token endpoint). Default: a new one. */
  lockouts?: LockoutService;
  /** Shared with every other login path; give it the request-path Redis client when REDIS_URL is set. Default: in-process counters. */
  ipThrottle?: IpThrottle;
  /** Records `user.locked_out`. Default: an AuditLog without metrics. */
  audit?: AuditLog;
}

/** One attempt on its way through the steps. */
interface LoginContext {
  readonly attempt: PasswordLoginAttempt;
  readonly tenantId: string;
  readonly identifier: string;
  readonly settings: TenantSettings;
  readonly hashPolicy: PasswordHashPolicy;
}

/** What a login uses of the password credential. */
type StoredPassword = Pick<Credential, 'id' | 'secret'>;

/** The columns `findAccount` adds to the account's. */
interface AccountExtras {
  attemptFailures: number | null;
  attemptLockedUntil: Date | null;
  passwordId: string | null;
  passwordSecret: string | null;
}

interface FoundAccount {
  user: User;
  /** This attempt as counted, or NULLs when it was not (account locked, or not active). */
  attempt: CountedAttempt;
  password: StoredPassword | null;
}

const LOGIN_METHOD = 'password';
/** login_attempts keeps the identifier as typed (trimmed, case folded), bounded: emails have ≤ 320 characters. */
const MAX_RECORDED_IDENTIFIER = 320;

/**
 * Password login for every path that takes a password (hosted login page, and later the token
 * endpoint): per-IP throttle → find the account → per-account lockout → verify → bookkeeping.
 * Unknown, blocked and locked accounts still spend one password verification, against a dummy hash, so
 * they answer like a wrong password in what is said and in how long it takes (SECURITY.md items 1–3).
 */
export class PasswordLoginService {
  private readonly deps: Required<PasswordLoginDependencies>;

  constructor(deps: PasswordLoginDependencies) {
    this.deps = {
      ...deps,
      lockouts: deps.lockouts ?? new LockoutService(),
      ipThrottle: deps.ipThrottle ?? new IpThrottle({ logger: deps.logger }),
      audit: deps.audit ?? new AuditLog(),
    };
  }

  async authenticate(attempt: PasswordLoginAttempt): Promise<PasswordLoginResult> {
    const { ipThrottle, lockouts, dataSource } = this.deps;
    const context = loginContext(attempt);
    const { tenantId } = context;
    if (await ipThrottle.isBlocked(tenantId, attempt.ip)) return this.refuseThrottled(context);
    if (attempt.tenant.status !== 'active') return this.failDisabledTenant(context);
    const found = await this.findAccount(context);
    if (found === null) return this.failWithoutVerifying(context, null, 'unknown_user');
    const { user, attempt: counted, password } = found;
    if (user.status !== 'active') return this.failWithoutVerifying(context, user, 'user_blocked');
    const admission = await lockouts.admissionOf(dataSource.manager, tenantId, user.id, counted);
    if (!admission.admitted) return this.failWithoutVerifying(context, user, 'account_locked');
    return this.verifyPassword(context, user, password, admission);
  }

  private async verifyPassword(
    context: LoginContext,
    user: User,
    credential: StoredPassword | null,
    admission: AttemptAdmission,
  ): Promise<PasswordLoginResult> {
    if (!credential?.secret) return this.failWithoutVerifying(context, user, 'no_password', admission);
    const { password } = context.attempt;
    const verification = await this.deps.hasher.verify(password, credential.secret, context.hashPolicy);
    if (!verification.valid) return this.fail(context, user, 'wrong_password', admission);
    return this.succeed(context, user, credential, verification);
  }

  /**
   * One statement: the account the identifier names (email or username, folded as the unique indexes
   * fold them: users domain), this attempt counted against its lockout if it is active (lockout
   * domain: before the password is checked, SECURITY.md item 1), and its password hash.
   */
  private async findAccount(context: LoginContext): Promise<FoundAccount | null> {
    const params = new StatementParams();
    const lookup = loginIdentifierLookup(params, context.tenantId, context.identifier);
    if (lookup === null) return null;
    const counting = this.deps.lockouts.countAttemptStatement(
      params,
      context.tenantId,
      context.settings.lockout,
      { userId: 'account.id', from: `FROM account WHERE account.status = 'active'` },
    );
    const rows: (User & AccountExtras)[] = await this.deps.dataSource.query(
      `WITH account AS (${lookup}), attempt AS (${counting})
       SELECT account.*, attempt.consecutive_failures AS "attemptFailures",
              attempt.locked_until AS "attemptLockedUntil",
              password.id AS "passwordId", password.secret AS "passwordSecret"
       FROM account LEFT JOIN attempt ON true
       LEFT JOIN LATERAL (SELECT id, secret FROM credentials
                          WHERE tenant_id = account."tenantId" AND user_id = account.id AND type = 'password'
                          LIMIT 1) password ON true`,
      params.values,
    );
    const row = rows[0];
    if (row === undefined) return null;
    const { attemptFailures, attemptLockedUntil, passwordId, passwordSecret, ...columns } = row;
    return {
      user: Object.assign(new User(), columns),
      attempt: { consecutive_failures: attemptFailures, locked_until: attemptLockedUntil },
      password: passwordId === null ? null : { id: passwordId, secret: passwordSecret },
    };
  }

  private failDisabledTenant(context: LoginContext): Promise<PasswordLoginResult> {
    return this.failWithoutVerifying(context, null, 'tenant_disabled');
  }

  /** The IP already failed too often: no verification (the throttle sheds load) and nothing written. */
  private refuseThrottled(context: LoginContext): PasswordLoginResult {
    this.deps.logger.debug(
      { tenantId: context.tenantId, ip: context.attempt.ip },
      'login refused: ip throttled',
    );
    return { ok: false, reason: 'ip_throttled' };
  }

  /** Spends a verification against the dummy hash, so this answer takes as long as a wrong password. */
  private async failWithoutVerifying(
    context: LoginContext,
    user: User | null,
    reason: LoginFailureReason,
    admission?: AttemptAdmission,
  ): Promise<PasswordLoginResult> {
    await this.deps.hasher.verifyAgainstDummy(context.attempt.password, context.hashPolicy);
    return this.fail(context, user, reason, admission);
  }

  private async fail(
    context: LoginContext,
    user: User | null,
    reason: LoginFailureReason,
    admission?: AttemptAdmission,
  ): Promise<PasswordLoginResult> {
    const { tenantId, attempt } = context;
    await this.deps.ipThrottle.recordFailure(tenantId, attempt.ip);
    const manager = this.deps.dataSource.manager;
    await recordLoginAttempt(manager, context, user?.id ?? null, reason);
    if (user !== null && admission?.admitted && admission.lockedUntil !== null) {
      await this.recordLockout(manager, context, user, admission.failures, admission.lockedUntil);
    }
    this.deps.logger.debug({ tenantId, userId: user?.id, reason }, 'login failed');
    return { ok: false, reason };
  }

  private async recordLockout(
    manager: EntityManager,
    context: LoginContext,
    user: User,
    failures: number,
    lockedUntil: Date,
  ): Promise<void> {
    const { attempt } = context;
    await this.deps.audit.record(manager, {
      tenantId: context.tenantId,
      actor: SYSTEM_ACTOR,
      action: 'user.locked_out',
      target: { type: 'user', id: user.id },
      ip: attempt.ip ?? null,
      userAgent: attempt.userAgent ?? null,
      data: { failures, lockedUntil: lockedUntil.toISOString() },
    });
    this.deps.logger.info(
      { tenantId: context.tenantId, userId: user.id, failures, lockedUntil },
      'account locked',
    );
  }

  private async succeed(
    context: LoginContext,
    user: User,
    credential: StoredPassword,
    verification: PasswordVerification,
  ): Promise<PasswordLoginResult> {
    // Hashing is slow: done before the statement, which then only writes.
    const rehashed = verification.needsRehash ? await this.rehash(context, user) : null;
    const params = new StatementParams();
    const { tenantId } = context;
    // One statement instead of a transaction of four (its data-modifying CTEs succeed or fail together).
    const rows: { login_count: number; last_login_at: Date }[] = await this.deps.dataSource.query(
      `WITH reset AS (${this.deps.lockouts.resetStatement(params, tenantId, user.id)}),
            used AS (${markPasswordUsed(params, credential, rehashed)}),
            attempt AS (${loginAttemptInsert(params, context, user.id, null)}),
            stamped AS (${stampLogin(params, user)})
       SELECT login_count, last_login_at FROM stamped`,
      params.values,
    );
    const row = rows[0];
    if (row !== undefined)
      Object.assign(user, { loginCount: row.login_count, lastLoginAt: row.last_login_at });
    return { ok: true, user };
  }

  /** A failed rehash never fails the login: the old hash still verifies, and the next login retries. */
  private async rehash(context: LoginContext, user: User): Promise<string | null> {
    try {
      return await this.deps.hasher.hash(context.attempt.password, context.hashPolicy);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, tenantId: context.tenantId, userId: user.id },
        'password rehash failed',
      );
      return null;
    }
  }
}

function loginContext(attempt: PasswordLoginAttempt): LoginContext {
  const settings = resolveTenantSettings(attempt.tenant.settings);
  return {
    attempt,
    tenantId: attempt.tenant.id,
    identifier: trimLoginIdentifier(attempt.identifier),
    settings,
    hashPolicy: passwordHashPolicyOf(settings),
  };
}

/**
 * Trimmed only: case is folded by PostgreSQL's lower(), exactly as the unique indexes on lower(email)
 * and lower(username) fold it (JavaScript's toLowerCase differs for some non-ASCII letters), so every
 * case variant finds the same account and counts against the same lockout.
 */
function trimLoginIdentifier(identifier: string): string {
  return typeof identifier === 'string' ? identifier.trim() : '';
}

async function recordLoginAttempt(
  manager: EntityManager,
  context: LoginContext,
  userId: string | null,
  failure: LoginFailureReason | null,
): Promise<void> {
  const params = new StatementParams();
  await manager.query(loginAttemptInsert(params, context, userId, failure), params.values);
}

function loginAttemptInsert(
  params: StatementParams,
  context: LoginContext,
  userId: string | null,
  failure: LoginFailureReason | null,
): string {
  const values = [
    context.tenantId,
    userId,
    context.identifier.slice(0, MAX_RECORDED_IDENTIFIER),
    context.attempt.ip ?? null,
    LOGIN_METHOD,
    failure === null,
    failure,
  ].map((value) => params.add(value));
  return `INSERT INTO login_attempts (tenant_id, user_id, identifier, ip, method, succeeded, reason)
     VALUES (${values[0]}, ${values[1]}, lower(${values[2]}), ${values.slice(3).join(', ')})`;
}

/** login_count + 1 and last_login_at, atomically, returning the new values. */
function stampLogin(params: StatementParams, user: User): string {
  return `UPDATE users SET login_count = login_count + 1, last_login_at = now()
     WHERE tenant_id = ${params.add(user.tenantId)} AND id = ${params.add(user.id)}
     RETURNING login_count, last_login_at`;
}

/**
 * Marks the password used and stores its rehash, unless the password changed since it was read (never
 * overwrite a newer password with a rehash of the old one).
 */
function markPasswordUsed(
  params: StatementParams,
  credential: StoredPassword,
  rehashed: string | null,
): string {
  const [rehash, read] = [params.add(rehashed), params.add(credential.secret)];
  const replace = `${rehash}::text IS NOT NULL AND secret = ${read}`;
  return `UPDATE credentials SET last_used_at = now(),
       secret = CASE WHEN ${replace} THEN ${rehash}::text ELSE secret END,
       updated_at = CASE WHEN ${replace} THEN now() ELSE updated_at END
     WHERE id = ${params.add(credential.id)}`;
}
