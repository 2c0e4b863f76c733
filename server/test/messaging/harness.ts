import { MailSink } from '../../../test/support/mail-sink.js';
import { SmsReceiver } from '../../../test/support/sms-receiver.js';
import type { JobsRuntime } from '../../src/app/jobs-runtime.js';
import type { Portico } from '../../src/app/portico.js';
import type { OutboxMessage } from '../../src/jobs/outbox.entity.js';
import type { Delivery } from '../../src/messaging/messaging.entity.js';
import type { OutgoingMessage } from '../../src/messaging/messaging.service.js';
import type { SmsProviderDeclaration } from '../../src/messaging/sms-providers.service.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import type { TenantSettingsInput } from '../../src/tenants/tenant-settings.js';
import { waitFor } from '../jobs/wait.js';
import { createTestPortico, type DatabaseKind } from '../support/portico.js';

export const WEBHOOK_SECRET = 'whsec-test-0123456789';

/** A Redis URL on a database index of its own: BullMQ's `portico` prefix is not shared with other runs. */
export const isolatedRedisUrl = (base: string): string => {
  const url = new URL(base);
  url.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  return url.toString();
};

/**
 * A real Portico (composition root) with its jobs runtime, a real SMTP sink as SMTP_URL and a real HTTP
 * receiver for SMS providers (allowed as an outbound host, since it listens on loopback).
 */
export class MessagingHarness {
  tenant!: Tenant;
  private constructor(
    readonly portico: Portico,
    readonly jobs: JobsRuntime,
    readonly sink: MailSink,
    readonly receiver: SmsReceiver,
  ) {}

  static async start(kind: DatabaseKind, env: Record<string, string> = {}): Promise<MessagingHarness> {
    const sink = await MailSink.start();
    const receiver = await SmsReceiver.start({ webhookSecret: WEBHOOK_SECRET });
    const portico = await createTestPortico(kind, {
      SMTP_URL: sink.url,
      SMTP_FROM: 'Portico <no-reply@portico.test>',
      PUBLIC_URL: 'http://id.portico.test',
      PORTICO_OUTBOUND_ALLOWED_HOSTS: new URL(receiver.url).host,
      ...env,
    });
    const jobs = portico.createJobsRuntime();
    await jobs.startWorkers(portico.jobQueues());
    jobs.startRelay();
    const harness = new MessagingHarness(portico, jobs, sink, receiver);
    harness.tenant = await harness.createTenant('acme', { branding: { displayName: 'Acme' } });
    return harness;
  }

  async createTenant(slug: string, settings: TenantSettingsInput = {}): Promise<Tenant> {
    const manager = this.portico.dataSource.manager;
    const tenant = await this.portico.tenants.create(manager, { slug, name: `${slug} Inc` });
    tenant.settings = settings;
    return manager.save(tenant);
  }

  /** `send()` in its own transaction, then a nudge to the relay; returns the outbox id. */
  async send(message: Partial<OutgoingMessage> & Pick<OutgoingMessage, 'to'>): Promise<string> {
    const full: OutgoingMessage = {
      tenant: this.tenant,
      channel: 'email',
      kind: 'email_otp',
      locale: 'en',
      variables: { code: '123456', expiresInMinutes: '10' },
      ...message,
    };
    const id = await this.portico.dataSource.transaction((m) => this.portico.messaging.send(m, full));
    this.jobs.relay.nudge();
    return id;
  }

  async addSmsProvider(
    declared: Partial<SmsProviderDeclaration> & Pick<SmsProviderDeclaration, 'name' | 'kind'>,
    tenant = this.tenant,
  ) {
    return this.portico.smsProviders.create(this.portico.dataSource.manager, tenant.id, {
      url: this.receiver.url,
      from: '+15555550000',
      secret: declared.kind === 'webhook' ? WEBHOOK_SECRET : 'twilio-auth-token',
      accountSid: declared.kind === 'twilio' ? 'AC0123456789' : undefined,
      ...declared,
    });
  }

  deliveries(outboxId: string): Promise<Delivery[]> {
    return this.portico.deliveries.history(outboxId);
  }

  /** Waits until the message's outbox row is finished (done, dead or dropped). */
  async finished(outboxId: string, timeoutMs = 15_000): Promise<OutboxMessage> {
    return waitFor(
      `outbox ${outboxId} to finish`,
      async () => {
        const row = await this.portico.outbox.find(outboxId);
        return row && ['done', 'dead', 'dropped'].includes(row.status) ? row : undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  async close(): Promise<void> {
    await this.jobs.close();
    await this.portico.close();
    await this.sink.close();
    await this.receiver.close();
  }
}

export const statuses = (rows: Delivery[]): string[] => rows.map((r) => r.status);
