import { randomUUID } from 'node:crypto';
import { expect } from 'chai';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
export interface Sql {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export type Row = Record<string, unknown>;

/** A database error as both drivers surface it through TypeORM's QueryFailedError. */
export interface SqlError extends Error {
  code?: string;
  table?: string;
  constraint?: string;
}

export const SQLSTATE = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  generatedAlways: '428C9',
} as const;

export async function rows(db: Sql, sql: string, parameters: unknown[] = []): Promise<Row[]> {
  return (await db.query(sql, parameters)) as Row[];
}

/** `SELECT count(*) AS n …` as a number (node-postgres returns bigint as a string). */
export async function count(db: Sql, sql: string, parameters: unknown[] = []): Promise<number> {
  const [row] = await rows(db, sql, parameters);
  if (row?.n === undefined) throw new Error(`count query returned no column n: ${sql}`);
  return Number(row.n);
}

/** Plain objects go in as JSON text (jsonb columns), everything else as is. */
const toParameter = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
    ? JSON.stringify(value)
    : value;

/** INSERT one row and return it (RETURNING *). Table and column names come from test code only. */
export async function insert(db: Sql, table: string, values: Row): Promise<Row> {
  const columns = Object.keys(values);
  const placeholders = columns.map((_, i) => `$${i + 1}`).join(', ');
  const [row] = await rows(
    db,
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) RETURNING *`,
    columns.map((c) => toParameter(values[c])),
  );
  if (!row) throw new Error(`INSERT INTO ${table} returned nothing`);
  return row;
}

/** INSERT one row and return its `id`. */
export async function insertId(db: Sql, table: string, values: Row): Promise<string> {
  const row = await insert(db, table, values);
  if (typeof row.id !== 'string') throw new Error(`${table} has no uuid id`);
  return row.id;
}

/** Awaits a statement that must fail with the given SQLSTATE (and, if given, on the given table). */
export async function expectSqlError(
  statement: Promise<unknown>,
  code: string,
  expected: { table?: string; constraint?: string } = {},
): Promise<SqlError> {
  let caught: unknown;
  try {
    await statement;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected SQLSTATE ${code}, but the statement succeeded`).to.be.instanceOf(Error);
  const error = caught as SqlError;
  const seen = { code: error.code, table: error.table, constraint: error.constraint };
  expect(
    { code: seen.code, ...pick(seen, expected) },
    `${error.message} (constraint ${error.constraint})`,
  ).to.deep.equal({
    code,
    ...expected,
  });
  return error;
}

function pick(
  seen: Record<string, string | undefined>,
  expected: object,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(expected).map((key) => [key, seen[key]]));
}

/** A tenant/organization slug no other test uses (slugs match ^[a-z0-9][a-z0-9-]{0,62}$). */
export const uniqueSlug = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
