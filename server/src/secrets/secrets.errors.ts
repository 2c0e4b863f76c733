import { AppError } from '../shared/errors.js';

/** Stable codes of the secrets domain. All are server-side faults (500): callers never cause them. */
export const SecretsErrorCodes = {
  invalidSecretKey: 'invalid_secret_key',
  keyUnknown: 'secret_key_unknown',
  decryptFailed: 'secret_decrypt_failed',
  malformed: 'secret_malformed',
  misuse: 'secret_misuse',
} as const;

export type SecretsErrorCode = (typeof SecretsErrorCodes)[keyof typeof SecretsErrorCodes];

/**
 * Messages name positions and key ids only: a key, a plaintext or a token never appears in an
 * error, because errors end up in logs.
 */
export const SecretsErrors = {
  invalidSecretKey: (position: number, problem: string) =>
    new AppError(
      SecretsErrorCodes.invalidSecretKey,
      500,
      `PORTICO_SECRET_KEY entry ${position} ${problem}.`,
      {
        details: { position },
      },
    ),
  emptySecretKey: () =>
    new AppError(SecretsErrorCodes.invalidSecretKey, 500, 'PORTICO_SECRET_KEY is empty.', {
      details: { position: 1 },
    }),
  keyUnknown: (keyId: string) =>
    new AppError(
      SecretsErrorCodes.keyUnknown,
      500,
      `No key with id ${keyId} is in PORTICO_SECRET_KEY; it was encrypted with a key that was removed.`,
      { details: { keyId } },
    ),
  decryptFailed: (keyId: string, cause: unknown) =>
    new AppError(
      SecretsErrorCodes.decryptFailed,
      500,
      'A stored secret could not be decrypted: it was altered or belongs to another record.',
      { cause, details: { keyId } },
    ),
  malformed: (problem: string) =>
    new AppError(SecretsErrorCodes.malformed, 500, `A stored secret is malformed: ${problem}.`),
  misuse: (problem: string) => new AppError(SecretsErrorCodes.misuse, 500, problem),
};
