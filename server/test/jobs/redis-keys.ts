import { Redis } from 'ioredis';
import { redisUrl } from '../support/services.js';

/** Deletes this run's keys (a BullMQ prefix) so the shared Redis is left as we found it. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  if (!process.env.PORTICO_TEST_REDIS_URL) return;
  const client = new Redis(redisUrl());
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
}
