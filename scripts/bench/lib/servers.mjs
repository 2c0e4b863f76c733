// The processes under test: `portico serve` on a fresh PostgreSQL database, and the bare oidc-provider.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { kickstartYaml } from './fixtures.mjs';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
const porticoBin = path.join(repoRoot, 'server/bin/portico.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Creates database `name` next to `adminUrl`'s; returns its URL. */
export async function createDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

export async function dropDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A child process with its output kept (the tail, for error messages). */
class Child {
  constructor(command, args, env) {
    this.output = '';
    this.process = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    this.process.stdout.on('data', keep);
    this.process.stderr.on('data', keep);
    this.exited = new Promise((r) => this.process.once('exit', (code) => r(code)));
  }

  get pid() {
    return this.process.pid;
  }

  async stop() {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    const timeout = sleep(15_000).then(() => 'timeout');
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Environment of `portico serve` for the bench: PostgreSQL, Redis, secret key, ports, processes. */
export function porticoEnv({
  databaseUrl,
  redisUrl,
  port,
  managementPort,
  webConcurrency,
  logLevel,
  kickstart,
}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    PORTICO_SECRET_KEY: SECRET_KEY,
    HOST: '127.0.0.1',
    PORT: String(port),
    MANAGEMENT_PORT: String(managementPort),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    WEB_CONCURRENCY: String(webConcurrency),
    LOG_LEVEL: logLevel,
    ...(kickstart ? { PORTICO_KICKSTART: kickstart } : {}),
  };
}
/**
 * One serve process on a fresh database `name`, with the bench kickstart file (fixtures.mjs), Redis and
 * warn-level logs: the set-up of the scripts that look into single requests (login-steps, sql-count).
 */
export async function singleServeEnv(databaseUrl, name, port) {
  return porticoEnv({
    databaseUrl,
    redisUrl: 'redis://127.0.0.1:6379',
    port,
    managementPort: await freePort(),
    webConcurrency: 1,
    logLevel: 'warn',
    kickstart: writeKickstart(path.join(os.tmpdir(), `${name}.yaml`), kickstartYaml()),
  });
}

const SECRET_KEY = randomBytes(32).toString('base64');

export function writeKickstart(file, yaml) {
  writeFileSync(file, yaml);
  return file;
}

/** Spawns `portico serve`; resolves once `/readyz` answers 200, with the milliseconds that took. */
export async function startPortico(env, { nodeArgs = [], timeoutMs = 60_000 } = {}) {
  const started = performance.now();
  const child = new Child(process.execPath, [...nodeArgs, porticoBin, 'serve'], env);
  const readyz = `http://127.0.0.1:${env.MANAGEMENT_PORT}/readyz`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) break;
    try {
      const res = await fetch(readyz);
      if (res.status === 200) return { child, readyMs: performance.now() - started };
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  await child.stop();
  throw new Error(`portico serve did not become ready:\n${child.output}`);
}

/** Spawns the bare oidc-provider (reference-server.mjs) on `port`. */
export async function startReference(port, nodeArgs = []) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production' };
  const child = new Child(
    process.execPath,
    [...nodeArgs, path.join(repoRoot, 'scripts/bench/reference-server.mjs'), String(port)],
    env,
  );
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !child.output.includes('"port"')) {
    if (child.process.exitCode !== null) break;
    await sleep(20);
  }
  if (!child.output.includes('"port"')) throw new Error(`reference server did not start:\n${child.output}`);
  return child;
}

/** Runs hash-verify.mjs to completion; its JSON line. */
export async function runHashVerify(algorithm, seconds, concurrency, warmupSeconds) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const args = [
    path.join(repoRoot, 'scripts/bench/hash-verify.mjs'),
    algorithm,
    String(seconds),
    String(concurrency),
    String(warmupSeconds),
  ];
  const child = new Child(process.execPath, args, env);
  const code = await child.exited;
  const line = child.output.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`hash-verify ${algorithm} failed:\n${child.output}`);
  return JSON.parse(line);
}
