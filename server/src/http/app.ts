import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { BODY_LIMIT, errorHandler, routeNotFound } from './error-handler.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import type { Metrics } from './metrics.js';
import { requestContext } from './request-context.js';

export interface PublicAppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  checkReadiness: ReadinessCheck;
  /** Domain routers mounted in order (OIDC, hosted pages, GraphQL, …). */
  routers?: Router[];
}

/** The public HTTP surface on PORT. */
export function createPublicApp(deps: PublicAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy !== undefined) app.set('trust proxy', deps.config.trustProxy);
  app.use(requestContext(deps.logger));
  app.use(deps.metrics.httpMiddleware());
  app.use(
    helmet({
      // Hosted pages set their own nonce-based CSP; this default covers JSON endpoints.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      strictTransportSecurity: deps.config.publicUrl.startsWith('https://'),
    }),
  );
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
