#!/usr/bin/env node
import path from 'node:path';
import { completeHostedPages } from '../../dist/test/support/oidc-flows.js';
import { UserAgent } from '../../dist/test/support/user-agent.js';
import { BENCH_CLIENT, BENCH_USER, REFERENCE_LOGIN_CLIENTS } from './lib/fixtures.mjs';
import { tokenRequest } from './lib/flows.mjs';
import { HttpClient } from './lib/load.mjs';
import { cpuSecondsOf } from './lib/proc.mjs';
import {
  createDatabase,
  dropDatabase,
  freePort,
  singleServeEnv,
  startPortico,
  startReference,
} from './lib/servers.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const logins = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')) ?? 40);
const tenant = option('--tenant', 'bench');
const admin = option('--postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const bare = argv.includes('--bare');
const name = `portico_bench_steps_${Date.now()}`;
const profileDir = option('--cpu-prof');
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const base = bare ? '' : `/t/${tenant}`;
const credentials = bare ? REFERENCE_LOGIN_CLIENTS.argon2id : BENCH_CLIENT;
let databaseUrl;
let child;
if (bare) {
  child = await startReference(port, nodeArgs);
} else {
  databaseUrl = await createDatabase(admin, name);
  ({ child } = await startPortico(await singleServeEnv(databaseUrl, name, port), { nodeArgs }));
}
const steps = new Map();
try {
  for (let i = 0; i < logins + 3; i += 1) {
    const agent = new UserAgent();
    const request = agent.request.bind(agent);
    agent.request = async (url, init) => {
      const before = cpuSecondsOf(child.pid);
      const page = await request(url, init);
      const step = `${init?.method ?? 'GET'} ${new URL(url).pathname.replace(/\/[A-Za-z0-9_-]{20,}/g, '/:id')}`;
      if (i >= 3) steps.set(step, [...(steps.get(step) ?? []), cpuSecondsOf(child.pid) - before]);
      return page;
    };
    const url = new URL(`${origin}${base}/auth`);
    url.search = new URLSearchParams({
      client_id: credentials.id,
      response_type: 'code',
      redirect_uri: credentials.redirectUri,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const final = await completeHostedPages(agent, await agent.navigate(url), BENCH_USER);
    const client = new HttpClient(origin, 1);
    const before = cpuSecondsOf(child.pid);
    await tokenRequest(client, base, credentials, {
      grant_type: 'authorization_code',
      code: final.location.searchParams.get('code'),
      redirect_uri: credentials.redirectUri,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    });
    if (i >= 3)
      steps.set('POST /token', [...(steps.get('POST /token') ?? []), cpuSecondsOf(child.pid) - before]);
    client.close();
  }
} finally {
  await child.stop();
  if (databaseUrl) await dropDatabase(admin, name);
}
let total = 0;
for (const [step, values] of steps) {
  const ms = (1000 * values.reduce((a, b) => a + b, 0)) / logins;
  total += ms;
  process.stdout.write(`${ms.toFixed(1).padStart(7)} ms  ${step}\n`);
}
process.stdout.write(
  `${total.toFixed(1).padStart(7)} ms  per login (${logins} logins, ${bare ? 'bare oidc-provider' : `tenant ${tenant}`})\n`,
);
