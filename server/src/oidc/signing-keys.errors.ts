import { AppError } from '../shared/errors.js';

/** Stable codes of the signing-key domain. */
export const SigningKeysErrors = {
  tenantNotFound: (tenantId: string) =>
    new AppError('tenant_not_found', 404, 'The tenant of these signing keys does not exist.', {
      details: { tenantId },
    }),
  // Rotating would activate a key that was never published; ensureKeys creates the missing next key.
  noNextKey: (alg: string) =>
    new AppError(
      'signing_key_next_missing',
      409,
      `There is no next ${alg} signing key to activate; ensure the tenant's keys before rotating.`,
      { details: { alg } },
    ),
  invalidLifetime: (seconds: number) =>
    new AppError(
      'invalid_input',
      400,
      'The longest token lifetime must be a positive whole number of seconds.',
      { details: { seconds } },
    ),
};
