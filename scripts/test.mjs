#!/usr/bin/env node
// Runs the compiled test suites with mocha against real services, and prints the closing line
// "N passed, N failed, N skipped" that CI reads.
//
// Each run gets fresh PostgreSQL databases (prefix portico_test_<run>_, dropped afterwards) and its own
// Redis key prefix. Without PostgreSQL or Redis the suites that need them skip and say why; with
// PORTICO_TEST_REQUIRE_SERVICES=1 a missing service fails the run instead.
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Mocha from 'mocha';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const runId = `${Date.now().toString(36)}_${process.pid}`;
const adminUrl = process.env.PORTICO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line) => process.stdout.write(`${line}\n`);

async function postgresAvailable() {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${adminUrl} unreachable (${error.code ?? error.message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

function redisAvailable() {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379), timeout: 2000 });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(
        String(data).startsWith('+PONG') ? null : `Redis at ${redisUrl} answered ${String(data).trim()}`,
      );
    });
    const fail = (why) => () => {
      socket.destroy();
      resolve(`Redis at ${redisUrl} unreachable (${why})`);
    };
    socket.once('timeout', fail('timeout'));
    socket.once('error', (e) => fail(e.code ?? e.message)());
  });
}

async function dropRunDatabases() {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `portico_test_${runId}%`,
  ]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
}

const postgresProblem = await postgresAvailable();
const redisProblem = await redisAvailable();
process.env.PORTICO_TEST_RUN_ID = runId;
process.env.PORTICO_TEST_POSTGRES_URL = postgresProblem ? '' : adminUrl;
process.env.PORTICO_TEST_POSTGRES_UNAVAILABLE = postgresProblem ?? '';
process.env.PORTICO_TEST_REDIS_URL = redisProblem ? '' : redisUrl;
process.env.PORTICO_TEST_REDIS_UNAVAILABLE = redisProblem ?? '';
for (const problem of [postgresProblem, redisProblem].filter(Boolean)) log(`services: ${problem}`);

// Arguments narrow the run to compiled test files whose path contains one of them.
const filters = process.argv.slice(2);
const files = ['dist/server/test', 'dist/test']
  .flatMap((dir) => testFilesUnder(path.join(root, dir)))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

function testFilesUnder(dir) {
  try {
    return readdirSync(dir, { recursive: true })
      .filter((name) => name.endsWith('.test.js'))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

const mocha = new Mocha({ reporter: 'spec', timeout: 30_000, slow: 2_000 });
for (const file of files) mocha.addFile(file);
await mocha.loadFilesAsync();
const runner = mocha.run();
await new Promise((resolve) => runner.on('end', resolve));
const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
if (!postgresProblem)
  await dropRunDatabases().catch((e) => log(`could not drop test databases: ${e.message}`));
log('');
log(`${passes} passed, ${failures} failed, ${pending} skipped`);
process.exit(failures > 0 || files.length === 0 ? 1 : 0);
