import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source.js';
import { runMigrations } from '../../src/db/migrator.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestDatabase, needsPostgres } from './services.js';

/** The two implementations of the data layer (STYLE.md §8): embedded PGlite and PostgreSQL. */
export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['pglite', 'postgres'];

const silentLogger = createLogger('silent');

/**
 * Opens a DataSource on a fresh, empty database of the given kind — PGlite in `memory://`, or a new
 * PostgreSQL database of this test run — and applies the migrations unless `migrate: false`. The caller
 * destroys it. A PostgreSQL caller must have called `needsPostgres(this)` first.
 */
export async function openTestDataSource(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<DataSource> {
  const url = kind === 'postgres' ? await createTestDatabase('data') : undefined;
  const dataSource = createDataSource({ url, dataDir: 'memory://', poolSize: 4 });
  await dataSource.initialize();
  try {
    if (options.migrate !== false) await runMigrations(dataSource, silentLogger);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** What a suite defined by `describeOnBothDatabases` sees of its database. */
export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** The suite's migrated DataSource (available from the suite's `before` on). */
  readonly dataSource: DataSource;
  /** Another DataSource on another fresh database of the same kind, closed with the suite. */
  open(options?: { migrate?: boolean }): Promise<DataSource>;
}

class SuiteDatabase implements TestDatabase {
  private main: DataSource | undefined;
  private readonly opened: DataSource[] = [];

  constructor(readonly kind: DatabaseKind) {}

  get dataSource(): DataSource {
    if (!this.main) throw new Error(`the ${this.kind} test database is not open (used outside a test?)`);
    return this.main;
  }

  async connect(): Promise<void> {
    this.main = await this.open();
  }

  async open(options: { migrate?: boolean } = {}): Promise<DataSource> {
    const dataSource = await openTestDataSource(this.kind, options);
    this.opened.push(dataSource);
    return dataSource;
  }

  async closeAll(): Promise<void> {
    const closing = this.opened.splice(0).map((ds) => (ds.isInitialized ? ds.destroy() : undefined));
    this.main = undefined;
    await Promise.all(closing);
  }
}

/**
 * Defines the same suite once per database kind — `title [pglite]` and `title [postgres]` — each on its
 * own freshly migrated database, closed in `after`. The PostgreSQL copy skips (or fails, with
 * PORTICO_TEST_REQUIRE_SERVICES=1) when PostgreSQL is unavailable.
 */
export function describeOnBothDatabases(title: string, define: (db: TestDatabase) => void): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${title} [${kind}]`, () => {
      const db = new SuiteDatabase(kind);
      before(async function () {
        if (kind === 'postgres') needsPostgres(this);
        await db.connect();
      });
      after(() => db.closeAll());
      define(db);
    });
  }
}
