import { randomBytes } from 'node:crypto';
import { createInstanceAdmin } from '../app/first-run.js';
import type { Portico } from '../app/portico.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { type Command, out, requireOption, UsageError } from './cli-io.js';

/** Builds, connects, runs and always closes a Portico for one CLI command. */
export type WithPortico = <T>(work: (portico: Portico) => Promise<T>) => Promise<T>;

export function adminCommands(withPortico: WithPortico): Command[] {
  return [
    {
      name: 'migrate',
      summary: 'apply pending database migrations (under the start-up advisory lock)',
      usage: 'usage: portico migrate',
      async run() {
        const applied = await withPortico((p) => p.migrate());
        out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        return 0;
      },
    },
    {
      name: 'kickstart',
      summary: 'apply a kickstart file (YAML or JSON); converges, in one transaction',
      usage: 'usage: portico kickstart FILE',
      async run({ positionals }) {
        const file = positionals[0];
        if (!file || positionals.length > 1) throw new UsageError('usage: portico kickstart FILE');
        const report = await withPortico(async (p) => {
          await p.requireMigrations();
          const applied = await p.kickstart.applyFile(file);
          // Running servers rebuild the providers of the tenants the file names.
          if (applied.changes > 0) await p.tenantsChanged(applied.tenants);
          return applied;
        });
        out(
          report.changes === 0
            ? 'nothing to change'
            : `created ${JSON.stringify(report.created)}, updated ${JSON.stringify(report.updated)}`,
        );
        for (const k of report.generatedApiKeys) out(`API key ${k.tenant}/${k.name} (shown once): ${k.key}`);
        return 0;
      },
    },
    {
      name: 'apikey',
      summary: 'apikey create --tenant T --scopes S[,S…] [--name N]: create an API key, shown once',
      usage: 'usage: portico apikey create --tenant T --scopes admin[,users:read,…] [--name NAME]',
      options: { tenant: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' } },
      async run({ values, positionals }) {
        if (positionals[0] !== 'create') throw new UsageError(this.usage);
        const slug = requireOption(values, 'tenant', this.usage);
        const scopes = requireOption(values, 'scopes', this.usage)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const name = typeof values.name === 'string' ? values.name : `cli-${new Date().toISOString()}`;
        const key = await withPortico(async (p) => {
          await p.requireMigrations();
          return p.dataSource.transaction(async (m) => {
            const tenant = await p.tenants.getBySlug(m, slug);
            const created = await p.apiKeys.create(m, tenant.id, { name, scopes });
            await p.audit.record(m, {
              tenantId: tenant.id,
              actor: { type: 'system', id: 'cli' },
              action: 'api_key.created',
              target: { type: 'api_key', id: created.apiKey.id },
              data: { name, scopes },
            });
            return created.key;
          });
        });
        out(key);
        return 0;
      },
    },
    {
      name: 'admin',
      summary: 'admin create --email E [--password P]: create an instance admin (tenant "system")',
      usage:
        'usage: portico admin create --email EMAIL [--password PASSWORD]\n  without --password a one-time password is generated and printed',
      options: { email: { type: 'string' }, password: { type: 'string' } },
      async run({ values, positionals }) {
        if (positionals[0] !== 'create') throw new UsageError(this.usage);
        const email = requireOption(values, 'email', this.usage);
        const given = typeof values.password === 'string' ? values.password : undefined;
        const password = given ?? randomBytes(18).toString('base64url');
        await withPortico(async (p) => {
          await p.requireMigrations();
          await p.dataSource.transaction((m) =>
            createInstanceAdmin(p, m, { email, password }, given === undefined),
          );
        });
        out(
          given
            ? `instance admin ${email} created`
            : `instance admin ${email} created; one-time password: ${password}`,
        );
        return 0;
      },
    },
    {
      name: 'keys',
      summary: 'keys rotate --tenant T: activate the published next signing keys and publish new next ones',
      usage: 'usage: portico keys rotate --tenant T',
      options: { tenant: { type: 'string' } },
      async run({ values, positionals }) {
        if (positionals[0] !== 'rotate') throw new UsageError(this.usage);
        const slug = requireOption(values, 'tenant', this.usage);
        const result = await withPortico(async (p) => {
          await p.requireMigrations();
          const rotated = await p.dataSource.transaction(async (m) => {
            const tenant = await p.tenants.getBySlug(m, slug);
            const { lifetimes } = resolveTenantSettings(tenant.settings);
            // Old keys stay published while tokens they signed can still be presented.
            const keepSeconds =
              Math.max(lifetimes.idToken, lifetimes.accessToken) + lifetimes.clockTolerance + 300;
            await p.signingKeys.ensureKeys(m, tenant.id);
            const outcome = await p.signingKeys.rotate(m, tenant.id, new Date(), keepSeconds);
            await p.audit.record(m, {
              tenantId: tenant.id,
              actor: { type: 'system', id: 'cli' },
              action: 'signing_keys.rotated',
              data: { ...outcome },
            });
            return outcome;
          });
          await p.tenantsChanged([slug]);
          return rotated;
        });
        out(`activated: ${result.activated.join(', ')}`);
        out(`retired:   ${result.retired.join(', ') || '-'}`);
        out(`published next: ${result.created.join(', ')}`);
        return 0;
      },
    },
    {
      name: 'secrets',
      summary:
        'secrets re-encrypt: rewrite every stored ciphertext under the first key of PORTICO_SECRET_KEY',
      usage: 'usage: portico secrets re-encrypt',
      async run({ positionals }) {
        if (positionals[0] !== 're-encrypt') throw new UsageError(this.usage);
        const counts = await withPortico(async (p) => {
          await p.requireMigrations();
          return p.secrets.reEncryptAll();
        });
        for (const [column, count] of Object.entries(counts)) out(`${column}: ${count} re-encrypted`);
        return 0;
      },
    },
  ];
}
