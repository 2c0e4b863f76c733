import type { AdapterPayload } from 'oidc-provider';
import { currentProviderContext } from './oidc-provider-module.js';

/**
 * The models whose lookup also reads their Grant (docs/PERFORMANCE.md): oidc-provider finds the Grant
 * right after one of these tokens, with no write in between (refresh grant, userinfo, code grant), so
 * reading both in one statement saves a round trip per request.
 */
export const GRANT_BEARING_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode'];

/** Grants read along with a token, by the oidc-provider request (Koa context) that read them. */
const prefetched = new WeakMap<object, Map<string, AdapterPayload>>();

/** The current request (if any) will find this Grant next: keep it for that request only. */
export function rememberGrant(request: object | undefined, grantId: string, payload: AdapterPayload): void {
  if (!request) return;
  let grants = prefetched.get(request);
  if (!grants) {
    grants = new Map();
    prefetched.set(request, grants);
  }
  grants.set(grantId, payload);
}

/** The Grant read along with a token in this request, once: a second lookup reads the database. */
export function takeGrant(request: object | undefined, grantId: string): AdapterPayload | undefined {
  const grants = request ? prefetched.get(request) : undefined;
  const payload = grants?.get(grantId);
  if (payload) grants?.delete(grantId);
  return payload;
}

export const currentRequest = (): object | undefined => currentProviderContext();
