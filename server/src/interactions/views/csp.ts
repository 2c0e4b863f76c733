import { randomBytes } from 'node:crypto';

/**
 * Content Security Policy of the hosted pages (SECURITY.md 37): nothing loads unless listed, styles
 * and scripts only with the per-response nonce (no 'unsafe-inline'), requests from scripts only to this
 * origin, no framing, no <base>.
 */
export interface HostedPageCspOptions {
  /** The per-response nonce, from `createCspNonce()`; the same value goes into the page model. */
  nonce: string;
  /**
   * Where forms may lead besides this origin. Browsers apply form-action to the redirects that follow
   * a POST, so pass the origin of the RP's redirect_uri (consent, login) or post_logout_redirect_uri
   * (logout). Full URLs are reduced to their origin; native-app schemes (`com.example.app:/cb`)
   * become a scheme source.
   */
  formActionOrigins?: readonly string[];
}

// base64 or base64url, at least 128 bits: no quote, space or semicolon can reach the header.
const noncePattern = /^[A-Za-z0-9+/_-]{22,}={0,2}$/;
const forbiddenFormActionSchemes = new Set(['javascript', 'data', 'blob', 'file', 'filesystem', 'vbscript']);

/** A fresh 128-bit nonce, base64. Never reuse one across responses. */
export const createCspNonce = (): string => randomBytes(16).toString('base64');

export function hostedPageCsp(options: HostedPageCspOptions): string {
  if (!noncePattern.test(options.nonce)) throw new Error('CSP nonce must be base64 of at least 128 bits');
  const nonceSource = `'nonce-${options.nonce}'`;
  const formActions = ["'self'", ...new Set((options.formActionOrigins ?? []).map(formActionSource))];
  return [
    "default-src 'none'",
    `style-src ${nonceSource}`,
    "img-src 'self' https: data:",
    `form-action ${formActions.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `script-src ${nonceSource} 'strict-dynamic'`,
    // The passkey script posts its ceremonies to this origin (server/assets/passkeys.js).
    "connect-src 'self'",
  ].join('; ');
}

/** The CSP source expression for a redirect target; throws for anything that is not a plain origin or app scheme. */
export function formActionSource(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`form-action origin is not an absolute URL: ${JSON.stringify(target)}`);
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (forbiddenFormActionSchemes.has(scheme) || !/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    throw new Error(`form-action scheme not allowed: ${scheme}`);
  }
  return `${scheme}:`;
}

/**
 * The response headers every hosted page is sent with: the CSP above, no referrer (interaction URLs
 * must not leak to logo hosts or RPs; reset pages need it by SECURITY.md 28), no caching of pages that
 * hold CSRF tokens, no MIME sniffing.
 */
export function hostedPageHeaders(options: HostedPageCspOptions): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': hostedPageCsp(options),
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}
