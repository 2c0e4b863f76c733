import { expect } from 'chai';
import type { DataSource, QueryRunner } from 'typeorm';
import type { TestDatabase } from '../../support/databases.js';
import { createTenant, createUser } from '../seed.js';
import { rows } from '../sql.js';

/** A tenant with three users, for statements to count. */
async function tenantOfThree(ds: DataSource): Promise<string> {
  const tenantId = await createTenant(ds);
  for (const email of ['a@x.io', 'b@x.io', 'c@x.io']) await createUser(ds, tenantId, { email });
  return tenantId;
}

/** Runs `work` on one query runner (on PGlite: holding the one connection), then releases it. */
async function withRunner<T>(ds: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    return await work(runner);
  } finally {
    await runner.release();
  }
}

/**
 * What TypeORM hands back from raw SQL must not depend on the database: services written against PGlite
 * run on PostgreSQL (node-postgres) in production. `dataSource.query` returns `[rows, affected]` for
 * UPDATE and DELETE, rows otherwise; `QueryResult.affected` is node-postgres's `rowCount`.
 */
export function queryResultsContract(db: TestDatabase): void {
  describe('query results', () => {
    it('UPDATE and DELETE report the rows they touched, as node-postgres does', async () => {
      const ds = db.dataSource;
      const t = await tenantOfThree(ds);
      const bump = 'UPDATE users SET login_count = login_count + 1 WHERE tenant_id = $1';
      expect(await ds.query(bump, [t])).to.deep.equal([[], 3]);
      expect(await ds.query(`UPDATE users SET login_count = 0 WHERE tenant_id = '${t}'`)).to.deep.equal([
        [],
        3,
      ]);
      expect(
        await ds.query(`update users SET status = 'blocked' WHERE tenant_id = $1 AND email = 'x'`, [t]),
      ).to.deep.equal([[], 0]);
      const [returned, touched] = await ds.query(
        `UPDATE users SET status = 'blocked' WHERE tenant_id = $1 AND email <> 'a@x.io' RETURNING email`,
        [t],
      );
      expect({ touched, emails: (returned as { email: string }[]).map((r) => r.email).sort() }).to.deep.equal(
        {
          touched: 2,
          emails: ['b@x.io', 'c@x.io'],
        },
      );

      const built = ds
        .createQueryBuilder()
        .update('users')
        .set({ status: 'active' })
        .where('tenant_id = :t', { t });
      expect((await built.execute()).affected).to.equal(3);
      const inserted = await withRunner(ds, (runner) =>
        runner.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'd@x.io'), ($1, 'e@x.io')`, [t], true),
      );
      expect(inserted.affected).to.equal(2);
      expect(
        await ds.query(`DELETE FROM users WHERE tenant_id = $1 AND email IN ('a@x.io', 'b@x.io')`, [t]),
      ).to.deep.equal([[], 2]);
    });

    it('statements that do not begin with their verb (WITH …, a leading comment) report affected rows too', async () => {
      const ds = db.dataSource;
      const t = await tenantOfThree(ds);
      const withCte = `WITH target AS (SELECT id FROM users WHERE tenant_id = $1)
                       UPDATE users SET login_count = 7 WHERE id IN (SELECT id FROM target)`;
      expect(await ds.query(withCte, [t]), 'WITH … UPDATE').to.deep.equal([[], 3]);
      const commented = `/* one user */ DELETE FROM users WHERE tenant_id = $1 AND email = 'a@x.io'`;
      expect(await ds.query(commented, [t]), 'comment, then DELETE').to.deep.equal([[], 1]);
    });

    it('SELECT reports its row count (QueryResult.affected) as node-postgres does', async () => {
      const ds = db.dataSource;
      const t = await tenantOfThree(ds);
      const result = await withRunner(ds, (runner) =>
        runner.query('SELECT email FROM users WHERE tenant_id = $1', [t], true),
      );
      expect({ rows: result.records.length, affected: result.affected }).to.deep.equal({
        rows: 3,
        affected: 3,
      });
    });

    it('bigint values (count(*), identity ids) come back as decimal strings, as node-postgres returns them', async () => {
      const ds = db.dataSource;
      const t = await tenantOfThree(ds);
      const [attempt] = await rows(
        ds,
        `INSERT INTO login_attempts (tenant_id, identifier, method, succeeded) VALUES ($1, 'a', 'password', false)
         RETURNING id`,
        [t],
      );
      const [counted] = await rows(ds, 'SELECT count(*) AS n FROM users WHERE tenant_id = $1', [t]);
      expect({ n: typeof counted?.n, id: typeof attempt?.id }).to.deep.equal({ n: 'string', id: 'string' });
      expect(counted?.n).to.equal('3');
    });
  });
}
