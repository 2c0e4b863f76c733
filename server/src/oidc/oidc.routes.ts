import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
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
  router.use('/t/:tenant', async (req, res, next) => {
    const tenant = String(req.params.tenant);
    const entry = await providers.get(tenant);
    if (!entry) return next(TenantsErrors.tenantNotFound(tenant));
    await forward(entry, req, res);
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
 * The hot path (docs/PERFORMANCE.md): the same dispatch as `oidcRoutes` for the endpoints above, mounted
 * before the hosted pages' routers so a token, introspection, userinfo or JWKS request is not matched
 * against every route of the hosted pages first. Anything else falls through to `oidcRoutes`.
 */
export function oidcProtocolRoutes(providers: ProviderCache, publicUrl: string): RequestHandler {
  const forward = forwarder(publicUrl);
  return async (req, res, next) => {
    const match = PROTOCOL_URL.exec(req.url);
    if (!match) return next();
    const [, tenant = '', rest = '/'] = match;
    const entry = await providers.get(tenant);
    if (!entry) return next(TenantsErrors.tenantNotFound(tenant));
    // As Express does when it mounts a handler under a path: oidc-provider derives its mount path
    // from `originalUrl` minus `url`.
    req.baseUrl = `/t/${tenant}`;
    req.url = rest;
    await forward(entry, req, res);
  };
}

function forwarder(publicUrl: string) {
  const { host, protocol } = new URL(publicUrl);
  const proto = protocol.replace(':', '');
  return (entry: TenantProvider, req: Request, res: Response) => {
    req.headers['x-forwarded-host'] = host;
    req.headers['x-forwarded-proto'] = proto;
    req.headers['x-forwarded-for'] = req.ip ?? '';
    delete req.headers['x-forwarded-port'];
    res.locals.metricsRoute = '/t/:tenant/(oidc)';
    return entry.callback(req as IncomingMessage, res as ServerResponse);
  };
}
