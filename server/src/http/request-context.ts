import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
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
const LOG = Symbol('portico.requestLogger');

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
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get(this: typeof req & { [LOG]?: Logger }) {
        this[LOG] ??= logger.child({ req: { id, method: this.method, url: this.originalUrl ?? this.url } });
        return this[LOG];
      },
      set(this: typeof req & { [LOG]?: Logger }, value: Logger) {
        this[LOG] = value;
      },
    });
    if (!NOT_LOGGED.has(req.url)) {
      const started = Date.now();
      const complete = () => {
        res.off('close', complete);
        res.off('finish', complete);
        const failed = res.statusCode >= 500;
        if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
        const fields = { res: { statusCode: res.statusCode }, responseTime: Date.now() - started };
        if (failed) {
          req.log.error(
            { ...fields, err: new Error(`failed with status code ${res.statusCode}`) },
            'request errored',
          );
        } else req.log.info(fields, 'request completed');
      };
      res.on('close', complete);
      res.on('finish', complete);
    }
    next();
  };
}
