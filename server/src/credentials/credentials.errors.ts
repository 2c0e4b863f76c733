import { AppError } from '../shared/errors.js';

/** Stable codes of the credentials domain. */
export const CredentialsErrorCodes = {
  invalidPasswordHashPolicy: 'invalid_password_hash_policy',
  passwordTooShort: 'password_too_short',
  invalidCredentials: 'invalid_credentials',
  noEmailForReset: 'user_has_no_email',
} as const;

export type CredentialsErrorCode = (typeof CredentialsErrorCodes)[keyof typeof CredentialsErrorCodes];

export const CredentialsErrors = {
  /** 500: a policy reaching the hasher is configuration the server accepted; settings input is checked earlier. */
  invalidPasswordHashPolicy: (problems: readonly string[]) =>
    new AppError(
      CredentialsErrorCodes.invalidPasswordHashPolicy,
      500,
      `The password hash policy is invalid: ${problems.join('; ')}.`,
      { details: { problems } },
    ),
  passwordTooShort: (minLength: number) =>
    new AppError(
      CredentialsErrorCodes.passwordTooShort,
      400,
      `Passwords have at least ${minLength} characters.`,
      {
        details: { minLength },
      },
    ),
  /**
   * 401: the one answer to every failed password login — wrong password, unknown or blocked account,
   * locked account, throttled IP — so none of them can be told apart (SECURITY.md items 2 and 3).
   */
  invalidCredentials: () =>
    new AppError(CredentialsErrorCodes.invalidCredentials, 401, 'The sign-in details are not correct.'),
  noEmailForReset: () =>
    new AppError(
      CredentialsErrorCodes.noEmailForReset,
      400,
      'The user has no email address to send a reset link to.',
    ),
};
