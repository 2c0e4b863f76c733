import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { MessageChannel } from './messaging.service.js';

/** A tenant's own wording of one message kind, channel and locale (the built-in default otherwise). */
@Entity('message_templates')
export class MessageTemplate {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') kind!: string;
  @Column('text') locale!: string;
  @Column('text') channel!: MessageChannel;
  /** Email only. */
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text', { name: 'text_body' }) textBody!: string;
  /** Email only; null: the text, in the tenant's branded layout. */
  @Column('text', { name: 'html_body', nullable: true }) htmlBody!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'dead' | 'dropped';

/** One attempt to deliver a message (or its acceptance, `queued`): what happened, through whom. */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'outbox_id' }) outboxId!: string;
  @Column('uuid', { name: 'tenant_id', nullable: true }) tenantId!: string | null;
  @Column('text') channel!: MessageChannel | 'webhook';
  @Column('text') recipient!: string;
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('text') status!: DeliveryStatus;
  @Column('integer') attempt!: number;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export type SmsProviderKind = 'twilio' | 'webhook';

/** Where a Twilio-compatible API lives and whom it bills; or where a webhook provider listens. */
export interface SmsProviderConfig {
  /** Twilio: the API origin (https://api.twilio.com or a compatible one). Webhook: the URL posted to. */
  url: string;
  /** The sender: a number in E.164 or an alphanumeric sender id. */
  from: string;
  /** Twilio only: the account SID (the basic-auth user). */
  accountSid?: string;
}

/** An SMS provider of a tenant; providers are tried by ascending priority (failover). */
@Entity('sms_providers')
export class SmsProvider {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') name!: string;
  @Column('text') kind!: SmsProviderKind;
  @Column('integer') priority!: number;
  @Column('boolean') enabled!: boolean;
  @Column('jsonb') config!: SmsProviderConfig;
  /** The auth token (Twilio) or signing secret (webhook), encrypted with the key ring; never read out. */
  @Column('text', { name: 'secret_encrypted' }) secretEncrypted!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
