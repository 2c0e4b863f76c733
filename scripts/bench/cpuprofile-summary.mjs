#!/usr/bin/env node
// Summarizes V8 .cpuprofile files (node --cpu-prof): self time by package and by function, and the
// inclusive time of Portico's own functions — where a server process spends its CPU.
//   node scripts/bench/cpuprofile-summary.mjs <file.cpuprofile | dir> … [--top 25] [--skip <seconds>]
// Several files (the serve processes of one run) are added together. (idle) is left out of the shares.
// --skip leaves out each profile's first seconds (start-up: module loading, compilation, warm-up).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
const topAt = argv.indexOf('--top');
const top = topAt >= 0 ? Number(argv[topAt + 1]) : 25;
const skipAt = argv.indexOf('--skip');
const skipMicros = skipAt >= 0 ? Number(argv[skipAt + 1]) * 1e6 : 0;
const inputs = argv.filter((a, i) => !a.startsWith('--') && !['--top', '--skip'].includes(argv[i - 1]));
const files = inputs.flatMap((input) =>
  statSync(input).isDirectory()
    ? readdirSync(input)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(input, f))
    : [input],
);
if (files.length === 0) {
  process.stderr.write('usage: cpuprofile-summary.mjs <file.cpuprofile | dir> … [--top N]\n');
  process.exit(2);
}

/** Where a frame's code comes from: an npm package, Node itself, Portico, or V8 pseudo-frames. */
function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (core)';
  const dist = /dist\/server\/src\/([^/]+)\//.exec(url);
  if (dist) return `portico ${dist[1]}/`;
  return url.replace(/^file:\/\//, '');
}

const selfByFunction = new Map();
const selfByPackage = new Map();
const inclusivePortico = new Map();
const inclusiveByPackage = new Map();
let total = 0;
let idle = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map();
  let elapsed = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed < skipMicros) continue;
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + ms);
  }
  for (const [id, ms] of selfMs) {
    const { callFrame } = nodes.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    total += ms;
    const where = callFrame.url ? `${path.basename(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const pkg = packageOf(callFrame.url, name);
    const key = `${name} ${where} [${pkg}]`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + ms);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + ms);
    // Inclusive times: each sample counts once per distinct package, and Portico function, above it.
    const seen = new Set();
    const packages = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at).callFrame;
      packages.add(packageOf(frame.url, frame.functionName));
      if (!frame.url.includes('/dist/server/src/')) continue;
      const label = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(label)) continue;
      seen.add(label);
      inclusivePortico.set(label, (inclusivePortico.get(label) ?? 0) + ms);
    }
    for (const pkg of packages) inclusiveByPackage.set(pkg, (inclusiveByPackage.get(pkg) ?? 0) + ms);
  }
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const print = (title, map, limit) => {
  out(`\n${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    out(`${((100 * ms) / total).toFixed(1).padStart(6)}%  ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
};
out(`${files.length} profile(s): ${(total / 1000).toFixed(2)} s on CPU, ${(idle / 1000).toFixed(2)} s idle`);
print('self time by package', selfByPackage, top);
print('inclusive time by package (synchronous stacks only)', inclusiveByPackage, top);
print('self time by function', selfByFunction, top);
print('inclusive time of Portico functions', inclusivePortico, top);
