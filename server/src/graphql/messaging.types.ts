import 'reflect-metadata';
import { IsBoolean, IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DeliveryStatus, SmsProviderKind } from '../messaging/messaging.entity.js';
import { MESSAGE_KINDS, type MessageChannel, type MessageKind } from '../messaging/messaging.service.js';
import { Connection } from './relay.js';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const MessageKindEnum = enumOf<MessageKind>(MESSAGE_KINDS);
export const MessageChannelEnum = enumOf<MessageChannel>(['email', 'sms']);
export const DeliveryStatusEnum = enumOf<DeliveryStatus>(['queued', 'sent', 'failed', 'dead', 'dropped']);
export const SmsProviderKindEnum = enumOf<SmsProviderKind>(['webhook', 'twilio']);
/** GraphQL enum values cannot hold a hyphen: `pt_BR` stands for the locale `pt-BR`. */
export const MessageLocaleEnum = { en: 'en', de: 'de', fr: 'fr', es: 'es', pt_BR: 'pt-BR' } as const;

registerEnumType(MessageKindEnum, { name: 'MessageKind', description: 'Every message the server sends.' });
registerEnumType(MessageChannelEnum, { name: 'MessageChannel' });
registerEnumType(DeliveryStatusEnum, {
  name: 'DeliveryStatus',
  description:
    'queued: accepted; sent; failed: an attempt failed (retried); dead: gave up; dropped: expired.',
});
registerEnumType(MessageLocaleEnum, {
  name: 'MessageLocale',
  description: 'The locales messages are written in (pt_BR is pt-BR).',
});
registerEnumType(SmsProviderKindEnum, {
  name: 'SmsProviderKind',
  description: 'twilio: a Twilio-compatible Messages API; webhook: signed JSON to a URL.',
});

@ObjectType('MessageTemplate', {
  description: "A tenant's own wording of a message (else the built-in one).",
})
export class MessageTemplateType {
  @Field(() => ID) id!: string;
  @Field(() => MessageKindEnum) kind!: MessageKind;
  @Field(() => MessageChannelEnum) channel!: MessageChannel;
  @Field(() => MessageLocaleEnum) locale!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String) textBody!: string;
  @Field(() => String, { nullable: true, description: 'null: the text in the branded layout.' })
  htmlBody!: string | null;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@InputType({ description: 'Narrows `messageTemplates`.' })
export class MessageTemplatesFilter {
  @Field(() => MessageKindEnum, { nullable: true }) kind?: MessageKind;
  @Field(() => MessageChannelEnum, { nullable: true }) channel?: MessageChannel;
  @Field(() => MessageLocaleEnum, { nullable: true }) locale?: string;
}

@InputType({
  description:
    "A template: `{{variable}}` names one of the kind's variables (and `{{tenantName}}`); values are HTML-escaped in `htmlBody`.",
})
export class SetMessageTemplateInput {
  @Field(() => MessageKindEnum) kind!: MessageKind;
  @Field(() => MessageChannelEnum) channel!: MessageChannel;
  @Field(() => MessageLocaleEnum) locale!: string;
  @Field(() => String, { nullable: true, description: 'Email only.' })
  @IsOptional()
  @Length(1, 300)
  subject?: string | null;
  @Field(() => String) @Length(1, 20_000) textBody!: string;
  @Field(() => String, { nullable: true, description: 'Email only: the body inside the branded frame.' })
  @IsOptional()
  @Length(1, 100_000)
  htmlBody?: string | null;
}

@ObjectType('SmsProvider', { description: 'An SMS provider of the tenant; its secret is never readable.' })
export class SmsProviderType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => SmsProviderKindEnum) kind!: SmsProviderKind;
  @Field(() => Int, { description: 'Providers are tried by ascending priority (failover).' })
  priority!: number;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => String, { description: 'Twilio: the API origin; webhook: the URL posted to.' }) url!: string;
  @Field(() => String, { description: 'The sender number or id.' }) from!: string;
  @Field(() => String, { nullable: true }) accountSid!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@InputType()
export class CreateSmsProviderInput {
  @Field(() => String) @Length(1, 100) name!: string;
  @Field(() => SmsProviderKindEnum) kind!: SmsProviderKind;
  @Field(() => String) @Length(1, 2_000) url!: string;
  @Field(() => String) @Length(1, 16) from!: string;
  @Field(() => String, { nullable: true, description: 'Twilio only.' }) @IsOptional() accountSid?:
    | string
    | null;
  @Field(() => String, { description: 'Twilio auth token or webhook signing secret; write-only.' })
  @Length(8, 500)
  secret!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000) priority?: number;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

@InputType({ description: 'Only the fields given change; `secret` replaces the stored one.' })
export class UpdateSmsProviderInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100) name?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 2_000) url?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 16) from?: string;
  @Field(() => String, { nullable: true }) @IsOptional() accountSid?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(8, 500) secret?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(10_000) priority?: number;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

@ObjectType('Delivery', {
  description: 'One record of a message: accepted (queued), or one delivery attempt.',
})
export class DeliveryType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The message (its outbox id, also its idempotency key).' })
  messageId!: string;
  @Field(() => MessageChannelEnum) channel!: MessageChannel;
  @Field(() => String) recipient!: string;
  @Field(() => DeliveryStatusEnum) status!: DeliveryStatus;
  @Field(() => Int, { description: '0 for the queued record, then 1, 2, …' }) attempt!: number;
  @Field(() => String, { nullable: true }) provider!: string | null;
  @Field(() => String, { nullable: true }) providerMessageId!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => String, { description: 'The message now: pending, enqueued, done, dead or dropped.' })
  messageStatus!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export const DeliveryConnection = Connection(DeliveryType, 'Delivery');

@InputType({ description: 'Narrows `deliveries`; every condition given must hold.' })
export class DeliveriesFilter {
  @Field(() => DeliveryStatusEnum, { nullable: true }) status?: DeliveryStatus;
  @Field(() => MessageChannelEnum, { nullable: true }) channel?: MessageChannel;
  @Field(() => String, { nullable: true, description: 'An email address or phone number, exactly.' })
  recipient?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'At or after this time.' }) since?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Before this time.' }) until?: Date;
}

@ObjectType('DeadMessage', { description: 'A message that used its last attempt (dead-letter).' })
export class DeadMessageType {
  @Field(() => ID) id!: string;
  @Field(() => MessageChannelEnum) channel!: MessageChannel;
  @Field(() => MessageKindEnum) kind!: MessageKind;
  @Field(() => String) recipient!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) diedAt!: Date | null;
}
