import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isAppError } from '../shared/errors.js';
import { HttpErrors } from './http.errors.js';

export const BODY_LIMIT = '100kb';

/** Errors raised by body-parser carry a `type`; each gets a stable code of ours. */
function fromBodyParser(error: { type?: string; status?: number }) {
  switch (error.type) {
    case 'entity.parse.failed':
      return HttpErrors.invalidJson(error);
    case 'entity.too.large':
      return HttpErrors.bodyTooLarge(BODY_LIMIT);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return HttpErrors.unsupportedMediaType();
    default:
      return error.status !== undefined && error.status >= 400 && error.status < 500
        ? HttpErrors.badRequest(error)
        : undefined;
  }
}

export const routeNotFound: RequestHandler = (_req, _res, next) => next(HttpErrors.routeNotFound());

/**
 * Every error leaves as JSON `{ error: { code, message, requestId } }` with no stack (STYLE.md §4):
 * 5xx are logged with their stack, 4xx at debug.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const appError = isAppError(error) ? error : (fromBodyParser(error) ?? HttpErrors.internal(error));
  if (appError.status >= 500) req.log.error({ err: error }, 'request failed');
  else req.log.debug({ code: appError.code }, appError.message);
  res.status(appError.status).json({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details ? { details: appError.details } : {}),
      requestId: req.id,
    },
  });
};
