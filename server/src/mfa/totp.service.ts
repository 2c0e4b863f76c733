import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { Credential } from '../credentials/credential.entity.js';
import type { KeyRing } from '../secrets/key-ring.js';
import { lazyModule } from '../shared/lazy-module.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import type { AttemptOrigin, FactorAttempts } from './factor-attempts.js';
import type { FactorAddedNotifier } from './factors.js';
import { MfaErrors } from './mfa.errors.js';

/** RFC 6238 defaults, what every authenticator app understands. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const CODE_PATTERN = /^[0-9]{6}$/;
// Loaded with the first enrolment or code check, not at start-up (most processes rarely see either).
const otplib = lazyModule(() => import('otplib'));
const qrcode = lazyModule(() => import('qrcode'));

export interface TotpEnrollment {
  credentialId: string;
  /** Base32, for manual entry. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a QR code: `data:image/png;base64,…`. */
  qrDataUrl: string;
}

export interface TotpDeps {
  dataSource: DataSource;
  keyRing: KeyRing;
  audit: AuditLog;
  attempts: FactorAttempts;
  /** Milliseconds since the epoch; tests move time. */
  now?: () => number;
  /** Tells the user a sign-in method was added (SECURITY.md item 6), in the same transaction. */
  notifyFactorAdded?: FactorAddedNotifier;
}

/** The key-ring context of a TOTP secret, as `portico secrets re-encrypt` knows it (encrypted-columns.ts). */
export const totpSecretContext = (credentialId: string) => `totp:${credentialId}`;

/**
 * Authenticator-app codes (RFC 6238, SHA-1, 6 digits, 30 s): enrollment with an otpauth URI and QR code,
 * confirmation with a first code, verification within ±`mfa.totpWindow` steps. The secret is stored
 * encrypted with the key ring; each time step verifies once per credential, recorded in PostgreSQL
 * (`totp_used_steps`, no Redis needed: SECURITY.md items 25 and 41); codes are compared in constant
 * time and failures count into the account lockout.
 */
export class TotpService {
  private readonly now: () => number;

