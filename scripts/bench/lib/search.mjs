// The user-search scenario (--search): seeds a fresh database with N users (seed-users.mjs, COPY) and
// runs the search benchmark (user-search.mjs) on it; the database is dropped unless --keep.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './servers.mjs';

function runScript(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/bench', script), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${script} exited ${code}:\n${output}`)),
    );
  });
}

export async function runSearch(options) {
  const url = new URL(options.postgres);
  url.pathname = `/portico_bench_search_${Date.now()}`;
  process.stderr.write(`search: seeding ${options.searchUsers} users into ${url.pathname.slice(1)}…\n`);
  await runScript('seed-users.mjs', [String(options.searchUsers), '--fresh', '--url', url.href]);
  process.stderr.write('search: measuring…\n');
  const args = ['100', '--url', url.href, '--no-plans', ...(options.keep ? [] : ['--drop-database'])];
  const output = await runScript('user-search.mjs', args);
  const table = output.slice(output.indexOf('runs per kind'), output.indexOf('slowest searches'));
  const overall = /^overall\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/m.exec(output);
  if (!overall) throw new Error(`no overall line in the search output:\n${output}`);
  const [, p50, p95, p99, max] = overall.map(Number);
  return {
    users: options.searchUsers,
    p50,
    p95,
    p99,
    max,
    summary: `overall p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms, max ${max} ms`,
    table: table.trim(),
  };
}
