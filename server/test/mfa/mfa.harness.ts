import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit.service.js';
import { CredentialsService } from '../../src/credentials/credentials.service.js';
import { LockoutService } from '../../src/credentials/lockout.service.js';
import { PasswordHasher } from '../../src/credentials/password-hasher.js';
import { DevicesService } from '../../src/devices/devices.service.js';
import { FactorAttempts } from '../../src/mfa/factor-attempts.js';
import { FactorsService } from '../../src/mfa/factors.service.js';
import { MfaPolicyService } from '../../src/mfa/mfa-policy.service.js';
import { RecoveryCodesService } from '../../src/mfa/recovery-codes.service.js';
import { TotpService } from '../../src/mfa/totp.service.js';
import { PasskeysService } from '../../src/passkeys/passkeys.service.js';
import { WebauthnChallenges } from '../../src/passkeys/webauthn-challenges.js';
import { RiskService } from '../../src/risk/risk.service.js';
import { KeyRing } from '../../src/secrets/key-ring.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import { mergeTenantSettings, type TenantSettingsInput } from '../../src/tenants/tenant-settings.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import type { User } from '../../src/users/user.entity.js';
import { UsersService } from '../../src/users/users.service.js';

export const PUBLIC_URL = 'https://login.example.test';

/**
 * The MFA services wired as the composition root wires them, on a test database; each test makes its
 * own tenant and user. `clock` moves TOTP time.
 */
export class MfaHarness {
  readonly keyRing = KeyRing.parse(KeyRing.generateKey());
  readonly logger = createLogger('silent');
  readonly audit = new AuditLog();
  readonly lockouts = new LockoutService();
  readonly attempts: FactorAttempts;
  readonly totp: TotpService;
  readonly recoveryCodes: RecoveryCodesService;
  readonly challenges: WebauthnChallenges;
  readonly passkeys: PasskeysService;
  readonly devices: DevicesService;
  readonly risk: RiskService;
  readonly factors: FactorsService;
  readonly policy: MfaPolicyService;
  clock = Date.now();
  private readonly tenants = new TenantsService();
  private readonly users = new UsersService(new CredentialsService(new PasswordHasher()));

  constructor(
    readonly dataSource: DataSource,
    options: { challengeTtlSeconds?: number } = {},
  ) {
    const { audit, logger, lockouts, keyRing } = this;
    this.attempts = new FactorAttempts({ dataSource, audit, logger, lockouts });
    this.totp = new TotpService({
      dataSource,
      keyRing,
      audit,
      attempts: this.attempts,
      now: () => this.clock,
    });
    this.recoveryCodes = new RecoveryCodesService({ dataSource, keyRing, audit, attempts: this.attempts });
    this.challenges = new WebauthnChallenges(options.challengeTtlSeconds);
    this.passkeys = new PasskeysService({
      dataSource,
      audit,
      logger,
      attempts: this.attempts,
      publicUrl: PUBLIC_URL,
      challenges: this.challenges,
    });
    this.devices = new DevicesService(keyRing);
    this.risk = new RiskService(this.devices);
    this.factors = new FactorsService({ dataSource, audit, devices: this.devices });
    this.policy = new MfaPolicyService({ dataSource, factors: this.factors, devices: this.devices });
  }

  async createTenant(settings: TenantSettingsInput = {}): Promise<Tenant> {
    const slug = `mfa-${randomBytes(6).toString('hex')}`;
    const tenant = await this.tenants.create(this.dataSource.manager, { slug, name: `Tenant ${slug}` });
    tenant.settings = mergeTenantSettings(tenant.settings, settings);
    return this.dataSource.manager.save(tenant);
  }

  createUser(tenant: Tenant, email = `u-${randomBytes(4).toString('hex')}@example.com`): Promise<User> {
    return this.users.create(this.dataSource.manager, tenant, { email });
  }

  async auditActions(tenant: Tenant): Promise<{ action: string; data: Record<string, unknown> }[]> {
    return this.dataSource.query(
      'SELECT action, data FROM audit_events WHERE tenant_id = $1 ORDER BY created_at, id',
      [tenant.id],
    );
  }

  async lockoutFailures(tenant: Tenant, user: User): Promise<number> {
    const rows: { consecutive_failures: number }[] = await this.dataSource.query(
      'SELECT consecutive_failures FROM lockouts WHERE tenant_id = $1 AND user_id = $2',
      [tenant.id, user.id],
    );
    return rows[0]?.consecutive_failures ?? 0;
  }
}

/** A registered passkey of the user (through the real ceremony) and its authenticator. */
export async function registerPasskey(harness: MfaHarness, tenant: Tenant, user: User) {
  const { SoftwareAuthenticator } = await import('../passkeys/software-authenticator.js');
  const authenticator = new SoftwareAuthenticator();
  const options = await harness.passkeys.registrationOptions(tenant, user);
  const response = authenticator.register(options, PUBLIC_URL);
  const credential = await harness.passkeys.verifyRegistration(tenant, user, response);
  return { authenticator, credential };
}

export const USER_ACTOR = (user: User) => ({ type: 'user' as const, id: user.id });
