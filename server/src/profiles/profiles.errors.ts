import { AppError } from '../shared/errors.js';
import type { FieldError } from './profile-values.js';

const invalid = (field: string, message: string) =>
  new AppError('invalid_input', 400, message, { details: { fields: { [field]: message } } });

export const ProfilesErrors = {
  invalidDefinition: (field: string, message: string) => invalid(field, message),
  fieldNotFound: () => new AppError('not_found', 404, 'The profile field was not found.'),
  applicationNotFound: () =>
    new AppError('not_found', 404, 'The application was not found.', {
      details: { fields: { applicationId: 'is not an application of this tenant' } },
    }),
  keyTaken: (key: string) =>
    new AppError('conflict', 409, `Another profile field of this tenant has the key "${key}".`, {
      details: { fields: { key: 'is taken' } },
    }),
  /** Field-level errors: `details.fields` maps `profile.<key>` to a message, `details.errors` has the codes. */
  invalidValues: (errors: readonly FieldError[]) =>
    new AppError('invalid_profile', 400, 'Some profile values are missing or invalid.', {
      details: {
        fields: Object.fromEntries(errors.map((e) => [`profile.${e.key}`, e.message])),
        errors,
      },
    }),
};
