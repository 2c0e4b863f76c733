import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { createPgliteDriver } from './pglite-driver.js';

export interface DatabaseOptions {
  /** postgres://…; undefined → embedded PGlite. */
  url: string | undefined;
  /** Embedded mode: the folder holding the PGlite database, or `memory://` for tests. */
  dataDir: string;
  poolSize?: number;
}

const common = {
  type: 'postgres',
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'portico_migrations',
  migrationsTransactionMode: 'all',
  synchronize: false,
  // Extensions are created by our own migrations; gen_random_uuid() is built in since PostgreSQL 13.
  installExtensions: false,
  uuidExtension: 'pgcrypto',
} as const;

export function createDataSource(options: DatabaseOptions): DataSource {
  if (options.url !== undefined) {
    return new DataSource({
      ...common,
      url: options.url,
      poolSize: options.poolSize ?? 10,
      extra: { connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 },
      applicationName: 'portico',
    } satisfies DataSourceOptions);
  }
  return new DataSource({ ...common, driver: createPgliteDriver(openPglite(options.dataDir)) });
}

/** Built by scripts/build-pglite-template.mjs: an initialized empty cluster, so a new one skips initdb. */
const PGLITE_TEMPLATE = path.resolve(import.meta.dirname, '../../../pglite-template.tar.gz');

/** PGlite (a WebAssembly PostgreSQL) is imported only in embedded mode, when the data source opens. */
async function openPglite(dataDir: string): Promise<PGlite> {
  const [{ PGlite, types }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  const inMemory = dataDir.startsWith('memory://');
  const dir = inMemory ? dataDir : path.resolve(dataDir, 'pgdata');
  const isNew = inMemory || !existsSync(path.join(dir, 'PG_VERSION'));
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const loadDataDir =
    isNew && existsSync(PGLITE_TEMPLATE) ? new Blob([readFileSync(PGLITE_TEMPLATE)]) : undefined;
  // bigint (int8) stays a decimal string, as node-postgres returns it, so code behaves alike on both.
  const parsers = { [types.INT8]: (value: string) => value };
  return new PGlite(dir, { extensions: { pg_trgm }, loadDataDir, parsers });
}

export const isEmbedded = (dataSource: DataSource): boolean => !(dataSource.options as { url?: string }).url;
