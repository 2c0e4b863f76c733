import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { KeyRing } from '../secrets/key-ring.js';
import { OneTimeToken, type OneTimeTokenPurpose } from './one-time-token.entity.js';
import { TokensErrors } from './tokens.errors.js';

export interface IssueOptions {
  tenantId: string;
  userId: string;
  purpose: OneTimeTokenPurpose;
  ttlSeconds: number;
  data?: Record<string, unknown>;
}

export interface IssuedLink {
  id: string;
  /** 256 random bits, base64url: goes into the mailed link, never stored. */
  token: string;
  expiresAt: Date;
}

export interface IssuedCode {
  id: string;
  /** Six digits, never stored. */
  code: string;
  expiresAt: Date;
}

export type CodeCheck =
  | { ok: true; token: OneTimeToken }
  | { ok: false; reason: 'invalid' | 'expired' | 'exhausted' };

/** Links or codes a user may ask for per purpose in `SEND_WINDOW_MINUTES` (SMS pumping, mail bombing). */
export const MAX_SENDS_PER_WINDOW = 5;
export const SEND_WINDOW_MINUTES = 15;
/** Wrong guesses a code survives before it is spent. */
export const MAX_CODE_ATTEMPTS = 5;

/**
 * One-time links (verification, reset, magic link) and codes (email/SMS OTP) — SECURITY.md ★27: CSPRNG
 * values, stored hashed, single-use, short-lived, bound to the user (and to the login flow for codes),
 * and a new one revokes the ones before it. Links are hashed with SHA-256 (256 random bits need no key);
 * six-digit codes with a keyed HMAC over their row id, so a database reader cannot try the 10⁶ values.
 */
export class OneTimeTokensService {
  private readonly codeKeys: Buffer[];

  constructor(keyRing: KeyRing) {
    this.codeKeys = keyRing.deriveKeys('one-time-code');
  }

  async issueLink(manager: EntityManager, options: IssueOptions): Promise<IssuedLink> {
    const token = randomBytes(32).toString('base64url');
    const row = await this.insert(manager, options, randomUUID(), hashLink(token));
    return { id: row.id, token, expiresAt: row.expiresAt };
  }

