import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { DirectRoute } from '../http/direct-routes.js';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import type { ProviderCache, TenantProvider } from './provider-cache.js';

/**
 * Mounts each tenant's oidc-provider under `/t/:tenant` (issuer `PUBLIC_URL/t/T`). The provider sees
 * the host and protocol of PUBLIC_URL whatever the proxy sent, and the client IP that Express derived
 * under TRUST_PROXY, so endpoints, Secure cookies and rate limits never trust request headers.
 */
export function oidcRoutes(providers: ProviderCache, publicUrl: string): Router {
  const router = express.Router();
  const forward = forwarder(publicUrl);
  // Express has already mounted the request under `/t/:tenant` (`baseUrl`, `url`).
  const forwardMounted = (entry: TenantProvider, req: Request, res: Response) =>
    forward(entry, req, res, req.baseUrl, req.url, req.ip ?? '');
  router.use('/t/:tenant', async (req, res, next) => {
    const tenant = String(req.params.tenant);
    const entry = await providers.get(tenant);
    if (!entry) return next(TenantsErrors.tenantNotFound(tenant));
    res.locals.metricsRoute = OIDC_ROUTE_LABEL;
    await forwardMounted(entry, req, res);
  });
  return router;
}

/**
 * The protocol endpoints of oidc-provider (ARCHITECTURE.md "Public contract"), matched by their first
 * path segment: none of them is a hosted page (`interaction/`, `verify-email`, `reset-password`).
 */
const PROTOCOL_URL =
  /^\/t\/([A-Za-z0-9._~-]+)(\/(?:token|me|jwks|auth|request|device|session|backchannel|reg|\.well-known)(?:[/?].*)?)$/;

/**
 * The same dispatch as `oidcRoutes` for the endpoints above, mounted before the hosted pages' routers
 * so a protocol request is not matched against every route of the hosted pages first. It serves the
 * requests `oidcDirectRoute` leaves to Express (first request of a tenant, unknown tenant); anything
 * else falls through to `oidcRoutes`.
 */
export function oidcProtocolRoutes(providers: ProviderCache, publicUrl: string): RequestHandler {
  const forward = forwarder(publicUrl);
  return async (req, res, next) => {
    const match = PROTOCOL_URL.exec(req.url);
    if (!match) return next();
    const [, tenant = '', rest = '/'] = match;
    const entry = await providers.get(tenant);
    if (!entry) return next(TenantsErrors.tenantNotFound(tenant));
    res.locals.metricsRoute = OIDC_ROUTE_LABEL;
    await forward(entry, req, res, `/t/${tenant}`, rest, req.ip ?? '');
  };
}

/**
 * The hot path (docs/PERFORMANCE.md): the protocol endpoints of a tenant whose provider is built,
 * served before Express. A tenant not in the cache (first request, unknown or suspended tenant) is left
 * to Express, which builds it or answers `tenant_not_found`.
 */
export function oidcDirectRoute(providers: ProviderCache, publicUrl: string): DirectRoute {
  const forward = forwarder(publicUrl);
  return {
    label: OIDC_ROUTE_LABEL,
    match(req) {
      const match = PROTOCOL_URL.exec(req.url ?? '');
      if (!match) return undefined;
      const [, tenant = '', rest = '/'] = match;
      const entry = providers.cached(tenant);
      if (!entry) return undefined;
      return (request, res, clientIp) => {
        (request as Partial<Request>).originalUrl = request.url;
        return forward(entry, request, res, `/t/${tenant}`, rest, clientIp);
      };
    },
  };
}

const OIDC_ROUTE_LABEL = '/t/:tenant/(oidc)';

function forwarder(publicUrl: string) {
  const { host, protocol } = new URL(publicUrl);
  const proto = protocol.replace(':', '');
  return (
    entry: TenantProvider,
    req: IncomingMessage,
    res: ServerResponse,
    base: string,
    rest: string,
    ip: string,
  ) => {
    // As Express does when it mounts a handler under a path: oidc-provider derives its mount path
    // from `originalUrl` minus `url`.
    (req as Partial<Request>).baseUrl = base;
    req.url = rest;
    req.headers['x-forwarded-host'] = host;
    req.headers['x-forwarded-proto'] = proto;
    req.headers['x-forwarded-for'] = ip;
    delete req.headers['x-forwarded-port'];
    return entry.callback(req, res);
  };
}
