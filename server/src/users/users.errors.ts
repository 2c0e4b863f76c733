import { AppError } from '../shared/errors.js';

export const UsersErrors = {
  emailTaken: () => new AppError('email_taken', 409, 'A user with this email already exists in this tenant.'),
  invalidEmail: () => new AppError('invalid_email', 400, 'The email address is not valid.'),
  invalidPhone: () =>
    new AppError(
      'invalid_phone',
      400,
      'The phone number must be in international E.164 form (+4915112345678).',
    ),
  userNotFound: () => new AppError('not_found', 404, 'The user was not found.'),
  userBlocked: () => new AppError('user_blocked', 409, 'The user is blocked: unblock it first.'),
};
