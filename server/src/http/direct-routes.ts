import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { Logger } from '../shared/logger.js';
import { HttpErrors } from './http.errors.js';
import type { Metrics } from './metrics.js';
import { beginRequest } from './request-context.js';
import type { SecurityHeaders } from './security-headers.js';

/** Serves one request taken by a direct route; `clientIp` is Express's `req.ip` for it. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse, clientIp: string) => Promise<void>;

/**
 * A route served straight from node:http, before Express (docs/PERFORMANCE.md: Express costs ~50 µs of
 * CPU per request, a third of what separates a token grant from the bare provider). Only for handlers
 * that answer by themselves (oidc-provider): no body parsing, routers or Express error handler.
 */
export interface DirectRoute {
  /** The `route` label of the request-duration metric. */
  readonly label: string;
  /** The handler for this request, or undefined to leave it to Express. Reads `req.url` only. */
  match(req: IncomingMessage): DirectHandler | undefined;
}

export interface DirectRouteDeps {
  logger: Logger;
  metrics: Metrics;
  securityHeaders: SecurityHeaders;
}

/**
 * The public server's request listener: a request a direct route takes gets what the Express stack
 * would give it (request id and log line, metrics, security headers, client IP under TRUST_PROXY) and
 * goes to its handler; any other request goes to Express.
 */
export function withDirectRoutes(
  app: Express,
  routes: DirectRoute[],
  deps: DirectRouteDeps,
): RequestListener {
  if (routes.length === 0) return app;
  const clientIp = expressClientIp(app);
  return (req, res) => {
    for (const route of routes) {
      const handler = route.match(req);
      if (!handler) continue;
      const path = req.url ?? '/';
      beginRequest(req, res, deps.logger);
      deps.metrics.observeRequest(req, res, () => route.label);
      deps.securityHeaders(res, path);
      handler(req, res, clientIp(req)).catch((error: unknown) => fail(req, res, error));
      return;
    }
    app(req, res);
  };
}

/**
 * Express's own `req.ip` getter (proxy-addr with the compiled TRUST_PROXY setting of `app`), applied to
 * a plain request: the same address the Express routes see, without Express's per-request set-up.
 */
function expressClientIp(app: Express): (req: IncomingMessage) => string {
  let getter: (() => string | undefined) | undefined;
  for (let proto: object | null = app.request; proto && !getter; proto = Object.getPrototypeOf(proto)) {
    getter = Object.getOwnPropertyDescriptor(proto, 'ip')?.get;
  }
  if (!getter) throw new Error('express request has no ip getter');
  return (req) =>
    getter.call({ app, headers: req.headers, socket: req.socket, connection: req.socket }) ?? '';
}

/** As the Express error handler answers an unexpected error. */
function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  req.log.error({ err: error }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const appError = HttpErrors.internal(error);
  res.statusCode = appError.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code: appError.code, message: appError.message, requestId: req.id } }));
}
