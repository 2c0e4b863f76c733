import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../support/processes.js';
import { unknownVariables } from './support/config-variables.js';

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined, each tagged with its stage (0-based). */
function readDockerfile(): Instruction[] {
  const text = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const instructions: Instruction[] = [];
  let stage = -1;
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m || line.trim().startsWith('#')) continue;
    if (m[1] === 'FROM') stage += 1;
    instructions.push({ keyword: m[1] ?? '', args: (m[2] ?? '').replace(/\s+/g, ' '), stage });
  }
  return instructions;
}

describe('Dockerfile', () => {
  const instructions = readDockerfile();
  const runtimeStage = Math.max(...instructions.map((i) => i.stage));
  const runtime = instructions.filter((i) => i.stage === runtimeStage);
  const all = (keyword: string, list = instructions) => list.filter((i) => i.keyword === keyword);

  it('is multi-stage on the current Node LTS slim image', () => {
    expect(all('FROM').length).to.be.at.least(2);
    const image = /NODE_IMAGE=(\S+)/.exec(all('ARG')[0]?.args ?? '')?.[1] ?? '';
    const major = Number(/^node:(\d+)-slim$/.exec(image)?.[1]);
    expect(major, image).to.be.at.least(24);
    expect(major % 2, 'LTS lines are even').to.equal(0);
    for (const from of all('FROM')) expect(from.args).to.match(/^\$\{NODE_IMAGE\} AS [a-z-]+$/);
  });

  it('installs with npm ci, builds with tsc and ships production dependencies only', () => {
    const runs = all('RUN').map((i) => i.args);
    expect(runs.some((r) => r.startsWith('npm ci '))).to.equal(true);
    expect(runs).to.include('npm run build');
    expect(runs.some((r) => r.includes('npm ci --omit=dev'))).to.equal(true);
    const copied = all('COPY', runtime).map((i) => i.args);
    expect(copied).to.include('--from=build /src/dist/server/src dist/server/src');
    expect(copied.some((c) => c.startsWith('--from=build') && c.includes('node_modules'))).to.equal(false);
  });

  it('runs as a numeric non-root user, with a health check, tini as PID 1 and `portico` as entrypoint', () => {
    const user = all('USER', runtime).at(-1)?.args ?? '';
    expect(user).to.match(/^[1-9]\d*:[1-9]\d*$/);
    expect(all('HEALTHCHECK', runtime)[0]?.args).to.contain('/healthz');
    expect(JSON.parse(all('ENTRYPOINT', runtime)[0]?.args ?? '[]')).to.deep.equal([
      '/usr/bin/tini',
      '--',
      'portico',
    ]);
    expect(JSON.parse(all('CMD', runtime).at(-1)?.args ?? '[]')).to.deep.equal(['serve']);
    expect(all('ENV', runtime)[0]?.args).to.contain('PATH=/app/server/bin:$PATH');
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(ignored).to.include.members(['**/node_modules', 'dist', '.env', 'server/test']);
    for (const copy of all('COPY').filter((i) => !i.args.startsWith('--from'))) {
      const sources = copy.args.split(' ').slice(0, -1);
      for (const source of sources) {
        expect(existsSync(path.join(repoRoot, source)), source).to.equal(true);
        expect(
          ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
          source,
        ).to.deep.equal([]);
      }
    }
  });

  it('sets only environment variables that the config module knows (PATH aside)', () => {
    const names = all('ENV').flatMap((i) =>
      [...i.args.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((m) => ({ name: m[1] ?? '', where: 'Dockerfile' })),
    );
    expect(names.length).to.be.greaterThan(2);
    expect(unknownVariables(names.filter((n) => n.name !== 'PATH'))).to.deep.equal([]);
  });
});
