import { createHmac, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { Credential } from '../credentials/credential.entity.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { AttemptOrigin, FactorAttempts } from './factor-attempts.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 (no I, L, O, U): easy to read back from paper. 16 characters = 80 bits. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_CHARACTERS = 16;
const GROUP = 4;
const HMAC_PURPOSE = 'portico/recovery-codes/v1';

export interface RecoveryCodesDeps {
  dataSource: DataSource;
  keyRing: KeyRing;
  audit: AuditLog;
  attempts: FactorAttempts;
}

/**
 * Recovery codes: ten 80-bit codes shown once, stored as HMAC-SHA256 under a key derived from the key
 * ring (fast lookup, and a database dump alone does not reveal them), each usable once. Regenerating
 * replaces every earlier code. Failures count into the account lockout like any other factor.
 */
export class RecoveryCodesService {
  constructor(private readonly deps: RecoveryCodesDeps) {}

  /** Ten new codes (the only time they are seen in clear); the old ones stop working. Audited. */
  async regenerate(
    tenant: Tenant,
    userId: string,
    actor: Actor,
    origin: AttemptOrigin = {},
  ): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.deps.dataSource.transaction(async (manager) => {
      await manager.delete(Credential, { tenantId: tenant.id, userId, type: 'recovery' });
      await manager.insert(
        Credential,
        codes.map((code) => ({
          tenantId: tenant.id,
          userId,
          type: 'recovery' as const,
          secret: this.digest(this.deps.keyRing.deriveKey(HMAC_PURPOSE), tenant.id, userId, code),
          data: {},
        })),
      );
      await this.deps.audit.record(manager, {
        tenantId: tenant.id,
        actor,
        action: 'user.recovery_codes_generated',
        target: { type: 'user', id: userId },
        ip: origin.ip ?? null,
        userAgent: origin.userAgent ?? null,
        data: { count: RECOVERY_CODE_COUNT },
      });
    });
    return codes;
  }

  /** Spends one code: true the first time, false for an unknown or spent code or a locked account. */
  async redeem(tenant: Tenant, userId: string, code: string, origin: AttemptOrigin = {}): Promise<boolean> {
    const normalized = normalizeRecoveryCode(code);
    return this.deps.attempts.run(tenant, userId, 'recovery_code', origin, async () => {
      if (normalized === null) return false;
      // Codes made before a key rotation still match under the key that made them.
      const digests = this.deps.keyRing
        .deriveKeys(HMAC_PURPOSE)
        .map((key) => this.digest(key, tenant.id, userId, normalized));
      const spent: unknown[] = await this.deps.dataSource.query(
        `WITH spent AS (UPDATE credentials SET last_used_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND type = 'recovery' AND secret = ANY($3::text[])
            AND last_used_at IS NULL
          RETURNING id) SELECT id FROM spent`,
        [tenant.id, userId, digests],
      );
      return spent.length > 0;
    });
  }

  /** Codes not yet spent. */
  async remaining(manager: EntityManager, tenantId: string, userId: string): Promise<number> {
    const rows: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM credentials
        WHERE tenant_id = $1 AND user_id = $2 AND type = 'recovery' AND last_used_at IS NULL`,
      [tenantId, userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private digest(key: Buffer, tenantId: string, userId: string, code: string): string {
    const normalized = normalizeRecoveryCode(code) ?? code;
    return createHmac('sha256', key).update(`${tenantId}\0${userId}\0${normalized}`).digest('base64url');
  }
}

/** `xxxx-xxxx-xxxx-xxxx`, from a CSPRNG without modulo bias (32 divides 256). */
function newRecoveryCode(): string {
  const chars = [...randomBytes(CODE_CHARACTERS)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return chars.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** Case, spaces and dashes do not matter; Crockford's look-alikes read as the digits they resemble. */
export function normalizeRecoveryCode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  if (compact.length !== CODE_CHARACTERS || ![...compact].every((c) => ALPHABET.includes(c))) return null;
  return compact;
}
