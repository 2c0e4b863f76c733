import { AppError } from '../shared/errors.js';

/** Stable codes of the passkeys domain. */
export const PasskeysErrorCodes = {
  registrationFailed: 'passkey_registration_failed',
  alreadyRegistered: 'passkey_already_registered',
  invalidResponse: 'passkey_invalid_response',
} as const;

export const PasskeysErrors = {
  /** 400: the attestation did not verify (wrong origin, RP ID, challenge, or a spent/expired challenge). */
  registrationFailed: (cause?: unknown) =>
    new AppError(PasskeysErrorCodes.registrationFailed, 400, 'The passkey could not be registered.', {
      cause,
    }),
  alreadyRegistered: () =>
    new AppError(PasskeysErrorCodes.alreadyRegistered, 409, 'This passkey is already registered.'),
  invalidResponse: () =>
    new AppError(PasskeysErrorCodes.invalidResponse, 400, 'The passkey response is not well-formed.'),
};
