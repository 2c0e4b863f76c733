#!/usr/bin/env node
// Seeds a benchmark database for the user search (scripts/bench/user-search.mjs): N users in the tenant
// "bench-search" (default 1,000,000) and N/10 in "bench-search-other", so that tenant filtering is real,
// plus three organizations of the main tenant (large, medium, small). Users look like real sign-ups:
// names from lists (some with diacritics, some incomplete), e-mails derived from them at common
// providers, a phone for about two in three, a few blocked, created_at spread over three years in
// insertion order with the occasional bulk import sharing one timestamp. Rows go in through COPY, then
// VACUUM ANALYZE (VACUUM also flushes the trigram GIN pending lists).
//
//   npm run build && npm run bench:seed -- [users=1000000] [--fresh] [--url postgres://…]
//
// The database (default postgres://postgres@127.0.0.1:5432/portico_bench_search) is created if missing
// and migrated with the compiled server's migrations; --fresh drops and recreates it first.
//
// --imported lays the table out as an import from another system leaves it: the heap in e-mail order
// (CLUSTER), unrelated to created_at, instead of the sign-up order that COPY produces.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDataSource } from '../../dist/server/src/db/data-source.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/portico_bench_search';
const BENCH_TENANT = 'bench-search';
const OTHER_TENANT = 'bench-search-other';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const positional = argv.filter((arg, i) => !arg.startsWith('--') && !argv[i - 1]?.startsWith('--url'));
const userCount = Number(positional[0] ?? 1_000_000);
const databaseUrl = option('--url') ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
const out = (line) => process.stdout.write(`${line}\n`);

// A small deterministic generator (mulberry32), so two seedings of the same size hold the same people.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN =
  `James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark
Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian
Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia
Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma
Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel
Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam
Olivia Nathan Joyce Henry Virginia Zachary Victoria Douglas Kelly Peter Lauren Kyle Christina Noah Joan Ethan
Evelyn Jeremy Judith Walter Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Austin Martha
Sean Gloria Gerald Teresa Carl Ann Harold Sara Dylan Madison Arthur Frances Lawrence Kathryn Jordan Janice
Jesse Jean Bryan Abigail Billy Alice Bruce Judy Gabriel Sophia Joe Grace Logan Denise Alan Amber Juan Doris
Albert Marilyn Willie Danielle Elijah Beverly Wayne Isabella Randy Theresa Vincent Diana Mason Natalie Roy
Brittany Ralph Charlotte Bobby Marie Russell Kayla Bradley Alexis Philip Lori Eugene Lukas Léa Jürgen Zoë
Björn Chloé Søren Inès François Anaïs Mateo Lucía Sofía Hugo Élodie Giulia Lorenzo Matteo Chiara Aiko Haruto
Yuki Wei Mei Arjun Priya Rahul Ananya Mohammed Fatima Omar Aisha Yusuf Leila Ivan Olga Dmitri Nadia Kofi Amara
Chinedu Ngozi Tomasz Agnieszka Pedro Ana João Beatriz Ali Zeynep Mehmet Elif Ingrid Lars Astrid Nils Freya`.split(
    /\s+/,
  );
const FAMILY =
  `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox
Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders
Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes
Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace
Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns
Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer
Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Müller Schneider Fischer Weber Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Zimmermann
Dubois Lefèvre Moreau Laurent Girard Bonnet Dupont Lambert Fontaine Rousseau Rossi Russo Ferrari Esposito Bianchi
Romano Colombo Ricci Marino Greco Tanaka Suzuki Takahashi Watanabe Yamamoto Wang Li Zhang Liu Yang Huang Zhao
Kumar Singh Sharma Gupta Khan Ali Hussain Ivanov Petrov Smirnov Kowalski Nowak Wiśniewski Santos Oliveira Souza
Pereira Costa Yılmaz Kaya Demir Hansen Johansson Andersson Nielsen Larsen Okafor Mensah Adeyemi Nakamura`.split(
    /\s+/,
  );
