import type { DataSource } from 'typeorm';
import type { Logger } from '../shared/logger.js';
import { isEmbedded } from './data-source.js';
import { MIGRATIONS } from './migrations/index.js';

/** One advisory lock key for migrations and kickstart: replicas starting together take turns. */
const STARTUP_LOCK_KEY = 0x706f7274; // "port"

/**
 * Runs `work` while holding the start-up advisory lock on a dedicated connection, so that several
 * `serve` processes started at once on one database migrate (and kickstart) exactly once. PGlite is a
 * single in-process connection: there is nobody to race with and nothing to lock.
 */
export async function withStartupLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (isEmbedded(dataSource)) return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info({ migrations: names }, 'applied database migrations');
  return names;
}

/** True when every known migration has been applied (readiness). */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  const rows: { name: string }[] = await dataSource
    .query('SELECT name FROM portico_migrations')
    .catch(() => []); // no table yet: nothing applied
  const applied = new Set(rows.map((r) => r.name));
  return MIGRATIONS.every((m) => applied.has(m.name));
}
