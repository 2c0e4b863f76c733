import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { Credential } from '../credentials/credential.entity.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { PasskeyData } from '../passkeys/passkeys.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import type { AttemptOrigin } from './factor-attempts.js';
import type { SecondFactorKind } from './factors.js';
import { MfaErrors } from './mfa.errors.js';

/** Adding or removing a factor needs a sign-in this recent (ARCHITECTURE.md "Hosted pages"). */
export const RECENT_AUTH_SECONDS = 300;
const MAX_PASSKEY_NAME = 100;
/** The factors a user sets up and removes; recovery codes come and go with them. */
const STRONG_FACTORS = ['totp', 'webauthn'] as const;

export interface FactorInfo {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}
export interface PasskeyInfo extends FactorInfo {
  name: string;
  backedUp: boolean;
  /** The signature counter went backwards once: a possible clone. */
  counterRegressed: boolean;
}
export interface FactorSummary {
  totp: FactorInfo | null;
  passkeys: PasskeyInfo[];
  recoveryCodesRemaining: number;
}

/** Who asks for a change, and when they last signed in (epoch seconds, `auth_time`). */
export interface FactorChange {
  actor: Actor;
  authTime: number | undefined;
  origin?: AttemptOrigin;
  /** Epoch seconds; default now. */
  now?: number;
}

/**
 * A user's second factors over their lifetime (issue 6 §4; SECURITY.md item 11): listing, renaming a
 * passkey, removing a factor (only after a recent sign-in, never the last one while MFA is required),
 * and the administrators' reset, which also forgets remembered devices. Every change is audited.
 */
export class FactorsService {
  constructor(private readonly deps: { dataSource: DataSource; audit: AuditLog; devices: DevicesService }) {}

  async list(manager: EntityManager, tenantId: string, userId: string): Promise<FactorSummary> {
    // A plain statement: every login lists the factors, and entity hydration costs more than the query.
    const rows: FactorRow[] = await manager.query(
      `SELECT id, type, name, data, last_used_at AS "lastUsedAt", created_at AS "createdAt"
         FROM credentials WHERE tenant_id = $1 AND user_id = $2 AND type IN ('totp', 'webauthn', 'recovery')
        ORDER BY created_at`,
      [tenantId, userId],
    );
    const totp = rows.find((r) => r.type === 'totp' && r.data.confirmed === true);
    return {
      totp: totp ? info(totp) : null,
      passkeys: rows.filter((r) => r.type === 'webauthn').map(passkeyInfo),
      recoveryCodesRemaining: rows.filter((r) => r.type === 'recovery' && r.lastUsedAt === null).length,
    };
  }

  /** What the user can answer as a second factor now, for the policy engine (`available`). */
  async available(manager: EntityManager, tenant: Tenant, user: User): Promise<SecondFactorKind[]> {
    const summary = await this.list(manager, tenant.id, user.id);
    const kinds: SecondFactorKind[] = [];
    if (summary.totp) kinds.push('totp');
    if (summary.passkeys.length > 0) kinds.push('webauthn');
    if (kinds.length > 0 && summary.recoveryCodesRemaining > 0) kinds.push('recovery_code');
    if (user.email && user.emailVerified) kinds.push('email_otp');
    if (user.phone && user.phoneVerified) kinds.push('sms_otp');
    return kinds;
  }

  /** Throws `reauthentication_required` unless the user signed in within the last 5 minutes. */
  requireRecentAuth(change: Pick<FactorChange, 'authTime' | 'now'>): void {
    const now = change.now ?? Math.floor(Date.now() / 1000);
    if (change.authTime === undefined || now - change.authTime > RECENT_AUTH_SECONDS) {
      throw MfaErrors.reauthenticationRequired(RECENT_AUTH_SECONDS);
    }
  }

