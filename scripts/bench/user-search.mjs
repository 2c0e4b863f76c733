#!/usr/bin/env node
// Measures the user search of the admin API (server/src/users/user-search.ts, compiled) on a database
// seeded by scripts/bench/seed-users.mjs: a mix of queries (prefixes of 1, 2 and 3+ characters and
// substrings of 3–6 characters taken from real rows' e-mails, names and phones, no query, filters by
// status, organization and creation time, second pages), each kind run R times in a shuffled order,
// then p50/p95/p99 per kind and overall, and EXPLAIN (ANALYZE, BUFFERS) of one query of each kind.
//
//   npm run build && npm run bench:search -- [runs per kind=100] [--url postgres://…] [--no-plans]
//                                            [--slowest 10] [--drop-database]
//
// --drop-database drops the bench database at the end.
import pg from 'pg';
import { createDataSource } from '../../dist/server/src/db/data-source.js';
import { searchUsers } from '../../dist/server/src/users/user-search.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/portico_bench_search';
const argv = process.argv.slice(2);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const positional = argv.filter(
  (arg, i) => !arg.startsWith('--') && !['--url', '--slowest'].includes(argv[i - 1]),
);
const runs = Number(positional[0] ?? 100);
const databaseUrl = option('--url') ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
const out = (line = '') => process.stdout.write(`${line}\n`);

// A deterministic generator (mulberry32): the same seed database gets the same query mix.
let state = 42;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(rand() * list.length)];
const between = (low, high) => low + Math.floor(rand() * (high - low + 1));

/** Captures the statements TypeORM sends, to EXPLAIN those one search ran. */
const captured = [];
const capturingLogger = {
  logQuery: (sql, parameters) => captured.push({ sql, parameters: parameters ?? [] }),
  logQueryError: () => {},
  logQuerySlow: () => {},
  logSchemaBuild: () => {},
  logMigration: () => {},
  log: () => {},
};

const dataSource = createDataSource({ url: databaseUrl, dataDir: '', poolSize: 2 });
await dataSource.initialize();
dataSource.setOptions({ logger: capturingLogger, logging: ['query'] });
const [tenant] = await dataSource.query(`SELECT id FROM tenants WHERE slug = 'bench-search'`);
if (!tenant) throw new Error(`no tenant bench-search in ${databaseUrl}: run npm run bench:seed first`);
const tenantId = tenant.id;
const organizations = await dataSource.query(
  `SELECT o.slug, o.id, count(m.id)::int AS members FROM organizations o
   LEFT JOIN memberships m ON m.organization_id = o.id WHERE o.tenant_id = $1 GROUP BY o.id ORDER BY 3 DESC`,
  [tenantId],
);
const [{ users: tenantUsers }] = await dataSource.query(
  'SELECT count(*)::int AS users FROM users WHERE tenant_id = $1',
  [tenantId],
);
// Real rows to take needles from: a thousand, the same ones whatever the table's physical order.
const samples = await dataSource.query(
  `SELECT email_normalized AS email, search_name AS name, phone FROM users
   WHERE tenant_id = $1 AND search_name <> '' ORDER BY md5(email_normalized) LIMIT 1000`,
  [tenantId],
);
const [range] = await dataSource.query(
  'SELECT min(created_at) AS low, max(created_at) AS high FROM users WHERE tenant_id = $1',
  [tenantId],
);

const sample = () => pick(samples);
const field = () => {
  const row = sample();
  const which = pick(['email', 'name', 'phone']);
  return row[which] ?? row.email;
};
const prefix = (length) => field().slice(0, length);
const substring = () => {
  const value = field().replace(/^\+/, '');
  const length = between(3, 6);
  const start = between(1, Math.max(1, value.length - length));
  return value.slice(start, start + length);
};
// Common fragments (many matches: the walk in created order must win) and misses (no match at all).
const COMMON = ['son', 'mar', 'ann', 'gmail', 'smith', 'ller', 'chr', '555', 'li', 'e'];
const MISSES = ['zqx', 'qqj', 'xyzzy', '+999', 'q_z', '50%'];
const window30Days = () => {
  const low = range.low.getTime();
  const from = low + rand() * (range.high.getTime() - low - 30 * 86_400_000);
  return { createdAfter: new Date(from), createdBefore: new Date(from + 30 * 86_400_000) };
};
const org = (slug) => organizations.find((o) => o.slug === slug).id;

/** Each kind: a maker of search options (without `first`). */
const KINDS = {
  'prefix 1 char': () => ({ query: prefix(1) }),
  'prefix 2 chars': () => ({ query: prefix(2) }),
  'prefix 3+ chars': () => ({ query: prefix(between(3, 10)) }),
  'substring 3-6': () => ({ query: rand() < 0.8 ? substring() : pick([...COMMON, ...MISSES]) }),
  'no query': () => ({}),
  'status blocked': () => ({
    query: pick([undefined, prefix(1), prefix(2), substring()]),
    filter: { status: 'blocked' },
  }),
  organization: () => ({
    query: pick([undefined, undefined, prefix(1), substring()]),
    filter: { organizationId: org(pick(['bench-large', 'bench-medium', 'bench-small'])) },
  }),
  'created range': () => ({ query: pick([undefined, prefix(1), substring()]), filter: window30Days() }),
  'second page': () =>
    pick([KINDS['prefix 1 char'], KINDS['prefix 2 chars'], KINDS['substring 3-6'], KINDS['no query']])(),
};
const PAGE = 20;

async function timed(options) {
  const started = performance.now();
  const result = await searchUsers(dataSource.manager, tenantId, { first: PAGE, ...options });
  return { ms: performance.now() - started, result };
}

