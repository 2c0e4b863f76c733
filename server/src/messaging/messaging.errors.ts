import { AppError } from '../shared/errors.js';

/** Stable codes of the messaging domain. */
export const MessagingErrorCodes = {
  /** An SMS was refused by the tenant's limits against SMS pumping (per number, per IP, per day). */
  smsLimited: 'messaging_sms_limited',
  /** A template names a variable its message kind does not have, or is malformed. */
  invalidTemplate: 'messaging_invalid_template',
  /** Every SMS provider of the tenant failed this attempt (the job is retried). */
  smsProvidersFailed: 'messaging_sms_providers_failed',
  /** A provider answered, but refused the message (the reason is in the error). */
  providerRejected: 'messaging_provider_rejected',
  /** A recipient address or number no provider could ever accept. */
  invalidRecipient: 'messaging_invalid_recipient',
} as const;

export type SmsLimitKind = 'number' | 'ip' | 'tenant';

export const MessagingErrors = {
  smsLimited: (limit: SmsLimitKind) =>
    new AppError(
      MessagingErrorCodes.smsLimited,
      429,
      'Too many text messages were requested; try again later.',
      { details: { limit } },
    ),
  invalidTemplate: (field: string, message: string) =>
    new AppError(MessagingErrorCodes.invalidTemplate, 400, message, {
      details: { fields: { [field]: message } },
    }),
  smsProvidersFailed: (failures: readonly string[]) =>
    new AppError(
      MessagingErrorCodes.smsProvidersFailed,
      502,
      `Every SMS provider failed: ${failures.join('; ')}`,
      { details: { failures } },
    ),
  providerRejected: (provider: string, status: number, body: string) =>
    new AppError(
      MessagingErrorCodes.providerRejected,
      502,
      `${provider} answered ${status}: ${body.slice(0, 200)}`,
      { details: { provider, status } },
    ),
  invalidRecipient: (to: string) =>
    new AppError(MessagingErrorCodes.invalidRecipient, 400, `"${to}" cannot receive messages.`),
  providerNotFound: () => new AppError('not_found', 404, 'The SMS provider was not found.'),
  templateNotFound: () => new AppError('not_found', 404, 'The tenant has no such message template.'),
  providerNameTaken: () =>
    new AppError('conflict', 409, 'Another SMS provider of this tenant has this name.', {
      details: { fields: { name: 'is taken' } },
    }),
  invalidProvider: (field: string, message: string) =>
    new AppError('invalid_input', 400, message, { details: { fields: { [field]: message } } }),
};
