import { createHmac } from 'node:crypto';
import type { OutboundHttp, OutboundResponse } from '../shared/outbound-http.js';
import type { SmsProviderConfig, SmsProviderKind } from './messaging.entity.js';
import { MessagingErrors } from './messaging.errors.js';

export interface SmsToSend {
  to: string;
  body: string;
  /** The outbox id: providers that honour it never send one message twice. */
  idempotencyKey: string;
}

export interface SmsProviderTarget {
  name: string;
  kind: SmsProviderKind;
  config: SmsProviderConfig;
  /** The auth token (Twilio) or signing secret (webhook), decrypted. */
  secret: string;
}

export type SmsAdapter = (
  http: OutboundHttp,
  provider: SmsProviderTarget,
  sms: SmsToSend,
) => Promise<{ providerMessageId: string | null }>;

const TIMEOUT_MS = 10_000;

/** The header carrying the webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-portico-signature';

/**
 * Twilio's Messages API, or any API compatible with it: form-encoded To/From/Body, HTTP basic auth
 * with the account SID and auth token, and Twilio's idempotency header.
 */
export const twilioAdapter: SmsAdapter = async (http, provider, sms) => {
  const { url, accountSid, from } = provider.config;
  const sid = accountSid ?? '';
  const endpoint = `${url.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;
  const response = await http.request(endpoint, {
    method: 'POST',
    timeoutMs: TIMEOUT_MS,
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${provider.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'i-twilio-idempotency-token': sms.idempotencyKey,
    },
    body: new URLSearchParams({ To: sms.to, From: from, Body: sms.body }).toString(),
  });
  assertAccepted(provider.name, response);
  return { providerMessageId: jsonField(response.body, 'sid') };
};

/**
 * A generic provider behind a webhook: JSON with the outbox id as event id (for deduplication), signed
 * with HMAC-SHA256 over `<timestamp>.<body>` so the receiver can check origin and freshness.
 */
export const webhookAdapter: SmsAdapter = async (http, provider, sms) => {
  const body = JSON.stringify({
    id: sms.idempotencyKey,
    type: 'sms.send',
    to: sms.to,
    from: provider.config.from,
    body: sms.body,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', provider.secret).update(`${timestamp}.${body}`).digest('hex');
  const response = await http.request(provider.config.url, {
    method: 'POST',
    timeoutMs: TIMEOUT_MS,
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: `t=${timestamp},v1=${signature}`,
      'x-portico-event-id': sms.idempotencyKey,
      'idempotency-key': sms.idempotencyKey,
    },
    body,
  });
  assertAccepted(provider.name, response);
  return { providerMessageId: jsonField(response.body, 'id') };
};

export const SMS_ADAPTERS: Readonly<Record<SmsProviderKind, SmsAdapter>> = {
  twilio: twilioAdapter,
  webhook: webhookAdapter,
};

/** Only a 2xx is acceptance; a redirect is not followed, so it counts as a failure too. */
function assertAccepted(provider: string, response: OutboundResponse): void {
  if (response.status < 200 || response.status >= 300) {
    throw MessagingErrors.providerRejected(provider, response.status, response.body);
  }
}

function jsonField(body: string, field: string): string | null {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
