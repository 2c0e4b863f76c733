import { expect } from 'chai';
import { calculateJwkThumbprint } from 'jose';
import type { DataSource } from 'typeorm';
import { type SigningKeySummary, SigningKeysService } from '../../src/oidc/signing-keys.service.js';
import { KeyRing } from '../../src/secrets/key-ring.js';
import { AppError } from '../../src/shared/errors.js';
import { describeOnBothDatabases } from '../support/databases.js';

const HOUR = 3600;
const at = (iso: string): Date => new Date(iso);
const plusSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv', 'k'];

async function createTestTenant(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query(
    `INSERT INTO tenants (slug, name) VALUES ('keys-' || substr(md5(random()::text), 1, 12), 'Keys') RETURNING id`,
  )) as { id: string }[];
  if (!row) throw new Error('tenant insert returned no row');
  return row.id;
}

function kidOf(keys: SigningKeySummary[], status: string, alg: string): string {
  const found = keys.filter((key) => key.status === status && key.alg === alg);
  if (found.length !== 1 || !found[0])
    throw new Error(`expected one ${status} ${alg} key, not ${found.length}`);
  return found[0].kid;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describeOnBothDatabases('signing keys', (db) => {
  let keyRing: KeyRing;
  let service: SigningKeysService;
  let tenantId: string;

  beforeEach(async () => {
    keyRing = KeyRing.parse(KeyRing.generateKey());
    service = new SigningKeysService(keyRing);
    tenantId = await createTestTenant(db.dataSource);
  });

  const manager = () => db.dataSource.manager;
  const list = () => service.list(manager(), tenantId);

  describe('ensureKeys', () => {
    it('creates an active and a next pair (ES256 + RS256), kids being RFC 7638 thumbprints', async () => {
      const created = await service.ensureKeys(manager(), tenantId, at('2030-01-01T00:00:00Z'));
      const keys = await list();
      expect(created).to.have.length(4);
      expect(keys.map((k) => `${k.status} ${k.alg}`).sort()).to.deep.equal([
        'active ES256',
        'active RS256',
        'next ES256',
        'next RS256',
      ]);
      for (const key of keys) {
        expect(key.kid).to.equal(await calculateJwkThumbprint(key.publicJwk));
        expect(key.publicJwk).to.include({ kid: key.kid, alg: key.alg, use: 'sig' });
        expect(key.activatedAt?.toISOString()).to.equal(
          key.status === 'active' ? '2030-01-01T00:00:00.000Z' : undefined,
        );
      }
      expect(new Set(keys.map((k) => k.kid)).size).to.equal(4);
    });

    it('is idempotent: a second call creates nothing', async () => {
      await service.ensureKeys(manager(), tenantId);
      const before = (await list()).map((k) => k.kid).sort();
      expect(await service.ensureKeys(manager(), tenantId)).to.deep.equal([]);
      expect((await list()).map((k) => k.kid).sort()).to.deep.equal(before);
    });

    it('creates one set when two callers race (the tenant row lock makes them take turns)', async () => {
      const results = await Promise.all([
        service.ensureKeys(manager(), tenantId),
        service.ensureKeys(manager(), tenantId),
        service.ensureKeys(manager(), tenantId),
      ]);
      expect(results.map((kids) => kids.length).sort()).to.deep.equal([0, 0, 4]);
      expect(await list()).to.have.length(4);
    });

    it('stores private JWKs encrypted, bound to signing_key:<row id>', async () => {
      await service.ensureKeys(manager(), tenantId);
      const rows = (await db.dataSource.query(
        'SELECT id, kid, private_jwk_encrypted, public_jwk::text AS public_text FROM signing_keys WHERE tenant_id = $1',
        [tenantId],
      )) as { id: string; kid: string; private_jwk_encrypted: string; public_text: string }[];
      expect(rows).to.have.length(4);
      for (const row of rows) {
        expect(row.private_jwk_encrypted).to.match(/^v1\./).and.not.include('"d"');
        expect(row.public_text).to.not.include('"d"');
        const jwk = JSON.parse(keyRing.decryptString(row.private_jwk_encrypted, `signing_key:${row.id}`));
        expect(jwk).to.include({ kid: row.kid, use: 'sig' }).and.have.property('d');
      }
      const [first, second] = rows as [(typeof rows)[0], (typeof rows)[0]];
      expect(() => keyRing.decryptString(first.private_jwk_encrypted, `signing_key:${second.id}`)).to.throw(
        AppError,
      );
    });

    it('refuses a tenant that does not exist', async () => {
      const error = await rejection(service.ensureKeys(manager(), '00000000-0000-4000-8000-000000000000'));
      expect(error.code).to.equal('tenant_not_found');
    });
  });

  describe('publicJwks', () => {
    it('publishes active and next keys with public members only (SECURITY.md 17)', async () => {
      await service.ensureKeys(manager(), tenantId);
      const keys = await list();
      const jwks = await service.publicJwks(manager(), tenantId);
      for (const jwk of jwks.keys) expect(jwk).to.not.have.any.keys(...PRIVATE_MEMBERS);
      expect(jwks.keys.map((k) => k.kid).sort()).to.deep.equal(keys.map((k) => k.kid).sort());
      for (const jwk of jwks.keys) {
        const expected = jwk.kty === 'EC' ? ['crv', 'x', 'y'] : ['n', 'e'];
        expect(Object.keys(jwk).sort()).to.deep.equal(['alg', 'kid', 'kty', 'use', ...expected].sort());
      }
      const rsa = jwks.keys.find((k) => k.kty === 'RSA');
      expect(Buffer.from(rsa?.n ?? '', 'base64url').length * 8).to.equal(2048);
      expect(jwks.keys.find((k) => k.kty === 'EC')).to.include({ crv: 'P-256', alg: 'ES256' });
    });
  });

  describe('rotate and pruneRetired', () => {
    const t0 = at('2030-01-01T00:00:00Z');
    const t1 = at('2030-02-01T00:00:00Z');
    const t2 = plusSeconds(t1, HOUR / 2);

    it('activates next, retires active until now + the longest lifetime, creates a new next pair', async () => {
      await service.ensureKeys(manager(), tenantId, t0);
      const before = await list();
      const result = await service.rotate(manager(), tenantId, t1, HOUR);
      const after = await list();

      const oldActive = ['ES256', 'RS256'].map((alg) => kidOf(before, 'active', alg));
      const oldNext = ['ES256', 'RS256'].map((alg) => kidOf(before, 'next', alg));
      expect(['ES256', 'RS256'].map((alg) => kidOf(after, 'active', alg))).to.deep.equal(oldNext);
      expect(result.activated.sort()).to.deep.equal([...oldNext].sort());
      expect(result.retired.sort()).to.deep.equal([...oldActive].sort());
      expect(result.created).to.have.length(2);
      expect(result.removed).to.deep.equal([]);
      for (const key of after) {
        if (key.status === 'retired') {
          expect(oldActive).to.include(key.kid);
          expect(key.retiredAt?.toISOString()).to.equal(t1.toISOString());
          expect(key.removeAfter?.toISOString()).to.equal('2030-02-01T01:00:00.000Z');
        } else if (key.status === 'active') {
          expect(key.activatedAt?.toISOString()).to.equal(t1.toISOString());
        } else {
          expect(result.created).to.include(key.kid);
          expect(key.activatedAt).to.equal(null);
        }
      }
      expect(after).to.have.length(6);
    });

    it('keeps retired keys until remove_after, then pruneRetired removes only those', async () => {
      await service.ensureKeys(manager(), tenantId, t0);
      await service.rotate(manager(), tenantId, t1, HOUR);
      const firstRetired = (await list()).filter((k) => k.status === 'retired').map((k) => k.kid);
      const second = await service.rotate(manager(), tenantId, t2, HOUR);
      expect(second.removed, 'the first retirees are not due yet').to.deep.equal([]);
      expect((await list()).filter((k) => k.status === 'retired')).to.have.length(4);

      const due = plusSeconds(t1, HOUR);
      expect(await service.pruneRetired(manager(), tenantId, new Date(due.getTime() - 1))).to.deep.equal([]);
      expect((await service.pruneRetired(manager(), tenantId, due)).sort()).to.deep.equal(
        firstRetired.sort(),
      );
      const left = await list();
      expect(left.map((k) => k.status).sort()).to.deep.equal([
        'active',
        'active',
        'next',
        'next',
        'retired',
        'retired',
      ]);
      expect(left.filter((k) => k.status === 'retired').map((k) => k.kid)).to.have.members(second.retired);
    });

    it('touches only the given tenant', async () => {
      const otherTenant = await createTestTenant(db.dataSource);
      await service.ensureKeys(manager(), tenantId, t0);
      await service.ensureKeys(manager(), otherTenant, t0);
      const otherBefore = await service.list(manager(), otherTenant);
      await service.rotate(manager(), tenantId, t1, HOUR);
      await service.pruneRetired(manager(), tenantId, plusSeconds(t1, 10 * HOUR));
      expect(await service.list(manager(), otherTenant)).to.deep.equal(otherBefore);
    });

    it("joins the caller's transaction: a rollback undoes the rotation", async () => {
      await service.ensureKeys(manager(), tenantId, t0);
      const before = await list();
      const rolledBack = new Error('roll back');
      const outcome = await db.dataSource
        .transaction(async (tx) => {
          await service.rotate(tx, tenantId, t1, HOUR);
          expect(await service.list(tx, tenantId)).to.have.length(6);
          throw rolledBack;
        })
        .catch((error: unknown) => error);
      expect(outcome).to.equal(rolledBack);
      expect(await list()).to.deep.equal(before);
    });

    it('refuses to rotate without a published next key, or with a lifetime that is not positive', async () => {
      expect((await rejection(service.rotate(manager(), tenantId, t1, HOUR))).code).to.equal(
        'signing_key_next_missing',
      );
      await service.ensureKeys(manager(), tenantId, t0);
      for (const lifetime of [0, -1, 1.5, Number.NaN]) {
        expect((await rejection(service.rotate(manager(), tenantId, t1, lifetime))).code).to.equal(
          'invalid_input',
        );
      }
      expect(await list()).to.have.length(4);
    });
  });
});
