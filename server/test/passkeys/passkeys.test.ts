import { expect } from 'chai';
import { Credential } from '../../src/credentials/credential.entity.js';
import type { PasskeyData } from '../../src/passkeys/passkeys.service.js';
import { MfaHarness, PUBLIC_URL } from '../mfa/mfa.harness.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { SoftwareAuthenticator } from './software-authenticator.js';

/**
 * Passkeys for real (SECURITY.md item 24 ★): a software authenticator in Node makes the attestation and
 * the assertions, @simplewebauthn/server verifies them; challenges are single-use, short-lived and
 * bound; the signature counter is persisted and a regression is flagged, audited and refused.
 */
describeOnBothDatabases('passkeys', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });

  async function registered(counter = 1) {
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    const authenticator = new SoftwareAuthenticator({ counter });
    const options = await harness.passkeys.registrationOptions(tenant, user);
    const credential = await harness.passkeys.verifyRegistration(
      tenant,
      user,
      authenticator.register(options, PUBLIC_URL),
      { name: 'Laptop' },
    );
    return { tenant, user, authenticator, credential, options };
  }

  it('registers a discoverable passkey with RP ID = host of PUBLIC_URL and a random user handle', async () => {
    const { tenant, user, credential, options, authenticator } = await registered();
    expect(options.rp.id).to.equal('login.example.test');
    expect(options.authenticatorSelection).to.include({
      residentKey: 'required',
      userVerification: 'preferred',
    });
    expect(options.attestation).to.equal('none');
    expect(Buffer.from(options.user.id, 'base64url')).to.have.length(32);
    expect(options.user.id).to.not.include(Buffer.from(user.email!).toString('base64url'));
    expect(credential.webauthnCredentialId).to.equal(authenticator.id);
    expect(credential.name).to.equal('Laptop');
    expect(Number(credential.signCount)).to.equal(1);
    expect((credential.data as unknown as PasskeyData).transports).to.deep.equal(['internal', 'hybrid']);
    expect((await harness.auditActions(tenant)).map((e) => e.action)).to.include('user.passkey_added');

    // The same user handle every time; an already registered credential is excluded.
    const again = await harness.passkeys.registrationOptions(tenant, user);
    expect(again.user.id).to.equal(options.user.id);
    expect(again.excludeCredentials?.map((c) => c.id)).to.deep.equal([authenticator.id]);
  });

  it('signs in passwordless (user verification required) and stores the new counter', async () => {
    const { tenant, user, authenticator, credential } = await registered();
    const options = await harness.passkeys.authenticationOptions(tenant);
    expect(options.userVerification).to.equal('required');
    expect(options.allowCredentials ?? []).to.deep.equal([]);
    const login = await harness.passkeys.verifyAuthentication(
      tenant,
      authenticator.assert(options, PUBLIC_URL),
    );
    expect(login).to.deep.equal({
      ok: true,
      userId: user.id,
      credentialId: credential.id,
      userVerified: true,
    });
    const stored = await harness.dataSource.manager.findOneByOrFail(Credential, { id: credential.id });
    expect(Number(stored.signCount)).to.equal(2);
    expect(stored.lastUsedAt).to.be.instanceOf(Date);
  });

  it('refuses a passwordless assertion without user verification, but takes one as a second factor', async () => {
    const { tenant, user, authenticator } = await registered();
    const passwordless = await harness.passkeys.authenticationOptions(tenant);
    const withoutUv = authenticator.assert(passwordless, PUBLIC_URL, { userVerified: false });
    expect(await harness.passkeys.verifyAuthentication(tenant, withoutUv)).to.deep.include({ ok: false });

    const secondFactor = await harness.passkeys.authenticationOptions(tenant, user.id);
    expect(secondFactor.userVerification).to.equal('preferred');
    expect(secondFactor.allowCredentials?.map((c) => c.id)).to.deep.equal([authenticator.id]);
    const login = await harness.passkeys.verifyAuthentication(
      tenant,
      authenticator.assert(secondFactor, PUBLIC_URL, { userVerified: false }),
      user.id,
    );
    expect(login).to.deep.include({ ok: true, userVerified: false });
  });

  it('uses each challenge once, only before it expires, only for its tenant and user', async () => {
    const { tenant, user, authenticator } = await registered();
    const options = await harness.passkeys.authenticationOptions(tenant);
    const first = authenticator.assert(options, PUBLIC_URL);
    expect((await harness.passkeys.verifyAuthentication(tenant, first)).ok).to.equal(true);
    const replay = authenticator.assert(options, PUBLIC_URL);
    expect(await harness.passkeys.verifyAuthentication(tenant, replay)).to.deep.equal({
      ok: false,
      reason: 'verification_failed',
    });

    // A challenge issued for another user cannot serve this user's second factor.
    const other = await harness.createUser(tenant);
    const forOther = await harness.passkeys.authenticationOptions(tenant, other.id);
    const stolen = authenticator.assert(forOther, PUBLIC_URL);
    expect((await harness.passkeys.verifyAuthentication(tenant, stolen, user.id)).ok).to.equal(false);

    // Expired: a service whose challenges live 1 second.
    const shortLived = new MfaHarness(harness.dataSource, { challengeTtlSeconds: 1 });
    const expiring = await shortLived.passkeys.authenticationOptions(tenant);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const late = authenticator.assert(expiring, PUBLIC_URL);
    expect((await shortLived.passkeys.verifyAuthentication(tenant, late)).ok).to.equal(false);
    const rows: unknown[] = await harness.dataSource.query(
      'SELECT 1 FROM webauthn_challenges WHERE challenge = $1',
      [expiring.challenge],
    );
    expect(rows, 'a presented challenge is gone, expired or not').to.deep.equal([]);
  });

  it('refuses a wrong origin and looks credentials up per tenant', async () => {
    const { tenant, authenticator } = await registered();
    const options = await harness.passkeys.authenticationOptions(tenant);
    const phished = authenticator.assert(options, 'https://login.example.test.evil.example');
    expect((await harness.passkeys.verifyAuthentication(tenant, phished)).ok).to.equal(false);

    const otherTenant = await harness.createTenant();
    const elsewhere = await harness.passkeys.authenticationOptions(otherTenant);
    expect(
      await harness.passkeys.verifyAuthentication(otherTenant, authenticator.assert(elsewhere, PUBLIC_URL)),
    ).to.deep.equal({ ok: false, reason: 'unknown_credential' });
  });

  it('flags, audits and refuses a signature counter that goes backwards', async () => {
    const { tenant, authenticator, credential } = await registered(5);
    const ok = await harness.passkeys.authenticationOptions(tenant);
    expect(
      (await harness.passkeys.verifyAuthentication(tenant, authenticator.assert(ok, PUBLIC_URL))).ok,
    ).to.equal(true); // counter 6 stored

    const cloned = await harness.passkeys.authenticationOptions(tenant);
    const response = authenticator.assert(cloned, PUBLIC_URL, { counter: 3 });
    expect(await harness.passkeys.verifyAuthentication(tenant, response)).to.deep.equal({
      ok: false,
      reason: 'counter_regression',
    });
    const stored = await harness.dataSource.manager.findOneByOrFail(Credential, { id: credential.id });
    expect(Number(stored.signCount), 'the stored counter is kept').to.equal(6);
    expect((stored.data as unknown as PasskeyData).counterRegression).to.include({ stored: 6, presented: 3 });
    const events = await harness.auditActions(tenant);
    const flagged = events.find((e) => e.action === 'user.passkey_counter_regressed');
    expect(flagged?.data).to.include({ credentialId: credential.id, stored: 6, presented: 3 });
  });

  it('accepts authenticators that never count (counter always 0)', async () => {
    const { tenant, authenticator } = await registered(0);
    for (let n = 0; n < 2; n += 1) {
      const options = await harness.passkeys.authenticationOptions(tenant);
      const login = await harness.passkeys.verifyAuthentication(
        tenant,
        authenticator.assert(options, PUBLIC_URL),
      );
      expect(login.ok).to.equal(true);
    }
  });
});
