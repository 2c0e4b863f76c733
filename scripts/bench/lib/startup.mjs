// Time from spawning `portico serve` to its first `/readyz` 200 (PostgreSQL mode, migrations and
// kickstart already applied), and the RSS of that one serve process idle, then idle after some load.

import { BENCH_CLIENT, BENCH_TENANTS } from './fixtures.mjs';
import { clientCredentials, passwordLogin, userinfo } from './flows.mjs';
import { HttpClient } from './load.mjs';
import { rssMiB } from './proc.mjs';
import { freePort, startPortico } from './servers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureStartup(clusterEnv, _porticoEnv, { startupRuns = 5 } = {}) {
  const readyMs = [];
  let rss;
  for (let run = 0; run < startupRuns; run += 1) {
    const port = await freePort();
    const env = {
      ...clusterEnv,
      WEB_CONCURRENCY: '1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    env.MANAGEMENT_PORT = String(await freePort());
    delete env.PORTICO_KICKSTART;
    delete env.NODE_OPTIONS;
    const { child, readyMs: ms } = await startPortico(env);
    readyMs.push(ms);
    try {
      if (run === 0) rss = await measureRss(child.pid, `http://127.0.0.1:${port}`);
    } finally {
      await child.stop();
    }
  }
  return { readyMs, readyMedianMs: median(readyMs), readyMaxMs: Math.max(...readyMs), ...rss };
}

/** RSS 3 s after ready; then after a little of every kind of traffic, once idle again. */
async function measureRss(pid, origin) {
  await sleep(3000);
  const idleMiB = rssMiB(pid);
  const client = new HttpClient(origin, 4);
  const base = `/t/${BENCH_TENANTS.argon2id}`;
  const signedIn = await passwordLogin(origin, client, BENCH_TENANTS.argon2id, { scope: 'openid email' });
  const grant = clientCredentials(client, base, BENCH_CLIENT);
  const me = userinfo(client, base, signedIn.access_token);
  for (let i = 0; i < 500; i += 1) await Promise.all([grant(), me()]);
  client.close();
  await sleep(3000);
  return { idleRssMiB: idleMiB, idleAfterLoadRssMiB: rssMiB(pid) };
}
