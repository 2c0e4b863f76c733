import type { EntityManager } from 'typeorm';
import { isLocale, type Locale } from '../i18n/locales.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { MessageTemplate } from './messaging.entity.js';
import { MessagingErrors } from './messaging.errors.js';
import { MESSAGE_KINDS, type MessageChannel, type MessageKind } from './messaging.service.js';
import {
  assertKnownVariables,
  brandedHtml,
  escapeHtml,
  fill,
  textTemplateToHtml,
} from './template-render.js';
import { defaultTemplate } from './templates/defaults.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** The locale the wording is in (after fallback). */
  locale: Locale;
}

export interface RenderedSms {
  text: string;
  locale: Locale;
}

export interface TemplateDeclaration {
  kind: MessageKind;
  channel: MessageChannel;
  locale: string;
  subject?: string | null;
  textBody: string;
  htmlBody?: string | null;
}

const MAX_SMS_TEMPLATE = 640;

/**
 * Message wording per tenant, kind, channel and locale: the tenant's own template when it has one,
 * else the built-in one; the recipient's locale first, then the tenant's default locale, then English.
 */
export class MessageTemplatesService {
  async renderEmail(
    manager: EntityManager,
    tenant: Tenant,
    message: { kind: MessageKind; locale: string; variables: Record<string, string> },
  ): Promise<RenderedEmail> {
    const settings = resolveTenantSettings(tenant.settings);
    const tenantName = settings.branding.displayName ?? tenant.name;
    const values = { ...message.variables, tenantName };
    const chosen = await this.choose(manager, tenant, message.kind, 'email', message.locale);
    const subject = fill(chosen.subject, values).replace(/[\r\n]+/g, ' ');
    const body = chosen.htmlBody
      ? fill(chosen.htmlBody, values, escapeHtml)
      : textTemplateToHtml(chosen.textBody, values, settings.branding.primaryColor);
    return {
      subject,
      text: fill(chosen.textBody, values),
      html: brandedHtml({ branding: settings.branding, tenantName, subject, lang: chosen.locale, body }),
      locale: chosen.locale,
    };
  }

  async renderSms(
    manager: EntityManager,
    tenant: Tenant,
    message: { kind: MessageKind; locale: string; variables: Record<string, string> },
  ): Promise<RenderedSms> {
    const settings = resolveTenantSettings(tenant.settings);
    const values = { ...message.variables, tenantName: settings.branding.displayName ?? tenant.name };
    const chosen = await this.choose(manager, tenant, message.kind, 'sms', message.locale);
    return { text: fill(chosen.textBody, values), locale: chosen.locale };
  }

  /** The tenant's own templates, optionally narrowed. */
  list(
    manager: EntityManager,
    tenantId: string,
    filter: { kind?: MessageKind; channel?: MessageChannel; locale?: string } = {},
  ): Promise<MessageTemplate[]> {
    return manager.find(MessageTemplate, {
      where: { tenantId, ...definedOnly(filter) },
      order: { kind: 'ASC', channel: 'ASC', locale: 'ASC' },
    });
  }

  /** Creates or replaces the tenant's template; refused when it names a variable its kind lacks. */
  async set(
    manager: EntityManager,
    tenantId: string,
    declared: TemplateDeclaration,
  ): Promise<MessageTemplate> {
    assertValidTemplate(declared);
    const existing = await manager.findOneBy(MessageTemplate, {
      tenantId,
      kind: declared.kind,
      channel: declared.channel,
      locale: declared.locale,
    });
    const template = existing ?? manager.create(MessageTemplate, { tenantId, kind: declared.kind });
    Object.assign(template, {
      channel: declared.channel,
      locale: declared.locale,
      subject: declared.channel === 'email' ? (declared.subject ?? null) : null,
      textBody: declared.textBody,
      htmlBody: declared.channel === 'email' ? (declared.htmlBody ?? null) : null,
    });
    return manager.save(template);
  }

  /** Deletes the tenant's template (the built-in one applies again); returns what was deleted. */
  async delete(
    manager: EntityManager,
    tenantId: string,
    key: { kind: MessageKind; channel: MessageChannel; locale: string },
  ): Promise<MessageTemplate> {
    const template = await manager.findOneBy(MessageTemplate, { tenantId, ...key });
    if (!template) throw MessagingErrors.templateNotFound();
    await manager.delete(MessageTemplate, { id: template.id, tenantId });
    return template;
  }

  private async choose(
    manager: EntityManager,
    tenant: Tenant,
    kind: MessageKind,
    channel: MessageChannel,
    requested: string,
  ): Promise<{ subject: string; textBody: string; htmlBody: string | null; locale: Locale }> {
    const settings = resolveTenantSettings(tenant.settings);
    const candidates = [...new Set([negotiate(requested), settings.locales.default, 'en' as const])];
    const overrides = await manager.findBy(MessageTemplate, { tenantId: tenant.id, kind, channel });
    for (const locale of candidates) {
      if (!locale) continue;
      const own = overrides.find((t) => t.locale === locale);
      const builtIn = defaultTemplate(kind, locale);
      if (own) {
        return {
          subject: own.subject ?? builtIn.subject,
          textBody: own.textBody,
          htmlBody: own.htmlBody,
          locale,
        };
      }
      return {
        subject: builtIn.subject,
        textBody: channel === 'sms' ? builtIn.sms : builtIn.text,
        htmlBody: null,
        locale,
      };
    }
    throw new Error('unreachable: English is always a candidate');
  }
}

/** `pt-br` → `pt-BR`, `de-AT` → `de`, `pt` → `pt-BR`; undefined when none of ours fits. */
export function negotiate(tag: string): Locale | undefined {
  const exact = ['en', 'de', 'fr', 'es', 'pt-BR'].find((l) => l.toLowerCase() === tag.toLowerCase());
  if (exact && isLocale(exact)) return exact;
  const language = tag.toLowerCase().split(/[-_]/)[0];
  if (language === 'pt') return 'pt-BR';
  return language && isLocale(language) ? language : undefined;
}

function assertValidTemplate(declared: TemplateDeclaration): void {
  if (!(MESSAGE_KINDS as readonly string[]).includes(declared.kind)) {
    throw MessagingErrors.invalidTemplate('kind', `Unknown message kind "${declared.kind}".`);
  }
  if (!isLocale(declared.locale)) {
    throw MessagingErrors.invalidTemplate('locale', 'The locale must be one of en, de, fr, es, pt-BR.');
  }
  if (declared.textBody.trim() === '')
    throw MessagingErrors.invalidTemplate('textBody', 'The text is empty.');
  if (declared.channel === 'sms') {
    if (declared.subject || declared.htmlBody) {
      throw MessagingErrors.invalidTemplate('subject', 'Text messages have neither a subject nor HTML.');
    }
    if (declared.textBody.length > MAX_SMS_TEMPLATE) {
      throw MessagingErrors.invalidTemplate(
        'textBody',
        `A text message template holds at most ${MAX_SMS_TEMPLATE} characters.`,
      );
    }
  }
  assertKnownVariables(declared.kind, 'textBody', declared.textBody);
  if (declared.subject) assertKnownVariables(declared.kind, 'subject', declared.subject);
  if (declared.htmlBody) assertKnownVariables(declared.kind, 'htmlBody', declared.htmlBody);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}
