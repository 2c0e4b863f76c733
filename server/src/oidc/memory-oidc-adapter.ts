import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import {
  checkAccountId,
  checkBatchLimit,
  checkTenantId,
  EXPIRED_BATCH_LIMIT,
  type IndexedColumns,
  indexedColumns,
  lifetimeSeconds,
  type OidcModelStore,
  type RevokedAccount,
} from './oidc-adapter.js';

/** One oidc_models row, kept the way the database keeps it. */
interface StoredModel {
  tenantId: string;
  model: string;
  id: string;
  /** JSON text, so that every read returns a copy, as a database read does. */
  payload: string;
  columns: IndexedColumns;
  /** Epoch milliseconds, or null: never expires. */
  expiresAt: number | null;
  consumedAt: number | null;
}

const keyOf = (tenantId: string, model: string, id: string): string => JSON.stringify([tenantId, model, id]);
const isLive = (row: StoredModel, now: number): boolean => row.expiresAt === null || row.expiresAt > now;

function payloadOf(row: StoredModel): AdapterPayload {
  const payload = JSON.parse(row.payload) as AdapterPayload;
  return row.consumedAt === null ? payload : { ...payload, consumed: Math.floor(row.consumedAt / 1000) };
}

/** The rows of every tenant, with the lookups the database indexes serve (here by scanning). */
class MemoryOidcTable {
  private readonly rows = new Map<string, StoredModel>();

  put(row: StoredModel): void {
    const key = keyOf(row.tenantId, row.model, row.id);
    // Consumption is final: a re-upsert keeps it, as the database does.
    const consumedAt = this.rows.get(key)?.consumedAt ?? null;
    this.rows.set(key, { ...row, consumedAt });
  }

  get(tenantId: string, model: string, id: string): StoredModel | undefined {
    return this.rows.get(keyOf(tenantId, model, id));
  }

  findLive(match: (row: StoredModel) => boolean): StoredModel | undefined {
    const now = Date.now();
    for (const row of this.rows.values()) if (match(row) && isLive(row, now)) return row;
    return undefined;
  }

  /** Deletes the matching rows (at most `limit`) and returns them. */
  deleteWhere(match: (row: StoredModel) => boolean, limit = Number.POSITIVE_INFINITY): StoredModel[] {
    const deleted: StoredModel[] = [];
    for (const [key, row] of this.rows) {
      if (deleted.length >= limit) break;
      if (!match(row)) continue;
      this.rows.delete(key);
      deleted.push(row);
    }
    return deleted;
  }
}

/** One model of one tenant, in memory. */
class MemoryOidcAdapter implements Adapter {
  constructor(
    private readonly table: MemoryOidcTable,
    private readonly tenantId: string,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const lifetime = lifetimeSeconds(expiresIn);
    this.table.put({
      tenantId: this.tenantId,
      model: this.model,
      id,
      payload: JSON.stringify(payload),
      columns: indexedColumns(payload),
      expiresAt: lifetime === null ? null : Date.now() + lifetime * 1000,
      consumedAt: null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.findLive((row) => row.id === id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findLive((row) => row.columns.uid === uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findLive((row) => row.columns.userCode === userCode);
  }

  async consume(id: string): Promise<void> {
    const row = this.table.get(this.tenantId, this.model, id);
    if (row && row.consumedAt === null) row.consumedAt = Date.now();
  }

  async destroy(id: string): Promise<void> {
    this.table.deleteWhere((row) => this.owns(row) && row.model === this.model && row.id === id);
  }

  /** Deletes every row of the tenant bound to the grant, whichever model this adapter serves. */
  async revokeByGrantId(grantId: string): Promise<void> {
    this.table.deleteWhere((row) => this.owns(row) && row.columns.grantId === grantId);
  }

  private owns(row: StoredModel): boolean {
    return row.tenantId === this.tenantId;
  }

  private findLive(match: (row: StoredModel) => boolean): AdapterPayload | undefined {
    const row = this.table.findLive((r) => this.owns(r) && r.model === this.model && match(r));
    return row && payloadOf(row);
  }
}

/** The in-memory OidcModelStore: the reference implementation of the contract, for tests. */
export class MemoryOidcModelStore implements OidcModelStore {
  private readonly table = new MemoryOidcTable();

  adapterFactory(tenantId: string): AdapterFactory {
    const tenant = checkTenantId(tenantId);
    // An arrow function: oidc-provider calls it as a factory (it would `new` a constructable function).
    return (model: string) => new MemoryOidcAdapter(this.table, tenant, model);
  }

  async revokeByAccountId(tenantId: string, accountId: string): Promise<RevokedAccount> {
    const tenant = checkTenantId(tenantId);
    const account = checkAccountId(accountId);
    const deleted = this.table.deleteWhere(
      (row) => row.tenantId === tenant && row.columns.accountId === account,
    );
    const sessions = deleted.filter((row) => row.model === 'Session');
    // The stored payloads, as the database's DELETE … RETURNING gives them.
    return { deleted: deleted.length, sessions: sessions.map((row) => JSON.parse(row.payload)) };
  }

  async deleteExpired(before = new Date(), limit = EXPIRED_BATCH_LIMIT): Promise<number> {
    const cutoff = before.getTime();
    const isExpired = (row: StoredModel) => row.expiresAt !== null && row.expiresAt <= cutoff;
    return this.table.deleteWhere(isExpired, checkBatchLimit(limit)).length;
  }
}
