import type { Locale } from '../../i18n/locales.js';
import type { MessageKind } from '../messaging.service.js';
import { de } from './de.js';
import type { DefaultCatalog, DefaultTemplate } from './defaults.types.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ptBR } from './pt-BR.js';

/** The built-in wording of every message kind, in every locale the hosted pages speak. */
export const DEFAULT_CATALOGS: Readonly<Record<Locale, DefaultCatalog>> = { en, de, fr, es, 'pt-BR': ptBR };

export const defaultTemplate = (kind: MessageKind, locale: Locale): DefaultTemplate =>
  DEFAULT_CATALOGS[locale][kind];
