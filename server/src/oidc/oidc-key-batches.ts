import type { AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { batched } from '../shared/batched.js';

/** One model's row by primary key, as oidc-provider's `find` and `consume` name it. */
export interface ModelKey {
  tenantId: string;
  model: string;
  id: string;
}

// A consumed row carries `consumed` (epoch seconds), as oidc-provider expects of find().
const PAYLOAD = `CASE WHEN m.consumed_at IS NULL THEN m.payload
  ELSE m.payload || jsonb_build_object('consumed', floor(extract(epoch FROM m.consumed_at))::bigint) END`;
const LIVE = '(m.expires_at IS NULL OR m.expires_at > now())';
const KEYS = 'unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS k(tenant_id, model, id, i)';

const FIND_ONE = `SELECT ${PAYLOAD} AS payload FROM oidc_models m
  WHERE m.tenant_id = $1 AND m.model = $2 AND m.id = $3 AND ${LIVE}`;
const FIND_MANY = `SELECT k.i::int AS i, ${PAYLOAD} AS payload FROM ${KEYS}
  JOIN oidc_models m ON m.tenant_id = k.tenant_id AND m.model = k.model AND m.id = k.id
  WHERE ${LIVE}`;
const CONSUME = `UPDATE oidc_models m SET consumed_at = coalesce(m.consumed_at, now()) FROM ${KEYS}
  WHERE m.tenant_id = k.tenant_id AND m.model = k.model AND m.id = k.id`;

const columnsOf = (keys: ModelKey[]) => [
  keys.map((k) => k.tenantId),
  keys.map((k) => k.model),
  keys.map((k) => k.id),
];

/**
 * oidc-provider's `find` and `consume` by primary key, batched (shared/batched.ts): the lookups asked for
 * in one event-loop turn — introspection's AccessToken, ClientCredentials and RefreshToken lookups of one
 * token, and those of concurrent requests — go to the database as one statement, and so do consumptions.
 */
export class OidcKeyBatches {
  readonly find: (key: ModelKey) => Promise<AdapterPayload | undefined>;
  readonly consume: (key: ModelKey) => Promise<void>;

  constructor(dataSource: DataSource) {
    this.find = batched(async (keys: ModelKey[]) => {
      if (keys.length === 1) {
        const [{ tenantId, model, id }] = keys as [ModelKey];
        const rows: { payload: AdapterPayload }[] = await dataSource.query(FIND_ONE, [tenantId, model, id]);
        return [rows[0]?.payload];
      }
      const rows: { i: number; payload: AdapterPayload }[] = await dataSource.query(
        FIND_MANY,
        columnsOf(keys),
      );
      const found: (AdapterPayload | undefined)[] = new Array(keys.length).fill(undefined);
      for (const row of rows) found[row.i - 1] = row.payload;
      return found;
    });
    this.consume = batched(async (keys: ModelKey[]) => {
      await dataSource.query(CONSUME, columnsOf(keys));
      return keys.map(() => undefined);
    });
  }
}
