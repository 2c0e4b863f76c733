import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { createTestDatabase, needsPostgres } from '../../server/test/support/services.js';
import { repoRoot, runPortico } from '../support/processes.js';

const kickstartExample = path.join(repoRoot, 'test/fixtures/kickstart.example.yaml');

describe('portico CLI', function () {
  this.timeout(60_000);

  it('npx portico works from the repository root and lists every command', () => {
    const result = spawnSync('npx', ['--no-install', 'portico', '--help'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.status).to.equal(0);
    for (const command of ['serve', 'worker', 'migrate', 'kickstart', 'apikey', 'admin', 'secrets']) {
      expect(result.stdout).to.match(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('gives each command a --help, and exits 2 on unknown commands or options', async () => {
    for (const command of ['serve', 'worker', 'migrate', 'kickstart', 'apikey', 'admin', 'secrets']) {
      const { code, stdout } = await runPortico([command, '--help'], {});
      expect(code, command).to.equal(0);
      expect(stdout).to.contain(`usage: portico ${command}`);
    }
    expect((await runPortico(['frobnicate'], {})).code).to.equal(2);
    const badOption = await runPortico(['migrate', '--colour'], {});
    expect(badOption.code).to.equal(2);
    expect(badOption.stderr).to.contain("Unknown option '--colour'");
  });

  describe('against PostgreSQL', () => {
    let env: Record<string, string>;
    let client: pg.Client;
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');

    before(async function () {
      needsPostgres(this);
      const databaseUrl = await createTestDatabase('cli');
      env = { DATABASE_URL: databaseUrl, PORTICO_SECRET_KEY: oldKey, LOG_LEVEL: 'warn' };
      client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
    });
    after(async () => client?.end());

    it('refuses to kickstart an unmigrated database, then migrates once', async () => {
      const early = await runPortico(['kickstart', kickstartExample], env);
      expect(early.code).to.equal(1);
      expect(early.stderr).to.contain('migrations_pending');
      const first = await runPortico(['migrate'], env);
      expect(first.code).to.equal(0);
      expect(first.stdout).to.contain('applied: InitialSchema1764403200000');
      const second = await runPortico(['migrate'], env);
      expect(second.stdout).to.contain('database is up to date');
    });

    it('applies a kickstart file, then finds nothing to change; a bad file names the path', async () => {
      const first = await runPortico(['kickstart', kickstartExample], env);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.contain('created');
      const again = await runPortico(['kickstart', kickstartExample], env);
      expect(again.stdout.trim()).to.equal('nothing to change');
      const bad = path.join(tmpdir(), `bad-${Date.now()}.yaml`);
      writeFileSync(bad, 'tenants: [{ slug: acme, colour: red }]\n');
      const rejected = await runPortico(['kickstart', bad], env);
      expect(rejected.code).to.equal(1);
      expect(rejected.stderr).to.contain('tenants[0].colour: unknown key');
    });

    it('creates an API key shown once and stored only as a hash', async () => {
      const { code, stdout, stderr } = await runPortico(
        ['apikey', 'create', '--tenant', 'acme', '--scopes', 'users:read,audit:read', '--name', 'reporting'],
        env,
      );
      expect(code, stderr).to.equal(0);
      const key = stdout.trim();
      expect(key).to.match(/^pk_[A-Za-z0-9_]{32,}$/);
      const rows = await client.query(
        `SELECT key_hash, prefix, scopes FROM api_keys WHERE name = 'reporting'`,
      );
      expect(rows.rows[0].key_hash).to.not.contain(key.slice(3));
      expect(rows.rows[0].prefix).to.equal(key.slice(3, 11));
      expect(rows.rows[0].scopes).to.deep.equal(['users:read', 'audit:read']);
      const badScope = await runPortico(['apikey', 'create', '--tenant', 'acme', '--scopes', 'root'], env);
      expect(badScope.stderr).to.contain('invalid_scope');
      const noTenant = await runPortico(['apikey', 'create', '--tenant', 'nope', '--scopes', 'admin'], env);
      expect(noTenant.stderr).to.contain('tenant_not_found');
    });

    it('creates an instance admin with a one-time password', async () => {
      const { code, stdout } = await runPortico(['admin', 'create', '--email', 'ops@example.com'], env);
      expect(code).to.equal(0);
      expect(stdout).to.match(/one-time password: \S{20,}/);
      const rows = await client.query(
        `SELECT t.slug, r.name, c.data FROM users u JOIN tenants t ON t.id = u.tenant_id
         JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
         JOIN credentials c ON c.user_id = u.id AND c.type = 'password' WHERE u.email = 'ops@example.com'`,
      );
      expect(rows.rows).to.deep.equal([{ slug: 'system', name: 'admin', data: { mustChange: true } }]);
      const duplicate = await runPortico(
        ['admin', 'create', '--email', 'OPS@example.com', '--password', 'whatever long'],
        env,
      );
      expect(duplicate.stderr).to.contain('email_taken');
    });

    it('secrets re-encrypt moves every ciphertext to the new first key, after which the old key can go', async () => {
      const before = await client.query(
        `SELECT client_secret_encrypted AS c FROM applications WHERE client_id = 'web'`,
      );
      const rotated = { ...env, PORTICO_SECRET_KEY: `${newKey},${oldKey}` };
      const result = await runPortico(['secrets', 're-encrypt'], rotated);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain('applications.client_secret_encrypted: 1 re-encrypted');
      const after = await client.query(
        `SELECT client_secret_encrypted AS c FROM applications WHERE client_id = 'web'`,
      );
      expect(after.rows[0].c).to.not.equal(before.rows[0].c);
      const again = await runPortico(['secrets', 're-encrypt'], rotated);
      expect(again.stdout).to.contain('applications.client_secret_encrypted: 0 re-encrypted');
      // With only the new key the client secret still decrypts (kickstart compares it and leaves the
      // application alone); the API key, an HMAC under the old key, is re-hashed from the file's plaintext.
      const newOnly = await runPortico(['kickstart', kickstartExample], {
        ...env,
        PORTICO_SECRET_KEY: newKey,
      });
      expect(newOnly.stdout.trim(), newOnly.stderr).to.equal('created {}, updated {"apiKeys":1}');
    });
  });
});
