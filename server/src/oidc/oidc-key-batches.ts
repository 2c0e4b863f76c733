import type { AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { type HotStatement, hotStatements } from '../db/hot-statements.js';
import { batched } from '../shared/batched.js';
import { ACCOUNT_STATUS, type AccountUser, accountJson } from './oidc-accounts.js';
import { GRANT_BEARING_MODELS } from './oidc-prefetch.js';

/** One model's row by primary key, as oidc-provider's `find` and `consume` name it. */
export interface ModelKey {
  tenantId: string;
  model: string;
  id: string;
}

/**
 * A row found by key, with its Grant, Session and account when it is a token of GRANT_BEARING_MODELS, and
 * the account oidc-provider reads next when it is a Session or an Interaction (oidc-prefetch.ts).
 */
export interface FoundModel {
  payload: AdapterPayload;
  grant: AdapterPayload | null;
  /** Only for a token that expires with its session. */
  session: AdapterPayload | null;
  /** The row's account (ACCOUNT_OF), when it is an active user of the row's tenant. */
  account: AccountUser | null;
}

// A consumed row carries `consumed` (epoch seconds), as oidc-provider expects of find().
const PAYLOAD = `CASE WHEN m.consumed_at IS NULL THEN m.payload
  ELSE m.payload || jsonb_build_object('consumed', floor(extract(epoch FROM m.consumed_at))::bigint) END`;
const LIVE = '(m.expires_at IS NULL OR m.expires_at > now())';
const KEYS = 'unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS k(tenant_id, model, id, i)';

// A token of GRANT_BEARING_MODELS comes with its live Grant, its live Session when it expires with it,
// and its account (oidc-prefetch.ts).
const TOKEN = `m.model = ANY('{${GRANT_BEARING_MODELS.join(',')}}'::text[])`;
// The account that comes along: a token's or a Session's own (the account_id column), and the one an
// Interaction's result signs in, which the resume reads next. The payload's value is only cast when it
// is a uuid (any other value finds no user instead of failing the statement).
const LOGIN = `m.payload #>> '{result,login,accountId}'`;
const UUID_TEXT = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const ACCOUNT_OF = `CASE WHEN ${TOKEN} OR m.model = 'Session' THEN m.account_id
    WHEN m.model = 'Interaction' AND ${LOGIN} ~ '${UUID_TEXT}' THEN (${LOGIN})::uuid END`;
const ALONG = `LEFT JOIN oidc_models g ON ${TOKEN}
    AND g.tenant_id = m.tenant_id AND g.model = 'Grant' AND g.id = m.grant_id
    AND (g.expires_at IS NULL OR g.expires_at > now())
  LEFT JOIN oidc_models s ON ${TOKEN} AND m.payload @> '{"expiresWithSession": true}'
    AND s.tenant_id = m.tenant_id AND s.model = 'Session' AND s.uid = m.payload->>'sessionUid'
    AND (s.expires_at IS NULL OR s.expires_at > now())
  LEFT JOIN users u ON u.id = ${ACCOUNT_OF} AND u.tenant_id = m.tenant_id
    AND u.status = '${ACCOUNT_STATUS}'`;
const COLUMNS = `${PAYLOAD} AS payload, ${PAYLOAD.replaceAll('m.', 'g.')} AS grant,
  ${PAYLOAD.replaceAll('m.', 's.')} AS session,
  CASE WHEN u.id IS NULL THEN NULL ELSE ${accountJson('u')} END AS account`;
const FIND_ONE: HotStatement = {
  name: 'portico_oidc_find_one',
  text: `SELECT ${COLUMNS} FROM oidc_models m ${ALONG}
  WHERE m.tenant_id = $1 AND m.model = $2 AND m.id = $3 AND ${LIVE}`,
};
const FIND_MANY: HotStatement = {
  name: 'portico_oidc_find_many',
  text: `SELECT k.i::int AS i, ${COLUMNS} FROM ${KEYS}
  JOIN oidc_models m ON m.tenant_id = k.tenant_id AND m.model = k.model AND m.id = k.id ${ALONG}
  WHERE ${LIVE}`,
};

/** Keys as the three parallel arrays that `unnest($1::uuid[], $2::text[], $3::text[])` reads. */
export const keyColumns = (keys: ModelKey[]) => [
  keys.map((k) => k.tenantId),
  keys.map((k) => k.model),
  keys.map((k) => k.id),
];

/**
 * oidc-provider's `find` by primary key, batched (shared/batched.ts): the lookups asked for in one
 * event-loop turn — introspection's AccessToken, ClientCredentials and RefreshToken lookups of one token,
 * and those of concurrent requests — go to the database as one statement (consumptions are writes:
 * oidc-write-batch.ts). A token's Grant, Session and account, and a Session's or an Interaction's
 * account, come in the same statement (oidc-prefetch.ts).
 */
export class OidcKeyBatches {
  readonly find: (key: ModelKey) => Promise<FoundModel | undefined>;

  constructor(dataSource: DataSource) {
    const run = hotStatements(dataSource);
    this.find = batched(async (keys: ModelKey[]) => {
      if (keys.length === 1) {
        const [{ tenantId, model, id }] = keys as [ModelKey];
        const rows = await run<FoundModel>(FIND_ONE, [tenantId, model, id]);
        return [rows[0]];
      }
      const rows = await run<FoundModel & { i: number }>(FIND_MANY, keyColumns(keys));
      const found: (FoundModel | undefined)[] = new Array(keys.length).fill(undefined);
      for (const { i, ...row } of rows) found[i - 1] = row;
      return found;
    });
  }
}
