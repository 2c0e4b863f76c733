import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { MIGRATIONS } from '../../server/src/db/migrations/index.js';
import {
  createTestDatabase,
  needsPostgres,
  needsRedis,
  redisUrl,
} from '../../server/test/support/services.js';
import { PorticoProcess, repoRoot, runPortico, sleep, waitForStatus } from '../support/processes.js';

const ephemeralPorts = { PORT: '0', MANAGEMENT_PORT: '0', HOST: '127.0.0.1' };

describe('portico serve (processes)', function () {
  this.timeout(60_000);
  const running: PorticoProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  });

  it('embedded mode: ready within 10 s on a fresh data folder, credentials printed once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'portico-embedded-'));
    const started = Date.now();
    const first = new PorticoProcess(['serve'], { ...ephemeralPorts, PORTICO_DATA_DIR: dataDir });
    running.push(first);
    const { port, managementPort } = await first.ports();
    await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, 10_000);
    const ready = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 10_000);
    expect(Date.now() - started).to.be.below(10_000);
    expect(await ready.json()).to.deep.equal({
      status: 'ready',
      database: 'up',
      migrations: 'applied',
      kickstart: 'absent',
      redis: 'absent',
    });
    await waitForStatus(`http://127.0.0.1:${managementPort}/readyz`, 200, 1_000);
    expect(first.stdout).to.contain('EMBEDDED mode').and.contain('evaluation only');
    expect(first.stdout).to.match(/one-time password: +\S{20,}/);
    expect(first.stdout).to.match(/API key \(default\): +pk_[A-Za-z0-9_]{32,}/);
    expect(await first.stop()).to.equal(0);

    const second = new PorticoProcess(['serve'], { ...ephemeralPorts, PORTICO_DATA_DIR: dataDir });
    running.push(second);
    const again = await second.ports();
    await waitForStatus(`http://127.0.0.1:${again.port}/readyz`, 200, 10_000);
    expect(second.stdout).to.contain('EMBEDDED mode');
    expect(second.stdout).to.not.contain('one-time password');
    expect(second.stdout).to.not.contain('API key');
  });

  it('serves metrics on the management port only', async () => {
    const p = new PorticoProcess(['serve'], {
      ...ephemeralPorts,
      PORTICO_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'portico-metrics-')),
    });
    running.push(p);
    const { port, managementPort } = await p.ports();
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 10_000);
    await fetch(`http://127.0.0.1:${port}/healthz`);
    const metrics = await (await fetch(`http://127.0.0.1:${managementPort}/metrics`)).text();
    expect(metrics).to.match(
      /portico_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(metrics).to.contain('portico_process_cpu_seconds_total');
    const publicMetrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(publicMetrics.status).to.equal(404);
  });

  it('production without its required settings exits non-zero with one message listing every problem', async () => {
    const { code, stderr } = await runPortico(['serve'], {
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://id.example.com',
    });
    expect(code).to.equal(1);
    for (const variable of ['DATABASE_URL', 'PORTICO_SECRET_KEY', 'REDIS_URL', 'SMTP_URL', 'PUBLIC_URL']) {
      expect(stderr).to.contain(`- ${variable}`);
    }
    expect(stderr.match(/Invalid configuration/g)).to.have.length(1);
  });

  describe('on PostgreSQL', () => {
    before(function () {
      needsPostgres(this);
    });

    it('two serve processes started at once on one fresh database both become ready (advisory lock)', async () => {
      const databaseUrl = await createTestDatabase('two_serves');
      const env = {
        ...ephemeralPorts,
        DATABASE_URL: databaseUrl,
        PORTICO_SECRET_KEY: randomBytes(32).toString('base64'),
        PORTICO_KICKSTART: path.join(repoRoot, 'test/fixtures/kickstart.example.yaml'),
      };
      const a = new PorticoProcess(['serve'], env);
      const b = new PorticoProcess(['serve'], env);
      running.push(a, b);
      const [pa, pb] = await Promise.all([a.ports(), b.ports()]);
      const [ra, rb] = await Promise.all([
        waitForStatus(`http://127.0.0.1:${pa.port}/readyz`, 200, 20_000),
        waitForStatus(`http://127.0.0.1:${pb.port}/readyz`, 200, 20_000),
      ]);
      expect(await ra.json()).to.include({ migrations: 'applied', kickstart: 'applied' });
      expect(await rb.json()).to.include({ migrations: 'applied', kickstart: 'applied' });

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const migrations = await client.query('SELECT name FROM portico_migrations');
        expect(migrations.rowCount).to.equal(MIGRATIONS.length);
        const tenants = await client.query(`SELECT slug FROM tenants ORDER BY slug`);
        expect(tenants.rows.map((r) => r.slug)).to.deep.equal(['acme', 'system']);
        const audit = await client.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'kickstart.applied'`,
        );
        expect(audit.rows[0].n).to.equal(1);
      } finally {
        await client.end();
      }
    });

    it('with Redis: readiness and metrics report it, and a separate worker process runs outbox jobs', async function () {
      needsRedis(this);
      const databaseUrl = await createTestDatabase('worker');
      const env = {
        ...ephemeralPorts,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl(),
        PORTICO_SECRET_KEY: randomBytes(32).toString('base64'),
        PORTICO_WORKERS: 'off',
      };
      const server = new PorticoProcess(['serve'], env);
      running.push(server);
      const { port, managementPort } = await server.ports();
      const ready = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 20_000);
      expect(await ready.json()).to.include({ redis: 'up' });
      const metrics = await (await fetch(`http://127.0.0.1:${managementPort}/metrics`)).text();
      expect(metrics).to.match(/^portico_redis_up 1$/m);

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const inserted = await client.query(
          `INSERT INTO outbox (queue, name, payload) VALUES ('maintenance', 'purge_outbox', '{}') RETURNING id`,
        );
        const id = inserted.rows[0].id;
        const worker = new PorticoProcess(['worker'], env);
        running.push(worker);
        // Generous: BullMQ's worker connects, then polls; on a loaded CI machine that takes a while.
        const deadline = Date.now() + 45_000;
        let status = 'pending';
        while (Date.now() < deadline && status !== 'done') {
          await sleep(100);
          status = (await client.query('SELECT status FROM outbox WHERE id = $1', [id])).rows[0].status;
        }
        expect(status, `${worker.stdout}\n${worker.stderr}`).to.equal('done');
        expect(await worker.stop()).to.equal(0);
        expect(worker.logLines().map((l) => l.msg)).to.include('portico worker stopped');
      } finally {
        await client.end();
      }
    });

    it('with DATABASE_URL but no PORTICO_SECRET_KEY, refuses to start', async () => {
      const { code, stderr } = await runPortico(['serve'], { DATABASE_URL: 'postgres://127.0.0.1/x' });
      expect(code).to.equal(1);
      expect(stderr).to.contain('PORTICO_SECRET_KEY');
    });
  });
});
