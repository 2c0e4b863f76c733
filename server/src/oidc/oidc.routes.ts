import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { TenantsErrors } from '../tenants/tenants.errors.js';
import type { ProviderCache } from './provider-cache.js';
import { runWithOidcRequestContext } from './request-context.js';

/**
 * Mounts each tenant's oidc-provider under `/t/:tenant` (issuer `PUBLIC_URL/t/T`). The provider sees
 * the host and protocol of PUBLIC_URL whatever the proxy sent, and the client IP that Express derived
 * under TRUST_PROXY, so endpoints, Secure cookies and rate limits never trust request headers.
 */
export function oidcRoutes(providers: ProviderCache, publicUrl: string): Router {
  const router = express.Router();
  const { host, protocol } = new URL(publicUrl);
  router.use('/t/:tenant', async (req, res, next) => {
    const entry = await providers.get(String(req.params.tenant));
    if (!entry) return next(TenantsErrors.tenantNotFound(String(req.params.tenant)));
    req.headers['x-forwarded-host'] = host;
    req.headers['x-forwarded-proto'] = protocol.replace(':', '');
    req.headers['x-forwarded-for'] = req.ip ?? '';
    delete req.headers['x-forwarded-port'];
    res.locals.metricsRoute = '/t/:tenant/(oidc)';
    const context = { ip: req.ip, userAgent: req.get('user-agent') };
    await runWithOidcRequestContext(context, () =>
      entry.callback(req as IncomingMessage, res as ServerResponse),
    );
  });
  return router;
}
