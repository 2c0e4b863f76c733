import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { searchUsers } from '../../src/users/user-search.js';
import { createMembership, createOrganization, createTenant } from '../db/seed.js';
import { insertId, rows } from '../db/sql.js';
import { describeOnBothDatabases } from '../support/databases.js';

type SearchOptions = Parameters<typeof searchUsers>[2];

const FILLERS = 300;

/**
 * The users planted for the searches below, created after the fillers in this order. Fillers are
 * `filler<n>@bulk.test` named "Filler Person<n>", with +336… phones: no search below reaches them.
 */
const PLANTED = [
  { email: 'Zelda.Quartz@example.test', given: 'Zelda', family: 'Quartz', phone: '+4915112345678' },
  { email: 'xavier@example.test', given: 'Yusuf', family: 'Zeller', phone: '+12025550123', blocked: true },
  { email: 'liz@example.test', given: 'Elizabeth', family: 'Ozz' },
  { email: '42@numbers.test', given: 'Nora', family: 'Number', phone: '+33612345678' },
  { email: '50%off@shop.test', given: 'Percy', family: 'Cent' },
  { email: '500off@shop.test', given: 'Fifi', family: 'Hundred' },
  { email: 'a_b@under.test', given: 'Una', family: 'Score' },
  { email: 'axb@under.test', given: 'Axel', family: 'Bee' },
  { email: 'back\\slash@escape.test', given: 'Bea', family: 'Slash' },
];

/**
 * Seeds a tenant: FILLERS users one second apart, except ten created within one millisecond (their
 * microseconds in the reverse order of their numbers) and five sharing one timestamp (ordered by id),
 * so that pages end inside both groups; every seventh blocked, every third with a phone. Then PLANTED.
 */
async function seedTenant(ds: DataSource, slug: string, fillers: number): Promise<string> {
  const tenantId = await createTenant(ds, slug);
  await ds.query(
    `INSERT INTO users (tenant_id, email, phone, status, profile, created_at)
     SELECT $1, 'filler' || n || '@bulk.test',
            CASE WHEN n % 3 = 0 THEN '+336100' || lpad(n::text, 5, '0') END,
            CASE WHEN n % 7 = 0 THEN 'blocked' ELSE 'active' END,
            jsonb_build_object('givenName', 'Filler', 'familyName', 'Person' || n),
            CASE WHEN n BETWEEN 100 AND 109
                   THEN timestamptz '2024-01-01 00:01:40.123+00' + (109 - n) * interval '1 microsecond'
                 WHEN n BETWEEN 200 AND 204 THEN timestamptz '2024-01-01 00:03:20+00'
                 ELSE timestamptz '2024-01-01 00:00:00+00' + n * interval '1 second' END
     FROM generate_series(0, $2 - 1) AS n`,
    [tenantId, fillers],
  );
  for (const [i, user] of PLANTED.entries()) {
    await insertId(ds, 'users', {
      tenant_id: tenantId,
      email: user.email,
      phone: user.phone ?? null,
      status: user.blocked ? 'blocked' : 'active',
      profile: { givenName: user.given, familyName: user.family },
      created_at: new Date(Date.UTC(2024, 1, 1, 0, i)),
    });
  }
  return tenantId;
}

