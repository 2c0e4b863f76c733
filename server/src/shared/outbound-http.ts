import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from './errors.js';

/**
 * The one guarded client of outbound HTTP (SECURITY.md item 36): SMS providers, webhooks and
 * oidc-provider's calls (back-channel logout, client JWKS). Private, loopback, link-local and other
 * special-use addresses are refused unless the operator allowed the host
 * (PORTICO_OUTBOUND_ALLOWED_HOSTS); every call has a timeout; redirects are never followed.
 */

export const OutboundErrorCodes = {
  blocked: 'outbound_address_blocked',
  failed: 'outbound_request_failed',
  invalidUrl: 'outbound_invalid_url',
} as const;

const SPECIAL_USE = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  SPECIAL_USE.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  SPECIAL_USE.addSubnet(prefix, bits, 'ipv6');
}

/** Private, loopback, link-local, documentation, multicast … (IPv4-mapped IPv6 included). */
export function isSpecialUseAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return SPECIAL_USE.check(mapped[1], 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return SPECIAL_USE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export const isAllowedHost = (allowedHosts: readonly string[], url: URL): boolean =>
  allowedHosts.includes(url.host) || allowedHosts.includes(url.hostname);

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Whole request, connection to last byte (default 5 s). */
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** Provider answers are small; a bigger one is cut off, not buffered. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** Sends requests to the outside world, refusing special-use addresses unless allowed. */
export class OutboundHttp {
  constructor(private readonly allowedHosts: readonly string[]) {}

  /** Resolves with any status (3xx included: a redirect is an answer, not followed); rejects on I/O. */
  async request(target: string, options: OutboundRequest = {}): Promise<OutboundResponse> {
    const url = parseUrl(target);
    const allowed = isAllowedHost(this.allowedHosts, url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowed && net.isIP(host) !== 0 && isSpecialUseAddress(host)) throw blocked(url.host);
    const client = url.protocol === 'https:' ? https : http;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const req = client.request(url, {
        method: options.method ?? 'GET',
        headers: { 'user-agent': 'Portico', ...options.headers },
        lookup: allowed ? undefined : guardedLookup,
        signal: AbortSignal.timeout(timeoutMs),
      });
      req.once('error', (error) =>
        reject(error instanceof AppError ? error : failed(url.host, error.message, error)),
      );
      req.once('response', (res) => readResponse(res).then(resolve, reject));
      req.end(options.body);
    });
  }
}

/** DNS answers are checked too, so a public name that resolves to a private address is refused. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const refused = list.find((a) => isSpecialUseAddress(a.address));
    if (refused || list.length === 0) return callback(blocked(hostname), '', 0);
    if ((options as dns.LookupOptions).all) return callback(null, list as never, 0);
    const first = list[0] as dns.LookupAddress;
    callback(null, first.address, first.family);
  });
};

function readResponse(res: http.IncomingMessage): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
    });
    res.once('error', reject);
    res.once('end', () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  });
}

function parseUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new AppError(OutboundErrorCodes.invalidUrl, 400, 'The outbound URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError(OutboundErrorCodes.invalidUrl, 400, 'Outbound URLs must be http or https.');
  }
  return url;
}

const blocked = (host: string) =>
  new AppError(
    OutboundErrorCodes.blocked,
    502,
    `Outbound calls to ${host} are refused: it is a private or special-use address (allow it with PORTICO_OUTBOUND_ALLOWED_HOSTS).`,
    { details: { host } },
  );

const failed = (host: string, message: string, cause: unknown) =>
  new AppError(OutboundErrorCodes.failed, 502, `The outbound request to ${host} failed: ${message}`, {
    cause,
    details: { host },
  });

/**
 * oidc-provider's `fetch`: oidc-provider passes its own SSRF-protected dispatcher (which refuses
 * special-use addresses); for a host the operator allowed, that dispatcher is left out.
 */
export function guardedFetch(allowedHosts: readonly string[]) {
  return (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (init && isAllowedHost(allowedHosts, url)) {
      const { dispatcher: _guarded, ...unguarded } = init as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(input, unguarded);
    }
    return globalThis.fetch(input, init);
  };
}
