import { AppError } from '../shared/errors.js';

/**
 * Errors of the GraphQL API (STYLE.md §4). They are AppErrors like every other domain's; the GraphQL
 * error mapping (error-format.ts) turns each into an UPPER_SNAKE `extensions.code`.
 */
export const GraphqlErrors = {
  unauthenticated: () =>
    new AppError(
      'unauthenticated',
      401,
      'Authentication required: send "Authorization: Bearer <API key | access token>".',
    ),
  invalidCredentials: () =>
    new AppError('invalid_token', 401, 'The API key or access token is invalid, expired or revoked.'),
  forbidden: (permission: string) =>
    new AppError('forbidden', 403, `This principal lacks the permission "${permission}".`, {
      details: { permission },
    }),
  invalidCursor: (argument = 'after') =>
    new AppError('invalid_cursor', 400, 'The cursor is not one this API issued.', {
      details: { fields: { [argument]: 'is not a valid cursor' } },
    }),
  pageSizeExceeded: (requested: number, max: number) =>
    new AppError(
      'page_size_exceeded',
      400,
      `A page holds at most ${max} items; ${requested} were requested.`,
      {
        details: { max, requested },
      },
    ),
  queryTooDeep: (max: number) =>
    new AppError('query_too_deep', 400, `The query nests fields deeper than ${max} levels.`, {
      details: { max },
    }),
  queryTooCostly: (max: number) =>
    new AppError('query_too_costly', 400, `The query could cost more than ${max} points; ask for less.`, {
      details: { max },
    }),
  tooManyAliases: (max: number) =>
    new AppError('too_many_aliases', 400, `The query uses more than ${max} aliases.`, { details: { max } }),
  invalidProfile: (message: string) =>
    new AppError('invalid_input', 400, message, { details: { fields: { profile: message } } }),
  slugTaken: (slug: string) =>
    new AppError('slug_taken', 409, `A tenant with the slug "${slug}" already exists.`),
  expiryInPast: () =>
    new AppError('invalid_input', 400, 'An API key must expire in the future.', {
      details: { fields: { expiresAt: 'must be in the future' } },
    }),
  apiKeyNotFound: () => new AppError('not_found', 404, 'The API key was not found.'),
  scopeEscalation: (scopes: string[]) =>
    new AppError(
      'scope_escalation',
      403,
      `A principal cannot grant scopes it does not hold: ${scopes.join(', ')}.`,
      {
        details: { scopes },
      },
    ),
  usernameTaken: () =>
    new AppError('username_taken', 409, 'A user with this username already exists in this tenant.'),
};

/** Errors of organization administration through the API. */
export const OrganizationErrors = {
  notFound: () => new AppError('not_found', 404, 'The organization was not found.'),
  memberNotFound: () => new AppError('not_found', 404, 'The user is not a member of the organization.'),
  domainNotFound: () => new AppError('not_found', 404, 'The organization domain was not found.'),
  alreadyMember: () => new AppError('conflict', 409, 'The user is already a member of the organization.'),
  slugTaken: () => new AppError('slug_taken', 409, 'Another organization of this tenant has this slug.'),
  domainTaken: () =>
    new AppError('domain_taken', 409, 'Another organization of this tenant claims this domain.'),
  invalidDomain: () =>
    new AppError('invalid_input', 400, 'A domain is a lowercase host name such as "example.com".', {
      details: { fields: { domain: 'must be a lowercase host name' } },
    }),
};

/** Errors of application administration through the API. */
export const ApplicationErrors = {
  notFound: () => new AppError('not_found', 404, 'The application was not found.'),
  invalid: (field: string, message: string) =>
    new AppError('invalid_input', 400, message, { details: { fields: { [field]: message } } }),
  taken: (field: 'clientId' | 'entityId') =>
    new AppError('conflict', 409, `Another application of this tenant has this ${field}.`, {
      details: { fields: { [field]: 'is taken' } },
    }),
  noSecret: () =>
    new AppError('invalid_input', 400, 'Only confidential OIDC clients have a secret to rotate.'),
};

/** Errors of tenant role administration through the API. */
export const RoleErrors = {
  notFound: () => new AppError('not_found', 404, 'The tenant role was not found.'),
  builtIn: (name: string) =>
    new AppError(
      'role_built_in',
      400,
      `"${name}" is a built-in role: it cannot be created, changed or deleted.`,
      {
        details: { fields: { name: 'is a built-in role' } },
      },
    ),
  taken: () =>
    new AppError('conflict', 409, 'A tenant role with this name already exists.', {
      details: { fields: { name: 'is taken' } },
    }),
  unknownPermissions: (permissions: string[]) =>
    new AppError('invalid_input', 400, `Unknown permissions: ${permissions.join(', ')}.`, {
      details: { fields: { permissions: `unknown: ${permissions.join(', ')}` } },
    }),
  /** SECURITY.md item 32: delegated admins cannot grant more than they hold. */
  escalation: (permissions: string[]) =>
    new AppError(
      'permission_escalation',
      403,
      `A principal cannot grant or take away permissions it does not hold: ${permissions.join(', ')}.`,
      { details: { permissions } },
    ),
};
