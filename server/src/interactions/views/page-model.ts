import type { Locale } from '../../i18n/locales.js';
import type { ErrorMessageKey } from '../../i18n/translate.js';
import type { TenantSettings } from '../../tenants/tenant-settings.js';

/** The tenant's branding (`settings.branding`); every field optional so tests and fallbacks can omit it. */
export type PageBranding = Partial<TenantSettings['branding']>;

/** What every hosted page needs, whatever it shows. */
export interface PageContext {
  /** The negotiated locale (`negotiateLocale`); becomes `<html lang>`. */
  locale: Locale;
  branding: PageBranding;
  /** The per-response CSP nonce (`createCspNonce`), also passed to `hostedPageCsp`. */
  nonce: string;
  /** Used as the brand name when `branding.displayName` is unset, and as `<body data-tenant>`. */
  tenantSlug?: string;
  /** External scripts to load with the nonce (e.g. the passkey ceremony); none are needed yet. */
  scriptSources?: readonly string[];
}

/** A page with at least one form: every form posts `_csrf`. */
export interface FormPageContext extends PageContext {
  csrfToken: string;
  /** A message shown in the page's `role="alert"` element. */
  error?: ErrorMessageKey;
}

/**
 * Extra hidden inputs a form must carry, e.g. oidc-provider's `xsrf` secret on the logout and device
 * pages it owns (`ctx.oidc.session.state.secret`). Rendered after `_csrf`, escaped.
 */
export type HiddenFields = Readonly<Record<string, string>>;

/**
 * `fields` without the names a page's buttons submit. Callers often copy every hidden input of the
 * form oidc-provider built, and that form carries `confirm=yes` (device flow); sent twice, a field
 * makes oidc-provider reject the request (`rejectDupes`), and a hidden `logout` would sign out even
 * on "Stay signed in".
 */
export function withoutButtonFields(
  fields: HiddenFields | undefined,
  buttonNames: readonly string[],
): HiddenFields {
  return Object.fromEntries(Object.entries(fields ?? {}).filter(([name]) => !buttonNames.includes(name)));
}