const DOMAINS = [
  ['gmail.com', 30],
  ['yahoo.com', 8],
  ['outlook.com', 8],
  ['hotmail.com', 7],
  ['icloud.com', 6],
  ['proton.me', 3],
  ['web.de', 3],
  ['gmx.de', 3],
  ['orange.fr', 2],
  ['libero.it', 2],
  ['qq.com', 2],
  ['mail.ru', 2],
  ['acme-corp.com', 4],
  ['globex.io', 3],
  ['initech.net', 2],
  ['example.org', 2],
];
const COUNTRY_CODES = [
  ['1', 10, 30],
  ['44', 10, 12],
  ['49', 11, 12],
  ['33', 9, 8],
  ['34', 9, 6],
  ['39', 10, 6],
  ['31', 9, 4],
  ['61', 9, 4],
  ['81', 10, 4],
  ['91', 10, 8],
  ['55', 11, 4],
  ['234', 10, 2],
];

const weighted = (entries, weightAt) => {
  const total = entries.reduce((sum, entry) => sum + entry[weightAt], 0);
  return (r) => {
    let left = r * total;
    for (const entry of entries) {
      left -= entry[weightAt];
      if (left < 0) return entry;
    }
    return entries[entries.length - 1];
  };
};
const pickDomain = weighted(DOMAINS, 1);
const pickCountry = weighted(COUNTRY_CODES, 2);
const ascii = (name) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** Yields users of one tenant as COPY text rows, in created_at order, and memberships beside them. */
function* people({ tenantId, count, seed, organizations }) {
  const r = random(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const emails = new Set();
  const phones = new Set();
  const span = 3 * 365 * 86_400_000;
  const start = Date.now() - span;
  let createdAt = start;
  for (let i = 0; i < count; i += 1) {
    const given = pick(GIVEN);
    const family = r() < 0.96 ? pick(FAMILY) : null;
    const g = ascii(given);
    const f = family ? ascii(family) : String(Math.floor(r() * 10_000));
    const shapes = [`${g}.${f}`, `${g}${f}`, `${g[0]}${f}`, `${g}_${f}`, `${f}.${g}`, `${g}${f[0]}`];
    let local = pick(shapes);
    if (r() < 0.3) local += Math.floor(r() * 100);
    let email = `${local}@${pickDomain(r())[0]}`;
    while (emails.has(email)) email = email.replace('@', String(Math.floor(r() * 10)).concat('@'));
    emails.add(email);
    let phone = null;
    if (r() < 0.65) {
      const [code, digits] = pickCountry(r());
      do {
        phone = `+${code}${1 + Math.floor(r() * 9)}`;
        for (let d = 1; d < digits; d += 1) phone += Math.floor(r() * 10);
      } while (phones.has(phone));
      phones.add(phone);
    }
    const profile =
      r() < 0.02 ? {} : family ? { givenName: given, familyName: family } : { givenName: given };
    // Mostly one sign-up every span/count ms with jitter; one row in 200 is part of a bulk import that
    // shares the previous timestamp (the order then falls back to id).
    if (r() >= 0.005) createdAt += Math.max(1, Math.round((span / count) * 2 * r()));
    const created = new Date(Math.min(createdAt, Date.now())).toISOString();
    const id = randomUUID();
    const status = r() < 0.03 ? 'blocked' : 'active';
    const user = [id, tenantId, email, r() < 0.8, phone, phone !== null && r() < 0.5, status];
    yield { user: row([...user, JSON.stringify(profile), created, created]), memberships: [] };
    for (const organization of organizations) {
      if (r() < organization.share) yield { user: null, memberships: [row([tenantId, id, organization.id])] };
    }
  }
}

/** One line of COPY's text format (\N for NULL; backslash, tab and newlines escaped). */
function row(values) {
  const field = (v) =>
    v === null
      ? '\\N'
      : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? '\\\\');
  return `${values.map(field).join('\t')}\n`;
}

async function copyRows(client, sql, lines) {
  await pipeline(Readable.from(lines), client.query(copyFrom(sql)));
}

