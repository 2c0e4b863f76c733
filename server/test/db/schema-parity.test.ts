import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { openTestDataSource } from '../support/databases.js';
import { needsPostgres } from '../support/services.js';
import { type Catalog, catalogDifferences, DOMAIN_TABLES, readCatalog } from './catalog.js';

/** The migrations build the same schema on embedded PGlite as on PostgreSQL (STYLE.md §8). */
describe('schema parity: PGlite and PostgreSQL', () => {
  const opened: DataSource[] = [];
  let pglite: Catalog;
  let postgres: Catalog;

  before(async function () {
    needsPostgres(this);
    for (const kind of ['pglite', 'postgres'] as const) opened.push(await openTestDataSource(kind));
    const [embedded, server] = opened as [DataSource, DataSource];
    pglite = await readCatalog(embedded);
    postgres = await readCatalog(server);
  });

  after(() => Promise.all(opened.splice(0).map((ds) => ds.destroy())));

  it('the catalogs describe every domain table, with columns, indexes and constraints', () => {
    const tables = pglite.tables.map((line) => (JSON.parse(line) as { table_name: string }).table_name);
    expect(tables).to.include.members(DOMAIN_TABLES);
    const sizes = {
      columns: pglite.columns.length,
      indexes: pglite.indexes.length,
      constraints: pglite.constraints.length,
    };
    expect(sizes.columns).to.be.greaterThan(DOMAIN_TABLES.length * 3);
    expect(sizes.indexes).to.be.greaterThan(DOMAIN_TABLES.length);
    expect(sizes.constraints).to.be.greaterThan(DOMAIN_TABLES.length * 2);
    expect(pglite.extensions).to.include(JSON.stringify({ extname: 'pg_trgm' }));
  });

  it('tables, columns (types, defaults, generation), indexes, constraints and extensions are identical', () => {
    const differences = catalogDifferences(pglite, postgres);
    const none = Object.fromEntries(
      Object.keys(differences).map((section) => [section, { onlyInA: [], onlyInB: [] }]),
    );
    expect(differences, 'A = PGlite, B = PostgreSQL').to.deep.equal(none);
  });
});
