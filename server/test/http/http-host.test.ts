import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { loadConfig } from '../../src/config/config.js';
import { createManagementApp, createPublicApp } from '../../src/http/app.js';
import type { ReadinessReport } from '../../src/http/health.js';
import { HttpServer } from '../../src/http/http-server.js';
import { Metrics } from '../../src/http/metrics.js';
import { AppError } from '../../src/shared/errors.js';
import { createLogger } from '../../src/shared/logger.js';

const readyReport: ReadinessReport = {
  ready: true,
  database: 'up',
  migrations: 'applied',
  kickstart: 'absent',
  redis: 'absent',
};

describe('HTTP host', () => {
  let server: HttpServer;
  let base: string;
  let report: ReadinessReport = readyReport;
  let releaseSlow: () => void = () => {};
  const metrics = new Metrics();

  before(async () => {
    const routes = express.Router();
    routes.get('/boom', () => {
      throw new Error('secret internal detail');
    });
    routes.get('/conflict', () => {
      throw new AppError('email_taken', 409, 'A user with this email already exists in this tenant.');
    });
    routes.post('/echo', (req, res) => {
      res.json(req.body);
    });
    routes.get('/slow', async (_req, res) => {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      res.json({ finished: true });
    });
    const app = createPublicApp({
      config: loadConfig({ PUBLIC_URL: 'https://id.example.com' }),
      logger: createLogger('silent'),
      metrics,
      checkReadiness: async () => report,
      routers: [routes],
    });
    server = new HttpServer(app);
    const address: AddressInfo = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => server.close(100));

  async function errorOf(res: Response) {
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.requestId).to.equal(res.headers.get('x-request-id'));
    expect(JSON.stringify(body)).to.not.match(/at .*\.js|stack/);
    return { status: res.status, code: body.error.code, message: body.error.message };
  }

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(await errorOf(res)).to.include({ status: 400, code: 'invalid_json' });
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(200 * 1024) });
    const res = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(await errorOf(res)).to.include({ status: 413, code: 'payload_too_large' });
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    expect(await errorOf(await fetch(`${base}/no/such/thing`))).to.include({
      status: 404,
      code: 'route_not_found',
    });
  });

  it('maps an AppError to its status and code, and hides an unexpected error behind 500 internal_error', async () => {
    expect(await errorOf(await fetch(`${base}/conflict`))).to.include({ status: 409, code: 'email_taken' });
    const internal = await errorOf(await fetch(`${base}/boom`));
    expect(internal).to.include({ status: 500, code: 'internal_error' });
    expect(internal.message).to.not.contain('secret internal detail');
  });

  it('keeps a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'trace-1234567890' } });
    expect(kept.headers.get('x-request-id')).to.equal('trace-1234567890');
    const replaced = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers (HSTS because PUBLIC_URL is https, no framing, no sniffing)', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get('strict-transport-security')).to.match(/max-age=\d+/);
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it('reports readiness: 200 when ready, 503 with the failing check otherwise, Redis never gating', async () => {
    report = { ...readyReport, redis: 'down' };
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    report = { ...readyReport, ready: false, database: 'down', migrations: 'unknown' };
    const res = await fetch(`${base}/readyz`);
    expect(res.status).to.equal(503);
    expect(await res.json()).to.deep.include({ status: 'unavailable', database: 'down' });
    report = readyReport;
  });

  it('labels request metrics by route pattern, not by raw URL', async () => {
    await fetch(`${base}/no/such/thing/42`);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/route="\/conflict",status="409"/);
    expect(text).to.match(/route="unmatched",status="404"/);
    expect(text).to.not.contain('/no/such/thing/42');
  });

  it('management app serves /metrics in Prometheus format', async () => {
    const management = new HttpServer(
      createManagementApp({
        logger: createLogger('silent'),
        metrics,
        checkReadiness: async () => readyReport,
      }),
    );
    const { port } = await management.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).to.contain('text/plain');
      expect(await res.text()).to.contain('# TYPE portico_http_request_duration_seconds histogram');
    } finally {
      await management.close(100);
    }
  });

  it('graceful close lets an in-flight request finish and refuses new connections', async () => {
    const inFlight = fetch(`${base}/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await fetch(`${base}/healthz`).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
    releaseSlow();
    expect(await inFlight).to.deep.equal({ finished: true });
    await closing;
  });
});
