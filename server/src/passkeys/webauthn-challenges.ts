import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type ChallengePurpose = 'registration' | 'authentication';
export type UserVerification = 'required' | 'preferred';

/** Challenges live at most 5 minutes (SECURITY.md item 24); WebAuthn ceremonies take seconds. */
export const CHALLENGE_TTL_SECONDS = 300;
const CHALLENGE_BYTES = 32;

export interface IssuedChallenge {
  tenantId: string;
  /** Bound user: registration and second-factor assertions. Null: passwordless (discoverable). */
  userId: string | null;
  purpose: ChallengePurpose;
  userVerification: UserVerification;
}

export interface ConsumedChallenge {
  userId: string | null;
  userVerification: UserVerification;
}

/**
 * WebAuthn challenges (SECURITY.md item 24 ★): 256 random bits, stored server-side in PostgreSQL (so
 * any replica can finish a ceremony, without Redis), bound to the tenant, the purpose and — for
 * registration and second-factor use — the user; short-lived, and consumed by deleting them, so a
 * challenge verifies at most once even under concurrent requests.
 */
export class WebauthnChallenges {
  constructor(private readonly ttlSeconds = CHALLENGE_TTL_SECONDS) {}

  async issue(manager: EntityManager, challenge: IssuedChallenge): Promise<string> {
    const value = randomBytes(CHALLENGE_BYTES).toString('base64url');
    await manager.query(
      `INSERT INTO webauthn_challenges (tenant_id, user_id, purpose, challenge, user_verification, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::float8))`,
      [
        challenge.tenantId,
        challenge.userId,
        challenge.purpose,
        value,
        challenge.userVerification,
        this.ttlSeconds,
      ],
    );
    return value;
  }

  /**
   * Takes the challenge if it was issued to this tenant for this purpose (and user, when `userId` is
   * given; `null` asks for a passwordless one) and has not expired; null otherwise. Either way a
   * presented challenge of the tenant is gone afterwards.
   */
  async consume(
    manager: EntityManager,
    tenantId: string,
    purpose: ChallengePurpose,
    value: string,
    userId: string | null,
  ): Promise<ConsumedChallenge | null> {
    const rows: { user_id: string | null; user_verification: UserVerification; live: boolean }[] =
      await manager.query(
        // As a CTE, so PostgreSQL and PGlite both return the rows (a bare DELETE … RETURNING differs).
        `WITH taken AS (DELETE FROM webauthn_challenges WHERE tenant_id = $1 AND challenge = $2
           RETURNING user_id, user_verification, (expires_at > now()) AS live, purpose = $3 AS fits)
         SELECT * FROM taken`,
        [tenantId, value, purpose],
      );
    const row = rows[0] as ((typeof rows)[number] & { fits: boolean }) | undefined;
    if (!row?.live || !row.fits || row.user_id !== userId) return null;
    return { userId: row.user_id, userVerification: row.user_verification };
  }

  /** Drops expired challenges (maintenance). */
  async purgeExpired(manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM webauthn_challenges WHERE expires_at <= now()');
  }
}
