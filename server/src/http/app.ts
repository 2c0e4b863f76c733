import type { RequestListener } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { type DirectRoute, withDirectRoutes } from './direct-routes.js';
import { BODY_LIMIT, errorHandler, routeNotFound } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import type { Metrics } from './metrics.js';
import { requestContext } from './request-context.js';
import { type SecurityHeaders, securityHeaders } from './security-headers.js';

export interface PublicAppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  checkReadiness: ReadinessCheck;
  /** Domain routers (or plain handlers) mounted in order (OIDC, hosted pages, GraphQL, …). */
  routers?: RequestHandler[];
  /** Routes served before Express (the OIDC protocol endpoints: the hot path). */
  directRoutes?: DirectRoute[];
}

/** The public HTTP surface on PORT: the direct routes, then the Express app. */
export function createPublicApp(deps: PublicAppDeps): RequestListener {
  const headers = securityHeaders(deps.config.publicUrl.startsWith('https://'));
  const app = createPublicExpressApp(deps, headers);
  return withDirectRoutes(app, deps.directRoutes ?? [], { ...deps, securityHeaders: headers });
}

function createPublicExpressApp(deps: PublicAppDeps, headers: SecurityHeaders): Express {
  const app = express();
  app.disable('x-powered-by');
  // Pages carry a fresh CSP nonce and CSRF token and API answers are per request, so an ETag never
  // matches; Express would hash every body for it (docs/PERFORMANCE.md). Static assets set their own.
  app.set('etag', false);
  if (deps.config.trustProxy !== undefined) app.set('trust proxy', deps.config.trustProxy);
  app.use(requestContext(deps.logger));
  app.use(deps.metrics.httpMiddleware());
  app.use((req, res, next) => {
    headers(res, req.path);
    next();
  });
  // Tenant routes (/t/…) parse their own bodies: oidc-provider reads the raw request stream.
  app.use(unlessTenantRoute(parseBodies()));
  app.use(healthRoutes(deps.checkReadiness));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

/** JSON and form bodies with size limits; a bad body becomes a 4xx with a stable code. */
export function parseBodies(): RequestHandler[] {
  return [
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }),
  ];
}

function unlessTenantRoute(handlers: RequestHandler[]): RequestHandler[] {
  return handlers.map(
    (handler) => (req, res, next) => (req.path.startsWith('/t/') ? next() : handler(req, res, next)),
  );
}

/** The management surface on MANAGEMENT_PORT: metrics for scrapers, and the same probes. */
export function createManagementApp(
  deps: Pick<PublicAppDeps, 'logger' | 'metrics' | 'checkReadiness'>,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.logger));
  app.use(healthRoutes(deps.checkReadiness));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}
