#!/usr/bin/env node
// Measures the memory one cached tenant Provider costs: builds N tenants' providers through the real
// composition root and prints the heap and RSS growth per instance.
//   node --expose-gc scripts/bench/provider-memory.mjs [tenants=200] [databaseUrl]
// Without a database URL it runs on in-memory PGlite.
import { randomBytes } from 'node:crypto';
import { Portico } from '../../dist/server/src/app/portico.js';
import { loadConfig } from '../../dist/server/src/config/config.js';
import { createLogger } from '../../dist/server/src/shared/logger.js';

const count = Number(process.argv[2] ?? 200);
const databaseUrl = process.argv[3];
const config = loadConfig({
  LOG_LEVEL: 'silent',
  PORTICO_DATA_DIR: 'memory://',
  PORTICO_SECRET_KEY: randomBytes(32).toString('base64'),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});
const portico = new Portico(config, createLogger('silent'));
await portico.connect();
await portico.migrate();
const slugs = [];
await portico.dataSource.transaction(async (m) => {
  for (let i = 0; i < count; i += 1) {
    const tenant = await portico.tenants.create(m, { slug: `bench-${i}`, name: `Bench ${i}` });
    await portico.applications.create(m, tenant.id, {
      name: 'Web',
      type: 'oidc',
      clientId: 'web',
      clientSecret: 'bench-secret-bench-secret',
      config: {
        redirectUris: ['https://app.example/cb'],
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    });
    slugs.push(tenant.slug);
  }
});
// Keys are created on first build; build each once so key generation is not counted below.
for (const slug of slugs) await portico.providers.get(slug);
for (const slug of slugs) portico.providers.invalidate(slug);
const gc = globalThis.gc ?? (() => {});
gc();
const before = process.memoryUsage();
const started = performance.now();
for (const slug of slugs) await portico.providers.get(slug);
const ms = performance.now() - started;
gc();
const after = process.memoryUsage();
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
process.stdout.write(
  `${count} tenant providers: heap +${mb(after.heapUsed - before.heapUsed)} MiB ` +
    `(${((after.heapUsed - before.heapUsed) / count / 1024).toFixed(0)} KiB each), ` +
    `RSS +${mb(after.rss - before.rss)} MiB; build ${(ms / count).toFixed(1)} ms each; cached ${portico.providers.size}\n`,
);
await portico.close();
