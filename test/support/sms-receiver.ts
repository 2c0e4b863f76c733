import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One SMS as a provider received it, from either API shape. */
export interface ReceivedSms {
  /** `twilio` (form post to …/Accounts/{sid}/Messages.json) or `webhook` (signed JSON). */
  api: 'twilio' | 'webhook';
  /** The path it was posted to (tells providers on one receiver apart). */
  path: string;
  to: string;
  from: string;
  body: string;
  /** Twilio's `I-Twilio-Idempotency-Token`, or the webhook's event id. */
  idempotencyKey: string | undefined;
  /** Twilio: the account SID of the basic auth. */
  accountSid?: string;
  /** Twilio: the basic-auth password; webhook: whether the signature matched `webhookSecret`. */
  authToken?: string;
  signatureValid?: boolean;
  headers: http.IncomingHttpHeaders;
}

export interface SmsReceiverOptions {
  /** The secret webhook signatures are checked against (`signatureValid`). */
  webhookSecret?: string;
}

/**
 * An HTTP server standing in for SMS providers: it answers Twilio's Messages API
 * (`POST /…/2010-04-01/Accounts/{sid}/Messages.json`, form body, basic auth) and generic webhooks
 * (any other `POST`, JSON signed with `x-portico-signature: t=…,v1=…`). Every request is kept, failed
 * ones too (`attempts`); only accepted ones are in `messages`.
 *
 *   const receiver = await SmsReceiver.start({ webhookSecret: 'whsec-…' });
 *   receiver.failNext('/primary', 3, 503);      // the next 3 posts to /primary answer 503
 *   receiver.failAlways('/primary');            // … or every one, until `recover('/primary')`
 *   const sms = await receiver.waitForSms((s) => s.to === '+15555550100', 10_000);
 *   await receiver.close();
 *
 * Paths: give each provider its own base URL on the receiver (`${receiver.url}/primary`) to tell them
 * apart and fail one of them.
 */
export class SmsReceiver {
  readonly messages: ReceivedSms[] = [];
  readonly attempts: { path: string; status: number }[] = [];
  private readonly failures = new Map<string, { remaining: number; status: number }>();
  private waiters: (() => void)[] = [];
  private sequence = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly options: SmsReceiverOptions,
  ) {}

  static async start(options: SmsReceiverOptions = {}): Promise<SmsReceiver> {
    let receiver: SmsReceiver | undefined;
    const server = http.createServer((req, res) => receiver?.handle(req, res));
    receiver = new SmsReceiver(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** `http://127.0.0.1:<port>`; providers' URLs are this plus a path of the test's choosing. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` posts whose path starts with `pathPrefix` answer `status` (default 503). */
  failNext(pathPrefix: string, count: number, status = 503): void {
    this.failures.set(pathPrefix, { remaining: count, status });
  }

  failAlways(pathPrefix: string, status = 503): void {
    this.failNext(pathPrefix, Number.POSITIVE_INFINITY, status);
  }

  recover(pathPrefix: string): void {
    this.failures.delete(pathPrefix);
  }

  /** The first accepted SMS matching `predicate`; rejects after the timeout. */
  async waitForSms(predicate: (sms: ReceivedSms) => boolean, timeoutMs = 10_000): Promise<ReceivedSms> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching SMS within ${timeoutMs} ms (got ${this.messages.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const failure = [...this.failures.entries()].find(
        ([prefix, f]) => path.startsWith(prefix) && f.remaining > 0,
      );
      if (req.method !== 'POST') return this.answer(res, path, 405, { error: 'POST only' });
      if (failure) {
        failure[1].remaining -= 1;
        return this.answer(res, path, failure[1].status, { error: 'failing on demand' });
      }
      const sms = this.parse(req, path, Buffer.concat(chunks).toString('utf8'));
      if (!sms) return this.answer(res, path, 400, { error: 'unreadable request' });
      this.messages.push(sms);
      this.sequence += 1;
      const id = `SM${String(this.sequence).padStart(32, '0')}`;
      this.answer(res, path, 201, sms.api === 'twilio' ? { sid: id, status: 'queued' } : { id });
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  private parse(req: http.IncomingMessage, path: string, raw: string): ReceivedSms | undefined {
    const headers = req.headers;
    const twilio = /\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (twilio) {
      const form = new URLSearchParams(raw);
      const [user, password] = Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString('utf8')
        .split(':');
      return {
        api: 'twilio',
        path,
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
        idempotencyKey: headerOf(headers, 'i-twilio-idempotency-token'),
        accountSid: user,
        authToken: password,
        headers,
      };
    }
    try {
      const json = JSON.parse(raw) as { id?: string; to?: string; from?: string; body?: string };
      return {
        api: 'webhook',
        path,
        to: json.to ?? '',
        from: json.from ?? '',
        body: json.body ?? '',
        idempotencyKey: headerOf(headers, 'x-portico-event-id') ?? json.id,
        signatureValid: this.signatureValid(headerOf(headers, 'x-portico-signature'), raw),
        headers,
      };
    } catch {
      return undefined;
    }
  }

  /** `t=<seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
  private signatureValid(header: string | undefined, raw: string): boolean {
    const secret = this.options.webhookSecret;
    const parts = Object.fromEntries(
      (header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]),
    );
    if (!secret || !parts.t || !parts.v1) return false;
    const expected = createHmac('sha256', secret).update(`${parts.t}.${raw}`).digest();
    const given = Buffer.from(parts.v1, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private answer(res: http.ServerResponse, path: string, status: number, body: unknown): void {
    this.attempts.push({ path, status });
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

const headerOf = (headers: http.IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
