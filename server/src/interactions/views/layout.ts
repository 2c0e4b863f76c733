import type { Locale } from '../../i18n/locales.js';
import { t } from '../../i18n/translate.js';
import { type HtmlValue, html, type SafeHtml, scriptElement, styleElement } from './html.js';
import type { PageBranding } from './page-model.js';
import { brandPalette, paletteCustomProperties } from './palette.js';
import { baseStylesheet } from './stylesheet.js';

export interface LayoutOptions {
  locale: Locale;
  /** The page's own title, already translated; the brand name is appended. */
  title: string;
  branding: PageBranding;
  nonce: string;
  body: SafeHtml;
  tenantSlug?: string | undefined;
  scriptSources?: readonly string[] | undefined;
}

/**
 * The document every hosted page is rendered into: `<html lang>` in the negotiated locale, the
 * tenant's colours as CSS custom properties, then the tenant's own CSS (which may override anything
 * but cannot leave its `<style>` element), and the brand above a card holding the page body.
 */
export function layout(options: LayoutOptions): string {
  const brandName = options.branding.displayName ?? options.tenantSlug;
  const documentTitle = brandName ? `${options.title} – ${brandName}` : options.title;
  const palette = brandPalette(options.branding);
  const customCss = options.branding.customCss;
  const page = html`<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${documentTitle}</title>
${styleElement({ nonce: options.nonce, css: `${paletteCustomProperties(palette)}\n${baseStylesheet}` })}
${customCss ? styleElement({ nonce: options.nonce, css: customCss }) : false}
${(options.scriptSources ?? []).map((src) => scriptElement({ nonce: options.nonce, src }))}
</head>
<body${options.tenantSlug ? html` data-tenant="${options.tenantSlug}"` : false}>
${brandHeader(options.locale, options.branding.logoUrl, brandName)}
<main class="portico-card">
${options.body}
</main>
</body>
</html>
`;
  return page.toString();
}

function brandHeader(locale: Locale, logoUrl: string | undefined, brandName: string | undefined): HtmlValue {
  if (logoUrl) {
    const alt = brandName ?? t(locale, 'layout.logoAlt');
    return html`<header class="portico-brand"><img src="${logoUrl}" alt="${alt}" referrerpolicy="no-referrer"></header>`;
  }
  return brandName ? html`<header class="portico-brand">${brandName}</header>` : false;
}
