import type * as OidcProvider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

let loading: Promise<typeof OidcProvider> | undefined;
let providerClass: typeof OidcProvider.default | undefined;

/**
 * oidc-provider (and jose, koa, …) is loaded when the first tenant Provider is built, or by the warm-up
 * that `serve` starts once it listens, not before the server is ready (docs/PERFORMANCE.md "Start-up").
 */
export function loadOidcProvider(): Promise<typeof OidcProvider> {
  loading ??= import('oidc-provider').then((module) => {
    providerClass = module.default;
    return module;
  });
  return loading;
}

/** The request a Provider is serving (oidc-provider's AsyncLocalStorage), if any. */
export const currentProviderContext = (): KoaContextWithOIDC | undefined => providerClass?.ctx;
