import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, PorticoProcess, repoRoot, waitForStatus } from '../support/processes.js';

/**
 * `portico serve` as operators run it: the GraphQL API in the same process as the OIDC server, reached
 * with the kickstart example's API key; and Apollo leaves SIGTERM to Portico, which drains and exits 0.
 */
describe('portico serve: /graphql in the same process, and a clean exit on SIGTERM', function () {
  this.timeout(90_000);
  let portico: PorticoProcess | undefined;
  let publicUrl = '';

  before(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    portico = new PorticoProcess(['serve'], {
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      PORTICO_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'portico-graphql-')),
      PORTICO_KICKSTART: path.join(repoRoot, 'test/fixtures/kickstart.example.yaml'),
    });
    await portico.ports(60_000);
    await waitForStatus(`${publicUrl}/readyz`, 200, 30_000);
  });
  after(async () => {
    await portico?.stop('SIGKILL');
  });

  it('answers a GraphQL query made with the kickstart API key', async () => {
    const response = await fetch(`${publicUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer pk_acme_0123456789abcdef0123456789abcdef',
      },
      body: JSON.stringify({ query: '{ users(first: 5) { edges { node { email } } } }' }),
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-security-policy')).to.contain("default-src 'none'");
    const body = (await response.json()) as { data: { users: { edges: { node: { email: string } }[] } } };
    expect(body.data.users.edges.map((e) => e.node.email)).to.deep.equal(['alice@example.com']);
  });

  it('exits 0 on SIGTERM (graceful shutdown is not cut short by the GraphQL server)', async () => {
    const code = await portico!.stop('SIGTERM');
    expect(code, portico!.stderr).to.equal(0);
  });
});
