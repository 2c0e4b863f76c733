import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit.service.js';
import { CredentialsService } from '../../src/credentials/credentials.service.js';
import { IpThrottle, type IpThrottleOptions } from '../../src/credentials/ip-throttle.js';
import { LockoutService } from '../../src/credentials/lockout.service.js';
import {
  PasswordHasher,
  type PasswordHashPolicy,
  type PasswordVerification,
} from '../../src/credentials/password-hasher.js';
import {
  type PasswordLoginResult,
  PasswordLoginService,
  type PasswordVerifier,
} from '../../src/credentials/password-login.service.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { mergeTenantSettings, type TenantSettingsInput } from '../../src/tenants/tenant-settings.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import type { User } from '../../src/users/user.entity.js';
import { type NewUser, UsersService } from '../../src/users/users.service.js';

/** Cheap argon2 wherever a test is not about hashing cost, so the suites stay fast. */
export const FAST_HASHING: TenantSettingsInput = {
  passwords: { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } },
};
export const PASSWORD = 'correct horse battery staple';
export const WRONG_PASSWORD = 'correct horse battery stapler';
export const CLIENT_IP = '198.51.100.7';

/** Wraps a real hasher and counts what the login service asks of it. */
export class WatchedHasher implements PasswordVerifier {
  /** Verifications against a stored hash (not the dummy one). */
  verifications = 0;
  dummyVerifications = 0;
  hashes = 0;
  readonly inner = new PasswordHasher();

  verify(password: string, stored: string, policy: PasswordHashPolicy): Promise<PasswordVerification> {
    this.verifications += 1;
    return this.inner.verify(password, stored, policy);
  }

  verifyAgainstDummy(password: string, policy: PasswordHashPolicy): Promise<PasswordVerification> {
    this.dummyVerifications += 1;
    return this.inner.verifyAgainstDummy(password, policy);
  }

  hash(password: string, policy: PasswordHashPolicy): Promise<string> {
    this.hashes += 1;
    return this.inner.hash(password, policy);
  }

  resetCounts(): void {
    this.verifications = 0;
    this.dummyVerifications = 0;
    this.hashes = 0;
  }
}

export interface LoginHarnessOptions {
  /** In-process unless a Redis client is given. */
  ipThrottle?: Omit<IpThrottleOptions, 'logger'>;
  logger?: Logger;
}

/**
 * The password login service wired as the composition root wires it, on a test database, with helpers
 * to make tenants and users and to read what the service wrote. Each test works in a tenant of its own.
 */
export class LoginHarness {
  readonly hasher = new WatchedHasher();
  readonly lockouts = new LockoutService();
  readonly ipThrottle: IpThrottle;
  readonly service: PasswordLoginService;
  private readonly tenants = new TenantsService();
  private readonly users = new UsersService(new CredentialsService(this.hasher.inner));

  constructor(
    readonly dataSource: DataSource,
    options: LoginHarnessOptions = {},
  ) {
    const logger = options.logger ?? createLogger('silent');
    this.ipThrottle = new IpThrottle({ logger, ...options.ipThrottle });
    this.service = new PasswordLoginService({
      dataSource,
      hasher: this.hasher,
      lockouts: this.lockouts,
      ipThrottle: this.ipThrottle,
      audit: new AuditLog(),
      logger,
    });
  }

  /** A new tenant with cheap hashing, plus `settings`. */
  async createTenant(settings: TenantSettingsInput = {}, fastHashing = true): Promise<Tenant> {
    const manager = this.dataSource.manager;
    const slug = `login-${randomBytes(6).toString('hex')}`;
    const tenant = await this.tenants.create(manager, { slug, name: slug });
    return this.updateSettings(tenant, mergeTenantSettings(fastHashing ? FAST_HASHING : {}, settings));
  }

  async updateSettings(tenant: Tenant, settings: TenantSettingsInput): Promise<Tenant> {
    tenant.settings = mergeTenantSettings(tenant.settings, settings);
    return this.dataSource.manager.save(tenant);
  }

  createUser(tenant: Tenant, input: Partial<NewUser> & { email: string }): Promise<User> {
    return this.users.create(this.dataSource.manager, tenant, { password: PASSWORD, ...input });
  }

  login(tenant: Tenant, identifier: string, password: string, ip = CLIENT_IP): Promise<PasswordLoginResult> {
    return this.service.authenticate({ tenant, identifier, password, ip, userAgent: 'mocha' });
  }

  /** The account's lockout row, if any. */
  async lockout(user: User): Promise<{ failures: number; lockedUntil: Date | null } | undefined> {
    const rows: { consecutive_failures: number; locked_until: Date | null }[] = await this.dataSource.query(
      'SELECT consecutive_failures, locked_until FROM lockouts WHERE tenant_id = $1 AND user_id = $2',
      [user.tenantId, user.id],
    );
    const row = rows[0];
    return row && { failures: Number(row.consecutive_failures), lockedUntil: row.locked_until };
  }

  lockedUntil(user: User): Promise<Date | null> {
    return this.lockouts.lockedUntil(this.dataSource.manager, user.tenantId, user.id);
  }

  /** Ends the account's current lock now, as time passing would. */
  async expireLock(user: User): Promise<void> {
    await this.dataSource.query(
      `UPDATE lockouts SET locked_until = now() - interval '1 second' WHERE tenant_id = $1 AND user_id = $2`,
      [user.tenantId, user.id],
    );
  }

  async attempts(tenant: Tenant): Promise<LoginAttemptRow[]> {
    return this.dataSource.query(
      `SELECT user_id, identifier, ip, method, succeeded, reason FROM login_attempts
       WHERE tenant_id = $1 ORDER BY id`,
      [tenant.id],
    );
  }

  async storedPassword(user: User): Promise<string> {
    const rows: { secret: string }[] = await this.dataSource.query(
      `SELECT secret FROM credentials WHERE user_id = $1 AND type = 'password'`,
      [user.id],
    );
    return rows[0]?.secret ?? '';
  }

  async auditActions(tenant: Tenant): Promise<{ action: string; target_id: string; data: unknown }[]> {
    return this.dataSource.query(
      'SELECT action, target_id, data FROM audit_events WHERE tenant_id = $1 ORDER BY created_at',
      [tenant.id],
    );
  }
}

export interface LoginAttemptRow {
  user_id: string | null;
  identifier: string;
  ip: string | null;
  method: string;
  succeeded: boolean;
  reason: string | null;
}

/** Narrows a result for the assertions that follow. */
export function failureReason(result: PasswordLoginResult): string {
  if (result.ok) throw new Error(`expected a failed login, got user ${result.user.id}`);
  return result.reason;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
