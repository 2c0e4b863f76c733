import type { DataSource } from 'typeorm';

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
const UPSERT_ONE = `INSERT INTO oidc_models ${COLUMNS}
  VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::uuid, now() + $9::double precision * interval '1 second')
  ${ON_CONFLICT}`;
const UPSERT_MANY = `INSERT INTO oidc_models ${COLUMNS}
  SELECT t, m, i, p::jsonb, g, u, d, a::uuid, now() + e * interval '1 second'
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::double precision[]) AS k(t, m, i, p, g, u, d, a, e)
  ${ON_CONFLICT}`;

const keyOf = (row: ModelRow) => `${row.tenantId} ${row.model} ${row.id}`;
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

type Failures = Map<number, unknown>;

/** Rows written by one statement once `send` is called (and `after` has settled). */
class Batch {
  readonly keys = new Set<string>();
  readonly written: Promise<void>;
  private readonly rows: ModelRow[] = [];
  private failures: Failures = new Map();
  private release!: () => void;

  constructor(write: (rows: ModelRow[]) => Promise<Failures>, after: Promise<void> | undefined) {
    const released = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    this.written = released
      .then(() => after)
      .then(() => write(this.rows))
      .then((failures) => {
        this.failures = failures;
      });
  }

  add(row: ModelRow): Promise<void> {
    const index = this.rows.push(row) - 1;
    this.keys.add(keyOf(row));
    return this.written.then(() => {
      if (this.failures.has(index)) throw this.failures.get(index);
    });
  }

  send(): void {
    this.release();
  }
}

/**
 * oidc-provider's saves (tokens, codes, sessions, grants), batched like OidcKeyBatches: the rows saved
 * before the event loop next checks go to the database as one INSERT … ON CONFLICT (docs/PERFORMANCE.md).
 * A save resolves once its row is written. Two saves of one row never share a statement (PostgreSQL
 * refuses that): the later one waits for the earlier one's statement, so the later payload wins. If a
 * batch fails (e.g. a user deleted meanwhile), its rows are written one by one and only the failing
 * saves fail.
 */
export class OidcUpsertBatch {
  private pending: Batch | undefined;

  constructor(private readonly dataSource: DataSource) {}

  upsert(row: ModelRow): Promise<void> {
    let after: Promise<void> | undefined;
    if (this.pending?.keys.has(keyOf(row))) {
      after = this.pending.written;
      this.send(this.pending);
    }
    if (!this.pending) {
      const batch = new Batch((rows) => this.write(rows), after);
      this.pending = batch;
      setImmediate(() => this.send(batch));
    }
    return this.pending.add(row);
  }

  private send(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    batch.send();
  }

  private async write(rows: ModelRow[]): Promise<Failures> {
    const failures: Failures = new Map();
    if (rows.length > 1) {
      const columns = valuesOf(rows[0] as ModelRow).map((_, c) => rows.map((row) => valuesOf(row)[c]));
      const written = await this.dataSource.query(UPSERT_MANY, columns).then(
        () => true,
        () => false,
      );
      if (written) return failures;
    }
    for (const [index, row] of rows.entries()) {
      await this.dataSource
        .query(UPSERT_ONE, valuesOf(row))
        .catch((error: unknown) => failures.set(index, error));
    }
    return failures;
  }
}
