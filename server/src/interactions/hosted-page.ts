import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate-locale.js';
import type { KeyRing } from '../secrets/key-ring.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { createCspNonce, hostedPageHeaders } from './views/csp.js';
import type { PageContext } from './views/page-model.js';

/** What a hosted page needs from the request, whichever framework (Express or oidc-provider's Koa) serves it. */
export interface PageRequest {
  tenant: Tenant;
  uiLocales?: string | undefined;
  acceptLanguage?: string | undefined;
}

export interface RenderedPage {
  context: PageContext;
  headers: Record<string, string>;
}

/**
 * The per-response parts of every hosted page: negotiated locale (`ui_locales`, then Accept-Language,
 * within the tenant's locales), branding, and a fresh CSP nonce with its headers. `formActionOrigins`
 * lets a form's POST end in a redirect to a relying party.
 */
export function pageContext(request: PageRequest, formActionOrigins: readonly string[] = []): RenderedPage {
  const settings = resolveTenantSettings(request.tenant.settings);
  const locale = pageLocale(request);
  const nonce = createCspNonce();
  return {
    context: {
      locale,
      // The tenant's name is the brand unless a display name was set.
      branding: { ...settings.branding, displayName: settings.branding.displayName ?? request.tenant.name },
      nonce,
      tenantSlug: request.tenant.slug,
    },
    headers: { ...hostedPageHeaders({ nonce, formActionOrigins }), 'Cache-Control': 'no-store' },
  };
}

/** The locale a hosted page is shown in: `ui_locales`, then Accept-Language, within the tenant's locales. */
export function pageLocale(request: PageRequest): Locale {
  const { locales } = resolveTenantSettings(request.tenant.settings);
  return negotiateLocale({
    uiLocales: request.uiLocales,
    acceptLanguage: request.acceptLanguage,
    supported: locales.supported,
    fallback: locales.default,
  });
}

/**
 * CSRF tokens for hosted forms: an HMAC over the tenant and the interaction (or flow) id, with a key
 * from the key ring. A forged cross-site POST would need both the victim's interaction cookie and
 * this token; SameSite=Lax cookies already stop most such requests.
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(keyRing: KeyRing) {
    this.key = keyRing.deriveKey('hosted-page-csrf');
  }

  issue(tenantId: string, flowId: string): string {
    return createHmac('sha256', this.key).update(`${tenantId}:${flowId}`).digest('base64url');
  }

  verify(tenantId: string, flowId: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.issue(tenantId, flowId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
