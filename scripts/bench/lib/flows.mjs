// The OAuth requests of the scenarios, for Portico (issuer /t/<tenant>) and the bare oidc-provider.
import { createHash, randomBytes } from 'node:crypto';
import { completeHostedPages } from '../../../dist/test/support/oidc-flows.js';
import { UserAgent } from '../../../dist/test/support/user-agent.js';
import { BENCH_CLIENT, BENCH_USER, basicAuth } from './fixtures.mjs';

const FORM = 'application/x-www-form-urlencoded';

/** POST `<base>/token` with client_secret_basic; the token response. */
export function tokenRequest(client, base, credentials, params) {
  return client.json({
    method: 'POST',
    path: `${base}/token`,
    headers: { authorization: basicAuth(credentials.id, credentials.secret), 'content-type': FORM },
    body: new URLSearchParams(params).toString(),
  });
}

/** A function making one client-credentials grant (opaque, or a JWT for `resource`). */
export const clientCredentials = (client, base, credentials, resource) => {
  const params = { grant_type: 'client_credentials', ...(resource ? { resource } : {}) };
  return () => tokenRequest(client, base, credentials, params);
};

/** A function making one introspection of `token`, checking it is active. */
export const introspection = (client, base, credentials, token) => {
  const request = {
    method: 'POST',
    path: `${base}/token/introspection`,
    headers: { authorization: basicAuth(credentials.id, credentials.secret), 'content-type': FORM },
    body: new URLSearchParams({ token }).toString(),
  };
  return async () => {
    const body = await client.json(request);
    if (body.active !== true) throw new Error('introspection said the token is inactive');
  };
};

export const userinfo = (client, base, accessToken) => {
  const request = { path: `${base}/me`, headers: { authorization: `Bearer ${accessToken}` } };
  return () => client.json(request);
};

export const jwks = (client, base) => () => client.json({ path: `${base}/jwks` });

/**
 * The whole sign-in of a user at a relying party, as a browser and the RP's back end do it: authorize
 * request with PKCE, identifier page, password page (the hash is verified here), redirect with the
 * code, and the code exchanged at the token endpoint. Returns the token response.
 */
export function passwordLogin(origin, client, tenant, { scope = 'openid', prompt } = {}) {
  return codeLogin(origin, client, `/t/${tenant}`, BENCH_CLIENT, { scope, prompt });
}

/** `passwordLogin` against any issuer at `origin` + `base` (the bare oidc-provider: base ''). */
export async function codeLogin(origin, client, base, credentials, { scope = 'openid', prompt } = {}) {
  const agent = new UserAgent();
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${origin}${base}/auth`);
  url.search = new URLSearchParams({
    client_id: credentials.id,
    response_type: 'code',
    redirect_uri: credentials.redirectUri,
    scope,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
    ...(prompt ? { prompt } : {}),
  }).toString();
  const final = await completeHostedPages(agent, await agent.navigate(url), BENCH_USER);
  const code = final.location?.searchParams.get('code');
  if (!code) throw new Error(`no code after sign-in:\n${final.describe()}`);
  return tokenRequest(client, base, credentials, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: credentials.redirectUri,
    code_verifier: verifier,
  });
}

/**
 * A refresh token of the bench user, obtained by signing in with offline_access at the issuer `origin` +
 * `base` (Portico: `/t/<tenant>` with BENCH_CLIENT; the bare oidc-provider: '' with a reference client).
 */
export async function refreshTokenFor(origin, client, base, credentials) {
  const tokens = await codeLogin(origin, client, base, credentials, {
    scope: 'openid offline_access',
    prompt: 'consent',
  });
  if (!tokens.refresh_token) throw new Error('no refresh token issued');
  return tokens.refresh_token;
}

/** One refresh grant for `worker.refreshToken`, keeping the rotated token. */
export const refreshGrant = (client, base, credentials) => async (worker) => {
  const tokens = await tokenRequest(client, base, credentials, {
    grant_type: 'refresh_token',
    refresh_token: worker.refreshToken,
  });
  if (!tokens.refresh_token) throw new Error('the refresh grant did not rotate the token');
  worker.refreshToken = tokens.refresh_token;
};
