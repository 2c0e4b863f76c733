import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Portico } from '../../src/app/portico.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase } from './services.js';

export type DatabaseKind = 'pglite' | 'postgres';

export const testSecretKey = (): string => randomBytes(32).toString('base64');

/** The repository root, for fixtures and the `portico` binary. */
export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
export const fixture = (name: string): string => path.join(repoRoot, 'test/fixtures', name);

/**
 * A connected Portico (the real composition root) on a fresh database of the given kind, migrated
 * unless `migrate: false`. PGlite runs in memory; PostgreSQL gets a new database of this test run.
 */
export async function createTestPortico(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  options: { migrate?: boolean } = {},
): Promise<Portico> {
  const databaseUrl = kind === 'postgres' ? await createTestDatabase(kind) : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORTICO_DATA_DIR: kind === 'pglite' ? 'memory://' : mkdtempSync(path.join(tmpdir(), 'portico-')),
    PORTICO_SECRET_KEY: testSecretKey(),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const portico = new Portico(config, createLogger(process.env.PORTICO_TEST_LOG_LEVEL ?? 'silent'));
  await portico.connect();
  if (options.migrate !== false) await portico.migrate();
  return portico;
}
