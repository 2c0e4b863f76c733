#!/usr/bin/env node
// How many SQL statements each request of the benchmarked flows sends: one serve process (PostgreSQL,
// Redis) with node-postgres counted (lib/count-queries.mjs), one request of each kind after a warm-up.
//   node scripts/bench/sql-count.mjs [--verbose] [--postgres postgres://…/postgres]
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { completeHostedPages } from '../../dist/test/support/oidc-flows.js';
import { UserAgent } from '../../dist/test/support/user-agent.js';
import { BENCH_CLIENT, BENCH_TENANTS, BENCH_USER } from './lib/fixtures.mjs';
import {
  clientCredentials,
  introspection,
  refreshGrant,
  refreshTokenFor,
  tokenRequest,
  userinfo,
} from './lib/flows.mjs';
import { HttpClient } from './lib/load.mjs';
import {
  createDatabase,
  dropDatabase,
  freePort,
  repoRoot,
  singleServeEnv,
  startPortico,
} from './lib/servers.mjs';

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
const admin = argv.includes('--postgres')
  ? argv[argv.indexOf('--postgres') + 1]
  : 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `portico_bench_sql_${Date.now()}`;
const log = path.join(os.tmpdir(), `${name}.sql.log`);
writeFileSync(log, '');
const databaseUrl = await createDatabase(admin, name);
const port = await freePort();
const env = { ...(await singleServeEnv(databaseUrl, name, port)), PORTICO_BENCH_SQL_LOG: log };
const preload = path.join(repoRoot, 'scripts/bench/lib/count-queries.mjs');
const { child } = await startPortico(env, { nodeArgs: ['--import', preload] });
const origin = `http://127.0.0.1:${port}`;
const tenant = BENCH_TENANTS.argon2id;
const base = `/t/${tenant}`;
const client = new HttpClient(origin, 1);
const lines = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
/** Runs `work` twice (the first warms caches) and reports the statements of the second run. */
async function count(label, work) {
  await work();
  await new Promise((r) => setTimeout(r, 300)); // let the outbox relay's poll pass
  const before = lines().length;
  await work();
  const sql = lines().slice(before);
  process.stdout.write(`${String(sql.length).padStart(4)}  ${label}\n`);
  if (verbose) for (const line of sql) process.stdout.write(`        ${line}\n`);
}
try {
  const cc = clientCredentials(client, base, BENCH_CLIENT);
  const opaque = (await cc()).access_token;
  const refresher = { refreshToken: await refreshTokenFor(origin, client, base, BENCH_CLIENT) };
  const me = (await loginTokens()).access_token;
  await count('client credentials (opaque)', cc);
  await count('introspection', introspection(client, base, BENCH_CLIENT, opaque));
  await count('userinfo', userinfo(client, base, me));
  await count('refresh grant', () => refreshGrant(client, base, BENCH_CLIENT)(refresher));
  await count('password login (all requests)', loginTokens);
} finally {
  client.close();
  await child.stop();
  await dropDatabase(admin, name);
}

async function loginTokens() {
  const agent = new UserAgent();
  const url = new URL(`${origin}${base}/auth`);
  url.search = new URLSearchParams({
    client_id: BENCH_CLIENT.id,
    response_type: 'code',
    redirect_uri: BENCH_CLIENT.redirectUri,
    scope: 'openid email',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const final = await completeHostedPages(agent, await agent.navigate(url), BENCH_USER);
  return tokenRequest(client, base, BENCH_CLIENT, {
    grant_type: 'authorization_code',
    code: final.location.searchParams.get('code'),
    redirect_uri: BENCH_CLIENT.redirectUri,
    code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  });
}
