import type { DataSource } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { EmailTransport } from './email-transport.js';
import type { MessageTemplatesService } from './message-templates.service.js';
import type { ChannelSender } from './message-worker.js';

export interface EmailSenderDeps {
  dataSource: DataSource;
  templates: MessageTemplatesService;
  transport: EmailTransport;
  /** SMTP_FROM: the From of tenants that did not set `messaging.email.from`. */
  defaultFrom: string;
  /** The right-hand side of Message-IDs (the host of PUBLIC_URL). */
  messageIdDomain: string;
}

/**
 * Email: the tenant's template in the recipient's locale, from the tenant's From address. The
 * Message-ID is derived from the outbox id, so a mail sent again after a crash is the same mail to the
 * recipient's client (which shows it once).
 */
export function emailSender(deps: EmailSenderDeps): ChannelSender {
  return async (tenant: Tenant, payload, variables, context) => {
    const rendered = await deps.templates.renderEmail(deps.dataSource.manager, tenant, {
      kind: payload.kind,
      locale: payload.locale,
      variables,
    });
    const from = resolveTenantSettings(tenant.settings).messaging.email.from ?? deps.defaultFrom;
    const { providerMessageId } = await deps.transport.send({
      from,
      to: payload.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: emailMessageId(context.jobId, deps.messageIdDomain),
      headers: { 'X-Portico-Message-Kind': payload.kind, 'Content-Language': rendered.locale },
    });
    return { provider: deps.transport.name, providerMessageId };
  };
}

export const emailMessageId = (outboxId: string, domain: string): string => `<${outboxId}@${domain}>`;
