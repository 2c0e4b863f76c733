import { expect } from 'chai';
import type { TestDatabase } from '../../support/databases.js';
import { createTenant, createUser } from '../seed.js';
import { count, delay, expectSqlError, rows, SQLSTATE, type Sql } from '../sql.js';

const emailsOf = async (db: Sql, tenantId: string): Promise<unknown[]> =>
  (await rows(db, 'SELECT email FROM users WHERE tenant_id = $1 ORDER BY email', [tenantId])).map(
    (r) => r.email,
  );

/** Transactions as services use them: `dataSource.transaction(async (tx) => …)`. */
export function transactionsContract(db: TestDatabase): void {
  describe('transactions', () => {
    it('a transaction that throws is rolled back while a concurrent one commits, unseen by outside readers', async () => {
      const ds = db.dataSource;
      const tenantId = await createTenant(ds);
      let outsideRead: Promise<number> | undefined;
      const failing = ds.transaction(async (tx) => {
        await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'rolled-back@x.io')`, [tenantId]);
        // Not awaited: on PGlite it waits for the one connection, which this transaction holds.
        outsideRead = count(ds, `SELECT count(*) AS n FROM users WHERE email = 'rolled-back@x.io'`);
        await delay(30);
        throw new Error('abort the first transaction');
      });
      const committing = ds.transaction(async (tx) => {
        await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'committed@x.io')`, [tenantId]);
      });

      const [first, second] = await Promise.allSettled([failing, committing]);
      expect(first.status === 'rejected' && String(first.reason)).to.equal(
        'Error: abort the first transaction',
      );
      expect(second.status).to.equal('fulfilled');
      expect(await emailsOf(ds, tenantId)).to.deep.equal(['committed@x.io']);
      expect(await outsideRead, 'an outside reader saw an uncommitted row').to.equal(0);
    });

    it('a constraint violation rolls back the whole transaction, and the database stays usable', async () => {
      const ds = db.dataSource;
      const tenantId = await createTenant(ds);
      await createUser(ds, tenantId, { email: 'taken@x.io' });
      const transaction = ds.transaction(async (tx) => {
        await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'first@x.io')`, [tenantId]);
        await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'TAKEN@x.io')`, [tenantId]);
      });
      await expectSqlError(transaction, SQLSTATE.uniqueViolation, { constraint: 'users_email_uq' });
      expect(await emailsOf(ds, tenantId)).to.deep.equal(['taken@x.io']);
      await ds.transaction((tx) =>
        tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'after@x.io')`, [tenantId]),
      );
      expect(await emailsOf(ds, tenantId)).to.deep.equal(['after@x.io', 'taken@x.io']);
    });

    if (db.kind === 'pglite') {
      it('PGlite: a second transaction waits for the first to end (one connection, statements never interleave)', async () => {
        const ds = db.dataSource;
        const tenantId = await createTenant(ds);
        const events: string[] = [];
        const first = ds.transaction(async (tx) => {
          await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'first@x.io')`, [tenantId]);
          events.push('first: inserted');
          await delay(30);
          events.push('first: throws');
          throw new Error('abort');
        });
        const second = ds.transaction(async (tx) => {
          events.push('second: begun');
          await tx.query(`INSERT INTO users (tenant_id, email) VALUES ($1, 'second@x.io')`, [tenantId]);
        });
        await Promise.allSettled([first, second]);
        // Either may get the connection first; what matters is that nothing runs inside the other.
        expect(events.join(', ')).to.be.oneOf([
          'first: inserted, first: throws, second: begun',
          'second: begun, first: inserted, first: throws',
        ]);
        expect(await emailsOf(ds, tenantId)).to.deep.equal(['second@x.io']);
      });
    }
  });
}
