import { isIPv4, isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';

/**
 * Per-IP failed-login counters for one tenant (SECURITY.md items 1 and 41), in fixed windows.
 *
 * With a request-path Redis client the counters are shared by every replica. Redis holds only losable
 * state (ARCHITECTURE.md "Processes and scaling"): when it is absent, not connected, or a command fails
 * or is slow, the counters fall back to this process's memory, so a Redis outage never blocks or slows a
 * login. Failures counted in memory during an outage keep counting once Redis is back, until their
 * window ends. Only failures are counted (ARCHITECTURE.md "Public contract").
 *
 * The IP must come from Express's `req.ip` under `TRUST_PROXY` (SECURITY.md item 7), never from a raw
 * X-Forwarded-For header.
 */
export interface IpThrottleOptions {
  logger: Logger;
  /** A request-path client (`createRequestPathRedis`); absent → in-process counters only. */
  redis?: IpThrottleRedis | undefined;
  /** Failures an IP may have in one window before it is refused. Default 50. */
  maxFailures?: number;
  /** Length of a window, in seconds. Default 600 (10 minutes). */
  windowSeconds?: number;
  /** Redis key prefix; keys are `<prefix>:<tenantId>:<ip bucket>`. Default `portico:login-failures:ip`. */
  keyPrefix?: string;
  /** Redis commands slower than this count as failed and fall back to memory. Default 250 ms. */
  commandTimeoutMs?: number;
  /** Bound of the in-process map (expired entries go first, then the oldest). Default 100 000. */
  maxLocalEntries?: number;
  /** Clock of the in-process counters, for tests. */
  now?: () => number;
}

/** What the throttle uses of an ioredis client. */
export type IpThrottleRedis = Pick<Redis, 'status' | 'get' | 'eval' | 'del'>;

/** INCR, and start the window on the first failure (or repair a key that lost its expiry). */
const INCREMENT_IN_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

const DEFAULTS = {
  maxFailures: 50,
  windowSeconds: 600,
  keyPrefix: 'portico:login-failures:ip',
  commandTimeoutMs: 250,
  maxLocalEntries: 100_000,
};

export class IpThrottle {
  readonly maxFailures: number;
  readonly windowMs: number;
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  private readonly local: LocalCounters;
  private redisFailing = false;

  constructor(private readonly options: IpThrottleOptions) {
    this.maxFailures = options.maxFailures ?? DEFAULTS.maxFailures;
    this.windowMs = (options.windowSeconds ?? DEFAULTS.windowSeconds) * 1000;
    this.keyPrefix = options.keyPrefix ?? DEFAULTS.keyPrefix;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
    this.local = new LocalCounters(
      options.maxLocalEntries ?? DEFAULTS.maxLocalEntries,
      options.now ?? Date.now,
    );
  }

  /** Entries of the in-process fallback (for metrics and tests). */
  get inProcessEntries(): number {
    return this.local.size;
  }

  /** Whether this IP used up its failures in this tenant. A missing IP is never blocked (no bucket). */
  async isBlocked(tenantId: string, ip: string | null | undefined): Promise<boolean> {
    const key = this.keyFor(tenantId, ip);
    if (key === undefined) return false;
    const shared = await this.tryRedis(async (redis) => Number((await redis.get(key)) ?? 0));
    return (shared ?? 0) + this.local.count(key) >= this.maxFailures;
  }

  /** Counts one failed attempt from this IP (in Redis, or in memory when Redis does not answer). */
  async recordFailure(tenantId: string, ip: string | null | undefined): Promise<void> {
    const key = this.keyFor(tenantId, ip);
    if (key === undefined) return;
    const counted = await this.tryRedis((redis) => redis.eval(INCREMENT_IN_WINDOW, 1, key, this.windowMs));
    if (counted === undefined) this.local.increment(key, this.windowMs);
  }

  /** Forgets an IP's failures (an admin unblocking it); successful logins do not call this. */
  async reset(tenantId: string, ip: string | null | undefined): Promise<void> {
    const key = this.keyFor(tenantId, ip);
    if (key === undefined) return;
    this.local.delete(key);
    await this.tryRedis((redis) => redis.del(key));
  }

  private keyFor(tenantId: string, ip: string | null | undefined): string | undefined {
    const bucket = ipBucket(ip);
    return bucket === undefined ? undefined : `${this.keyPrefix}:${tenantId}:${bucket}`;
  }

  /** Runs a Redis command within the time bound; undefined when Redis is absent, down or slow. */
  private async tryRedis<T>(command: (redis: IpThrottleRedis) => Promise<T>): Promise<T | undefined> {
    const redis = this.options.redis;
    if (redis === undefined) return undefined;
    if (redis.status !== 'ready') return this.fellBack(`redis ${redis.status}`);
    try {
      const result = await withTimeout(command(redis), this.commandTimeoutMs);
      this.recovered();
      return result;
    } catch (error) {
      return this.fellBack(error);
    }
  }

  /** One warning per outage, not per request. */
  private fellBack(cause: unknown): undefined {
    if (!this.redisFailing) {
      this.redisFailing = true;
      this.options.logger.warn(
        { err: cause },
        'ip throttle: redis unavailable; counting failures in process',
      );
    }
    return undefined;
  }

  private recovered(): void {
    if (!this.redisFailing) return;
    this.redisFailing = false;
    this.options.logger.info('ip throttle: redis available again');
  }
}

/**
 * The counting unit of an address: IPv4 as is (IPv4-mapped IPv6 included), IPv6 by its /64, because
 * one subscriber usually holds a whole /64 and could otherwise rotate through it. Undefined for none.
 */
export function ipBucket(ip: string | null | undefined): string | undefined {
  const address = ip?.trim().replace(/%.*$/, '').toLowerCase(); // drop an IPv6 zone id (fe80::1%eth0)
  if (!address) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
  return address.slice(0, 64); // not an address (a test or a unix socket): count it as given
}

/** The eight groups of a valid IPv6 address, without leading zeros ("::" and a dotted tail expanded). */
function ipv6Groups(address: string): string[] {
  const toGroups = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => (group.includes('.') ? ipv4AsGroups(group) : [group]));
  const [head = '', tail] = address.split('::');
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16).toString(16));
}

function ipv4AsGroups(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis command timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Fixed-window counters in a bounded map: the fallback when Redis is absent or unavailable. */
class LocalCounters {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  count(key: string): number {
    const entry = this.entries.get(key);
    if (entry === undefined) return 0;
    if (entry.expiresAt > this.now()) return entry.count;
    this.entries.delete(key);
    return 0;
  }

  increment(key: string, windowMs: number): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > this.now()) {
      entry.count += 1;
      return;
    }
    this.entries.delete(key);
    this.makeRoom();
    this.entries.set(key, { count: 1, expiresAt: this.now() + windowMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Every window has the same length and a renewed key is re-inserted, so insertion order is expiry
   * order: the expired entries are at the front, and when none is, the oldest window goes first.
   */
  private makeRoom(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
