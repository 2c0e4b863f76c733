import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent receipts are read by admins across the tenant, newest first, and filtered by policy
 * (server/src/consent/consent-receipts.ts); the initial index serves only one user's receipts.
 */
export class ConsentProfiles1796000100000 implements MigrationInterface {
  name = 'ConsentProfiles1796000100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX consent_records_tenant_created_idx ON consent_records (tenant_id, created_at DESC, id)`,
    );
    await db.query(`CREATE INDEX consent_records_policy_idx ON consent_records (tenant_id, policy_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX consent_records_policy_idx`);
    await db.query(`DROP INDEX consent_records_tenant_created_idx`);
  }
}
