import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { isSpecialUseAddress, OutboundHttp } from '../../src/shared/outbound-http.js';

/** SECURITY.md item 36: the one guarded client of outbound HTTP. */
describe('outbound HTTP client', () => {
  let server: http.Server;
  let base: string;
  let host: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    base = `http://${host}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );

  it('refuses loopback, private and special-use addresses, literal or resolved', async () => {
    const guarded = new OutboundHttp([]);
    expect(await codeOf(guarded.request(`${base}/`))).to.equal('outbound_address_blocked');
    expect(await codeOf(guarded.request(`http://localhost:${new URL(base).port}/`))).to.equal(
      'outbound_address_blocked',
    );
    expect(await codeOf(guarded.request('http://[::1]:9/'))).to.equal('outbound_address_blocked');
    expect(await codeOf(guarded.request('ftp://example.com/'))).to.equal('outbound_invalid_url');
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::ffff:127.0.0.1',
      'fd00::1',
    ]) {
      expect(isSpecialUseAddress(address), address).to.equal(true);
    }
    expect(isSpecialUseAddress('93.184.216.34')).to.equal(false);
  });

  it('reaches an allowed host, returns redirects unfollowed and bounds every call with a timeout', async () => {
    const allowed = new OutboundHttp([host]);
    expect((await allowed.request(`${base}/`)).body).to.equal('ok');
    const redirect = await allowed.request(`${base}/redirect`);
    expect(redirect.status).to.equal(302);
    const started = Date.now();
    expect(await codeOf(allowed.request(`${base}/slow`, { timeoutMs: 200 }))).to.equal(
      'outbound_request_failed',
    );
    expect(Date.now() - started).to.be.below(1_500);
  });
});