describeOnBothDatabases('user search', (db) => {
  let tenantId: string;
  let otherTenantId: string;
  let organizationId: string;
  let otherOrganizationId: string;

  before(async function () {
    this.timeout(60_000);
    const ds = db.dataSource;
    tenantId = await seedTenant(ds, 'search', FILLERS);
    otherTenantId = await seedTenant(ds, 'search-other', 20);
    organizationId = await createOrganization(ds, tenantId);
    otherOrganizationId = await createOrganization(ds, otherTenantId);
    const members = await rows(
      ds,
      `SELECT id FROM users WHERE tenant_id = $1
       AND (email LIKE 'filler%0@bulk.test' OR email IN ('Zelda.Quartz@example.test', '42@numbers.test'))`,
      [tenantId],
    );
    for (const { id } of members) await createMembership(ds, tenantId, String(id), organizationId);
    const [otherZelda] = await rows(ds, `SELECT id FROM users WHERE tenant_id = $1 AND email LIKE 'Zelda%'`, [
      otherTenantId,
    ]);
    await createMembership(ds, otherTenantId, String(otherZelda?.id), otherOrganizationId);
  });

  const search = (options: Partial<SearchOptions>, tenant = tenantId) =>
    searchUsers(db.dataSource.manager, tenant, { first: 50, ...options });
  const emailsFound = async (options: Partial<SearchOptions>) =>
    (await search(options)).users.map((user) => user.email);

  /** The tenant's user ids in the stable order, straight from SQL: what the pages must add up to. */
  const idsInOrder = async (where = 'true', parameters: unknown[] = [], tenant = tenantId) =>
    (
      await rows(
        db.dataSource,
        `SELECT u.id FROM users u WHERE u.tenant_id = $1 AND ${where} ORDER BY u.created_at, u.id`,
        [tenant, ...parameters],
      )
    ).map((row) => row.id);

  /**
   * Follows the cursor from page to page: together the pages must be `expected` — no user twice, none
   * missing, in the same order — and every page but the last full.
   */
  async function expectPages(
    options: Partial<SearchOptions>,
    first: number,
    expected: unknown[],
    tenant = tenantId,
  ): Promise<void> {
    const label = JSON.stringify({ ...options, first });
    const ids: unknown[] = [];
    let after: SearchOptions['after'];
    // Bounded: a cursor that fails to advance must fail the test, not hang it.
    for (let pages = 0; pages <= expected.length / first + 1; pages += 1) {
      const page = await search({ ...options, first, after }, tenant);
      ids.push(...page.users.map((user) => user.id));
      const last = page.users.at(-1);
      if (!page.hasNextPage || !last) {
        expect(ids, label).to.deep.equal(expected);
        return;
      }
      expect(page.users, `${label}: a page with a next one is full`).to.have.length(first);
      after = { createdAt: last.createdAt, id: last.id };
    }
    throw new Error(`${label}: more pages than users, the cursor does not advance`);
  }

  it('one character matches the start of the e-mail, the name or the phone number (+ optional)', async () => {
    expect(await emailsFound({ query: 'z' }), 'e-mail and name, not liz or Zeller').to.deep.equal([
      'Zelda.Quartz@example.test',
    ]);
    expect(await emailsFound({ query: 'y' }), 'name "Yusuf Zeller"').to.deep.equal(['xavier@example.test']);
    expect(await emailsFound({ query: '4' }), 'phone +49… and e-mail 42@…').to.deep.equal([
      'Zelda.Quartz@example.test',
      '42@numbers.test',
    ]);
    expect(await emailsFound({ query: '+1' }), 'phone +1…').to.deep.equal(['xavier@example.test']);
    expect(await emailsFound({ query: '  Z ' }), 'trimmed, case-insensitive').to.deep.equal([
      'Zelda.Quartz@example.test',
    ]);
  });

  it('two characters still match only the start; from three, a substring anywhere', async () => {
    expect(await emailsFound({ query: 'ua' })).to.deep.equal([]);
    expect(await emailsFound({ query: 'ze' })).to.deep.equal(['Zelda.Quartz@example.test']);
    expect(await emailsFound({ query: 'uar' })).to.deep.equal(['Zelda.Quartz@example.test']);
    expect(await emailsFound({ query: 'QUARTZ@EX' }), 'e-mail').to.deep.equal(['Zelda.Quartz@example.test']);
    expect(await emailsFound({ query: 'eller' }), 'name').to.deep.equal(['xavier@example.test']);
    expect(await emailsFound({ query: 'lda qu' }), 'name across the space').to.deep.equal([
      'Zelda.Quartz@example.test',
    ]);
    expect(await emailsFound({ query: '2345' }), 'phone digits').to.deep.equal([
      'Zelda.Quartz@example.test',
      '42@numbers.test',
    ]);
    expect(await emailsFound({ query: '(202) 555' }), 'formatted phone').to.deep.equal([
      'xavier@example.test',
    ]);
    expect(await emailsFound({ query: '+49 151 1234' }), '+ anchors at the start').to.deep.equal([
      'Zelda.Quartz@example.test',
    ]);
    expect(await emailsFound({ query: '+1511' }), '+ anchors at the start').to.deep.equal([]);
  });

  it('%, _ and \\ in a query are literal characters, not LIKE wildcards', async () => {
    expect(await emailsFound({ query: '50%' })).to.deep.equal(['50%off@shop.test']);
    expect(await emailsFound({ query: 'a_b' })).to.deep.equal(['a_b@under.test']);
    expect(await emailsFound({ query: 'k\\s' })).to.deep.equal(['back\\slash@escape.test']);
    for (const wildcard of ['%', '_', '%%%', '___', '\\']) {
      expect(await emailsFound({ query: wildcard }), wildcard).to.deep.equal([]);
    }
  });

  it("never returns another tenant's users, whatever the query, filter or cursor", async () => {
    const everyone = await search({ first: 1000 });
    expect(everyone.users).to.have.length(FILLERS + PLANTED.length);
    expect(new Set(everyone.users.map((user) => user.tenantId))).to.deep.equal(new Set([tenantId]));
    for (const query of ['z', 'zelda', 'filler', '4']) {
      const { users } = await search({ query });
      expect(users.length, query).to.be.greaterThan(0);
      expect(
        users.every((user) => user.tenantId === tenantId),
        query,
      ).to.equal(true);
    }
    expect((await search({ filter: { organizationId: otherOrganizationId } })).users).to.deep.equal([]);
    const [otherUser] = (await search({ query: 'zelda' }, otherTenantId)).users;
    expect(otherUser?.tenantId).to.equal(otherTenantId);
    const after = { createdAt: otherUser!.createdAt, id: otherUser!.id };
    const { users } = await search({ first: 1000, after });
    expect(users.length).to.be.greaterThan(0);
    expect(users.every((user) => user.tenantId === tenantId)).to.equal(true);
  });

  it('filters by status, by organization and by creation time (exclusive bounds), with or without a query', async () => {
    const blocked = await search({ first: 1000, filter: { status: 'blocked' } });
    expect(blocked.users.map((u) => u.id)).to.deep.equal(await idsInOrder(`u.status = 'blocked'`));
    expect(await emailsFound({ query: 'y', filter: { status: 'blocked' } })).to.deep.equal([
      'xavier@example.test',
    ]);
    expect(await emailsFound({ query: 'y', filter: { status: 'active' } })).to.deep.equal([]);

    const members = await search({ first: 1000, filter: { organizationId } });
    const memberIds = await idsInOrder(
      'EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organization_id = $2)',
      [organizationId],
    );
    expect(members.users.map((u) => u.id)).to.deep.equal(memberIds);
    expect(memberIds).to.have.length(FILLERS / 10 + 2);
    expect(await emailsFound({ query: '4', filter: { organizationId } })).to.deep.equal([
      'Zelda.Quartz@example.test',
      '42@numbers.test',
    ]);

    const second = (n: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, n));
    const window = { createdAfter: second(20), createdBefore: second(25) };
    expect(await emailsFound({ filter: window })).to.deep.equal(
      [21, 22, 23, 24].map((n) => `filler${n}@bulk.test`),
    );
    expect(await emailsFound({ query: 'filler2', filter: window })).to.deep.equal([
      'filler21@bulk.test',
      'filler22@bulk.test',
      'filler23@bulk.test',
      'filler24@bulk.test',
    ]);
  });

  it('pages follow one stable order, (created_at, id), across equal milliseconds and equal timestamps', async () => {
    const cases: [Partial<SearchOptions>, number, string][] = [
      [{}, 7, 'true'],
      [{ query: 'filler' }, 13, `u.email LIKE 'filler%'`],
      [{ query: 'f', filter: { status: 'blocked' } }, 5, `u.email LIKE 'filler%' AND u.status = 'blocked'`],
    ];
    for (const [options, first, where] of cases) await expectPages(options, first, await idsInOrder(where));
  });

  it('an empty or blank query lists every user of the tenant', async () => {
    const everyone = await idsInOrder();
    for (const query of [undefined, '', '   ']) {
      const page = await search({ query, first: 20 });
      expect(
        page.users.map((user) => user.id),
        JSON.stringify(query),
      ).to.deep.equal(everyone.slice(0, 20));
      expect(page.hasNextPage).to.equal(true);
    }
    const all = await search({ query: '', first: 1000 });
    expect(all.users.map((user) => user.id)).to.deep.equal(everyone);
    expect(all.hasNextPage).to.equal(false);
  });

  /**
   * Pages of one user make walks of 2,000 users, shorter than this tenant: the needles spread over it
   * are found by the first walk, by a longer one, by a walk of the whole range or through the column
   * indexes, depending on the cursor. Its organization has every user, too many to collect, so it is walked too.
   */
  describe('in a tenant larger than a walk', () => {
    const SIZE = 2500;
    const NEEDLES = [5, 1000, 2300, 2310, 2320];
    const RARE = [3, 2400];
    let bigTenantId: string;
    let everyone: string;

    before(async function () {
      this.timeout(60_000);
      const ds = db.dataSource;
      bigTenantId = await createTenant(ds, 'search-big');
      await ds.query(
        `INSERT INTO users (tenant_id, email, status, profile, created_at)
         SELECT $1, CASE WHEN n = ANY($3) THEN 'needle' WHEN n = ANY($4) THEN 'rare' ELSE 'big' END
                    || n || '@bulk.test',
                CASE WHEN n % 5 = 0 THEN 'blocked' ELSE 'active' END,
                jsonb_build_object('givenName', 'Big', 'familyName', 'Person' || n),
                timestamptz '2024-01-01 00:00:00+00' + n * interval '1 second'
         FROM generate_series(0, $2 - 1) AS n`,
        [bigTenantId, SIZE, NEEDLES, RARE],
      );
      everyone = await createOrganization(ds, bigTenantId);
      await ds.query(
        `INSERT INTO memberships (tenant_id, user_id, organization_id)
         SELECT tenant_id, id, $2 FROM users WHERE tenant_id = $1`,
        [bigTenantId, everyone],
      );
    });

    const expectBig = async (options: Partial<SearchOptions>, first: number, where: string) =>
      expectPages(options, first, await idsInOrder(where, [], bigTenantId), bigTenantId);

    it('finds sparse matches exactly, page after page', async () => {
      expect(await idsInOrder(`u.email LIKE 'needle%'`, [], bigTenantId)).to.have.length(NEEDLES.length);
      for (const first of [1, 2, 3]) await expectBig({ query: 'needle' }, first, `u.email LIKE 'needle%'`);
      await expectBig({ query: 'needle1' }, 1, `u.email LIKE 'needle1%'`);
      await expectBig({ query: 'rare' }, 1, `u.email LIKE 'rare%'`);
      // None in the first walk (the probe): the matches are collected at once.
      await expectBig({ query: 'needle23' }, 2, `u.email LIKE 'needle23%'`);
      await expectBig({ query: 'nobody' }, 2, 'false');
      await expectBig({ query: 'b', filter: { status: 'blocked' } }, 50, `u.status = 'blocked'`);
    });

    it('filters by an organization too large to collect', async () => {
      const member = `EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)`;
      await expectBig({ filter: { organizationId: everyone } }, 400, member);
      await expectBig(
        { query: 'needle', filter: { organizationId: everyone } },
        1,
        `${member} AND u.email LIKE 'needle%'`,
      );
      const otherTenants = await search({ filter: { organizationId: everyone } });
      expect(otherTenants.users, 'the organization of another tenant').to.deep.equal([]);
    });
  });
});
