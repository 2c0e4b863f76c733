import { AppError } from '../shared/errors.js';

/** Errors of the self-service account (pages and the GraphQL `me` mutations). */
export const AccountErrors = {
  currentPasswordWrong: () =>
    new AppError('current_password_invalid', 400, 'The current password is incorrect.', {
      details: { fields: { currentPassword: 'is incorrect' } },
    }),
  newPasswordRejected: (reason: 'too_short' | 'too_long' | 'too_common', message: string) =>
    new AppError(`password_${reason}`, 400, message, { details: { fields: { newPassword: message } } }),
  codeInvalid: () =>
    new AppError('code_invalid', 400, 'The code is incorrect or has expired.', {
      details: { fields: { code: 'is incorrect or has expired' } },
    }),
  invalidProfileField: (field: string, message: string) =>
    new AppError('invalid_input', 400, message, { details: { fields: { [field]: message } } }),
};
