import type { EntityManager } from 'typeorm';
import type { OutboxService } from '../jobs/outbox.service.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Tenant } from '../tenants/tenant.entity.js';

export const EMAIL_QUEUE = 'email';
export const SMS_QUEUE = 'sms';

export type MessageChannel = 'email' | 'sms';

/** Every message the server sends, by template kind (one template per kind, channel and locale). */
export const MESSAGE_KINDS = [
  'email_verification',
  'email_change_verification',
  'email_changed_notice',
  'password_reset',
  'password_changed_notice',
  'registration_existing_account',
  'magic_link',
  'email_otp',
  'sms_otp',
  'phone_verification',
  'passkey_added_notice',
  'authenticator_added_notice',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface OutgoingMessage {
  tenant: Tenant;
  channel: MessageChannel;
  kind: MessageKind;
  /** An email address, or a phone number in E.164. */
  to: string;
  /** The recipient's locale (negotiated on the page that caused the message). */
  locale: string;
  /** Values the template names: `link`, `code`, `expiresInMinutes`, … Stored encrypted. */
  variables: Record<string, string>;
  userId?: string | null;
  /** One-time codes: past this the message is dropped unsent (SECURITY.md item 40). */
  expiresAt?: Date | null;
  /** The client that caused the message, for SMS limits per IP. */
  ip?: string | null;
}

/** What the job payload holds: everything but the variables, which may carry codes and links. */
export interface MessagePayload {
  tenantId: string;
  channel: MessageChannel;
  kind: MessageKind;
  to: string;
  locale: string;
  userId: string | null;
  /** The variables, JSON, encrypted with the key ring under the context `message:<to>`. */
  sealedVariables: string;
}

export const sealContext = (to: string) => `message:${to}`;

/**
 * Sending a message (ARCHITECTURE.md "Request flows" → Message): the caller's transaction writes the
 * change and the outbox row together; the email or SMS worker renders and delivers it later.
 */
export class MessagingService {
  constructor(
    private readonly deps: {
      outbox: OutboxService;
      keyRing: KeyRing;
      /** Checks per-tenant SMS limits before an SMS is accepted; throws a `messaging_sms_limited` error. */
      beforeSms?: (manager: EntityManager, message: OutgoingMessage) => Promise<void>;
      /** Records the message as `queued` in the deliveries log, in the same transaction. */
      afterSend?: (manager: EntityManager, message: OutgoingMessage, outboxId: string) => Promise<void>;
    },
  ) {}

  /** Writes the message's job in the caller's transaction; returns the outbox id (the delivery key). */
  async send(manager: EntityManager, message: OutgoingMessage): Promise<string> {
    if (message.channel === 'sms' && this.deps.beforeSms) await this.deps.beforeSms(manager, message);
    const payload: MessagePayload = {
      tenantId: message.tenant.id,
      channel: message.channel,
      kind: message.kind,
      to: message.to,
      locale: message.locale,
      userId: message.userId ?? null,
      sealedVariables: this.deps.keyRing.encrypt(JSON.stringify(message.variables), sealContext(message.to)),
    };
    const outboxId = await this.deps.outbox.add(manager, {
      queue: message.channel === 'email' ? EMAIL_QUEUE : SMS_QUEUE,
      name: message.kind,
      tenantId: message.tenant.id,
      payload: { ...payload },
      expiresAt: message.expiresAt ?? null,
    });
    if (this.deps.afterSend) await this.deps.afterSend(manager, message, outboxId);
    return outboxId;
  }

  /** The variables of a payload, for the worker that renders it. */
  openVariables(payload: MessagePayload): Record<string, string> {
    const json = this.deps.keyRing.decryptString(payload.sealedVariables, sealContext(payload.to));
    return JSON.parse(json) as Record<string, string>;
  }
}
