import * as client from 'openid-client';
import type { Page, UserAgent } from './user-agent.js';

/** Hosted-page flows as a relying party's user goes through them, shared by the OIDC suites. */

export interface User {
  email: string;
  password: string;
}

/** The error an openid-client call failed with: OAuth error code and HTTP status. */
export async function oauthError(
  promise: Promise<unknown>,
): Promise<{ error: string | undefined; status?: number }> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return { error: e.error, status: e.status };
    if (e instanceof client.WWWAuthenticateChallengeError) {
      return { error: e.cause[0]?.parameters.error, status: e.status };
    }
    if (e instanceof client.AuthorizationResponseError) return { error: e.error };
    throw e;
  }
  throw new Error('expected the request to be refused, but it succeeded');
}

/** Walks the hosted pages (identifier → password → consent) until the server sends the browser elsewhere. */
export async function completeHostedPages(
  agent: UserAgent,
  start: Page,
  user: User,
  consent: 'allow' | 'deny' = 'allow',
): Promise<Page> {
  let page = start;
  for (let step = 0; step < 12; step += 1) {
    if (page.isRedirect) return page;
    if (page.hasForm('/identifier')) {
      page = await agent.submit(page.form('/identifier'), { values: { identifier: user.email } });
    } else if (page.hasForm('/password')) {
      page = await agent.submit(page.form('/password'), { values: { password: user.password } });
    } else if (page.hasForm('/passkey-offer')) {
      // "Not now" to the offer to add a passkey after a password login.
      page = await agent.submit(page.form('/passkey-offer'), { button: { name: 'action', value: 'skip' } });
    } else if (page.hasForm('/consent')) {
      page = await agent.submit(page.form('/consent'), { button: { name: 'decision', value: consent } });
    } else if (page.isAutoSubmit && page.form().action.origin === page.url.origin) {
      page = await agent.autoSubmit(page);
    } else {
      return page;
    }
  }
  throw new Error(`the hosted pages did not finish:\n${page.describe()}`);
}

/** Opens `url` and signs in; returns the URL the server redirected the browser to (the RP's callback). */
export async function authorize(
  agent: UserAgent,
  url: URL,
  user: User,
  consent: 'allow' | 'deny' = 'allow',
): Promise<URL> {
  const final = await completeHostedPages(agent, await agent.navigate(url), user, consent);
  if (!final.isRedirect) throw new Error(`expected a redirect back to the client:\n${final.describe()}`);
  return final.location!;
}

export interface CodeRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function codeRequest(
  config: client.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<CodeRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}
