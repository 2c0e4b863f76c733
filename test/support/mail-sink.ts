import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the sink received, parsed. */
export interface ReceivedMail {
  /** The Message-ID header, `<…>` included (Portico derives it from the outbox id). */
  messageId: string | undefined;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail['headers'];
  receivedAt: Date;
}

export interface MailSinkOptions {
  /** Port to listen on; 0 (default) picks a free one, kept across `stop()`/`start()`. */
  port?: number;
  /**
   * Delay before the sink answers "250 OK" to a message it has already stored: a client killed in
   * that window has delivered a mail it never saw accepted (the crash a retry must not duplicate).
   */
  acceptDelayMs?: number;
}

/**
 * A real SMTP server for tests (smtp-server + mailparser): no auth, no TLS, every mail kept in order.
 *
 *   const sink = await MailSink.start();
 *   const portico = await createTestPortico('postgres', { SMTP_URL: sink.url });
 *   const mail = await sink.waitForMail((m) => m.to.includes('alice@example.com'), 10_000);
 *   await sink.stop();   // an SMTP outage: connections are refused …
 *   await sink.start();  // … and it is back, on the same port
 *   await sink.close();
 */
export class MailSink {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private port = 0;
  private waiters: (() => void)[] = [];

  private constructor(private readonly options: MailSinkOptions) {
    this.port = options.port ?? 0;
  }

  /** A running sink. */
  static async start(options: MailSinkOptions = {}): Promise<MailSink> {
    const sink = new MailSink(options);
    await sink.start();
    return sink;
  }

  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Starts listening (again, on the same port after `stop()`). */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            this.store(parsed);
            setTimeout(() => callback(), this.options.acceptDelayMs ?? 0);
          },
          (error: Error) => callback(error),
        );
      },
    });
    // A client that vanished mid-session (a killed worker) is an expected event here, not a crash.
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: senders see the SMTP server down. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // smtp-server's close waits for clients to leave; a down server does not wait.
    for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections) {
      connection.close();
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops the sink for good. */
  close(): Promise<void> {
    return this.stop();
  }

  /** The first mail (already received or still to come) matching `predicate`; rejects after the timeout. */
  async waitForMail(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.mails.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none';
        throw new Error(`no matching mail within ${timeoutMs} ms (received: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Mails to `address` (case-insensitive). */
  mailsTo(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.mails.filter((m) => m.to.some((to) => to.toLowerCase() === wanted));
  }

  /** What a mail client shows: mails with the same Message-ID are one message. */
  distinctMessageIds(predicate: (mail: ReceivedMail) => boolean = () => true): string[] {
    return [
      ...new Set(this.mails.filter(predicate).map((m) => m.messageId ?? `(none ${m.receivedAt.getTime()})`)),
    ];
  }

  clear(): void {
    this.mails.length = 0;
  }

  private store(parsed: ParsedMail): void {
    const addresses = (value: ParsedMail['to']) =>
      (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
        a.value.map((v) => v.address ?? ''),
      );
    this.mails.push({
      messageId: parsed.messageId,
      from: parsed.from?.text ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      headers: parsed.headers,
      receivedAt: new Date(),
    });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
