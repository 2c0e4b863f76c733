import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Redis clients (ARCHITECTURE.md "Processes and scaling"): Redis only holds what may be lost, so a
 * Redis outage must degrade the server, never hang or crash it.
 *
 * - Request-path clients (rate-limit counters, caches, queue producers) fail fast: no offline queue,
 *   a command timeout, one retry at most.
 * - Worker clients (BullMQ Workers) wait for Redis to come back: BullMQ requires
 *   `maxRetriesPerRequest: null` for its blocking commands.
 */

export type RedisHealth = 'up' | 'down';

export interface RequestPathRedisOptions {
  /** A command not answered within this many milliseconds rejects. */
  commandTimeoutMs?: number;
  /** Names the client in logs (`role`). */
  role?: string;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 500;
/** Connection errors repeat on every reconnection attempt: log the first and then every Nth. */
const LOG_EVERY_NTH_ERROR = 50;

/** Reconnect forever, quickly at first, then every 2 s: the server outlives a Redis outage. */
const reconnectDelayMs = (attempt: number): number => Math.min(attempt * 100, 2_000);

/**
 * ioredis, with one repair. `disconnect()` on a client waiting to reconnect ('reconnecting') clears
 * the timer but never reaches 'end' and never settles the queued commands, so whoever awaits them
 * hangs — BullMQ's `Worker.close()` does, when the server stops during (or just after) an outage.
 * Such a client has no socket left: it is closed the way ioredis closes one that never connected.
 */
export class PorticoRedis extends Redis {
  private readonly duplicates = new Set<PorticoRedis>();

  override disconnect(reconnect = false): void {
    if (!reconnect && this.status === 'reconnecting') this.status = 'wait';
    super.disconnect(reconnect);
  }

  /** BullMQ duplicates the worker connection for its blocking commands: keep the repair, and track them. */
  override duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = new PorticoRedis({ ...this.options, ...override });
    this.duplicates.add(copy);
    copy.once('end', () => this.duplicates.delete(copy));
    return copy;
  }

  /** Last resort at shutdown: drops this connection and its duplicates, failing their pending commands. */
  disconnectWithDuplicates(): void {
    for (const copy of this.duplicates) copy.disconnectWithDuplicates();
    this.disconnect();
  }
}

export function createRequestPathRedis(
  url: string,
  logger: Logger,
  options: RequestPathRedisOptions = {},
): PorticoRedis {
  const client = new PorticoRedis(url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: reconnectDelayMs,
  } satisfies RedisOptions);
  logConnectionErrors(client, logger, options.role ?? 'request-path');
  return client;
}

export function createWorkerRedis(url: string, logger: Logger, role = 'worker'): PorticoRedis {
  const client = new PorticoRedis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
    retryStrategy: reconnectDelayMs,
  } satisfies RedisOptions);
  logConnectionErrors(client, logger, role);
  return client;
}

/** For `/readyz` and metrics: Redis is reported, never gating readiness. */
export function redisStatus(client: Redis): RedisHealth {
  return client.status === 'ready' ? 'up' : 'down';
}

/** Closes a client without waiting on a Redis that does not answer (QUIT gets 1 s). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    const quitting = client.quit().then(
      () => true,
      () => false,
    );
    const timeout = new Promise<false>((resolve) => setTimeout(resolve, 1_000, false).unref());
    if (await Promise.race([quitting, timeout])) return;
  }
  client.disconnect(); // not connected, or the connection dropped while quitting: nothing to flush
}

/**
 * An 'error' listener is what keeps an ioredis connection failure from being an unhandled 'error'
 * event; logging is rate-limited because every reconnection attempt fails again during an outage.
 */
export function logConnectionErrors(client: Redis, logger: Logger, role: string): void {
  let failures = 0;
  client.on('error', (error: Error) => {
    failures += 1;
    if (failures === 1 || failures % LOG_EVERY_NTH_ERROR === 0) {
      logger.warn({ err: error, role, failures }, 'redis connection error');
    }
  });
  client.on('ready', () => {
    if (failures > 0) logger.info({ role, failures }, 'redis connection restored');
    failures = 0;
  });
}
