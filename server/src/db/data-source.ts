import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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

function openPglite(dataDir: string): PGlite {
  if (dataDir.startsWith('memory://')) return new PGlite(dataDir, { extensions: { pg_trgm } });
  const dir = path.resolve(dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  return new PGlite(dir, { extensions: { pg_trgm } });
}

export const isEmbedded = (dataSource: DataSource): boolean => !(dataSource.options as { url?: string }).url;
