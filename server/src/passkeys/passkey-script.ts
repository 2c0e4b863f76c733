import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';

/**
 * The browser side of the passkey ceremonies: `server/assets/passkeys.js`, a static file loaded by the
 * hosted pages with their CSP nonce (no inline script). Its URL carries a hash of its content, so it is
 * cached for a year and a new release is fetched at once.
 */

// dist/server/src/passkeys/ → the repository (or image) root, where server/assets/ lives.
const SCRIPT_FILE = new URL('../../../../server/assets/passkeys.js', import.meta.url);

let loaded: { body: string; version: string } | undefined;

function script() {
  if (!loaded) {
    const body = readFileSync(SCRIPT_FILE, 'utf8');
    loaded = { body, version: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
  }
  return loaded;
}

/** The script's URL for a tenant's pages: `/t/T/assets/passkeys.js?v=HASH`. */
export function passkeyScriptSrc(tenantSlug: string): string {
  return `/t/${encodeURIComponent(tenantSlug)}/assets/passkeys.js?v=${script().version}`;
}

/** GET /t/:tenant/assets/passkeys.js — immutable for its own version, revalidated for any other. */
export function servePasskeyScript(req: Request, res: Response): void {
  const { body, version } = script();
  const current = req.query.v === version;
  res
    .status(200)
    .set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': current ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      ETag: `"${version}"`,
      'X-Content-Type-Options': 'nosniff',
    })
    .send(body);
}
