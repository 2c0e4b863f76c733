import type { DataSource } from 'typeorm';
import { JobsErrors } from '../jobs/jobs.errors.js';
import { describeError } from '../jobs/outbox.service.js';
import type { OutboundHttp } from '../shared/outbound-http.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { MessageTemplatesService } from './message-templates.service.js';
import type { ChannelSender } from './message-worker.js';
import { MessagingErrors } from './messaging.errors.js';
import { SMS_ADAPTERS } from './sms-adapters.js';
import type { SmsProvidersService } from './sms-providers.service.js';

export interface SmsSenderDeps {
  dataSource: DataSource;
  templates: MessageTemplatesService;
  providers: SmsProvidersService;
  http: OutboundHttp;
  /** Without providers, log the SMS (embedded and development); in production it is an error. */
  logWithoutProvider: boolean;
}

/**
 * SMS: the tenant's template, then its providers in failover order until one accepts. A provider that
 * fails (network, timeout, non-2xx) is logged and the next is tried; when all fail, the attempt fails
 * and the job is retried later, from the first provider again.
 */
export function smsSender(deps: SmsSenderDeps): ChannelSender {
  return async (tenant: Tenant, payload, variables, context) => {
    const manager = deps.dataSource.manager;
    const rendered = await deps.templates.renderSms(manager, tenant, {
      kind: payload.kind,
      locale: payload.locale,
      variables,
    });
    const providers = await deps.providers.failoverOrder(manager, tenant.id);
    if (providers.length === 0) {
      if (!deps.logWithoutProvider) {
        throw JobsErrors.permanentFailure(`Tenant ${tenant.slug} has no SMS provider.`);
      }
      context.logger.info(
        { sms: { to: payload.to, text: rendered.text } },
        'sms (no provider: logged, not sent)',
      );
      return { provider: 'log', providerMessageId: null };
    }
    const failures: string[] = [];
    for (const provider of providers) {
      try {
        const sms = { to: payload.to, body: rendered.text, idempotencyKey: context.jobId };
        const { providerMessageId } = await SMS_ADAPTERS[provider.kind](deps.http, provider, sms);
        return { provider: provider.name, providerMessageId };
      } catch (error) {
        context.logger.warn({ err: error, provider: provider.name }, 'sms provider failed; trying the next');
        failures.push(`${provider.name}: ${describeError(error)}`);
      }
    }
    throw MessagingErrors.smsProvidersFailed(failures);
  };
}
