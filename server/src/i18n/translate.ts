import { de } from './catalogs/de.js';
import { en, type MessageCatalog, type MessageKey } from './catalogs/en.js';
import { es } from './catalogs/es.js';
import { fr } from './catalogs/fr.js';
import { ptBR } from './catalogs/pt-BR.js';
import type { Locale } from './locales.js';

export type { ErrorMessageKey, MessageCatalog, MessageKey } from './catalogs/en.js';

export const catalogs: Readonly<Record<Locale, MessageCatalog>> = { en, de, fr, es, 'pt-BR': ptBR };

export type MessageParams = Readonly<Record<string, string | number>>;

const placeholderPattern = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/**
 * The message `key` in `locale`, with `{name}` placeholders replaced by `params`. The result is plain
 * text: the HTML builder escapes it (and the values in it) when it is interpolated. A placeholder
 * without a value stays as it is, so a forgotten parameter shows up instead of vanishing.
 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const message = catalogs[locale][key];
  return message.replace(placeholderPattern, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** The placeholder names of a message, sorted: catalogs must agree on them. */
export function messagePlaceholders(message: string): string[] {
  return [...message.matchAll(placeholderPattern)].map((match) => match[1] ?? '').sort();
}

/** Whether `key` is a message key (for values that arrive as strings). */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);
