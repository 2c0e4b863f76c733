import { AppError } from '../shared/errors.js';

const invalid = (field: string, message: string) =>
  new AppError('invalid_input', 400, message, { details: { fields: { [field]: message } } });

export const ConsentErrors = {
  invalidKey: () =>
    invalid('key', 'A policy key is 1–63 lowercase letters, digits, dots, dashes or underscores.'),
  invalidKind: () => invalid('kind', 'A policy kind is terms, privacy, marketing or custom.'),
  invalidTitle: (message: string) => invalid('title', message),
  invalidUrl: () => invalid('url', 'A policy url is an absolute http(s) URL of at most 2048 characters.'),
  invalidSource: () => invalid('source', 'Unknown consent source.'),
  policyNotFound: () => new AppError('not_found', 404, 'The consent policy was not found.'),
  outdatedVersion: (key: string, current: number) =>
    new AppError(
      'policy_version_outdated',
      409,
      `Only the current version (${current}) of policy "${key}" can be granted.`,
      { details: { key, current } },
    ),
  required: (keys: string[]) =>
    new AppError('consent_required', 400, `These required policies must be accepted: ${keys.join(', ')}.`, {
      details: { keys },
    }),
  publishConflict: (key: string) =>
    new AppError('conflict', 409, `Another version of policy "${key}" was published at the same time.`),
};