  /** A six-digit code for one login flow (`data.flowId`). */
  async issueCode(manager: EntityManager, options: IssueOptions & { flowId: string }): Promise<IssuedCode> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = randomUUID();
    const hash = this.hashCode(this.primaryCodeKey(), id, code);
    const row = await this.insert(
      manager,
      { ...options, data: { ...options.data, flowId: options.flowId } },
      id,
      hash,
    );
    return { id: row.id, code, expiresAt: row.expiresAt };
  }

  /** The open token a link names, without spending it (the GET page that asks to confirm). */
  findLink(manager: EntityManager, tenantId: string, purpose: OneTimeTokenPurpose, token: string) {
    return manager
      .createQueryBuilder(OneTimeToken, 't')
      .where('t.tokenHash = :hash AND t.tenantId = :tenantId AND t.purpose = :purpose', {
        hash: hashLink(token),
        tenantId,
        purpose,
      })
      .andWhere('t.consumedAt IS NULL AND t.expiresAt > now()')
      .getOne();
  }

  /** Spends a link token: exactly one caller gets the row, whatever runs in parallel. */
  async consumeLink(
    manager: EntityManager,
    tenantId: string,
    purpose: OneTimeTokenPurpose,
    token: string,
  ): Promise<OneTimeToken | null> {
    const result = await manager
      .createQueryBuilder()
      .update(OneTimeToken)
      .set({ consumedAt: () => 'now()' })
      .where('token_hash = :hash AND tenant_id = :tenantId AND purpose = :purpose', {
        hash: hashLink(token),
        tenantId,
        purpose,
      })
      .andWhere('consumed_at IS NULL AND expires_at > now()')
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? manager.findOneBy(OneTimeToken, { id }) : null;
  }

  /**
   * Checks a code typed into the flow it was issued for. A wrong code counts an attempt (the code is
   * spent after MAX_CODE_ATTEMPTS); the right one is consumed. Compared in constant time.
   */
  async checkCode(
    manager: EntityManager,
    options: { tenantId: string; userId: string; purpose: OneTimeTokenPurpose; flowId: string; code: string },
  ): Promise<CodeCheck> {
    const row = await manager
      .createQueryBuilder(OneTimeToken, 't')
      .setLock('pessimistic_write')
      .where('t.tenantId = :tenantId AND t.userId = :userId AND t.purpose = :purpose', options)
      .andWhere("t.consumedAt IS NULL AND t.data->>'flowId' = :flowId", { flowId: options.flowId })
      .orderBy('t.createdAt', 'DESC')
      .getOne();
    if (!row) return { ok: false, reason: 'invalid' };
    if (row.expiresAt <= new Date()) return { ok: false, reason: 'expired' };
    const given = options.code.replace(/\s/g, '');
    const matches = /^[0-9]{6}$/.test(given) && this.codeKeys.some((key) => this.sameHash(row, key, given));
    if (matches) {
      await manager.update(OneTimeToken, { id: row.id }, { consumedAt: new Date() });
      return { ok: true, token: row };
    }
    const attempts = row.attempts + 1;
    const spent = attempts >= MAX_CODE_ATTEMPTS;
    await manager.update(
      OneTimeToken,
      { id: row.id },
      { attempts, ...(spent ? { consumedAt: new Date() } : {}) },
    );
    return { ok: false, reason: spent ? 'exhausted' : 'invalid' };
  }

  /** Spends every open token of a user for these purposes (a password reset ends older reset links). */
  async revokeAll(manager: EntityManager, tenantId: string, userId: string, purposes: OneTimeTokenPurpose[]) {
    await manager
      .createQueryBuilder()
      .update(OneTimeToken)
      .set({ consumedAt: () => 'now()' })
      .where('tenant_id = :tenantId AND user_id = :userId AND purpose IN (:...purposes)', {
        tenantId,
        userId,
        purposes,
      })
      .andWhere('consumed_at IS NULL')
      .execute();
  }

  private async insert(manager: EntityManager, options: IssueOptions, id: string, tokenHash: string) {
    await this.enforceSendLimit(manager, options);
    await this.revokeAll(manager, options.tenantId, options.userId, [options.purpose]);
    const expiresAt = new Date(Date.now() + options.ttlSeconds * 1000);
    return manager.save(
      manager.create(OneTimeToken, {
        id,
        tenantId: options.tenantId,
        userId: options.userId,
        purpose: options.purpose,
        tokenHash,
        attempts: 0,
        data: options.data ?? {},
        expiresAt,
        consumedAt: null,
      }),
    );
  }

  /** Counted from the rows themselves (revoked ones included), so it holds across replicas and restarts. */
  private async enforceSendLimit(manager: EntityManager, options: IssueOptions) {
    // Serialises concurrent requests for the same user and purpose inside this transaction.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `otp:${options.tenantId}:${options.userId}:${options.purpose}`,
    ]);
    const recent = await manager
      .createQueryBuilder(OneTimeToken, 't')
      .where('t.tenantId = :tenantId AND t.userId = :userId AND t.purpose = :purpose', options)
      .andWhere(`t.createdAt > now() - interval '${SEND_WINDOW_MINUTES} minutes'`)
      .getCount();
    if (recent >= MAX_SENDS_PER_WINDOW) throw TokensErrors.tooManyRequests();
  }

  private primaryCodeKey(): Buffer {
    const key = this.codeKeys[0];
    if (!key) throw new Error('the key ring has no key');
    return key;
  }

  private hashCode(key: Buffer, id: string, code: string): string {
    return createHmac('sha256', key).update(`${id}:${code}`).digest('base64url');
  }

  private sameHash(row: OneTimeToken, key: Buffer, code: string): boolean {
    const expected = Buffer.from(row.tokenHash);
    const given = Buffer.from(this.hashCode(key, row.id, code));
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

const hashLink = (token: string) => createHash('sha256').update(token).digest('base64url');
