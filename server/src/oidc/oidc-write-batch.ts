import type { DataSource } from 'typeorm';
import { type HotStatement, hotStatements, type RunHotStatement } from '../db/hot-statements.js';
import { keyColumns, type ModelKey } from './oidc-key-batches.js';

/** One row of oidc_models as an upsert writes it (the payload already serialized). */
export interface ModelRow {
  tenantId: string;
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  accountId: string | null;
  /** Seconds from now; null: never expires. */
  expiresIn: number | null;
}

// oidc-provider drops unknown keys when it reloads a model, so Portico's `portico` enrichment of a
// Session (request-context.ts) is merged here: its first `createdAt` survives every later save, and a
// save made outside a request (no enrichment) keeps the stored one. consumed_at survives a re-upsert:
// consumption is final.
const ON_CONFLICT = `ON CONFLICT (tenant_id, model, id) DO UPDATE SET payload = CASE
    WHEN NOT oidc_models.payload ? 'portico' THEN EXCLUDED.payload
    WHEN NOT EXCLUDED.payload ? 'portico' THEN EXCLUDED.payload || jsonb_build_object('portico', oidc_models.payload->'portico')
    ELSE jsonb_set(EXCLUDED.payload, '{portico,createdAt}', oidc_models.payload #> '{portico,createdAt}')
  END, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code, uid = EXCLUDED.uid,
  account_id = EXCLUDED.account_id, expires_at = EXCLUDED.expires_at`;
const COLUMNS = '(tenant_id, model, id, payload, grant_id, user_code, uid, account_id, expires_at)';
const UPSERT_ONE_TEXT = `INSERT INTO oidc_models ${COLUMNS}
  VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::uuid, now() + $9::double precision * interval '1 second')
  ${ON_CONFLICT}`;
const UPSERT_MANY_TEXT = `INSERT INTO oidc_models ${COLUMNS}
  SELECT t, m, i, p::jsonb, g, u, d, a::uuid, now() + e * interval '1 second'
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::double precision[]) AS k(t, m, i, p, g, u, d, a, e)
  ${ON_CONFLICT}`;
// A consumed row keeps its first consumption time.
const CONSUME_FROM = (at: number) => `UPDATE oidc_models m SET consumed_at = coalesce(m.consumed_at, now())
  FROM unnest($${at}::uuid[], $${at + 1}::text[], $${at + 2}::text[]) AS c(tenant_id, model, id)
  WHERE m.tenant_id = c.tenant_id AND m.model = c.model AND m.id = c.id`;
const hot = (name: string, text: string): HotStatement => ({ name: `portico_oidc_${name}`, text });
const UPSERT_ONE = hot('upsert_one', UPSERT_ONE_TEXT);
const UPSERT_MANY = hot('upsert_many', UPSERT_MANY_TEXT);
const CONSUME = hot('consume', CONSUME_FROM(1));
// Consumptions and saves in one statement: PostgreSQL applies both or neither. A batch never consumes
// and saves the same row (keys are unique within a batch), which one statement could not do reliably.
const CONSUME_AND_UPSERT = hot(
  'consume_and_upsert',
  `WITH consumed AS (${CONSUME_FROM(10)} RETURNING 1) ${UPSERT_MANY_TEXT}`,
);
// Deletions (a request's deferred destroys: oidc-deferred-writes.ts) with the consumptions and saves of
// their batch, each list possibly empty; as above, no row is named twice.
const DESTROY_CONSUME_AND_UPSERT = hot(
  'destroy_consume_and_upsert',
  `WITH consumed AS (${CONSUME_FROM(10)} RETURNING 1),
  destroyed AS (DELETE FROM oidc_models m
    USING unnest($13::uuid[], $14::text[], $15::text[]) AS d(tenant_id, model, id)
    WHERE m.tenant_id = d.tenant_id AND m.model = d.model AND m.id = d.id RETURNING 1)
  ${UPSERT_MANY_TEXT}`,
);

/** A save, a consumption or a deletion, as the batch writes it. */
export type ModelWrite =
  | { kind: 'upsert'; row: ModelRow }
  | { kind: 'consume'; key: ModelKey }
  | { kind: 'destroy'; key: ModelKey };

/** One row's identity as a string: two writes with the same key write the same row. */
export const rowKey = ({ tenantId, model, id }: ModelKey): string => `${tenantId} ${model} ${id}`;
export const writeKey = (write: ModelWrite): string =>
  rowKey(write.kind === 'upsert' ? write.row : write.key);
