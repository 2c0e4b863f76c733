import { AppError } from '../shared/errors.js';

export const ApiKeysErrors = {
  unknownScopes: (scopes: string[]) =>
    new AppError('invalid_scope', 400, `Unknown API key scope(s): ${scopes.join(', ')}.`, {
      details: { scopes },
    }),
  malformedKey: () =>
    new AppError(
      'invalid_api_key',
      400,
      'An API key is "pk_" followed by at least 32 letters, digits or underscores.',
    ),
  nameTaken: (name: string) => new AppError('conflict', 409, `An API key named "${name}" already exists.`),
};