/** One measured search of a kind; a second page first fetches (untimed) a first page that has a next one. */
async function runOnce(kind) {
  if (kind !== 'second page') {
    const options = KINDS[kind]();
    return { options, ...(await timed(options)) };
  }
  for (;;) {
    const options = KINDS[kind]();
    const first = await searchUsers(dataSource.manager, tenantId, { first: PAGE, ...options });
    const last = first.users.at(-1);
    if (!first.hasNextPage || !last) continue;
    const next = { ...options, after: { createdAt: last.createdAt, id: last.id } };
    return { options: next, ...(await timed(next)) };
  }
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const format = (ms) => ms.toFixed(2).padStart(8);

out(`tenant bench-search: ${tenantUsers} users; ${samples.length} sampled rows for needles`);
out(`organizations: ${organizations.map((o) => `${o.slug} (${o.members})`).join(', ')}`);
const order = Object.keys(KINDS).flatMap((kind) => Array.from({ length: runs }, () => kind));
for (let i = order.length - 1; i > 0; i -= 1) {
  const j = Math.floor(rand() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
for (const kind of Object.keys(KINDS)) for (let i = 0; i < 5; i += 1) await runOnce(kind); // warm up
const timings = Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, []]));
const all = [];
for (const kind of order) {
  const run = await runOnce(kind);
  timings[kind].push(run.ms);
  all.push({ kind, ms: run.ms, options: run.options });
}

out(`\n${runs} runs per kind, page of ${PAGE}, sequential, milliseconds (searchUsers end to end)`);
out(`${'kind'.padEnd(18)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
const line = (label, values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const cells = [50, 95, 99, 100].map((p) => format(percentile(sorted, p)));
  out(`${label.padEnd(18)}${cells.join('')}`);
};
for (const [kind, values] of Object.entries(timings)) line(kind, values);
line('overall', Object.values(timings).flat());
const slowest = Number(option('--slowest') ?? 10);
out(`\nthe ${slowest} slowest searches:`);
for (const { kind, ms, options } of all.sort((a, b) => b.ms - a.ms).slice(0, slowest)) {
  out(`  ${ms.toFixed(1).padStart(7)} ms  ${kind}: ${describe(options)}`);
}

function describe(options) {
  const slugOf = (id) => organizations.find((o) => o.id === id)?.slug;
  return JSON.stringify(options, (key, value) =>
    key === 'id' ? '…' : key === 'organizationId' ? slugOf(value) : value,
  );
}

if (!argv.includes('--no-plans')) {
  const examples = {
    'prefix 1 char': { query: 'm' },
    'prefix 2 chars': { query: 'ma' },
    'prefix 2 chars (rare)': { query: 'zo' },
    'prefix 3+ chars': { query: 'jennifer.w' },
    'substring 3-6 (common)': { query: 'son' },
    'substring 3-6 (rare)': { query: 'ygon' },
    'substring 3-6 (no trigram of its own)': { query: 'o ja' },
    'phone digits': { query: '+4917' },
    'no query': {},
    'status blocked': { query: 'ka', filter: { status: 'blocked' } },
    'organization (large)': { query: 'an', filter: { organizationId: org('bench-large') } },
    'organization (small)': { filter: { organizationId: org('bench-small') } },
    'created range': { query: 'a', filter: window30Days() },
    'created range (rare)': { query: 'ygon', filter: window30Days() },
  };
  for (const [label, options] of Object.entries(examples)) await explain(label, options);
  const page = await searchUsers(dataSource.manager, tenantId, { first: PAGE, query: 'ann' });
  const last = page.users.at(-1);
  await explain('second page', { query: 'ann', after: { createdAt: last.createdAt, id: last.id } });
}

/** Which step of searchUsers a statement is, by its shape. */
function statementKind(sql) {
  if (sql.includes('AS walked')) return 'count: how far the range goes';
  if (sql.startsWith('EXPLAIN')) return "estimate: the planner's row count for the range";
  if (/LIMIT \$\d+\) AS members/.test(sql)) return 'count: organization size';
  if (sql.includes('AS w WHERE w.hit')) return 'walk users_created_idx in order';
  if (sql.includes('CROSS JOIN LATERAL')) return 'collect: the members of a small organization';
  if (sql.includes('AS found')) return 'collect: through the column indexes';
  return sql.replace(/\s+/g, ' ').slice(0, 160);
}

/** Runs one search, then EXPLAIN (ANALYZE, BUFFERS) of each statement it ran, in order. */
async function explain(label, options) {
  captured.length = 0;
  const { users } = await searchUsers(dataSource.manager, tenantId, { first: PAGE, ...options });
  const statements = [...captured];
  out(`\n=== ${label}: ${describe(options)} → ${users.length} users, ${statements.length} statement(s)`);
  for (const { sql, parameters } of statements) {
    out(`--- ${statementKind(sql)}`);
    if (sql.startsWith('EXPLAIN')) {
      const [
        {
          'QUERY PLAN': [estimate],
        },
      ] = await dataSource.query(sql, parameters);
      out(
        `${estimate.Plan['Node Type']} on ${estimate.Plan['Index Name'] ?? 'users'}: ${estimate.Plan['Plan Rows']} rows`,
      );
      continue;
    }
    const plan = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
    out(plan.map((row) => row['QUERY PLAN']).join('\n'));
  }
}

await dataSource.destroy();
if (argv.includes('--drop-database')) {
  const admin = new URL(databaseUrl);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  out(`\ndropped database ${name}`);
}
