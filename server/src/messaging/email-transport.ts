import type { Transporter } from 'nodemailer';
import { lazyModule } from '../shared/lazy-module.js';
import type { Logger } from '../shared/logger.js';

/** nodemailer loads with the first mail, not at start-up. */
const nodemailer = lazyModule(() => import('nodemailer'));

export interface EmailToSend {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<outbox id@host>`: the same on every attempt, so a mail delivered twice is seen once. */
  messageId: string;
  headers?: Record<string, string>;
}

/** Where mail goes: SMTP (SMTP_URL), or the log in embedded mode. */
export interface EmailTransport {
  readonly name: string;
  send(mail: EmailToSend): Promise<{ providerMessageId: string }>;
  close(): void;
}

/** nodemailer over SMTP_URL; bounded timeouts, so an SMTP outage fails the attempt (and it retries). */
export class SmtpEmailTransport implements EmailTransport {
  readonly name = 'smtp';
  private transporter: Transporter | undefined;

  constructor(private readonly smtpUrl: string) {}

  async send(mail: EmailToSend): Promise<{ providerMessageId: string }> {
    const transporter = await this.transporterOnce();
    const info = await transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      headers: mail.headers,
    });
    return { providerMessageId: String(info.messageId ?? mail.messageId) };
  }

  close(): void {
    this.transporter?.close();
  }

  private async transporterOnce(): Promise<Transporter> {
    const { default: mailer } = await nodemailer();
    // The URL's query may set other options; these bound every attempt.
    const options = {
      url: this.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    };
    this.transporter ??= mailer.createTransport(options as Parameters<typeof mailer.createTransport>[0]);
    return this.transporter;
  }
}

/**
 * Embedded mode (no SMTP_URL, never in production): the mail is written to the log, links and codes
 * included, so an evaluator can follow them.
 */
export class LogEmailTransport implements EmailTransport {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(mail: EmailToSend): Promise<{ providerMessageId: string }> {
    const { from, to, subject, text, messageId } = mail;
    this.logger.info(
      { email: { from, to, subject, text, messageId } },
      'email (no SMTP_URL: logged, not sent)',
    );
    return { providerMessageId: messageId };
  }

  close(): void {}
}