  /** Removes one TOTP app or passkey of the user. */
  async remove(tenant: Tenant, userId: string, factorId: string, change: FactorChange): Promise<void> {
    await this.deps.dataSource.transaction(async (manager) => {
      const factor = await this.factorOf(manager, tenant.id, userId, factorId);
      this.requireRecentAuth(change);
      const strong = await countStrongFactors(manager, tenant.id, userId);
      const required = resolveTenantSettings(tenant.settings).mfa.policy === 'required';
      if (required && strong <= 1) throw MfaErrors.lastFactor();
      await manager.delete(Credential, { id: factor.id });
      if (strong <= 1) await manager.delete(Credential, { tenantId: tenant.id, userId, type: 'recovery' });
      await this.audit(manager, tenant, userId, change, 'user.mfa_factor_removed', {
        factor: factor.type,
        credentialId: factor.id,
      });
    });
  }

  async renamePasskey(
    tenant: Tenant,
    userId: string,
    factorId: string,
    name: string,
    change: Omit<FactorChange, 'authTime'>,
  ): Promise<PasskeyInfo> {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed === '' || trimmed.length > MAX_PASSKEY_NAME) {
      throw MfaErrors.invalidPasskeyName(MAX_PASSKEY_NAME);
    }
    return this.deps.dataSource.transaction(async (manager) => {
      const factor = await this.factorOf(manager, tenant.id, userId, factorId);
      if (factor.type !== 'webauthn') throw MfaErrors.factorNotFound();
      factor.name = trimmed;
      await manager.update(Credential, { id: factor.id }, { name: trimmed });
      await this.audit(manager, tenant, userId, { ...change, authTime: undefined }, 'user.passkey_renamed', {
        credentialId: factor.id,
      });
      return passkeyInfo(factor);
    });
  }

  /**
   * The administrators' reset: every second factor and recovery code goes, remembered devices are
   * forgotten, so the next login enrolls afresh (when MFA is required). Audited as `user.mfa_reset`.
   */
  async reset(
    manager: EntityManager,
    tenant: Tenant,
    userId: string,
    change: Omit<FactorChange, 'authTime'>,
  ) {
    const removed = await manager.delete(Credential, {
      tenantId: tenant.id,
      userId,
      type: In([...STRONG_FACTORS, 'recovery']),
    });
    const forgottenDevices = await this.deps.devices.forgetAll(manager, tenant.id, userId);
    const result = { removedCredentials: removed.affected ?? 0, forgottenDevices };
    await this.audit(manager, tenant, userId, { ...change, authTime: undefined }, 'user.mfa_reset', result);
    return result;
  }

  private async factorOf(manager: EntityManager, tenantId: string, userId: string, factorId: string) {
    const factor = UUID.test(factorId)
      ? await manager.findOneBy(Credential, { id: factorId, tenantId, userId, type: In([...STRONG_FACTORS]) })
      : null;
    if (!factor) throw MfaErrors.factorNotFound();
    return factor;
  }

  private audit(
    manager: EntityManager,
    tenant: Tenant,
    userId: string,
    change: FactorChange,
    action: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.record(manager, {
      tenantId: tenant.id,
      actor: change.actor,
      action,
      target: { type: 'user', id: userId },
      ip: change.origin?.ip ?? null,
      userAgent: change.origin?.userAgent ?? null,
      data,
    });
  }
}

/** Confirmed authenticator apps and passkeys (a TOTP secret waiting for its first code does not count). */
async function countStrongFactors(manager: EntityManager, tenantId: string, userId: string): Promise<number> {
  const rows: { n: string }[] = await manager.query(
    `SELECT count(*) AS n FROM credentials WHERE tenant_id = $1 AND user_id = $2
        AND (type = 'webauthn' OR (type = 'totp' AND data->>'confirmed' = 'true'))`,
    [tenantId, userId],
  );
  return Number(rows[0]?.n ?? 0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What listing a user's factors reads of their credentials. */
type FactorRow = Pick<Credential, 'id' | 'type' | 'name' | 'data' | 'lastUsedAt' | 'createdAt'>;

const info = (row: FactorRow): FactorInfo => ({
  id: row.id,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
});

function passkeyInfo(row: FactorRow): PasskeyInfo {
  const data = row.data as unknown as PasskeyData;
  return {
    ...info(row),
    name: row.name ?? 'Passkey',
    backedUp: data.backedUp === true,
    counterRegressed: data.counterRegression !== undefined,
  };
}