const valuesOf = (r: ModelRow) => [
  r.tenantId,
  r.model,
  r.id,
  r.payload,
  r.grantId,
  r.userCode,
  r.uid,
  r.accountId,
  r.expiresIn,
];
const ROW_COLUMNS = 9; // valuesOf's length: an empty list of rows is still nine (empty) arrays
const rowColumns = (rows: ModelRow[]) =>
  Array.from({ length: ROW_COLUMNS }, (_, c) => rows.map((row) => valuesOf(row)[c]));

type Failures = Map<number, unknown>;

/** Groups of writes made by one statement once `send` is called (and `after` has settled). */
class Batch {
  readonly keys = new Set<string>();
  readonly written: Promise<void>;
  private readonly groups: ModelWrite[][] = [];
  private failures: Failures = new Map();
  private release!: () => void;

  constructor(write: (groups: ModelWrite[][]) => Promise<Failures>, after: Promise<void> | undefined) {
    const released = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    this.written = released
      .then(() => after)
      .then(() => write(this.groups))
      .then((failures) => {
        this.failures = failures;
      });
  }

  add(group: ModelWrite[]): Promise<void> {
    const index = this.groups.push(group) - 1;
    for (const write of group) this.keys.add(writeKey(write));
    return this.written.then(() => {
      if (this.failures.has(index)) throw this.failures.get(index);
    });
  }

  send(): void {
    this.release();
  }
}

/**
 * oidc-provider's saves (tokens, codes, sessions, grants) and consumptions, and a request's deferred
 * deletions (oidc-deferred-writes.ts), batched like OidcKeyBatches:
 * the writes asked for before the event loop next checks go to the database as one statement
 * (docs/PERFORMANCE.md). A group of writes (one, or a token request's deferred writes:
 * oidc-deferred-writes.ts) is written all or nothing and resolves once written. Two writes of one row
 * never share a statement: the later group waits for the earlier one's statement, so the later payload
 * wins. If a batch fails (e.g. a user deleted meanwhile), its groups are written one by one and only the
 * failing groups fail.
 */
export class OidcWriteBatch {
  private pending: Batch | undefined;
  private readonly run: RunHotStatement;

  constructor(dataSource: DataSource) {
    this.run = hotStatements(dataSource);
  }

  upsert(row: ModelRow): Promise<void> {
    return this.write([{ kind: 'upsert', row }]);
  }

  consume(key: ModelKey): Promise<void> {
    return this.write([{ kind: 'consume', key }]);
  }

  /** Writes a group all or nothing (a group never writes one row twice). */
  write(group: ModelWrite[]): Promise<void> {
    let after: Promise<void> | undefined;
    if (group.some((write) => this.pending?.keys.has(writeKey(write)))) {
      after = this.pending?.written;
      if (this.pending) this.send(this.pending);
    }
    if (!this.pending) {
      const batch = new Batch((groups) => this.writeBatch(groups), after);
      this.pending = batch;
      setImmediate(() => this.send(batch));
    }
    return this.pending.add(group);
  }

  private send(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    batch.send();
  }

  private async writeBatch(groups: ModelWrite[][]): Promise<Failures> {
    const failures: Failures = new Map();
    if (groups.length > 1) {
      const written = await this.writeTogether(groups.flat()).then(
        () => true,
        () => false,
      );
      if (written) return failures;
    }
    for (const [index, group] of groups.entries()) {
      await this.writeTogether(group).catch((error: unknown) => failures.set(index, error));
    }
    return failures;
  }

  /** One statement: PostgreSQL applies all of it or none. */
  private async writeTogether(writes: ModelWrite[]): Promise<void> {
    const rows = writes.flatMap((w) => (w.kind === 'upsert' ? [w.row] : []));
    const keys = writes.flatMap((w) => (w.kind === 'consume' ? [w.key] : []));
    const doomed = writes.flatMap((w) => (w.kind === 'destroy' ? [w.key] : []));
    if (doomed.length > 0) {
      const values = [...rowColumns(rows), ...keyColumns(keys), ...keyColumns(doomed)];
      await this.run(DESTROY_CONSUME_AND_UPSERT, values);
    } else if (keys.length === 0 && rows.length === 1) {
      await this.run(UPSERT_ONE, valuesOf(rows[0] as ModelRow));
    } else if (keys.length === 0) {
      await this.run(UPSERT_MANY, rowColumns(rows));
    } else if (rows.length === 0) {
      await this.run(CONSUME, keyColumns(keys));
    } else {
      await this.run(CONSUME_AND_UPSERT, [...rowColumns(rows), ...keyColumns(keys)]);
    }
  }
}
