import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** A statement of a hot path: fixed text, so PostgreSQL can keep it prepared under its name. */
export interface HotStatement {
  /** Unique per text across the process (node-postgres prepares it once per connection under it). */
  name: string;
  text: string;
}

export type RunHotStatement = <Row>(statement: HotStatement, values: unknown[]) => Promise<Row[]>;

/**
 * How the hot paths (oidc-provider's lookups and saves, docs/PERFORMANCE.md) run their statements: on
 * PostgreSQL straight on node-postgres's pool as named prepared statements — TypeORM's query runner
 * costs 25–50 µs of CPU per statement on top of the pool, and PostgreSQL parses and plans a named
 * statement once per connection; on PGlite through TypeORM, whose pool lends the single connection to one
 * client at a time. Rows and errors are node-postgres's in both cases.
 */
export function hotStatements(dataSource: DataSource): RunHotStatement {
  const options = dataSource.options as { type: string; driver?: unknown };
  if (options.type !== 'postgres' || options.driver !== undefined) {
    return (statement, values) => dataSource.query(statement.text, values);
  }
  return async <Row>(statement: HotStatement, values: unknown[]) => {
    // The pool exists once the DataSource is initialized (after this runner may have been made).
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    return (await pool.query({ name: statement.name, text: statement.text, values })).rows as Row[];
  };
}
