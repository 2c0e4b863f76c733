import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { openTestDataSource } from '../support/databases.js';
import { needsPostgres } from '../support/services.js';
import { createTenant } from './seed.js';
import { rows } from './sql.js';

const USERS = 20_000;

/**
 * Seeds USERS users in one tenant whose generated emails and names use only the letters g–v, so the
 * needles below ("abc", "ann") match only the planted rows, as a rare search term does in real data.
 */
async function seedUsers(ds: DataSource, tenantId: string): Promise<void> {
  const letters = (seed: string, length: number) =>
    `translate(substr(md5(n::text || '${seed}'), 1, ${length}), '0123456789abcdef', 'ghijklmnopqrstuv')`;
  await ds.query(
    `INSERT INTO users (tenant_id, email, phone, profile)
     SELECT $1, ${letters('e', 24)} || '@example' || (n % 97) || '.com',
            '+' || (n % 89 + 10) || lpad(((n * 7919) % 1000000000)::text, 9, '0'),
            jsonb_build_object('givenName', initcap(${letters('g', 8)}), 'familyName', initcap(${letters('f', 10)}))
     FROM generate_series(1, ${USERS}) AS n`,
    [tenantId],
  );
  const planted = `INSERT INTO users (tenant_id, email, phone, profile) VALUES
    ($1, 'xabcx@planted.example', '+491701234567', '{"givenName": "Ann", "familyName": "Lee"}'),
    ($1, 'abcd@planted.example', '+491709876543', '{"givenName": "Anna"}')`;
  await ds.query(planted, [tenantId]);
}

/**
 * The user search of the admin API (prefix and substring, inside one tenant) is served by indexes at
 * consumer scale. PostgreSQL only: PGlite is for evaluation, and its planner is not what production runs.
 */
describe('user search indexes [postgres]', function () {
  this.timeout(60_000);
  let ds: DataSource | undefined;
  let tenantId: string;
  let otherTenantId: string;

  before(async function () {
    needsPostgres(this);
    ds = await openTestDataSource('postgres');
    tenantId = await createTenant(ds, 'search');
    otherTenantId = await createTenant(ds, 'search-other');
    await seedUsers(ds, tenantId);
    await ds.query(
      `INSERT INTO users (tenant_id, email, phone, profile) VALUES
      ($1, 'abc@other.example', '+491700000000', '{"givenName": "Ann"}')`,
      [otherTenantId],
    );
    // ANALYZE for the statistics; VACUUM because a bulk insert leaves the trigram entries in the GIN
    // pending list (which only VACUUM or autovacuum flushes), and the planner rightly avoids a GIN
    // index with a long pending list. Production tables are vacuumed by autovacuum.
    await ds.query('VACUUM ANALYZE users');
  });

  after(() => ds?.destroy());

  async function plan(sql: string, settings: string[] = []): Promise<string> {
    const runner = ds!.createQueryRunner();
    try {
      await runner.startTransaction();
      for (const setting of settings) await runner.query(`SET LOCAL ${setting}`);
      const lines: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN ${sql}`, [tenantId]);
      await runner.rollbackTransaction();
      return lines.map((line) => line['QUERY PLAN']).join('\n');
    } finally {
      await runner.release();
    }
  }

  async function found(sql: string, column: string): Promise<unknown[]> {
    return (await rows(ds!, sql, [tenantId])).map((row) => row[column]).sort();
  }

  const cases = [
    {
      search: 'email prefix',
      sql: `SELECT email_normalized FROM users WHERE tenant_id = $1 AND email_normalized LIKE 'abc%'`,
      column: 'email_normalized',
      expected: ['abcd@planted.example'],
      indexes: ['users_email_prefix_idx', 'users_email_trgm_idx'],
      prefixIndex: 'users_email_prefix_idx',
    },
    {
      search: 'email substring',
      sql: `SELECT email_normalized FROM users WHERE tenant_id = $1 AND email_normalized LIKE '%abc%'`,
      column: 'email_normalized',
      expected: ['abcd@planted.example', 'xabcx@planted.example'],
      indexes: ['users_email_trgm_idx'],
      prefixIndex: undefined,
    },
    {
      search: 'name prefix',
      sql: `SELECT search_name FROM users WHERE tenant_id = $1 AND search_name LIKE 'ann%'`,
      column: 'search_name',
      expected: ['ann lee', 'anna'],
      indexes: ['users_name_prefix_idx', 'users_name_trgm_idx'],
      prefixIndex: 'users_name_prefix_idx',
    },
    {
      search: 'phone prefix',
      sql: `SELECT phone FROM users WHERE tenant_id = $1 AND phone LIKE '+4917%'`,
      column: 'phone',
      expected: ['+491701234567', '+491709876543'],
      indexes: ['users_phone_prefix_idx', 'users_phone_trgm_idx'],
      prefixIndex: 'users_phone_prefix_idx',
    },
  ];

  for (const { search, sql, column, expected, indexes, prefixIndex } of cases) {
    it(`${search}: the planner uses an index, not a sequential scan, and finds only this tenant's rows`, async () => {
      const chosen = await plan(sql);
      expect(chosen).not.to.include('Seq Scan on users');
      expect(
        indexes.filter((index) => chosen.includes(index)),
        chosen,
      ).to.have.length.greaterThan(0);
      expect(await found(sql, column)).to.deep.equal(expected);
    });

    if (prefixIndex) {
      it(`${search}: the text_pattern_ops btree (${prefixIndex}) can serve it with the tenant filter`, async () => {
        // Trigram indexes are only reachable through bitmap scans: switching those off leaves the btree.
        const chosen = await plan(sql, ['enable_bitmapscan = off']);
        expect(chosen).to.match(new RegExp(`Index (Only )?Scan using ${prefixIndex} on users`));
        expect(chosen).to.match(/Index Cond: \(\(tenant_id = /);
      });
    }
  }
});
