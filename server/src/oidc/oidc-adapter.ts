import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { OidcErrors } from './oidc.errors.js';
import { deferWrite, pendingIn } from './oidc-deferred-writes.js';
import { OidcKeyBatches } from './oidc-key-batches.js';
import { currentRequest, rememberModel, takeModel } from './oidc-prefetch.js';
import { OidcWriteBatch } from './oidc-write-batch.js';
import { sessionEnrichment } from './request-context.js';

/**
 * Where oidc-provider keeps its models (Session, Grant, tokens, codes, Interaction, …) for every tenant:
 * the `adapter` of each tenant's Provider, plus what the server needs beyond oidc-provider's contract.
 * Two implementations keep one contract (test/oidc/adapter.contract.ts): the database one below
 * (PostgreSQL and PGlite) and the in-memory one (memory-oidc-adapter.ts).
 */
export interface OidcModelStore {
  /** The `adapter` option of one tenant's Provider; every operation is scoped to that tenant. */
  adapterFactory(tenantId: string): AdapterFactory;
  /** "Revoke all sessions": deletes the user's Sessions, Grants, tokens and codes in that tenant. */
  revokeByAccountId(tenantId: string, accountId: string): Promise<RevokedAccount>;
  /**
   * Maintenance: deletes at most `limit` rows (of all tenants) that expired at or before `before`
   * (default: now) and returns how many. Call again while it returns `limit`.
   */
  deleteExpired(before?: Date, limit?: number): Promise<number>;
}

export interface RevokedAccount {
  /** Rows deleted. */
  deleted: number;
  /** The deleted Sessions' payloads, for back-channel logout to the clients each one authorized. */
  sessions: AdapterPayload[];
}

export const EXPIRED_BATCH_LIMIT = 1_000;

/** The columns oidc_models indexes, derived from a payload the same way by every store. */
export interface IndexedColumns {
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  /** Only a uuid (one of our user ids) is kept: the column references users. */
  accountId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const nonEmpty = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

export function indexedColumns(payload: AdapterPayload): IndexedColumns {
  return {
    grantId: nonEmpty(payload.grantId),
    userCode: nonEmpty(payload.userCode),
    uid: nonEmpty(payload.uid),
    accountId: isUuid(payload.accountId) ? payload.accountId.toLowerCase() : null,
  };
}

/** oidc-provider gives lifetimes in seconds; without one a row never expires. */
export const lifetimeSeconds = (expiresIn: number | undefined): number | null =>
  typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? expiresIn : null;

export function checkTenantId(tenantId: string): string {
  if (!isUuid(tenantId)) throw OidcErrors.invalidTenantId();
  return tenantId.toLowerCase();
}

export function checkAccountId(accountId: string): string {
  if (!isUuid(accountId)) throw OidcErrors.invalidAccountId();
  return accountId.toLowerCase();
}

export function checkBatchLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw OidcErrors.invalidBatchLimit();
  return limit;
}

const LIVE = '(expires_at IS NULL OR expires_at > now())';
// A consumed row carries `consumed` (epoch seconds), as oidc-provider expects of find().
const PAYLOAD = `CASE WHEN consumed_at IS NULL THEN payload
  ELSE payload || jsonb_build_object('consumed', floor(extract(epoch FROM consumed_at))::bigint) END AS payload`;
const BY_KEY = 'tenant_id = $1 AND model = $2 AND id = $3';
// Each operation is one statement (one round trip) and uses the primary key or an index of the migration.
const SQL = {
  findByUid: `SELECT ${PAYLOAD} FROM oidc_models WHERE tenant_id = $1 AND model = $2 AND uid = $3 AND ${LIVE} LIMIT 1`,
  findByUserCode: `SELECT ${PAYLOAD} FROM oidc_models
    WHERE tenant_id = $1 AND model = $2 AND user_code = $3 AND ${LIVE} LIMIT 1`,
  destroy: `DELETE FROM oidc_models WHERE ${BY_KEY}`,
  revokeByGrantId: 'DELETE FROM oidc_models WHERE tenant_id = $1 AND grant_id = $2',
  revokeByAccountId: `WITH deleted AS (
      DELETE FROM oidc_models WHERE tenant_id = $1 AND account_id = $2::uuid RETURNING model, payload)
    SELECT count(*)::int AS deleted,
      coalesce(jsonb_agg(payload) FILTER (WHERE model = 'Session'), '[]'::jsonb) AS sessions FROM deleted`,
  // SKIP LOCKED: concurrent maintenance runs share the work instead of waiting on each other.
  deleteExpired: `WITH doomed AS (
      SELECT tenant_id, model, id FROM oidc_models
      WHERE expires_at <= coalesce($1::timestamptz, now()) LIMIT $2 FOR UPDATE SKIP LOCKED),
    deleted AS (
      DELETE FROM oidc_models m USING doomed d
      WHERE m.tenant_id = d.tenant_id AND m.model = d.model AND m.id = d.id RETURNING 1)
    SELECT count(*)::int AS deleted FROM deleted`,
};