  constructor(private readonly deps: TotpDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A new secret waiting for its first code; replaces an earlier unconfirmed one. */
  async beginEnrollment(tenant: Tenant, user: User): Promise<TotpEnrollment> {
    if (!resolveTenantSettings(tenant.settings).mfa.allowedFactors.includes('totp')) {
      throw MfaErrors.factorNotAllowed('totp');
    }
    const { generateSecret, generateURI } = await otplib();
    const secret = generateSecret({ length: 20 });
    const credentialId = randomUUID();
    await this.deps.dataSource.transaction(async (manager) => {
      const existing = await this.credentialOf(manager, tenant.id, user.id);
      if (existing?.data.confirmed === true) throw MfaErrors.totpAlreadyEnrolled();
      if (existing) await manager.delete(Credential, { id: existing.id });
      await manager.insert(Credential, {
        id: credentialId,
        tenantId: tenant.id,
        userId: user.id,
        type: 'totp',
        name: 'Authenticator app',
        secret: this.deps.keyRing.encrypt(secret, totpSecretContext(credentialId)),
        data: { confirmed: false, algorithm: 'SHA1', digits: DIGITS, period: PERIOD_SECONDS },
      });
    });
    const issuer = resolveTenantSettings(tenant.settings).branding.displayName ?? tenant.name;
    const label = user.email ?? user.username ?? user.id;
    const otpauthUri = generateURI({ issuer, label, secret, period: PERIOD_SECONDS, digits: DIGITS });
    const { default: QRCode } = await qrcode();
    const qrDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
    return { credentialId, secret, otpauthUri, qrDataUrl };
  }

  /** The first code proves the app holds the secret; then the factor counts. Audited. */
  async confirmEnrollment(
    tenant: Tenant,
    user: User,
    code: string,
    actor: Actor,
    origin: AttemptOrigin = {},
  ): Promise<void> {
    const pending = await this.credentialOf(this.deps.dataSource.manager, tenant.id, user.id);
    if (!pending || pending.data.confirmed === true) throw MfaErrors.totpNotPending();
    const confirmed = await this.verifyCredential(tenant, user.id, pending, code, origin, async (manager) => {
      await manager.update(Credential, { id: pending.id }, { data: { ...pending.data, confirmed: true } });
      await this.deps.audit.record(manager, {
        tenantId: tenant.id,
        actor,
        action: 'user.mfa_enrolled',
        target: { type: 'user', id: user.id },
        ip: origin.ip ?? null,
        userAgent: origin.userAgent ?? null,
        data: { factor: 'totp', credentialId: pending.id },
      });
      await this.deps.notifyFactorAdded?.(manager, tenant, user, 'totp');
    });
    if (!confirmed) throw MfaErrors.invalidCode();
  }

  /** A sign-in code: true once per time step, false for a wrong, reused or locked-out attempt. */
  async verify(tenant: Tenant, userId: string, code: string, origin: AttemptOrigin = {}): Promise<boolean> {
    const credential = await this.credentialOf(this.deps.dataSource.manager, tenant.id, userId);
    if (credential?.data.confirmed !== true) return false;
    return this.verifyCredential(tenant, userId, credential, code, origin);
  }

  /** Whether the user has a confirmed authenticator app. */
  async isEnrolled(manager: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    return (await this.credentialOf(manager, tenantId, userId))?.data.confirmed === true;
  }

  private verifyCredential(
    tenant: Tenant,
    userId: string,
    credential: Credential,
    code: string,
    origin: AttemptOrigin,
    onSuccess?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    const window = resolveTenantSettings(tenant.settings).mfa.totpWindow;
    let matchedStep: number | null = null;
    return this.deps.attempts.run(
      tenant,
      userId,
      'totp',
      origin,
      async () => {
        matchedStep = await this.matchingStep(credential, code, window);
        return matchedStep !== null && (await this.claimStep(credential.id, matchedStep));
      },
      async (manager) => {
        await manager.update(Credential, { id: credential.id }, { lastUsedAt: new Date(this.now()) });
        await onSuccess?.(manager);
      },
    );
  }

  /**
   * The time step whose code equals `code`, within ±window of now. Every candidate is computed and
   * compared in constant time, so the answer takes as long whichever step (if any) matched.
   */
  private async matchingStep(credential: Credential, code: string, window: number): Promise<number | null> {
    const input = typeof code === 'string' ? code.replace(/\s/g, '') : '';
    if (!CODE_PATTERN.test(input) || !credential.secret) return null;
    const { generateSync } = await otplib();
    const secret = this.deps.keyRing.decryptString(credential.secret, totpSecretContext(credential.id));
    const current = Math.floor(this.now() / 1000 / PERIOD_SECONDS);
    let matched: number | null = null;
    for (let step = current - window; step <= current + window; step += 1) {
      const expected = generateSync({ secret, epoch: step * PERIOD_SECONDS, period: PERIOD_SECONDS });
      if (timingSafeEqual(Buffer.from(expected), Buffer.from(input)) && matched === null) matched = step;
    }
    return matched;
  }

  /** Records the step as used; false when it already was (a replayed code). Old steps are pruned. */
  private async claimStep(credentialId: string, step: number): Promise<boolean> {
    const manager = this.deps.dataSource.manager;
    const rows: unknown[] = await manager.query(
      `INSERT INTO totp_used_steps (credential_id, time_step) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING time_step`,
      [credentialId, step],
    );
    await manager.query('DELETE FROM totp_used_steps WHERE credential_id = $1 AND time_step < $2', [
      credentialId,
      step - 10,
    ]);
    return rows.length === 1;
  }

  private credentialOf(manager: EntityManager, tenantId: string, userId: string): Promise<Credential | null> {
    return manager.findOneBy(Credential, { tenantId, userId, type: 'totp' });
  }
}
