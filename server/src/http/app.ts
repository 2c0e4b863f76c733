import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
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
  /** Domain routers (or plain handlers) mounted in order (OIDC, hosted pages, GraphQL, …). */
  routers?: RequestHandler[];
}

/** The public HTTP surface on PORT. */
export function createPublicApp(deps: PublicAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy !== undefined) app.set('trust proxy', deps.config.trustProxy);
  app.use(requestContext(deps.logger));
  app.use(deps.metrics.httpMiddleware());
  app.use(securityHeaders(deps.config.publicUrl.startsWith('https://')));
  // Tenant routes (/t/…) parse their own bodies: oidc-provider reads the raw request stream.
  app.use(unlessTenantRoute(parseBodies()));
  app.use(healthRoutes(deps.checkReadiness));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

/**
 * Security headers. JSON endpoints get a CSP that allows nothing. Tenant routes (/t/…) get one that
 * oidc-provider can extend: it appends the hash of its auto-submit script (form_post, device flow) to
 * `script-src`; hosted pages replace the header with their own nonce-based policy. Helmet's headers
 * depend only on its options, so they are computed once and set from a list on each request.
 */
function securityHeaders(https: boolean): RequestHandler {
  const withPolicy = (directives: Record<string, string[]>) =>
    headersOf(
      helmet({ contentSecurityPolicy: { useDefaults: false, directives }, strictTransportSecurity: https }),
    );
  const api = withPolicy({ defaultSrc: ["'none'"], frameAncestors: ["'none'"] });
  const tenant = withPolicy({
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  });
  return (req, res, next) => {
    for (const [name, value] of req.path.startsWith('/t/') ? tenant : api) res.setHeader(name, value);
    next();
  };
}

/** The headers a header-only middleware (helmet without function directives) sets. */
function headersOf(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  middleware({} as Request, recorder as unknown as Response, () => undefined);
  return headers;
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
