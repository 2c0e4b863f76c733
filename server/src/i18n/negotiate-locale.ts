import type { Locale } from './locales.js';

export interface LocaleNegotiationInput {
  /** OIDC `ui_locales`: space-separated BCP 47 tags, most preferred first. Wins over Accept-Language. */
  uiLocales?: string | undefined;
  /** The raw `Accept-Language` request header, with optional q-values. */
  acceptLanguage?: string | undefined;
  /** The tenant's supported locales (`settings.locales.supported`). */
  supported: readonly Locale[];
  /** The tenant's default locale (`settings.locales.default`); used when nothing else matches. */
  fallback: Locale;
}

// Headers are client input: only look at a bounded prefix of them.
const maxInputLength = 1024;
const maxRanges = 32;
const languageTagPattern = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

/**
 * Picks the page locale: the first `ui_locales` tag the tenant supports, else the Accept-Language
 * range with the highest q-value the tenant supports, else the fallback. A tag matches a supported
 * locale exactly (case-insensitive) or by language alone (`de-AT` → `de`, `pt` or `pt-PT` → `pt-BR`).
 */
export function negotiateLocale(input: LocaleNegotiationInput): Locale {
  const candidates = [...uiLocaleTags(input.uiLocales), ...acceptLanguageTags(input.acceptLanguage)];
  for (const tag of candidates) {
    const match = matchSupportedLocale(tag, input.supported);
    if (match) return match;
  }
  return input.supported.includes(input.fallback) ? input.fallback : (input.supported[0] ?? input.fallback);
}

/** The supported locale a single language tag selects, if any. */
export function matchSupportedLocale(tag: string, supported: readonly Locale[]): Locale | undefined {
  const wanted = tag.toLowerCase();
  const exact = supported.find((locale) => locale.toLowerCase() === wanted);
  if (exact) return exact;
  const language = primaryLanguage(wanted);
  return (
    supported.find((locale) => locale.toLowerCase() === language) ??
    supported.find((locale) => primaryLanguage(locale.toLowerCase()) === language)
  );
}

const primaryLanguage = (tag: string): string => tag.split('-', 1)[0] ?? tag;

function uiLocaleTags(uiLocales: string | undefined): string[] {
  if (!uiLocales) return [];
  return uiLocales
    .slice(0, maxInputLength)
    .split(/\s+/)
    .filter((tag) => languageTagPattern.test(tag))
    .slice(0, maxRanges);
}

/** Accept-Language ranges ordered by q-value (stable for equal q), without `*` and `q=0`. */
function acceptLanguageTags(header: string | undefined): string[] {
  if (!header) return [];
  const ranges = header
    .slice(0, maxInputLength)
    .split(',')
    .slice(0, maxRanges)
    .map((part, position) => parseLanguageRange(part, position))
    .filter((range): range is LanguageRange => range !== undefined && range.quality > 0);
  ranges.sort((a, b) => b.quality - a.quality || a.position - b.position);
  return ranges.map((range) => range.tag);
}

interface LanguageRange {
  tag: string;
  quality: number;
  position: number;
}

function parseLanguageRange(part: string, position: number): LanguageRange | undefined {
  const [rawTag = '', ...parameters] = part.split(';').map((piece) => piece.trim());
  if (!languageTagPattern.test(rawTag)) return undefined; // also drops the `*` wildcard
  let quality = 1;
  for (const parameter of parameters) {
    const qualityMatch = /^q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i.exec(parameter);
    if (qualityMatch) quality = Number(qualityMatch[1]);
    else if (/^q\s*=/i.test(parameter)) return undefined; // malformed q-value: ignore the range
  }
  return { tag: rawTag, quality, position };
}
