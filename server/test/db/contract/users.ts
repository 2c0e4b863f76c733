import { expect } from 'chai';
import type { TestDatabase } from '../../support/databases.js';
import { createTenant, createUser } from '../seed.js';
import { expectSqlError, insert, rows, SQLSTATE } from '../sql.js';

export function usersContract(db: TestDatabase): void {
  describe('users', () => {
    it('email is unique per tenant whatever its case (A@x.io vs a@X.io)', async () => {
      const tenantId = await createTenant(db.dataSource);
      await createUser(db.dataSource, tenantId, { email: 'A@x.io' });
      await expectSqlError(
        createUser(db.dataSource, tenantId, { email: 'a@X.io' }),
        SQLSTATE.uniqueViolation,
        {
          table: 'users',
          constraint: 'users_email_uq',
        },
      );
    });

    it('the same email may exist once in each of two tenants', async () => {
      const [one, two] = [await createTenant(db.dataSource), await createTenant(db.dataSource)];
      await createUser(db.dataSource, one, { email: 'same@x.io' });
      await createUser(db.dataSource, two, { email: 'SAME@x.io' });
      const found = await rows(
        db.dataSource,
        `SELECT tenant_id FROM users WHERE email_normalized = 'same@x.io' AND tenant_id IN ($1, $2)`,
        [one, two],
      );
      expect(found).to.have.length(2);
    });

    it('email_normalized is the lower-cased email, kept in step on update', async () => {
      const tenantId = await createTenant(db.dataSource);
      const id = await createUser(db.dataSource, tenantId, { email: 'Mixed.Case@Example.IO' });
      expect(await normalizedEmail(id)).to.equal('mixed.case@example.io');
      await db.dataSource.query(`UPDATE users SET email = 'Other@X.io' WHERE id = $1`, [id]);
      expect(await normalizedEmail(id)).to.equal('other@x.io');
      await db.dataSource.query('UPDATE users SET email = NULL WHERE id = $1', [id]);
      expect(await normalizedEmail(id)).to.equal(null);
    });

    it('search_name is "given family", lower-cased and trimmed, kept in step with the profile', async () => {
      const tenantId = await createTenant(db.dataSource);
      const cases: [object, string][] = [
        [{ givenName: 'Ann', familyName: 'Lee' }, 'ann lee'],
        [{ givenName: 'ANN' }, 'ann'],
        [{ familyName: 'Lee' }, 'lee'],
        [{ nickname: 'x' }, ''],
      ];
      for (const [profile, expected] of cases) {
        const id = await createUser(db.dataSource, tenantId, { profile });
        expect(await searchName(id), JSON.stringify(profile)).to.equal(expected);
      }
      const id = await createUser(db.dataSource, tenantId, { profile: { givenName: 'Ann' } });
      await db.dataSource.query(`UPDATE users SET profile = $2 WHERE id = $1`, [
        id,
        JSON.stringify({ givenName: 'Zoë', familyName: 'Kim' }),
      ]);
      expect(await searchName(id)).to.equal('zoë kim');
    });

    it('generated columns cannot be written', async () => {
      const tenantId = await createTenant(db.dataSource);
      const statement = insert(db.dataSource, 'users', {
        tenant_id: tenantId,
        email: 'a@x.io',
        email_normalized: 'b',
      });
      await expectSqlError(statement, SQLSTATE.generatedAlways);
    });

    it('phone must be E.164', async () => {
      const tenantId = await createTenant(db.dataSource);
      for (const phone of ['+4917612345678', '+1234567', '+123456789012345']) {
        await createUser(db.dataSource, tenantId, { phone });
      }
      for (const phone of [
        '017612345678',
        '+0123456789',
        '+49 176 1234567',
        '+123456',
        '+1234567890123456',
        '4917612345678',
      ]) {
        await expectSqlError(createUser(db.dataSource, tenantId, { phone }), SQLSTATE.checkViolation, {
          table: 'users',
          constraint: 'users_phone_check',
        });
      }
    });

    it('a verified phone is unique per tenant; unverified duplicates are allowed', async () => {
      const tenantId = await createTenant(db.dataSource);
      const phone = '+4917600000001';
      await insert(db.dataSource, 'users', { tenant_id: tenantId, phone });
      await insert(db.dataSource, 'users', { tenant_id: tenantId, phone, phone_verified: true });
      await insert(db.dataSource, 'users', { tenant_id: tenantId, phone });
      const duplicate = insert(db.dataSource, 'users', { tenant_id: tenantId, phone, phone_verified: true });
      await expectSqlError(duplicate, SQLSTATE.uniqueViolation, { constraint: 'users_phone_verified_uq' });
    });

    it('username is unique per tenant whatever its case; other tenants and absent usernames do not clash', async () => {
      const [one, two] = [await createTenant(db.dataSource), await createTenant(db.dataSource)];
      await createUser(db.dataSource, one, { username: 'Alice' });
      await expectSqlError(createUser(db.dataSource, one, { username: 'aLICE' }), SQLSTATE.uniqueViolation, {
        table: 'users',
        constraint: 'users_username_uq',
      });
      await createUser(db.dataSource, two, { username: 'alice' });
      await createUser(db.dataSource, one);
      await createUser(db.dataSource, one);
    });
  });

  async function normalizedEmail(id: string): Promise<unknown> {
    const [row] = await rows(db.dataSource, 'SELECT email_normalized FROM users WHERE id = $1', [id]);
    return row?.email_normalized;
  }

  async function searchName(id: string): Promise<unknown> {
    const [row] = await rows(db.dataSource, 'SELECT search_name FROM users WHERE id = $1', [id]);
    return row?.search_name;
  }
}
