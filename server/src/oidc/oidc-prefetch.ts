import { currentProviderContext } from './oidc-provider-module.js';

/**
 * The models whose lookup also reads their Grant, their Session when they expire with it, and their
 * account (docs/PERFORMANCE.md): oidc-provider looks the Session up by uid inside the token's `find`
 * (`checkSessionBinding`), the Grant right after it and then the account (`findAccount`), with no write
 * in between (refresh grant, userinfo, code grant), so reading them in the token's statement saves a
 * round trip each. The same goes for the account of a Session and of an Interaction's login result:
 * the authorization endpoint reads its Session and then that Session's account (`loadAccount`), and the
 * resume reads its Interaction and then the account the result signs in (oidc-key-batches.ts).
 */
export const GRANT_BEARING_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode'];

/** What a lookup brought along, by the oidc-provider request (Koa context) that read it. */
const prefetched = new WeakMap<object, Map<string, object>>();

/**
 * How a prefetched model is looked up next: the Grant by id, the Session by uid, the account by its
 * (lower-case) user id. Grants and Sessions are AdapterPayloads; an account is oidc-accounts.ts's AccountUser.
 */
export type PrefetchKey = `Grant:${string}` | `Session:${string}` | `Account:${string}`;

/** The current request (if any) will look this model up next: keep it for that request only. */
export function rememberModel(request: object | undefined, key: PrefetchKey, payload: object): void {
  if (!request) return;
  let models = prefetched.get(request);
  if (!models) {
    models = new Map();
    prefetched.set(request, models);
  }
  models.set(key, payload);
}

/** The model read along with a token in this request, once: a second lookup reads the database. */
export function takeModel(request: object | undefined, key: PrefetchKey): object | undefined {
  const models = request ? prefetched.get(request) : undefined;
  const payload = models?.get(key);
  if (payload) models?.delete(key);
  return payload;
}

export const currentRequest = (): object | undefined => currentProviderContext();
