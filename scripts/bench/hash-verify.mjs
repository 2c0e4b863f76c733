#!/usr/bin/env node
// The reference of the password-login benchmark: raw verify throughput of a password hash under
// Portico's default policy (argon2id m=19 MiB t=2 p=1, or bcrypt cost 12 over the HMAC pre-hash), with
// the libraries Portico uses, `concurrency` verifications in flight. CPU time from /proc/self/stat.
//   node scripts/bench/hash-verify.mjs <argon2id|bcrypt> <seconds> [concurrency=4] [warmup seconds=1]
// Prints one JSON line: {algorithm, verifications, seconds, cpuSeconds, p50, p99}.
import {
  DEFAULT_PASSWORD_HASH_POLICY,
  PasswordHasher,
} from '../../dist/server/src/credentials/password-hasher.js';
import { cpuSecondsOf } from './lib/proc.mjs';

const [algorithm = 'argon2id', seconds = '5', concurrency = '4', warmup = '1'] = process.argv.slice(2);
const policy = { ...DEFAULT_PASSWORD_HASH_POLICY, algorithm };
const hasher = new PasswordHasher();
const password = 'correct horse battery staple';
const stored = await hasher.hash(password, policy);

let measuring = false;
let stopped = false;
const latencies = [];
const loop = async () => {
  while (!stopped) {
    const started = performance.now();
    const counted = measuring;
    const { valid } = await hasher.verify(password, stored, policy);
    if (!valid) throw new Error('the reference hash did not verify');
    if (counted && measuring) latencies.push(performance.now() - started);
  }
};
const loops = Array.from({ length: Number(concurrency) }, loop);
await new Promise((r) => setTimeout(r, Number(warmup) * 1000));
const cpuBefore = cpuSecondsOf(process.pid);
const started = performance.now();
measuring = true;
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
measuring = false;
const elapsed = (performance.now() - started) / 1000;
const cpuSeconds = cpuSecondsOf(process.pid) - cpuBefore;
stopped = true;
await Promise.all(loops);
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
process.stdout.write(
  `${JSON.stringify({ algorithm, verifications: latencies.length, seconds: elapsed, cpuSeconds, p50: at(50), p99: at(99) })}\n`,
);
