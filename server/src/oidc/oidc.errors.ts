import { AppError } from '../shared/errors.js';

/** Errors of the oidc domain that are ours (protocol endpoints answer with oidc-provider's errors). */
export const OidcErrors = {
  invalidTenantId: () => new AppError('invalid_tenant_id', 400, 'The tenant id must be a uuid.'),
  invalidAccountId: () =>
    new AppError('invalid_account_id', 400, 'The account id must be a user id (a uuid).'),
  invalidBatchLimit: () =>
    new AppError('invalid_batch_limit', 400, 'The batch limit must be a positive whole number.'),
};
