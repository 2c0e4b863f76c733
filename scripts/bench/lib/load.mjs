// A closed-loop load generator: `connections` workers each run one operation after another (a single
// request, or a whole login flow) for a duration, over keep-alive HTTP/1.1 connections. It runs in the
// bench process, never in the servers it measures.
import http from 'node:http';
import { CpuMeter } from './proc.mjs';

/** A keep-alive HTTP client for one origin, at most `connections` sockets. */
export class HttpClient {
  constructor(origin, connections) {
    this.origin = new URL(origin);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  /** One request; resolves with status, headers and the body as a string. */
  request({ method = 'GET', path, headers = {}, body }) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.origin.hostname,
          port: this.origin.port,
          method,
          path,
          headers: body === undefined ? headers : { 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A request that must answer `expected`; its JSON body. */
  async json(options, expected = 200) {
    const res = await this.request(options);
    if (res.status !== expected) {
      throw new Error(
        `${options.method ?? 'GET'} ${options.path} → ${res.status}: ${res.body.slice(0, 300)}`,
      );
    }
    return res.body === '' ? undefined : JSON.parse(res.body);
  }

  close() {
    this.agent.destroy();
  }
}

const percentile = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Runs `operation(worker)` in `connections` loops: `warmupMs` unmeasured, then `durationMs` measured.
 * CPU seconds are those of the process trees `cpuPids` during the measured window only.
 * `setup(worker index)` makes each loop's state (tokens it rotates, …).
 */
export async function runClosedLoop({ operation, connections, durationMs, warmupMs, cpuPids, setup }) {
  const workers = [];
  for (let i = 0; i < connections; i += 1) workers.push(setup ? await setup(i) : {});
  let measuring = false;
  let stopped = false;
  const latencies = [];
  let errors = 0;
  let firstError;
  const loop = async (worker) => {
    while (!stopped) {
      const started = performance.now();
      const counted = measuring;
      try {
        await operation(worker);
        if (counted && measuring) latencies.push(performance.now() - started);
      } catch (error) {
        if (counted && measuring) errors += 1;
        firstError ??= error;
        if (!measuring) await new Promise((r) => setTimeout(r, 10)); // a broken warm-up must not spin
      }
    }
  };
  const loops = workers.map(loop);
  await new Promise((r) => setTimeout(r, warmupMs));
  const meter = new CpuMeter(cpuPids);
  const started = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = meter.elapsed();
  stopped = true;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  return {
    operations: latencies.length,
    seconds,
    cpuSeconds,
    throughput: latencies.length / seconds,
    perCpuSecond: cpuSeconds > 0 ? latencies.length / cpuSeconds : Number.NaN,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    firstError: firstError ? String(firstError.message ?? firstError) : undefined,
  };
}
