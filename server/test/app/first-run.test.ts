import { expect } from 'chai';
import { EMBEDDED_ADMIN_EMAIL, ensureFirstRunSetup } from '../../src/app/first-run.js';
import type { Portico } from '../../src/app/portico.js';
import { Credential } from '../../src/credentials/credential.entity.js';
import { DEFAULT_PASSWORD_HASH_POLICY } from '../../src/credentials/password-hasher.js';
import { createTestPortico } from '../support/portico.js';
import { needsPostgres } from '../support/services.js';

describe('first-run setup', function () {
  this.timeout(60_000);

  describe('embedded mode', () => {
    let portico: Portico;
    before(async () => {
      portico = await createTestPortico('pglite');
    });
    after(async () => portico?.close());

    it('creates tenant default, an instance admin with a one-time password and an API key, once', async () => {
      const first = await ensureFirstRunSetup(portico, portico.config);
      expect(first.adminEmail).to.equal(EMBEDDED_ADMIN_EMAIL);
      expect(first.apiKey).to.match(/^pk_[A-Za-z0-9_]{32,}$/);
      const m = portico.dataSource.manager;
      const tenant = await portico.tenants.getBySlug(m, 'default');
      const [key] = await m.query(`SELECT key_hash, scopes FROM api_keys WHERE tenant_id = $1`, [tenant.id]);
      expect(key).to.deep.equal({ key_hash: portico.apiKeys.hash(first.apiKey!).keyHash, scopes: ['admin'] });
      const system = await portico.tenants.systemTenant(m);
      const admin = await portico.users.findByEmail(m, system.id, EMBEDDED_ADMIN_EMAIL);
      const credential = await m.findOneByOrFail(Credential, { userId: admin!.id, type: 'password' });
      expect(credential.data).to.deep.equal({ mustChange: true });
      const check = await portico.passwordHasher.verify(
        first.adminPassword!,
        credential.secret!,
        DEFAULT_PASSWORD_HASH_POLICY,
      );
      expect(check.valid).to.equal(true);

      expect(await ensureFirstRunSetup(portico, portico.config)).to.deep.equal({});
      const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM api_keys`);
      expect(n).to.equal(1);
    });
  });

  describe('PostgreSQL mode', () => {
    let portico: Portico;
    before(async function () {
      needsPostgres(this);
      portico = await createTestPortico('postgres', {
        PORTICO_BOOTSTRAP_ADMIN_EMAIL: 'boot@example.com',
        PORTICO_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap passphrase',
      });
    });
    after(async () => portico?.close());

    it('creates the bootstrap admin from the environment only while no instance admin exists', async () => {
      expect(await ensureFirstRunSetup(portico, portico.config)).to.deep.equal({});
      const m = portico.dataSource.manager;
      expect(await portico.tenants.findBySlug(m, 'default')).to.equal(null);
      const system = await portico.tenants.systemTenant(m);
      const boot = await portico.users.findByEmail(m, system.id, 'boot@example.com');
      expect(await portico.users.tenantRoleNames(m, boot!.id)).to.deep.equal(['admin']);

      const other = {
        ...portico.config,
        bootstrapAdmin: { email: 'second@example.com', password: 'another passphrase' },
      };
      await ensureFirstRunSetup(portico, other);
      expect(await portico.users.findByEmail(m, system.id, 'second@example.com')).to.equal(null);
    });
  });
});
