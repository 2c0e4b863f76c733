import pg from 'pg';

/**
 * Real services for integration tests (STYLE.md §9). `scripts/test.mjs` probes PostgreSQL and Redis
 * before the run; a suite that needs one calls `needsPostgres(this)` / `needsRedis(this)` in `before`,
 * which skips it with the reason printed, or fails it when PORTICO_TEST_REQUIRE_SERVICES=1.
 */
const required = process.env.PORTICO_TEST_REQUIRE_SERVICES === '1';
const runId = process.env.PORTICO_TEST_RUN_ID ?? `${Date.now().toString(36)}_${process.pid}`;
let databaseCounter = 0;

function skipOrFail(suite: Mocha.Context, problem: string): never {
  if (required) throw new Error(`required service missing: ${problem}`);
  process.stdout.write(`      skipped "${suite.test?.parent?.fullTitle() ?? ''}": ${problem}\n`);
  suite.skip();
}

export function needsPostgres(context: Mocha.Context): void {
  if (process.env.PORTICO_TEST_POSTGRES_URL) return;
  skipOrFail(context, process.env.PORTICO_TEST_POSTGRES_UNAVAILABLE ?? 'PostgreSQL not configured');
}

export function needsRedis(context: Mocha.Context): void {
  if (process.env.PORTICO_TEST_REDIS_URL) return;
  skipOrFail(context, process.env.PORTICO_TEST_REDIS_UNAVAILABLE ?? 'Redis not configured');
}

export const redisUrl = (): string => process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique prefix for Redis keys (BullMQ queues) of one suite in this run. */
export const redisPrefix = (suite: string): string => `portico_test_${runId}_${suite}`;

/** Creates an empty database for this run (dropped by scripts/test.mjs at the end) and returns its URL. */
export async function createTestDatabase(label = 'db'): Promise<string> {
  const adminUrl = process.env.PORTICO_TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('PostgreSQL is not available to this test run');
  databaseCounter += 1;
  const name = `portico_test_${runId}_${label}_${databaseCounter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
