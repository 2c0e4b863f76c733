import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Sets the security headers of a response for the request path it answers. */
export type SecurityHeaders = (res: ServerResponse, path: string) => void;

/**
 * Security headers. JSON endpoints get a CSP that allows nothing. Tenant routes (/t/…) get one that
 * oidc-provider can extend: it appends the hash of its auto-submit script (form_post, device flow) to
 * `script-src`; hosted pages replace the header with their own nonce-based policy. Helmet's headers
 * depend only on its options, so they are computed once and set from a list on each request.
 */
export function securityHeaders(https: boolean): SecurityHeaders {
  const withPolicy = (directives: Record<string, string[]>) =>
    headersOf(
      helmet({ contentSecurityPolicy: { useDefaults: false, directives }, strictTransportSecurity: https }),
    );
  const api = withPolicy({ defaultSrc: ["'none'"], frameAncestors: ["'none'"] });
  const tenant = withPolicy({
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  });
  return (res, path) => {
    for (const [name, value] of path.startsWith('/t/') ? tenant : api) res.setHeader(name, value);
  };
}

/** The headers a header-only middleware (helmet without function directives) sets. */
function headersOf(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: () => undefined,
  };
  middleware({} as Request, recorder as unknown as Response, () => undefined);
  return headers;
}
