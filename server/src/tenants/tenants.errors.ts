import { AppError } from '../shared/errors.js';

export const TenantsErrors = {
  tenantNotFound: (slug: string) => new AppError('tenant_not_found', 404, `There is no tenant "${slug}".`),
  reservedSlug: (slug: string) =>
    new AppError('tenant_slug_reserved', 400, `The tenant slug "${slug}" is reserved.`),
  invalidSlug: () =>
    new AppError(
      'invalid_slug',
      400,
      'A slug is 1–63 lowercase letters, digits or dashes, starting with a letter or digit.',
    ),
};
