import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { createPublicApp } from '../../src/http/app.js';
import { HttpServer } from '../../src/http/http-server.js';
import { createTestPortico, fixture } from '../support/portico.js';

/**
 * ARCHITECTURE.md "Public contract": behind a TLS-terminating proxy, every issuer, endpoint and cookie
 * attribute derives from PUBLIC_URL, never from the Host or X-Forwarded-* headers a client sends.
 */
describe('OIDC behind a proxy: PUBLIC_URL decides', function () {
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
      checkReadiness: async () => ({
        ready: true,
        database: 'up',
        migrations: 'applied',
        kickstart: 'absent',
        redis: 'absent',
      }),
      routers: portico.httpRouters(),
    });
    server = new HttpServer(app);
    const { port } = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await server?.close(100);
    await portico?.close();
  });

  it('publishes issuer and endpoints under PUBLIC_URL whatever Host and X-Forwarded-* say', async () => {
    const res = await fetch(`${base}/t/acme/.well-known/openid-configuration`, {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
    });
    const discovery = (await res.json()) as Record<string, unknown>;
    expect(discovery.issuer).to.equal('https://id.example.test/t/acme');
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'userinfo_endpoint',
      'end_session_endpoint',
    ]) {
      expect(String(discovery[key])).to.match(/^https:\/\/id\.example\.test\/t\/acme\//);
    }
  });

  it('sets Secure, HttpOnly, SameSite=Lax cookies named after the tenant and scoped to /t/acme', async () => {
    const params = new URLSearchParams({
      client_id: 'web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:5555/cb',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCjaoeEjBBN8aKlWmg1F1Sjc',
      code_challenge_method: 'S256',
    });
    const res = await fetch(`${base}/t/acme/auth?${params}`, {
      redirect: 'manual',
      headers: { host: 'evil.example' },
    });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^https:\/\/id\.example\.test\/t\/acme\/interaction\//);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).to.be.greaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).to.match(/^portico_[a-z]+_acme(\.sig)?=/);
      expect(cookie.toLowerCase()).to.contain('path=/t/acme').and.contain('secure').and.contain('httponly');
      expect(cookie.toLowerCase()).to.contain('samesite=lax');
    }
  });

  it('answers an unknown tenant with a JSON 404, not a provider', async () => {
    const res = await fetch(`${base}/t/nobody/.well-known/openid-configuration`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('tenant_not_found');
  });
});
