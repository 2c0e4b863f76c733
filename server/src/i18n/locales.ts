/**
 * The locales hosted pages are translated into. Tenants choose a subset (`settings.locales.supported`)
 * and a default; the tenant settings schema lists the same five tags.
 */
export const supportedLocales = ['en', 'de', 'fr', 'es', 'pt-BR'] as const;

export type Locale = (typeof supportedLocales)[number];

export const isLocale = (value: string): value is Locale =>
  (supportedLocales as readonly string[]).includes(value);
