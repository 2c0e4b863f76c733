#!/usr/bin/env node
// `npm run bench`: Portico's throughput per CPU-second of its server processes, scenario by scenario,
// against references measured in the same run on the same machine (a bare oidc-provider with its
// in-memory adapter; raw password-hash verification), plus idle RSS and time to ready. See
// docs/PERFORMANCE.md. Needs `npm run build`, PostgreSQL and (optionally) Redis.
//
//   npm run bench -- [--duration 5] [--warmup 1] [--repeat 1] [--connections 16] [--login-connections 8]
//                    [--web-concurrency <cores>] [--only cc-opaque,refresh,…] [--skip-startup]
//                    [--search [--search-users 1000000]] [--keep] [--log-level warn]
//                    [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--redis redis://… | --no-redis]
//                    [--cpu-prof <dir>] [--json <file>]
//
// Scenario keys: cc-opaque cc-jwt refresh login-argon2id login-bcrypt introspection userinfo jwks.
// --cpu-prof writes a .cpuprofile per server process into <dir> (summarize with cpuprofile-summary.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kickstartYaml } from './lib/fixtures.mjs';
import { HttpClient, runClosedLoop } from './lib/load.mjs';
import { processTree } from './lib/proc.mjs';
import { buildScenarios } from './lib/scenarios.mjs';
import { runSearch } from './lib/search.mjs';
import {
  createDatabase,
  dropDatabase,
  freePort,
  porticoEnv,
  repoRoot,
  runHashVerify,
  startPortico,
  startReference,
  writeKickstart,
} from './lib/servers.mjs';
import { measureStartup } from './lib/startup.mjs';
import { formatTable } from './lib/table.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
};
const flag = (name) => argv.includes(name);
const options = {
  durationMs: Number(option('--duration', 5)) * 1000,
  warmupMs: Number(option('--warmup', 1)) * 1000,
  repeat: Math.max(1, Number(option('--repeat', 1))),
  connections: Number(option('--connections', 16)),
  loginConnections: Number(option('--login-connections', 8)),
  webConcurrency: Number(option('--web-concurrency', os.availableParallelism())),
  only: option('--only')?.split(','),
  logLevel: option('--log-level', 'warn'),
  postgres: option(
    '--postgres',
    process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  ),
  redis: flag('--no-redis') ? undefined : option('--redis', 'redis://127.0.0.1:6379'),
  cpuProfDir: option('--cpu-prof') ? path.resolve(option('--cpu-prof')) : undefined,
  search: flag('--search'),
  searchUsers: Number(option('--search-users', 1_000_000)),
  skipStartup: flag('--skip-startup'),
  keep: flag('--keep'),
};
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '_');
const jsonFile = path.resolve(option('--json', path.join(repoRoot, `scripts/bench/results/${stamp}.json`)));
const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const databaseName = `portico_bench_${stamp}`;
const databaseUrl = await createDatabase(options.postgres, databaseName);
log(`database ${databaseName}`);
const results = { startedAt: new Date().toISOString(), machine: machine(), options, scenarios: [] };
let portico;
let reference;
try {
  const port = await freePort();
  const kickstart = writeKickstart(path.join(os.tmpdir(), `${databaseName}.yaml`), kickstartYaml());
  const nodeArgs = options.cpuProfDir ? profileArgs(options.cpuProfDir) : [];
  const serveEnv = porticoEnv({
    databaseUrl,
    redisUrl: options.redis,
    port,
    managementPort: await freePort(),
    webConcurrency: options.webConcurrency,
    logLevel: options.logLevel,
    kickstart,
  });
  portico = (await startPortico(serveEnv, { nodeArgs })).child;
  while (processTree(portico.pid).length < options.webConcurrency + (options.webConcurrency > 1 ? 1 : 0)) {
    await sleep(50);
  }
  await sleep(1000); // every serve process listening
  log(`portico serve: ${options.webConcurrency} process(es), pids ${processTree(portico.pid).join(' ')}`);
  const referencePort = await freePort();
  reference = await startReference(referencePort, nodeArgs);
  const origin = `http://127.0.0.1:${port}`;
  const ctx = {
    origin,
    referenceOrigin: `http://127.0.0.1:${referencePort}`,
    portico: new HttpClient(origin, Math.max(options.connections, options.loginConnections) * 2),
    reference: new HttpClient(`http://127.0.0.1:${referencePort}`, options.connections),
    loginConnections: options.loginConnections,
  };
  const scenarios = (await buildScenarios(ctx)).filter((s) => !options.only || options.only.includes(s.key));
  for (const scenario of scenarios) {
    const connections = scenario.connections ?? options.connections;
    const durationMs = Math.max(options.durationMs, scenario.minDurationMs ?? 0);
    const run = async (side, pid) => {
      const prepared = side.prepare ? await side.prepare() : side;
      return runClosedLoop({
        ...prepared,
        connections,
        durationMs,
        warmupMs: options.warmupMs,
        cpuPids: [pid],
      });
    };
    // Each repetition measures Portico and then its references, so slow spells of a shared machine
    // fall on both sides; the run whose Portico figure is the median is reported, with its references.
    const repetitions = [];
    for (let i = 0; i < options.repeat; i += 1) {
      const round = options.repeat > 1 ? ` (${i + 1}/${options.repeat})` : '';
      log(`${scenario.key}: portico…${round}`);
      const measured = await run(scenario.portico, portico.pid);
      let ref;
      if (scenario.reference?.operation || scenario.reference?.prepare) {
        log(`${scenario.key}: bare oidc-provider…${round}`);
        ref = await run(scenario.reference, reference.pid);
      } else if (scenario.reference?.hash) {
        log(`${scenario.key}: raw ${scenario.reference.hash} verify…${round}`);
        ref = hashResult(
          await runHashVerify(scenario.reference.hash, durationMs / 1000, 4, options.warmupMs / 1000),
        );
      }
      let bare;
      if (scenario.bare) {
        log(`${scenario.key}: bare oidc-provider…${round}`);
        bare = await run(scenario.bare, reference.pid);
      }
      repetitions.push(judge(scenario, connections, measured, ref, bare));
    }
    const byThroughput = [...repetitions].sort((a, b) => a.portico.perCpuSecond - b.portico.perCpuSecond);
    const reported = byThroughput[Math.floor((byThroughput.length - 1) / 2)];
    if (repetitions.length > 1) {
      reported.repetitions = repetitions.map((r) => ({
        perCpuSecond: r.portico.perCpuSecond,
        ratio: r.ratio,
        bareRatio: r.bareRatio,
      }));
    }
    results.scenarios.push(reported);
  }
  ctx.portico.close();
  ctx.reference.close();
  await Promise.all([portico.stop(), reference.stop()]);
  portico = reference = undefined;
  if (!options.skipStartup) {
    log('startup: time to /readyz and idle RSS of one serve process…');
    results.startup = await measureStartup(serveEnv, porticoEnv, options);
  }
  if (options.search) results.search = await runSearch(options);
} finally {
  await Promise.all([portico?.stop(), reference?.stop()]);
  if (!options.keep) await dropDatabase(options.postgres, databaseName);
}
results.finishedAt = new Date().toISOString();
mkdirSync(path.dirname(jsonFile), { recursive: true });
writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(formatTable(results));
log(
  `\nresults: ${path.relative(process.cwd(), jsonFile)}${options.keep ? `; database kept: ${databaseName}` : ''}`,
);

function profileArgs(dir) {
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

function hashResult(r) {
  return {
    operations: r.verifications,
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    throughput: r.verifications / r.seconds,
    perCpuSecond: r.verifications / r.cpuSeconds,
    p50: r.p50,
    p99: r.p99,
    errors: 0,
  };
}

function judge(scenario, connections, portico, reference, bare) {
  const ratio = reference ? portico.perCpuSecond / reference.perCpuSecond : undefined;
  const checks = [];
  const { perCpuSecond, ratio: minRatio } = scenario.targets;
  if (perCpuSecond !== undefined)
    checks.push({ target: `≥ ${perCpuSecond}/CPU-s`, met: portico.perCpuSecond >= perCpuSecond });
  if (minRatio !== undefined && ratio !== undefined)
    checks.push({ target: `≥ ${minRatio}× ref`, met: ratio >= minRatio });
  if (portico.errors > 0) checks.push({ target: 'no errors', met: false });
  const bareRatio = bare ? portico.perCpuSecond / bare.perCpuSecond : undefined;
  return {
    key: scenario.key,
    name: scenario.name,
    connections,
    portico,
    reference,
    ratio,
    bare,
    bareRatio,
    checks,
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model,
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg(),
  };
}
