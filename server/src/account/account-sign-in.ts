import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { ACCOUNT_CLIENT_ID, accountRedirectUri } from '../oidc/oidc-clients.js';
import type { TenantProvider } from '../oidc/provider-cache.js';
import { issuerOf } from '../oidc/provider-factory.js';
import type { Logger } from '../shared/logger.js';
import {
  ACCOUNT_SESSION_MAX_AGE,
  type AccountCookies,
  accountPath,
  nowSeconds,
  PENDING_SIGN_IN_MAX_AGE,
} from './account-cookies.js';

export type CallbackOutcome =
  | { ok: true; returnTo: string }
  | { ok: false; reason: 'no_pending' | 'state' | 'denied' | 'code' | 'pkce' | 'session' };

const randomToken = () => randomBytes(32).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

const sameString = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Signing in to the account pages through the tenant's own OIDC provider, as its built-in public client
 * `portico-account` (authorization code + PKCE S256). The callback does not call the token endpoint:
 * the server may not reach its own PUBLIC_URL from inside (behind a proxy), and it needs no tokens —
 * only who signed in, when, how, and in which session. So it does in-process what the token endpoint
 * would: it finds the AuthorizationCode model through the tenant's provider, checks client, expiry,
 * single use, redirect URI and the PKCE verifier, consumes it, and checks the session it names.
 */
export class AccountSignIn {
  constructor(
    private readonly deps: {
      publicUrl: string;
      cookies: AccountCookies;
      logger: Logger;
      countOutcome: (outcome: string) => void;
    },
  ) {}

  /** Redirects to the tenant's authorization endpoint; `reauth` forces a fresh login (prompt=login). */
  start(
    res: Response,
    entry: TenantProvider,
    options: { returnTo: string; reauth: boolean; uiLocales?: string },
  ) {
    const { tenant } = entry;
    const issuer = issuerOf(this.deps.publicUrl, tenant);
    const pending = {
      state: randomToken(),
      verifier: randomToken(),
      returnTo: safeReturnTo(tenant.slug, options.returnTo),
      exp: nowSeconds() + PENDING_SIGN_IN_MAX_AGE,
    };
    this.deps.cookies.writePending(res, tenant, pending);
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: accountRedirectUri(issuer),
      state: pending.state,
      code_challenge: s256(pending.verifier),
      code_challenge_method: 'S256',
      ...(options.reauth ? { prompt: 'login' } : {}),
      ...(options.uiLocales ? { ui_locales: options.uiLocales } : {}),
    }).toString();
    res.redirect(303, url.href);
  }

  async callback(req: Request, res: Response, entry: TenantProvider): Promise<CallbackOutcome> {
    const outcome = await this.exchange(req, res, entry);
    this.deps.countOutcome(outcome.ok ? 'success' : outcome.reason);
    if (!outcome.ok) {
      this.deps.logger.info({ tenant: entry.tenant.slug, reason: outcome.reason }, 'account sign-in refused');
    }
    return outcome;
  }

  private async exchange(req: Request, res: Response, entry: TenantProvider): Promise<CallbackOutcome> {
    const { tenant, provider } = entry;
    const pending = this.deps.cookies.readPending(req, tenant);
    if (!pending) return { ok: false, reason: 'no_pending' };
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    if (!sameString(state, pending.state)) return { ok: false, reason: 'state' };
    this.deps.cookies.clear(res, tenant, 'pending');
    if (typeof req.query.error === 'string') return { ok: false, reason: 'denied' };
    const code = typeof req.query.code === 'string' ? req.query.code.slice(0, 512) : '';
    const found = await provider.AuthorizationCode.find(code, { ignoreExpiration: true });
    const redirectUri = accountRedirectUri(issuerOf(this.deps.publicUrl, tenant));
    if (
      !found ||
      found.clientId !== ACCOUNT_CLIENT_ID ||
      found.isExpired ||
      // A spent code is refused (oidc-provider's typings omit `consumed`, which find() sets).
      (found as { consumed?: unknown }).consumed !== undefined ||
      typeof found.accountId !== 'string' ||
      found.redirectUri !== redirectUri ||
      typeof found.sessionUid !== 'string'
    ) {
      return { ok: false, reason: 'code' };
    }
    if (
      found.codeChallengeMethod !== 'S256' ||
      !sameString(s256(pending.verifier), found.codeChallenge ?? '')
    )
      return { ok: false, reason: 'pkce' };
    await found.consume();
    const session = await provider.Session.findByUid(found.sessionUid);
    const accountId = found.accountId as string;
    if (!session || session.accountId !== accountId) return { ok: false, reason: 'session' };
    const now = nowSeconds();
    this.deps.cookies.writeSession(res, tenant, {
      sub: accountId,
      authTime: found.authTime ?? session.loginTs ?? now,
      amr: found.amr ?? [],
      sid: found.sessionUid,
      exp: now + ACCOUNT_SESSION_MAX_AGE,
    });
    return { ok: true, returnTo: pending.returnTo };
  }
}

/** Only a page of this tenant's account pages: never an open redirect. */
export function safeReturnTo(slug: string, returnTo: string): string {
  const base = accountPath(slug);
  return /^[A-Za-z0-9/_-]*$/.test(returnTo) && (returnTo === base || returnTo.startsWith(`${base}/`))
    ? returnTo
    : base;
}
