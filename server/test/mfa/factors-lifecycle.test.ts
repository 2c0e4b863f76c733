import { expect } from 'chai';
import { generateSync } from 'otplib';
import { DevicesService } from '../../src/devices/devices.service.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import type { User } from '../../src/users/user.entity.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { MfaHarness, registerPasskey, USER_ACTOR } from './mfa.harness.js';

/** Factor lifecycle (issue 6 §4; SECURITY.md item 11): recent auth, last factor, admin reset. */
describeOnBothDatabases('MFA factor lifecycle', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });

  async function withTotpAndPasskey(settings = {}) {
    const tenant = await harness.createTenant(settings);
    const user = await harness.createUser(tenant);
    harness.clock = Date.now();
    const enrollment = await harness.totp.beginEnrollment(tenant, user);
    const code = generateSync({ secret: enrollment.secret, epoch: Math.floor(harness.clock / 1000) });
    await harness.totp.confirmEnrollment(tenant, user, code, USER_ACTOR(user));
    const { credential: passkey } = await registerPasskey(harness, tenant, user);
    await harness.recoveryCodes.regenerate(tenant, user.id, USER_ACTOR(user));
    return { tenant, user, totpId: enrollment.credentialId, passkeyId: passkey.id };
  }
  const recent = (user: User) => ({ actor: USER_ACTOR(user), authTime: Math.floor(Date.now() / 1000) - 10 });

  async function errorOf(promise: Promise<unknown>): Promise<{ code?: string } | undefined> {
    try {
      await promise;
    } catch (error) {
      return error as { code?: string };
    }
    return undefined;
  }

  it('lists the factors and what the user can answer', async () => {
    const { tenant, user, totpId, passkeyId } = await withTotpAndPasskey();
    const manager = harness.dataSource.manager;
    const summary = await harness.factors.list(manager, tenant.id, user.id);
    expect(summary.totp?.id).to.equal(totpId);
    expect(summary.passkeys.map((p) => [p.id, p.name, p.counterRegressed])).to.deep.equal([
      [passkeyId, 'Passkey', false],
    ]);
    expect(summary.recoveryCodesRemaining).to.equal(10);
    expect(await harness.factors.available(manager, tenant, user)).to.deep.equal([
      'totp',
      'webauthn',
      'recovery_code',
    ]);
  });

  it('removing a factor needs a sign-in within 5 minutes', async () => {
    const { tenant, user, totpId } = await withTotpAndPasskey();
    const stale = { actor: USER_ACTOR(user), authTime: Math.floor(Date.now() / 1000) - 301 };
    expect(await errorOf(harness.factors.remove(tenant, user.id, totpId, stale))).to.include({
      code: 'reauthentication_required',
    });
    expect(
      await errorOf(
        harness.factors.remove(tenant, user.id, totpId, { actor: USER_ACTOR(user), authTime: undefined }),
      ),
    ).to.include({ code: 'reauthentication_required' });
    await harness.factors.remove(tenant, user.id, totpId, recent(user));
    expect((await harness.factors.list(harness.dataSource.manager, tenant.id, user.id)).totp).to.equal(null);
  });

  it('the last factor cannot be removed while MFA is required; another user cannot touch it', async () => {
    const { tenant, user, totpId, passkeyId } = await withTotpAndPasskey({ mfa: { policy: 'required' } });
    const intruder = await harness.createUser(tenant);
    expect(await errorOf(harness.factors.remove(tenant, intruder.id, totpId, recent(intruder)))).to.include({
      code: 'factor_not_found',
    });
    await harness.factors.remove(tenant, user.id, totpId, recent(user));
    expect(await errorOf(harness.factors.remove(tenant, user.id, passkeyId, recent(user)))).to.include({
      code: 'last_factor_required',
    });
    const actions = (await harness.auditActions(tenant)).map((e) => e.action);
    expect(actions.filter((a) => a === 'user.mfa_factor_removed')).to.have.length(1);
  });

  it('removing the last factor (MFA optional) takes the recovery codes with it', async () => {
    const { tenant, user, totpId, passkeyId } = await withTotpAndPasskey();
    await harness.factors.remove(tenant, user.id, totpId, recent(user));
    await harness.factors.remove(tenant, user.id, passkeyId, recent(user));
    const summary = await harness.factors.list(harness.dataSource.manager, tenant.id, user.id);
    expect(summary).to.deep.equal({ totp: null, passkeys: [], recoveryCodesRemaining: 0 });
  });

  it('renames a passkey (1–100 characters)', async () => {
    const { tenant, user, passkeyId, totpId } = await withTotpAndPasskey();
    const renamed = await harness.factors.renamePasskey(tenant, user.id, passkeyId, '  YubiKey  ', {
      actor: USER_ACTOR(user),
    });
    expect(renamed.name).to.equal('YubiKey');
    expect(
      await errorOf(
        harness.factors.renamePasskey(tenant, user.id, passkeyId, ' ', { actor: USER_ACTOR(user) }),
      ),
    ).to.include({ code: 'invalid_passkey_name' });
    expect(
      await errorOf(harness.factors.renamePasskey(tenant, user.id, totpId, 'x', { actor: USER_ACTOR(user) })),
    ).to.include({ code: 'factor_not_found' });
  });

  it('an admin reset removes every factor and forgets remembered devices, audited', async () => {
    const { tenant, user } = await withTotpAndPasskey({ mfa: { policy: 'required' } });
    const manager = harness.dataSource.manager;
    const { cookieValue } = await harness.devices.remember(
      manager,
      tenant,
      user.id,
      DevicesService.newDeviceId(),
    );
    const admin: Tenant['id'] = '00000000-0000-4000-8000-000000000001';
    const result = await harness.dataSource.transaction((tx) =>
      harness.factors.reset(tx, tenant, user.id, { actor: { type: 'api_key', id: admin } }),
    );
    expect(result).to.deep.equal({ removedCredentials: 12, forgottenDevices: 1 });
    expect(await harness.factors.list(manager, tenant.id, user.id)).to.deep.equal({
      totp: null,
      passkeys: [],
      recoveryCodesRemaining: 0,
    });
    expect(await harness.devices.isRemembered(manager, tenant, user.id, cookieValue)).to.equal(false);
    const reset = (await harness.auditActions(tenant)).find((e) => e.action === 'user.mfa_reset');
    expect(reset?.data).to.deep.equal({ removedCredentials: 12, forgottenDevices: 1 });
  });
});
