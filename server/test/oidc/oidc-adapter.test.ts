import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MemoryOidcModelStore } from '../../src/oidc/memory-oidc-adapter.js';
import { DatabaseOidcModelStore } from '../../src/oidc/oidc-adapter.js';
import { createTenant, createUser } from '../db/seed.js';
import { count } from '../db/sql.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { describeOidcAdapterContract } from './adapter.contract.js';

describe('oidc adapter [memory]', () => {
  const store = new MemoryOidcModelStore();
  describeOidcAdapterContract('MemoryOidcModelStore', {
    store: () => store,
    createTenant: async () => randomUUID(),
    createAccount: async () => randomUUID(),
  });
});

describeOnBothDatabases('oidc adapter', (db) => {
  describeOidcAdapterContract('DatabaseOidcModelStore', {
    store: () => new DatabaseOidcModelStore(db.dataSource),
    createTenant: () => createTenant(db.dataSource, 'oidc'),
    createAccount: (tenantId) => createUser(db.dataSource, tenantId),
  });

  it('deletes a user’s models with the user (foreign key cascade), not other users’', async () => {
    const tenantId = await createTenant(db.dataSource, 'oidc');
    const [user, other] = [
      await createUser(db.dataSource, tenantId),
      await createUser(db.dataSource, tenantId),
    ];
    const adapter = new DatabaseOidcModelStore(db.dataSource).adapterFactory(tenantId);
    await adapter('Session').upsert('s-user', { jti: 's-user', accountId: user }, 600);
    await adapter('AccessToken').upsert('t-user', { jti: 't-user', accountId: user }, 600);
    await adapter('Session').upsert('s-other', { jti: 's-other', accountId: other }, 600);
    const rowsOf = (accountId: string) =>
      count(db.dataSource, 'SELECT count(*) AS n FROM oidc_models WHERE account_id = $1', [accountId]);
    expect(await rowsOf(user), 'account_id column filled').to.equal(2);
    await db.dataSource.query('DELETE FROM users WHERE id = $1', [user]);
    expect(await rowsOf(user)).to.equal(0);
    expect(await adapter('Session').find('s-user')).to.equal(undefined);
    expect(await adapter('Session').find('s-other')).to.include({ accountId: other });
  });

  it('sends the lookups asked for together as one statement', async () => {
    const tenantId = await createTenant(db.dataSource, 'oidc');
    const adapter = new DatabaseOidcModelStore(db.dataSource).adapterFactory(tenantId);
    await adapter('AccessToken').upsert('t-1', { jti: 't-1' }, 600);
    const statements: string[] = [];
    // Hot statements go straight to node-postgres's pool on PostgreSQL (db/hot-statements.ts), through
    // TypeORM on PGlite: count both.
    const query = db.dataSource.query.bind(db.dataSource);
    db.dataSource.query = ((sql: string, parameters?: unknown[]) => {
      statements.push(sql);
      return query(sql, parameters);
    }) as typeof db.dataSource.query;
    const pool = (db.dataSource.driver as unknown as { master?: { query: (...args: unknown[]) => unknown } })
      .master;
    const poolQuery = pool?.query;
    if (pool && poolQuery && db.kind === 'postgres') {
      pool.query = (...args: unknown[]) => {
        statements.push(String((args[0] as { text?: string }).text ?? args[0]));
        return poolQuery.apply(pool, args);
      };
    }
    try {
      const found = await Promise.all(
        ['AccessToken', 'ClientCredentials', 'RefreshToken'].map((model) => adapter(model).find('t-1')),
      );
      expect(found.map((payload) => payload?.jti)).to.deep.equal(['t-1', undefined, undefined]);
      expect(statements).to.have.length(1);
    } finally {
      db.dataSource.query = query;
      if (pool && poolQuery) pool.query = poolQuery;
    }
  });

  it('a save that cannot be written fails alone, not the saves made with it', async () => {
    const tenantId = await createTenant(db.dataSource, 'oidc');
    const adapter = new DatabaseOidcModelStore(db.dataSource).adapterFactory(tenantId);
    const noSuchUser = randomUUID();
    const saves = await Promise.allSettled([
      adapter('AccessToken').upsert('ok-1', { jti: 'ok-1' }, 600),
      adapter('AccessToken').upsert('bad', { jti: 'bad', accountId: noSuchUser }, 600),
      adapter('Grant').upsert('ok-2', { jti: 'ok-2' }, 600),
    ]);
    expect(saves.map((save) => save.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(await adapter('AccessToken').find('ok-1')).to.include({ jti: 'ok-1' });
    expect(await adapter('Grant').find('ok-2')).to.include({ jti: 'ok-2' });
    expect(await adapter('AccessToken').find('bad')).to.equal(undefined);
  });
});
