import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../shared/logger.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id (kept from a safe `X-Request-Id`, else new), echoed as `X-Request-Id`. */
    id: string;
    /** A child logger carrying `req: { id, method, url }`, built on first use. */
    log: Logger;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const NOT_LOGGED = new Set(['/healthz', '/readyz']);
const ROOT = Symbol('portico.rootLogger');
const LOG = Symbol('portico.requestLogger');

type ContextRequest = IncomingMessage &
  Partial<Pick<Request, 'originalUrl'>> & { [ROOT]?: Logger; [LOG]?: Logger };

/**
 * `req.log` as a getter on the request prototype (Express's `app.request`, or node's IncomingMessage
 * for the routes served before Express), defined once: defining it on each request would turn every
 * request object into a slow dictionary-mode object.
 */
function defineLazyLog(prototype: object): void {
  if (Object.hasOwn(prototype, 'log')) return;
  Object.defineProperty(prototype, 'log', {
    configurable: true,
    get(this: ContextRequest) {
      this[LOG] ??= (this[ROOT] as Logger).child({
        req: { id: this.id, method: this.method, url: this.originalUrl ?? this.url },
      });
      return this[LOG];
    },
    set(this: ContextRequest, value: Logger) {
      this[LOG] = value;
    },
  });
}

/**
 * A request id on every request (kept from `X-Request-Id` when it looks safe, else new), echoed in the
 * response, and a child logger `req.log` carrying it. Each finished request is logged ("request
 * completed" at info, "request errored" at error for 5xx); health probes are not logged.
 *
 * Hot path (docs/PERFORMANCE.md): the child logger is built only when something logs through it, and
 * nothing is serialized for a completion line whose level is off (the default level is `warn`).
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    beginRequest(req, res, logger);
    next();
  };
}

/**
 * What `requestContext` does for one request, also used by the routes served before Express
 * (http/direct-routes.ts): the id, its response header, `req.log`, and the completion line.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  const request = req as ContextRequest;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  request.id = id;
  request[ROOT] = logger;
  defineLazyLog(Object.getPrototypeOf(req));
  if (NOT_LOGGED.has(req.url ?? '')) return;
  const started = Date.now();
  // 'close' follows 'finish', and also ends a response cut short.
  res.once('close', () => {
    const failed = res.statusCode >= 500;
    if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
    const fields = { res: { statusCode: res.statusCode }, responseTime: Date.now() - started };
    if (failed) {
      req.log.error(
        { ...fields, err: new Error(`failed with status code ${res.statusCode}`) },
        'request errored',
      );
    } else req.log.info(fields, 'request completed');
  });
}
