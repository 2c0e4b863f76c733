import { expect } from 'chai';
import { generateSync } from 'otplib';
import { Credential } from '../../src/credentials/credential.entity.js';
import { totpSecretContext } from '../../src/mfa/totp.service.js';
import { ENCRYPTED_COLUMNS } from '../../src/secrets/encrypted-columns.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { MfaHarness, USER_ACTOR } from './mfa.harness.js';

const codeAt = (secret: string, ms: number) => generateSync({ secret, epoch: Math.floor(ms / 1000) });

/** Authenticator apps (SECURITY.md item 25): enrollment, single use per step, the ±1 window, lockout. */
describeOnBothDatabases('TOTP', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });
  beforeEach(() => {
    // The middle of a 30-second step, so ±1 step is exactly one code either side.
    harness.clock = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;
  });

  async function enrolled(settings = {}) {
    const tenant = await harness.createTenant(settings);
    const user = await harness.createUser(tenant);
    const enrollment = await harness.totp.beginEnrollment(tenant, user);
    harness.clock -= 30_000; // confirm with the previous step's code, so "now" stays unused
    await harness.totp.confirmEnrollment(
      tenant,
      user,
      codeAt(enrollment.secret, harness.clock),
      USER_ACTOR(user),
    );
    harness.clock += 30_000;
    return { tenant, user, secret: enrollment.secret, enrollment };
  }

  it('enrolls with an otpauth URI and QR code, the secret stored encrypted, confirmed by a first code', async () => {
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant, 'totp-enroll@example.com');
    const enrollment = await harness.totp.beginEnrollment(tenant, user);
    expect(enrollment.otpauthUri).to.match(/^otpauth:\/\/totp\//);
    expect(enrollment.otpauthUri).to.include(`secret=${enrollment.secret}`);
    expect(enrollment.otpauthUri).to.include('totp-enroll%40example.com');
    expect(enrollment.qrDataUrl).to.match(/^data:image\/png;base64,/);

    const row = await harness.dataSource.manager.findOneByOrFail(Credential, { id: enrollment.credentialId });
    expect(row.secret).to.match(/^v1\./).and.not.include(enrollment.secret);
    expect(harness.keyRing.decryptString(row.secret!, totpSecretContext(row.id))).to.equal(enrollment.secret);
    const registry = ENCRYPTED_COLUMNS.find((c) => c.table === 'credentials');
    expect(registry?.context(row.id), 're-encrypt knows the context').to.equal(totpSecretContext(row.id));

    expect(await harness.totp.verify(tenant, user.id, codeAt(enrollment.secret, harness.clock))).to.equal(
      false,
      'an unconfirmed app does not count',
    );
    await harness.totp.confirmEnrollment(
      tenant,
      user,
      codeAt(enrollment.secret, harness.clock - 30_000),
      USER_ACTOR(user),
    );
    expect(await harness.totp.isEnrolled(harness.dataSource.manager, tenant.id, user.id)).to.equal(true);
    const events = await harness.auditActions(tenant);
    expect(events.map((e) => e.action)).to.include('user.mfa_enrolled');
    let error: unknown;
    await harness.totp.beginEnrollment(tenant, user).catch((e: unknown) => {
      error = e;
    });
    expect(error).to.have.property('code', 'totp_already_enrolled');
  });

  it('a computed code works once and not twice in its window', async () => {
    const { tenant, user, secret } = await enrolled();
    const code = codeAt(secret, harness.clock);
    expect(await harness.totp.verify(tenant, user.id, code)).to.equal(true);
    expect(await harness.totp.verify(tenant, user.id, code), 'replayed in the same step').to.equal(false);
    harness.clock += 30_000;
    expect(await harness.totp.verify(tenant, user.id, code), 'replayed in the next step').to.equal(false);
    expect(await harness.totp.verify(tenant, user.id, codeAt(secret, harness.clock))).to.equal(true);
  });

  it('accepts ±window steps from the tenant settings and nothing beyond', async () => {
    const { tenant, user, secret } = await enrolled();
    expect(await harness.totp.verify(tenant, user.id, codeAt(secret, harness.clock + 30_000))).to.equal(true);
    expect(await harness.totp.verify(tenant, user.id, codeAt(secret, harness.clock - 60_000))).to.equal(
      false,
    );
    expect(await harness.totp.verify(tenant, user.id, codeAt(secret, harness.clock + 60_000))).to.equal(
      false,
    );

    const strict = await enrolled({ mfa: { totpWindow: 0 } });
    const previous = codeAt(strict.secret, harness.clock - 30_000);
    expect(await harness.totp.verify(strict.tenant, strict.user.id, previous)).to.equal(false);
    expect(
      await harness.totp.verify(strict.tenant, strict.user.id, codeAt(strict.secret, harness.clock)),
    ).to.equal(true);
  });

  it('counts failures into the account lockout, refuses while locked, and forgets them on success', async () => {
    const { tenant, user, secret } = await enrolled({ lockout: { maxFailures: 3, baseSeconds: 60 } });
    for (const wrong of ['000000', 'abcdef', '12345']) {
      expect(await harness.totp.verify(tenant, user.id, wrong)).to.equal(false);
    }
    expect(await harness.lockoutFailures(tenant, user)).to.equal(3);
    expect(await harness.totp.verify(tenant, user.id, codeAt(secret, harness.clock)), 'locked').to.equal(
      false,
    );
    expect((await harness.auditActions(tenant)).map((e) => e.action)).to.include('user.locked_out');

    const other = await enrolled({ lockout: { maxFailures: 5 } });
    await harness.totp.verify(other.tenant, other.user.id, '000000');
    expect(await harness.lockoutFailures(other.tenant, other.user)).to.equal(1);
    expect(
      await harness.totp.verify(other.tenant, other.user.id, codeAt(other.secret, harness.clock)),
    ).to.equal(true);
    expect(await harness.lockoutFailures(other.tenant, other.user)).to.equal(0);
    const attempts: { method: string; succeeded: boolean }[] = await harness.dataSource.query(
      'SELECT method, succeeded FROM login_attempts WHERE user_id = $1 ORDER BY id',
      [other.user.id],
    );
    expect(attempts.slice(-2)).to.deep.equal([
      { method: 'totp', succeeded: false },
      { method: 'totp', succeeded: true },
    ]);
  });
});
