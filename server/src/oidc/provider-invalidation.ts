import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import { createWorkerRedis } from '../shared/redis.js';

const CHANNEL = 'portico:provider-invalidate';
const PUBLISH_TIMEOUT_MS = 2_000;

/**
 * Tells every replica to drop a tenant's cached Provider. Without Redis (embedded mode: one process)
 * only the local cache is told. Losing a message is tolerable: Redis carries no durable state
 * (ARCHITECTURE.md), and a replica that missed one rebuilds the tenant when it restarts.
 */
export class ProviderInvalidation {
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;

  constructor(
    private readonly onInvalidate: (slug: string) => void,
    private readonly redisUrl: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** Listens for other processes' invalidations (serving processes only). */
  async start(): Promise<void> {
    if (!this.redisUrl) return;
    this.subscriber = createWorkerRedis(this.redisUrl, this.logger, 'provider-invalidation-subscriber');
    this.subscriber.on('message', (_channel: string, slug: string) => this.onInvalidate(slug));
    await this.subscriber.subscribe(CHANNEL).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'cannot subscribe to provider invalidations; will retry on reconnect');
    });
  }

  /** Drops the tenant's Provider here and, through Redis, everywhere else. */
  async invalidate(slug: string): Promise<void> {
    this.onInvalidate(slug);
    if (!this.redisUrl) return;
    this.publisher ??= createWorkerRedis(this.redisUrl, this.logger, 'provider-invalidation-publisher');
    const published = this.publisher.publish(CHANNEL, slug);
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error('timed out')), PUBLISH_TIMEOUT_MS).unref();
    });
    await Promise.race([published, timeout]).catch((error: unknown) => {
      this.logger.warn({ err: error, tenant: slug }, 'provider invalidation not published');
    });
  }

  async close(): Promise<void> {
    for (const client of [this.subscriber, this.publisher]) client?.disconnect();
  }
}
