import type { AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';

/** One model's row by primary key, as oidc-provider's `find` asks for it. */
export interface ModelKey {
  tenantId: string;
  model: string;
  id: string;
}

interface Pending extends ModelKey {
  resolve(payload: AdapterPayload | undefined): void;
  reject(error: unknown): void;
}

// A consumed row carries `consumed` (epoch seconds), as oidc-provider expects of find().
const payloadOf = (table: string) => `CASE WHEN ${table}.consumed_at IS NULL THEN ${table}.payload
  ELSE ${table}.payload || jsonb_build_object('consumed', floor(extract(epoch FROM ${table}.consumed_at))::bigint) END`;
const LIVE = '(m.expires_at IS NULL OR m.expires_at > now())';

export const FIND_ONE = `SELECT ${payloadOf('m')} AS payload FROM oidc_models m
  WHERE m.tenant_id = $1 AND m.model = $2 AND m.id = $3 AND ${LIVE}`;
const FIND_MANY = `SELECT k.i::int AS i, ${payloadOf('m')} AS payload
  FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS k(tenant_id, model, id, i)
  JOIN oidc_models m ON m.tenant_id = k.tenant_id AND m.model = k.model AND m.id = k.id
  WHERE ${LIVE}`;

/**
 * oidc-provider's `find` by primary key, batched: the lookups asked for before the event loop next
 * checks (e.g. introspection's AccessToken, ClientCredentials and RefreshToken lookups of one token,
 * and those of concurrent requests) go to the database as one statement (docs/PERFORMANCE.md). A
 * lookup is sent after it was asked for, never before, so it sees every write that preceded it.
 */
export class OidcFindBatch {
  private pending: Pending[] = [];

  constructor(private readonly dataSource: DataSource) {}

  find(key: ModelKey): Promise<AdapterPayload | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ ...key, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const found = await this.query(batch);
      batch.forEach((item, index) => item.resolve(found[index]));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  private async query(batch: ModelKey[]): Promise<(AdapterPayload | undefined)[]> {
    if (batch.length === 1) {
      const [{ tenantId, model, id }] = batch as [ModelKey];
      const rows: { payload: AdapterPayload }[] = await this.dataSource.query(FIND_ONE, [
        tenantId,
        model,
        id,
      ]);
      return [rows[0]?.payload];
    }
    const columns = [batch.map((k) => k.tenantId), batch.map((k) => k.model), batch.map((k) => k.id)];
    const rows: { i: number; payload: AdapterPayload }[] = await this.dataSource.query(FIND_MANY, columns);
    const found: (AdapterPayload | undefined)[] = new Array(batch.length).fill(undefined);
    for (const row of rows) found[row.i - 1] = row.payload;
    return found;
  }
}
