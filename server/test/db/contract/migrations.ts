import { expect } from 'chai';
import { MIGRATIONS } from '../../../src/db/migrations/index.js';
import { migrationsApplied, runMigrations } from '../../../src/db/migrator.js';
import { createLogger } from '../../../src/shared/logger.js';
import type { TestDatabase } from '../../support/databases.js';
import { DOMAIN_TABLES, publicTables } from '../catalog.js';
import { count, rows } from '../sql.js';

const logger = createLogger('silent');

/** Migration name → its timestamp, as TypeORM records it (the name ends in the timestamp). */
const expectedRecords = MIGRATIONS.map((migration) => {
  const name = new migration().name ?? migration.name;
  return { name, timestamp: Number(/(\d{13})$/.exec(name)?.[1]) };
});

export function migrationsContract(db: TestDatabase): void {
  describe('migrations', () => {
    it('apply on an empty database, are recorded in portico_migrations, and a second run applies nothing', async () => {
      const fresh = await db.open({ migrate: false });
      expect(await publicTables(fresh), 'the database starts empty').to.deep.equal([]);
      expect(await migrationsApplied(fresh)).to.equal(false);

      const first = await runMigrations(fresh, logger);
      expect(first).to.deep.equal(expectedRecords.map((m) => m.name));
      const recorded = await rows(fresh, 'SELECT name, timestamp FROM portico_migrations ORDER BY id');
      expect(recorded.map((r) => ({ name: r.name, timestamp: Number(r.timestamp) }))).to.deep.equal(
        expectedRecords,
      );
      expect(await migrationsApplied(fresh)).to.equal(true);

      expect(await runMigrations(fresh, logger), 'second run').to.deep.equal([]);
      expect(await count(fresh, 'SELECT count(*) AS n FROM portico_migrations')).to.equal(
        expectedRecords.length,
      );
      expect(await count(fresh, `SELECT count(*) AS n FROM tenants WHERE slug = 'system'`)).to.equal(1);
    });

    it('create every table of the domain model, and pg_trgm', async () => {
      const tables = await publicTables(db.dataSource);
      expect(tables).to.include.members([...DOMAIN_TABLES, 'portico_migrations']);
      const extensions = await rows(
        db.dataSource,
        `SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`,
      );
      expect(extensions).to.have.length(1);
    });

    it('revert cleanly (no domain table left) and apply again', async () => {
      const fresh = await db.open();
      for (const _ of MIGRATIONS) await fresh.undoLastMigration({ transaction: 'all' });
      expect(await publicTables(fresh)).to.deep.equal(['portico_migrations']);
      expect(await count(fresh, 'SELECT count(*) AS n FROM portico_migrations')).to.equal(0);

      expect(await runMigrations(fresh, logger)).to.have.length(MIGRATIONS.length);
      expect(await publicTables(fresh)).to.include.members(DOMAIN_TABLES);
    });

    it('leave the reserved tenant "system" in place, active', async () => {
      const system = await rows(db.dataSource, `SELECT slug, status FROM tenants WHERE slug = 'system'`);
      expect(system).to.deep.equal([{ slug: 'system', status: 'active' }]);
    });
  });
}
