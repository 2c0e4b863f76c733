import type { DataSource } from 'typeorm';
import type { QueueHandlers } from '../app/jobs-runtime.js';
import type { Config } from '../config/config.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../shared/logger.js';
import type { OutboundHttp } from '../shared/outbound-http.js';
import type { DeliveriesService } from './deliveries.service.js';
import { emailSender } from './email.sender.js';
import { type EmailTransport, LogEmailTransport, SmtpEmailTransport } from './email-transport.js';
import type { MessageTemplatesService } from './message-templates.service.js';
import { messageHandlers } from './message-worker.js';
import { EMAIL_QUEUE, type MessagingService, SMS_QUEUE } from './messaging.service.js';
import { smsSender } from './sms.sender.js';
import type { SmsProvidersService } from './sms-providers.service.js';

export interface MessagingJobsDeps {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  metrics: Metrics;
  messaging: MessagingService;
  templates: MessageTemplatesService;
  deliveries: DeliveriesService;
  smsProviders: SmsProvidersService;
  http: OutboundHttp;
  emailTransport: EmailTransport;
}

/** SMTP when SMTP_URL is set; the log otherwise (embedded mode; production requires SMTP_URL). */
export const createEmailTransport = (config: Config, logger: Logger): EmailTransport =>
  config.smtpUrl ? new SmtpEmailTransport(config.smtpUrl) : new LogEmailTransport(logger);

/** The `email` and `sms` queues' processors (ARCHITECTURE.md "Request flows" → Message). */
export function messagingQueues(deps: MessagingJobsDeps): QueueHandlers {
  const { config, dataSource, templates } = deps;
  const email = emailSender({
    dataSource,
    templates,
    transport: deps.emailTransport,
    defaultFrom: config.smtpFrom,
    messageIdDomain: new URL(config.publicUrl).hostname,
  });
  const sms = smsSender({
    dataSource,
    templates,
    providers: deps.smsProviders,
    http: deps.http,
    logWithoutProvider: !config.production,
  });
  return {
    [EMAIL_QUEUE]: { handlers: messageHandlers('email', email, deps), concurrency: 4 },
    [SMS_QUEUE]: { handlers: messageHandlers('sms', sms, deps), concurrency: 4 },
  };
}
