import { currentProviderContext } from './oidc-provider-module.js';

/**
 * What Portico adds to oidc-provider's Session payload (ARCHITECTURE.md "Sessions": enriched with
 * device, IP, user agent, created and last-seen time): written at every save of the session during a
 * request; `createdAt` is kept from the first save by the adapter.
 */
export interface SessionEnrichment {
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
}

/**
 * The request oidc-provider is serving comes from its own AsyncLocalStorage (`Provider.ctx`), so
 * Portico adds no second store (each one costs on every promise of the process). The IP is the one
 * Express derived under TRUST_PROXY: oidc.routes.ts hands it to the provider as X-Forwarded-For.
 */
export function sessionEnrichment(now = new Date()): SessionEnrichment | undefined {
  const ctx = currentProviderContext();
  if (!ctx) return undefined;
  const userAgent = ctx.headers['user-agent'];
  return {
    ip: ctx.ip || null,
    userAgent: userAgent?.slice(0, 512) ?? null,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
  };
}
