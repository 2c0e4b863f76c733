import { AppError } from '../shared/errors.js';

/** Stable codes of the MFA domain (TOTP, recovery codes, remembered devices, factor lifecycle). */
export const MfaErrorCodes = {
  invalidCode: 'mfa_invalid_code',
  totpNotPending: 'totp_not_pending',
  totpAlreadyEnrolled: 'totp_already_enrolled',
  factorNotFound: 'factor_not_found',
  reauthenticationRequired: 'reauthentication_required',
  lastFactor: 'last_factor_required',
  factorNotAllowed: 'factor_not_allowed',
  invalidPasskeyName: 'invalid_passkey_name',
} as const;

export const MfaErrors = {
  /** 401: a wrong, reused or expired code, or a locked account: one answer for all (SECURITY.md item 2). */
  invalidCode: () => new AppError(MfaErrorCodes.invalidCode, 401, 'The code is not correct.'),
  totpNotPending: () =>
    new AppError(
      MfaErrorCodes.totpNotPending,
      409,
      'There is no authenticator app waiting for confirmation.',
    ),
  totpAlreadyEnrolled: () =>
    new AppError(MfaErrorCodes.totpAlreadyEnrolled, 409, 'An authenticator app is already set up.'),
  factorNotFound: () => new AppError(MfaErrorCodes.factorNotFound, 404, 'The factor was not found.'),
  /** 403: adding or removing a factor needs a sign-in within the last 5 minutes (SECURITY.md item 11). */
  reauthenticationRequired: (maxAgeSeconds: number) =>
    new AppError(
      MfaErrorCodes.reauthenticationRequired,
      403,
      `Sign in again to change your sign-in methods (needs a sign-in within ${maxAgeSeconds / 60} minutes).`,
      { details: { maxAgeSeconds } },
    ),
  lastFactor: () =>
    new AppError(
      MfaErrorCodes.lastFactor,
      409,
      'This is your last second factor and your organization requires one: add another first.',
    ),
  invalidPasskeyName: (max: number) =>
    new AppError(MfaErrorCodes.invalidPasskeyName, 400, `A passkey name has 1 to ${max} characters.`),
  factorNotAllowed: (kind: string) =>
    new AppError(MfaErrorCodes.factorNotAllowed, 403, `The factor "${kind}" is not enabled for this tenant.`),
};
