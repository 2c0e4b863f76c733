import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is on the other end of the request oidc-provider is serving: for session records. */
export interface OidcRequestContext {
  ip: string | undefined;
  userAgent: string | undefined;
}

const storage = new AsyncLocalStorage<OidcRequestContext>();

export const runWithOidcRequestContext = <T>(context: OidcRequestContext, work: () => T): T =>
  storage.run(context, work);

export const currentOidcRequestContext = (): OidcRequestContext | undefined => storage.getStore();

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

export function sessionEnrichment(now = new Date()): SessionEnrichment | undefined {
  const context = currentOidcRequestContext();
  if (!context) return undefined;
  return {
    ip: context.ip ?? null,
    userAgent: context.userAgent?.slice(0, 512) ?? null,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
  };
}