/**
 * One model of one tenant, on PostgreSQL or PGlite. Every statement borrows a connection for itself only
 * (`dataSource.query`, or the pool directly for the hot ones: db/hot-statements.ts), so it never holds
 * PGlite's single connection; lookups and writes are batched (oidc-key-batches.ts, oidc-write-batch.ts).
 */
class DatabaseOidcAdapter implements Adapter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: OidcKeyBatches,
    private readonly writes: OidcWriteBatch,
    private readonly tenantId: string,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const { grantId, userCode, uid, accountId } = indexedColumns(payload);
    const enrichment = this.model === 'Session' ? sessionEnrichment() : undefined;
    const row = {
      tenantId: this.tenantId,
      model: this.model,
      id,
      payload: JSON.stringify(enrichment ? { ...payload, portico: enrichment } : payload),
      grantId,
      userCode,
      uid,
      accountId,
      expiresIn: lifetimeSeconds(expiresIn),
    };
    if (deferWrite(currentRequest(), this.writes, { kind: 'upsert', row })) return;
    await this.writes.upsert(row);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const request = currentRequest();
    const prefetched = this.model === 'Grant' ? takeModel(request, `Grant:${id}`) : undefined;
    if (prefetched) return prefetched as AdapterPayload;
    const pending = pendingIn(request, this.tenantId, this.model, id);
    if (pending === null) return undefined; // destroyed by this request, not yet written
    if (pending) return JSON.parse(pending);
    const found = await this.keys.find({ tenantId: this.tenantId, model: this.model, id });
    const { grantId, sessionUid } = found?.payload ?? {};
    if (found?.grant && typeof grantId === 'string') rememberModel(request, `Grant:${grantId}`, found.grant);
    if (found?.session && typeof sessionUid === 'string') {
      rememberModel(request, `Session:${sessionUid}`, found.session);
    }
    if (found?.account) rememberModel(request, `Account:${found.account.id}`, found.account);
    return found?.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const prefetched = this.model === 'Session' ? takeModel(currentRequest(), `Session:${uid}`) : undefined;
    return (prefetched as AdapterPayload | undefined) ?? this.findOne(SQL.findByUid, uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findOne(SQL.findByUserCode, userCode);
  }

  async consume(id: string): Promise<void> {
    const key = { tenantId: this.tenantId, model: this.model, id };
    if (deferWrite(currentRequest(), this.writes, { kind: 'consume', key })) return;
    await this.writes.consume(key);
  }

  async destroy(id: string): Promise<void> {
    const key = { tenantId: this.tenantId, model: this.model, id };
    if (deferWrite(currentRequest(), this.writes, { kind: 'destroy', key })) return;
    await this.dataSource.query(SQL.destroy, this.key(id));
  }

  /** Deletes every row of the tenant bound to the grant, whichever model this adapter serves. */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.dataSource.query(SQL.revokeByGrantId, [this.tenantId, grantId]);
  }

  private key(value: string): [string, string, string] {
    return [this.tenantId, this.model, value];
  }

  private async findOne(sql: string, value: string): Promise<AdapterPayload | undefined> {
    const rows: { payload: AdapterPayload }[] = await this.dataSource.query(sql, this.key(value));
    return rows[0]?.payload;
  }
}

/** The oidc_models table (PostgreSQL, or PGlite in embedded mode). */
export class DatabaseOidcModelStore implements OidcModelStore {
  private readonly keys: OidcKeyBatches;
  private readonly writes: OidcWriteBatch;

  constructor(private readonly dataSource: DataSource) {
    this.keys = new OidcKeyBatches(dataSource);
    this.writes = new OidcWriteBatch(dataSource);
  }

  adapterFactory(tenantId: string): AdapterFactory {
    const tenant = checkTenantId(tenantId);
    // An arrow function: oidc-provider calls it as a factory (it would `new` a constructable function).
    return (model: string) => new DatabaseOidcAdapter(this.dataSource, this.keys, this.writes, tenant, model);
  }

  async revokeByAccountId(tenantId: string, accountId: string): Promise<RevokedAccount> {
    const parameters = [checkTenantId(tenantId), checkAccountId(accountId)];
    const [row]: RevokedAccount[] = await this.dataSource.query(SQL.revokeByAccountId, parameters);
    return { deleted: row?.deleted ?? 0, sessions: row?.sessions ?? [] };
  }

  async deleteExpired(before?: Date, limit = EXPIRED_BATCH_LIMIT): Promise<number> {
    const parameters = [before ?? null, checkBatchLimit(limit)];
    const [row]: { deleted: number }[] = await this.dataSource.query(SQL.deleteExpired, parameters);
    return row?.deleted ?? 0;
  }
}

/** The `adapter` option of tenant `tenantId`'s Provider, on the database. */
export const createOidcAdapterFactory = (dataSource: DataSource, tenantId: string): AdapterFactory =>
  new DatabaseOidcModelStore(dataSource).adapterFactory(tenantId);
