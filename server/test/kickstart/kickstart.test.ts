import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Portico } from '../../src/app/portico.js';
import { Application } from '../../src/applications/application.entity.js';
import { Credential } from '../../src/credentials/credential.entity.js';
import { DEFAULT_PASSWORD_HASH_POLICY } from '../../src/credentials/password-hasher.js';
import { isAppError } from '../../src/shared/errors.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { createTestPortico, type DatabaseKind, fixture } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

/** Every row of every table, as sorted JSON: equal snapshots mean nothing changed, timestamps included. */
async function snapshot(portico: Portico): Promise<Record<string, string[]>> {
  const tables: { table_name: string }[] = await portico.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const rows: { row: unknown }[] = await portico.dataSource.query(
      `SELECT to_jsonb(t) AS row FROM ${table_name} t`,
    );
    out[table_name] = rows.map((r) => JSON.stringify(r.row)).sort();
  }
  return out;
}

function writeKickstart(content: string, name = 'kickstart.yaml'): string {
  const file = path.join(tmpdir(), `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(file, content);
  return file;
}

async function expectKickstartError(
  work: Promise<unknown>,
  code: string,
  ...fragments: string[]
): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), `expected an AppError, got ${String(error)}`).to.equal(true);
  if (!isAppError(error)) return;
  expect(error.code).to.equal(code);
  for (const fragment of fragments) expect(error.message).to.contain(fragment);
}

for (const kind of ['pglite', 'postgres'] as DatabaseKind[]) {
  describe(`kickstart (${kind})`, function () {
    this.timeout(60_000);
    let portico: Portico;

    before(async function () {
      if (kind === 'postgres') needsPostgres(this);
      portico = await createTestPortico(kind);
    });
    after(async () => portico?.close());

    it('creates the tenant, its API key, applications, users, organization and the instance admin', async () => {
      const report = await portico.kickstart.applyFile(fixture('kickstart.example.yaml'));
      expect(report.created).to.deep.include({
        tenants: 1,
        apiKeys: 1,
        applications: 2,
        users: 1,
        organizations: 1,
      });
      expect(report.created).to.deep.include({ admins: 1, domains: 1, memberships: 1 });
      expect(report.generatedApiKeys).to.deep.equal([]);

      const m = portico.dataSource.manager;
      const acme = await m.findOneByOrFail(Tenant, { slug: 'acme' });
      expect(acme.name).to.equal('Acme Inc');
      expect(acme.settings).to.deep.include({ mfa: { policy: 'optional' } });

      const web = await m.findOneByOrFail(Application, { tenantId: acme.id, clientId: 'web' });
      expect(web.clientSecretEncrypted).to.be.a('string').and.not.contain('s3cret');
      expect(portico.applications.clientSecretOf(web)).to.equal('s3cret-s3cret-s3cret-s3cret');
      expect(web.firstParty).to.equal(true);
      expect(web.config.grantTypes).to.deep.equal([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'device_code',
      ]);
      const wiki = await m.findOneByOrFail(Application, {
        tenantId: acme.id,
        entityId: 'https://wiki.example/sp',
      });
      expect(wiki.config.acsUrl).to.equal('https://wiki.example/acs');

      const alice = await portico.users.findByEmail(m, acme.id, 'ALICE@example.com');
      expect(alice?.emailVerified).to.equal(true);
      expect(alice?.profile).to.deep.equal({ givenName: 'Alice', familyName: 'Example' });
      expect(await portico.users.tenantRoleNames(m, alice!.id)).to.deep.equal(['admin']);
      const password = await m.findOneByOrFail(Credential, { userId: alice!.id, type: 'password' });
      const verified = await portico.passwordHasher.verify(
        'correct horse battery staple',
        password.secret!,
        DEFAULT_PASSWORD_HASH_POLICY,
      );
      expect(verified.valid).to.equal(true);

      const [membership] = await m.query(
        `SELECT o.slug, r.name AS role, d.domain FROM memberships ms
         JOIN organizations o ON o.id = ms.organization_id
         JOIN membership_roles mr ON mr.membership_id = ms.id JOIN roles r ON r.id = mr.role_id
         JOIN org_domains d ON d.organization_id = o.id WHERE ms.user_id = $1`,
        [alice!.id],
      );
      expect(membership).to.deep.equal({ slug: 'globex', role: 'admin', domain: 'globex.example' });

      const [key] = await m.query(
        `SELECT key_hash, scopes FROM api_keys WHERE tenant_id = $1 AND name = 'ci'`,
        [acme.id],
      );
      expect(key.key_hash).to.not.contain('pk_acme');
      expect(portico.apiKeys.hash('pk_acme_0123456789abcdef0123456789abcdef').keyHash).to.equal(key.key_hash);
      expect(key.scopes).to.deep.equal(['admin']);

      const system = await portico.tenants.systemTenant(m);
      const root = await portico.users.findByEmail(m, system.id, 'root@example.com');
      expect(await portico.users.tenantRoleNames(m, root!.id)).to.deep.equal(['admin']);
      const [audit] = await m.query(`SELECT action, actor_type FROM audit_events WHERE tenant_id = $1`, [
        acme.id,
      ]);
      expect(audit).to.deep.equal({ action: 'kickstart.applied', actor_type: 'system' });
    });

    it('changes nothing when the same file is applied again', async () => {
      const before = await snapshot(portico);
      const report = await portico.kickstart.applyFile(fixture('kickstart.example.yaml'));
      expect(report.changes).to.equal(0);
      expect(await snapshot(portico)).to.deep.equal(before);
    });

    it('updates declared fields, keeps undeclared ones and never resets an existing password', async () => {
      const file = writeKickstart(`
tenants:
  - slug: acme
    applications:
      - { name: Web App, type: oidc, clientId: web, redirectUris: ["http://127.0.0.1:5555/callback"] }
    users:
      - { email: alice@example.com, password: "a completely different one", profile: { givenName: Alicia } }
`);
      const report = await portico.kickstart.applyFile(file);
      expect(report.updated).to.deep.equal({ applications: 1, users: 1 });
      const m = portico.dataSource.manager;
      const acme = await m.findOneByOrFail(Tenant, { slug: 'acme' });
      expect(acme.name).to.equal('Acme Inc');
      const web = await m.findOneByOrFail(Application, { tenantId: acme.id, clientId: 'web' });
      expect(web.name).to.equal('Web App');
      expect(web.config.redirectUris).to.deep.equal(['http://127.0.0.1:5555/callback']);
      expect(web.config.corsOrigins).to.deep.equal(['http://127.0.0.1:5555']);
      expect(portico.applications.clientSecretOf(web)).to.equal('s3cret-s3cret-s3cret-s3cret');
      const alice = await portico.users.findByEmail(m, acme.id, 'alice@example.com');
      expect(alice?.profile).to.deep.equal({ givenName: 'Alicia', familyName: 'Example' });
      const password = await m.findOneByOrFail(Credential, { userId: alice!.id, type: 'password' });
      const policy = DEFAULT_PASSWORD_HASH_POLICY;
      expect(
        (await portico.passwordHasher.verify('correct horse battery staple', password.secret!, policy)).valid,
      ).to.equal(true);
    });

    it('generates an API key the file names without a key, and shows it once', async () => {
      const file = writeKickstart(
        `tenants: [{ slug: acme, apiKeys: [{ name: ops, scopes: [users:read] }] }]`,
      );
      const first = await portico.kickstart.applyFile(file);
      expect(first.generatedApiKeys).to.have.length(1);
      expect(first.generatedApiKeys[0]?.key).to.match(/^pk_[A-Za-z0-9_]{32,}$/);
      const second = await portico.kickstart.applyFile(file);
      expect(second.changes).to.equal(0);
      expect(second.generatedApiKeys).to.deep.equal([]);
    });

    it('rejects an unknown key, naming its path, and changes nothing', async () => {
      const before = await snapshot(portico);
      const file = writeKickstart(`
tenants:
  - slug: newco
    applications:
      - { name: X, type: oidc, clientId: x, clientSecrett: "0123456789abcdef0" }
    settings: { mfa: { policy: optional, colour: red } }
`);
      await expectKickstartError(
        portico.kickstart.applyFile(file),
        'kickstart_invalid',
        'tenants[0].applications[0].clientSecrett: unknown key',
        'tenants[0].settings.mfa.colour: unknown key',
      );
      expect(await snapshot(portico)).to.deep.equal(before);
    });

    it('rejects invalid values with their path: reserved slug, public client with client_credentials, bad key', async () => {
      const file = writeKickstart(`
tenants:
  - slug: system
  - slug: okay
    apiKeys: [{ name: k, key: "pk_short", scopes: [admin] }]
    applications:
      - { name: SPA, type: oidc, clientId: spa, grantTypes: [client_credentials] }
`);
      await expectKickstartError(
        portico.kickstart.applyFile(file),
        'kickstart_invalid',
        'tenants[0].slug: this tenant slug is reserved',
        'tenants[1].apiKeys[0].key',
        'tenants[1].applications[0].grantTypes: public clients (no clientSecret) may not use client_credentials',
      );
    });

    it('applies all or nothing: a failure late in the file leaves no earlier change behind', async () => {
      const before = await snapshot(portico);
      const file = writeKickstart(`
tenants:
  - slug: halfway
    users: [{ email: bob@example.com, password: "bob's long passphrase" }]
    organizations:
      - { slug: initech, name: Initech, members: [{ email: nobody@example.com }] }
`);
      await expectKickstartError(
        portico.kickstart.applyFile(file),
        'kickstart_invalid',
        'tenants[0].organizations[0].members[0].email: no user nobody@example.com in tenant halfway',
      );
      expect(await snapshot(portico)).to.deep.equal(before);
    });

    it('reads JSON as well as YAML, and reports unparseable files with a clear code', async () => {
      const json = writeKickstart(
        JSON.stringify({ tenants: [{ slug: 'jsonco', name: 'JSON Co' }] }),
        'k.json',
      );
      expect((await portico.kickstart.applyFile(json)).created).to.deep.equal({ tenants: 1 });
      await expectKickstartError(
        portico.kickstart.applyFile(writeKickstart('tenants: [ {')),
        'kickstart_unreadable',
      );
      await expectKickstartError(
        portico.kickstart.applyFile('/nonexistent/kickstart.yaml'),
        'kickstart_unreadable',
      );
    });
  });
}
