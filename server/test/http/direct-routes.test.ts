import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import type { Portico } from '../../src/app/portico.js';
import { loadConfig } from '../../src/config/config.js';
import { createPublicApp } from '../../src/http/app.js';
import type { DirectRoute } from '../../src/http/direct-routes.js';
import type { ReadinessReport } from '../../src/http/health.js';
import { HttpServer } from '../../src/http/http-server.js';
import { Metrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/shared/logger.js';
import { createTestPortico, fixture } from '../support/portico.js';

const ready: ReadinessReport = {
  ready: true,
  database: 'up',
  migrations: 'applied',
  kickstart: 'absent',
  redis: 'absent',
};

/** The headers the public app adds whatever answers: compared between the direct and Express paths. */
const COMMON_HEADERS = ['content-security-policy', 'strict-transport-security', 'x-content-type-options'];

/**
 * Routes served before Express (docs/PERFORMANCE.md) get what the Express stack gives every request:
 * request id, security headers, metrics, the client IP derived under TRUST_PROXY, a JSON 500.
 */
describe('HTTP direct routes', () => {
  let server: HttpServer;
  let base: string;
  const metrics = new Metrics();
  const echo: DirectRoute = {
    label: '/t/:tenant/echo',
    match: (req) =>
      req.url === '/t/x/echo'
        ? async (request, res, clientIp) => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ clientIp, id: request.id }));
          }
        : req.url === '/t/x/fail'
          ? async () => {
              throw new Error('secret internal detail');
            }
          : undefined,
  };

  before(async () => {
    const routes = express.Router();
    routes.get('/t/x/express', (req, res) => res.json({ clientIp: req.ip, id: req.id }));
    const app = createPublicApp({
      config: loadConfig({ PUBLIC_URL: 'https://id.example.com', TRUST_PROXY: 'loopback' }),
      logger: createLogger('silent'),
      metrics,
      checkReadiness: async () => ready,
      routers: [routes],
      directRoutes: [echo],
    });
    server = new HttpServer(app);
    const address: AddressInfo = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => server.close(100));

  it('derives the client IP as Express does under TRUST_PROXY, and keeps a safe request id', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.7, 127.0.0.1', 'x-request-id': 'trace-1234567890' };
    const direct = await fetch(`${base}/t/x/echo`, { headers });
    const viaExpress = await fetch(`${base}/t/x/express`, { headers });
    expect(await direct.json()).to.deep.equal({ clientIp: '203.0.113.7', id: 'trace-1234567890' });
    expect(await viaExpress.json()).to.deep.equal({ clientIp: '203.0.113.7', id: 'trace-1234567890' });
    expect(direct.headers.get('x-request-id')).to.equal('trace-1234567890');
  });

  it('sets the same security headers as the Express path', async () => {
    const direct = await fetch(`${base}/t/x/echo`);
    const viaExpress = await fetch(`${base}/t/x/express`);
    for (const name of COMMON_HEADERS) {
      expect(direct.headers.get(name), name).to.be.a('string').and.equal(viaExpress.headers.get(name));
    }
    expect(direct.headers.get('x-powered-by')).to.equal(null);
    expect(direct.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('records the request metric under the route label', async () => {
    await fetch(`${base}/t/x/echo`);
    expect(await metrics.registry.metrics()).to.match(/route="\/t\/:tenant\/echo",status="200"/);
  });

  it('hides an unexpected error behind 500 internal_error with the request id', async () => {
    const res = await fetch(`${base}/t/x/fail`);
    expect(res.status).to.equal(500);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).to.equal('internal_error');
    expect(body.error.requestId).to.equal(res.headers.get('x-request-id'));
    expect(JSON.stringify(body)).to.not.contain('secret');
  });
});

describe('OIDC protocol endpoints served before Express', function () {
  this.timeout(60_000);
  let portico: Portico;
  let server: HttpServer;
  let base: string;

  before(async () => {
    portico = await createTestPortico('pglite', { PUBLIC_URL: 'https://id.example.test' });
    await portico.kickstart.applyFile(fixture('kickstart.example.yaml'));
    const app = createPublicApp({
      config: portico.config,
      logger: portico.logger,
      metrics: portico.metrics,
      checkReadiness: async () => ready,
      routers: portico.httpRouters(),
      directRoutes: portico.httpDirectRoutes(),
    });
    server = new HttpServer(app);
    base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  after(async () => {
    await server?.close(100);
    await portico?.close();
  });

  it('answers the same before and after the tenant provider is built (Express, then direct)', async () => {
    expect(portico.providers.cached('acme')).to.equal(undefined);
    const first = await fetch(`${base}/t/acme/.well-known/openid-configuration`);
    expect(portico.providers.cached('acme')).to.not.equal(undefined);
    const second = await fetch(`${base}/t/acme/.well-known/openid-configuration`);
    expect(second.status).to.equal(200);
    expect(await second.json()).to.deep.equal(await first.json());
    for (const name of COMMON_HEADERS) {
      expect(second.headers.get(name), name).to.be.a('string').and.equal(first.headers.get(name));
    }
    const jwks = (await (await fetch(`${base}/t/acme/jwks`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).to.be.greaterThan(0);
    expect(await portico.metrics.registry.metrics()).to.match(/route="\/t\/:tenant\/\(oidc\)",status="200"/);
  });

  it('leaves an unknown tenant to Express: 404 tenant_not_found', async () => {
    const res = await fetch(`${base}/t/nope/token`, { method: 'POST' });
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('tenant_not_found');
  });
});