/** Batches generator output into ~1 MB strings for users; memberships are few and kept aside. */
function* batched(generator, memberships) {
  let chunk = '';
  for (const { user, memberships: ms } of generator) {
    if (user) chunk += user;
    memberships.push(...ms);
    if (chunk.length > 1_000_000) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function prepareDatabase() {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if (flag('--fresh')) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const dataSource = createDataSource({ url: databaseUrl, dataDir: '', poolSize: 1 });
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  await dataSource.destroy();
  out(`database ${name}: ${applied.length} migration(s) applied`);
}

async function createTenant(client, slug) {
  const { rows } = await client.query('SELECT id FROM tenants WHERE slug = $1', [slug]);
  if (rows.length > 0) throw new Error(`tenant ${slug} exists already: seed a --fresh database`);
  const created = await client.query('INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id', [slug]);
  return created.rows[0].id;
}

async function createOrganizations(client, tenantId, shares) {
  const organizations = [];
  for (const [slug, share] of Object.entries(shares)) {
    const { rows } = await client.query(
      'INSERT INTO organizations (tenant_id, slug, name) VALUES ($1, $2, $2) RETURNING id',
      [tenantId, slug],
    );
    organizations.push({ id: rows[0].id, share });
  }
  return organizations;
}

async function seedTenant(client, slug, count, seed, organizationShares) {
  const tenantId = await createTenant(client, slug);
  const organizations = await createOrganizations(client, tenantId, organizationShares);
  const memberships = [];
  const columns =
    'id, tenant_id, email, email_verified, phone, phone_verified, status, profile, created_at, updated_at';
  const generator = people({ tenantId, count, seed, organizations });
  await copyRows(client, `COPY users (${columns}) FROM STDIN`, batched(generator, memberships));
  await copyRows(client, 'COPY memberships (tenant_id, user_id, organization_id) FROM STDIN', memberships);
  return memberships.length;
}

await prepareDatabase();
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
// A bench database: losing the last commits on a crash is acceptable; bigger GIN pending lists and
// memory for flushing them make the trigram indexes much cheaper to maintain during COPY.
await client.query(`SET synchronous_commit = off`);
await client.query(`SET work_mem = '256MB'`);
await client.query(`SET gin_pending_list_limit = '64MB'`);
await client.query(`SET maintenance_work_mem = '512MB'`);
const started = performance.now();
const others = Math.max(1, Math.round(userCount / 10));
const memberships =
  (await seedTenant(client, BENCH_TENANT, userCount, 1, { 'bench-large': 0.05, 'bench-medium': 0.001 })) +
  (await seedTenant(client, OTHER_TENANT, others, 2, {}));
const small = await client.query(
  `INSERT INTO organizations (tenant_id, slug, name) SELECT id, 'bench-small', 'bench-small' FROM tenants
   WHERE slug = $1 RETURNING id, tenant_id`,
  [BENCH_TENANT],
);
// 50 members spread over the whole tenant: the case where walking created order would scan everything.
await client.query(
  `INSERT INTO memberships (tenant_id, user_id, organization_id)
   SELECT tenant_id, id, $2 FROM users WHERE tenant_id = $1 ORDER BY md5(id::text) LIMIT 50`,
  [small.rows[0].tenant_id, small.rows[0].id],
);
const copied = performance.now();
const seconds = (copied - started) / 1000;
const rows = userCount + others;
out(`copied ${rows} users and ${memberships + 50} memberships in ${seconds.toFixed(1)} s`);
out(`  ${Math.round(rows / seconds)} users/s (COPY into the indexed table)`);
if (flag('--imported')) {
  const clustering = performance.now();
  await client.query('CLUSTER users USING users_email_uq');
  out(`CLUSTER users in e-mail order in ${((performance.now() - clustering) / 1000).toFixed(1)} s`);
}
await client.query('SET synchronous_commit = on');
for (const table of ['users', 'memberships', 'organizations', 'tenants']) {
  await client.query(`VACUUM ANALYZE ${table}`);
}
// The user search walks users_created_idx with index-only scans, which skip the heap only on pages
// marked all-visible. Right after the load, the first VACUUM leaves some unmarked; the next ones mark
// them (unless an old snapshot holds them back).
const allVisible = async () =>
  (await client.query(`SELECT relpages, relallvisible FROM pg_class WHERE relname = 'users'`)).rows[0];
for (let again = 0; again < 3; again += 1) {
  const { relpages, relallvisible } = await allVisible();
  if (relallvisible >= relpages) break;
  await client.query('VACUUM users');
}
const vacuumed = (performance.now() - copied) / 1000;
const pages = await allVisible();
out(`users: ${pages.relallvisible} of ${pages.relpages} pages all-visible`);
out(
  `VACUUM ANALYZE in ${vacuumed.toFixed(1)} s; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
out(`  ${Math.round(rows / ((performance.now() - started) / 1000))} users/s overall`);
await client.end();
