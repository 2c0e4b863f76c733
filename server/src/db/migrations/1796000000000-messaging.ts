import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messaging (email and SMS): each tenant's SMS providers in failover order (the secret encrypted with
 * the key ring), the SMS sends counted against SMS pumping (per number, per IP, per tenant and day,
 * counted in PostgreSQL so the limits hold without Redis), and the indexes the deliveries API reads by.
 * A message is recorded `sent` at most once (deliveries_sent_once): a job delivered again after a
 * crash does not record, nor send, a second time.
 */
export class Messaging1796000000000 implements MigrationInterface {
  name = 'Messaging1796000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE sms_providers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        kind text NOT NULL CHECK (kind IN ('twilio', 'webhook')),
        priority integer NOT NULL DEFAULT 100,
        enabled boolean NOT NULL DEFAULT true,
        config jsonb NOT NULL DEFAULT '{}',
        secret_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`,
    );
    await db.query(`CREATE INDEX sms_providers_order_idx ON sms_providers (tenant_id, priority, created_at)`);
    await db.query(
      `CREATE TABLE sms_sends (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        phone text NOT NULL,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await db.query(`CREATE INDEX sms_sends_phone_idx ON sms_sends (tenant_id, phone, created_at)`);
    await db.query(
      `CREATE INDEX sms_sends_ip_idx ON sms_sends (tenant_id, ip, created_at) WHERE ip IS NOT NULL`,
    );
    await db.query(`CREATE INDEX sms_sends_time_idx ON sms_sends (tenant_id, created_at)`);
    await db.query(
      `CREATE UNIQUE INDEX deliveries_sent_once ON deliveries (outbox_id) WHERE status = 'sent'`,
    );
    await db.query(`CREATE INDEX deliveries_tenant_page_idx ON deliveries (tenant_id, created_at DESC, id)`);
    await db.query(
      `CREATE INDEX deliveries_recipient_idx ON deliveries (tenant_id, recipient, created_at DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX deliveries_recipient_idx`);
    await db.query(`DROP INDEX deliveries_tenant_page_idx`);
    await db.query(`DROP INDEX deliveries_sent_once`);
    await db.query(`DROP TABLE sms_sends`);
    await db.query(`DROP TABLE sms_providers`);
  }
}
