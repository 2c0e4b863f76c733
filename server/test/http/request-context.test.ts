import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { pino } from 'pino';
import { requestContext } from '../../src/http/request-context.js';

/** An app with the request context in front, whose log lines are collected. */
async function serve(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = express();
  app.use(requestContext(pino({ level }, stream)));
  app.get('/healthz', (_req, res) => res.send('ok'));
  app.get('/ok', (req, res) => {
    req.log.warn({ step: 'handler' }, 'from the handler');
    res.send('ok');
  });
  app.get('/fail', (_req, res) => res.status(503).send('down'));
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers });
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return res;
  };
  return { lines, get, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('request context: request id and request logging', () => {
  it('logs each request at info with its id, method, url, status and time; not the health probes', async () => {
    const app = await serve('info');
    try {
      const res = await app.get('/ok?x=1', { 'x-request-id': 'trace-1234567890' });
      await app.get('/healthz');
      expect(res.headers.get('x-request-id')).to.equal('trace-1234567890');
      const req = { id: 'trace-1234567890', method: 'GET', url: '/ok?x=1' };
      expect(app.lines).to.have.length(2);
      expect(app.lines[0]).to.deep.include({ msg: 'from the handler', step: 'handler', req });
      expect(app.lines[1]).to.deep.include({ msg: 'request completed', req, res: { statusCode: 200 } });
      expect(app.lines[1]?.responseTime).to.be.a('number');
    } finally {
      await app.close();
    }
  });

  it('at warn, logs only what handlers log and the 5xx responses, as errors', async () => {
    const app = await serve('warn');
    try {
      await app.get('/ok');
      const failed = await app.get('/fail');
      expect(app.lines.map((line) => line.msg)).to.deep.equal(['from the handler', 'request errored']);
      expect(app.lines[1]).to.deep.include({ level: 50, res: { statusCode: 503 } });
      expect(app.lines[1]?.req).to.deep.include({ id: failed.headers.get('x-request-id'), url: '/fail' });
    } finally {
      await app.close();
    }
  });
});
