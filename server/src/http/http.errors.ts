import { AppError } from '../shared/errors.js';

export const HttpErrors = {
  routeNotFound: () => new AppError('route_not_found', 404, 'No such endpoint.'),
  invalidJson: (cause: unknown) =>
    new AppError('invalid_json', 400, 'The request body is not valid JSON.', { cause }),
  bodyTooLarge: (limit: string) =>
    new AppError('payload_too_large', 413, `The request body is larger than the limit of ${limit}.`),
  unsupportedMediaType: () =>
    new AppError('unsupported_media_type', 415, 'This content type is not accepted here.'),
  badRequest: (cause: unknown) =>
    new AppError('bad_request', 400, 'The request could not be read.', { cause }),
  internal: (cause: unknown) =>
    new AppError('internal_error', 500, 'Something went wrong on our side.', { cause }),
  shuttingDown: () => new AppError('shutting_down', 503, 'The server is shutting down; retry shortly.'),
};
