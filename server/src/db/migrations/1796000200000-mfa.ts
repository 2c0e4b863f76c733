import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MFA, passkeys and adaptive risk (issue 6). TOTP secrets, passkeys and recovery codes live in
 * `credentials`; this adds what must be single-use and shared by every replica without Redis
 * (SECURITY.md items 24, 25 and 41): WebAuthn challenges and the TOTP time steps already used. Each
 * user gets a stable random WebAuthn user handle (never the email). Remembered and known devices use
 * the existing `devices` table; risk signals are read from `login_attempts` and `devices`.
 */
export class Mfa1796000200000 implements MigrationInterface {
  name = 'Mfa1796000200000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of SCHEMA) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS devices_remembered_idx`);
    await db.query(`DROP INDEX IF EXISTS login_attempts_user_ip_idx`);
    for (const table of ['webauthn_user_handles', 'totp_used_steps', 'webauthn_challenges']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

const SCHEMA = [
  `CREATE TABLE webauthn_challenges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id uuid, FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('registration', 'authentication')),
    challenge text NOT NULL UNIQUE,
    user_verification text NOT NULL CHECK (user_verification IN ('required', 'preferred')),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at)`,

  `CREATE TABLE totp_used_steps (
    credential_id uuid NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    time_step bigint NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (credential_id, time_step)
  )`,

  `CREATE TABLE webauthn_user_handles (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id uuid NOT NULL, FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    handle text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    UNIQUE (tenant_id, handle)
  )`,

  // Risk: the networks of a user's recent successful logins.
  `CREATE INDEX login_attempts_user_ip_idx ON login_attempts (tenant_id, user_id, succeeded, created_at)`,
  `CREATE INDEX devices_remembered_idx ON devices (tenant_id, user_id) WHERE remembered_until IS NOT NULL`,
];
