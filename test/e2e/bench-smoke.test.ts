import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { needsPostgres } from '../../server/test/support/services.js';
import { repoRoot } from '../support/processes.js';

interface Measured {
  operations: number;
  errors: number;
  perCpuSecond: number;
}

interface ScenarioResult {
  key: string;
  portico: Measured;
  reference?: Measured;
  bare?: Measured;
  ratio?: number;
  checks: { target: string; met: boolean }[];
}

/** Every scenario the bench compares with a reference, and the one that has none. */
const COMPARED = ['cc-opaque', 'cc-jwt', 'refresh', 'login-argon2id', 'introspection', 'userinfo', 'jwks'];

/**
 * `npm run bench` (issue 8's deliverable) still drives every flow end to end, on Portico and on its
 * references, without errors: a one-second run of each scenario (bcrypt's ten-second minimum left out),
 * one serve process, no Redis. Figures are not judged here (docs/PERFORMANCE.md does that), only that
 * each side completed operations, none failed, and the ratio to the reference was computed.
 */
describe('npm run bench: every scenario runs against Portico and its references', function () {
  this.timeout(240_000);
  let dir: string;
  let scenarios: ScenarioResult[];

  before(async function () {
    needsPostgres(this);
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-smoke-'));
    const json = path.join(dir, 'results.json');
    const args = [
      'scripts/bench/run.mjs',
      ...['--duration', '1', '--warmup', '0', '--web-concurrency', '1', '--connections', '4'],
      ...['--login-connections', '2', '--skip-startup', '--no-redis', '--json', json],
      ...['--only', COMPARED.join(','), '--postgres', String(process.env.PORTICO_TEST_POSTGRES_URL)],
    ];
    const output = await run(args);
    scenarios = (JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] }).scenarios;
    expect(
      scenarios.map((s) => s.key),
      output,
    ).to.deep.equal(COMPARED);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completes operations without errors on Portico and on every reference', () => {
    for (const scenario of scenarios) {
      for (const side of ['portico', 'reference', 'bare'] as const) {
        const measured = scenario[side];
        if (!measured) continue;
        expect(measured.operations, `${scenario.key} ${side}`).to.be.greaterThan(0);
        expect(measured.errors, `${scenario.key} ${side}`).to.equal(0);
        expect(measured.perCpuSecond, `${scenario.key} ${side}`).to.be.greaterThan(0);
      }
    }
  });

  it('measures each scenario against its reference, the login also against the bare flow', () => {
    for (const scenario of scenarios) {
      expect(scenario.reference, scenario.key).to.not.equal(undefined);
      expect(scenario.ratio, scenario.key).to.be.a('number').and.to.be.greaterThan(0);
    }
    expect(scenarios.find((s) => s.key === 'login-argon2id')?.bare?.operations).to.be.greaterThan(0);
    const refresh = scenarios.find((s) => s.key === 'refresh');
    expect(refresh?.checks.map((c) => c.target)).to.deep.equal(['≥ 1000/CPU-s']);
  });
});

/** Runs a node script from the repository root; its output, or a failure carrying it. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`bench exited with ${code}:\n${output}`)),
    );
  });
}
