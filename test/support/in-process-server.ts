import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import type { Portico } from '../../server/src/app/portico.js';
import { createPublicApp } from '../../server/src/http/app.js';
import { HttpServer } from '../../server/src/http/http-server.js';
import { createTestPortico, type DatabaseKind } from '../../server/test/support/portico.js';
import { freePort } from './processes.js';

export interface InProcessServer {
  portico: Portico;
  publicUrl: string;
  issuer: (tenant: string) => string;
  discover: (tenant: string, clientId: string, secret?: string) => Promise<client.Configuration>;
  close: () => Promise<void>;
}

/**
 * The real public app (composition root, routers, providers) in this process, on a database of the
 * given kind, with a kickstart file applied: for tests that also reach into services (block a user,
 * read stored rows) while a relying party talks HTTP to it.
 */
export async function startInProcessServer(
  kind: DatabaseKind,
  kickstartYaml: string,
  env: Record<string, string> = {},
  options: { hostname?: 'localhost' | '127.0.0.1' } = {},
): Promise<InProcessServer> {
  const port = await freePort();
  // WebAuthn needs a domain as RP ID (not an IP address): passkey tests use `localhost`.
  const publicUrl = `http://${options.hostname ?? '127.0.0.1'}:${port}`;
  const portico = await createTestPortico(kind, { PUBLIC_URL: publicUrl, ...env });
  const file = path.join(tmpdir(), `kickstart-${process.pid}-${Date.now()}-${port}.yaml`);
  writeFileSync(file, kickstartYaml);
  await portico.kickstart.applyFile(file);
  const ready = {
    ready: true,
    database: 'up',
    migrations: 'applied',
    kickstart: 'applied',
    redis: 'absent',
  } as const;
  const app = createPublicApp({
    config: portico.config,
    logger: portico.logger,
    metrics: portico.metrics,
    checkReadiness: async () => ready,
    routers: portico.httpRouters(),
    directRoutes: portico.httpDirectRoutes(),
  });
  const server = new HttpServer(app);
  await server.listen(port, '127.0.0.1');
  const issuer = (tenant: string) => `${publicUrl}/t/${tenant}`;
  return {
    portico,
    publicUrl,
    issuer,
    discover: (tenant, clientId, secret) =>
      client.discovery(new URL(issuer(tenant)), clientId, secret, undefined, {
        execute: [client.allowInsecureRequests],
      }),
    async close() {
      await server.close(100);
      await portico.close();
    },
  };
}
