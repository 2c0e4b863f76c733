import { expect } from 'chai';
import { DevicesService } from '../../src/devices/devices.service.js';
import { ACR_MFA } from '../../src/mfa/factors.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { MfaHarness, registerPasskey } from './mfa.harness.js';

/** The policy service on real data: enrolled factors, remembered devices, application override. */
describeOnBothDatabases('MFA policy service', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });
  const passwordNow = () => [{ method: 'password' as const, at: Math.floor(Date.now() / 1000) }];

  it('asks an enrolled passkey at every password login unless the device is remembered', async () => {
    const tenant = await harness.createTenant({ mfa: { policy: 'optional' } });
    const user = await harness.createUser(tenant);
    expect(await harness.policy.decide({ tenant, user, completed: passwordNow() })).to.deep.include({
      kind: 'done',
      offerPasskey: true,
    });
    await registerPasskey(harness, tenant, user);
    expect(await harness.policy.decide({ tenant, user, completed: passwordNow() })).to.deep.include({
      kind: 'second_factor',
      choices: ['webauthn'],
    });
    const manager = harness.dataSource.manager;
    const { cookieValue } = await harness.devices.remember(
      manager,
      tenant,
      user.id,
      DevicesService.newDeviceId(),
    );
    const remembered = { tenant, user, completed: passwordNow(), rememberedDeviceCookie: cookieValue };
    expect(await harness.policy.decide(remembered)).to.deep.include({ kind: 'done', offerPasskey: false });
    expect(
      await harness.policy.decide({ ...remembered, acrValues: `${ACR_MFA} urn:other` }),
      'acr_values steps up even on a remembered device',
    ).to.deep.include({ kind: 'second_factor', reasons: ['acr_values'] });

    const rememberOff = await harness.createTenant({ mfa: { rememberDevice: false } });
    const other = await harness.createUser(rememberOff);
    await registerPasskey(harness, rememberOff, other);
    const cookie = (
      await harness.devices.remember(manager, rememberOff, other.id, DevicesService.newDeviceId())
    ).cookieValue;
    expect(
      await harness.policy.decide({
        tenant: rememberOff,
        user: other,
        completed: passwordNow(),
        rememberedDeviceCookie: cookie,
      }),
    ).to.deep.include({ kind: 'second_factor' });
  });

  it('lets an application require MFA where the tenant does not, and steps up on risk', async () => {
    const tenant = await harness.createTenant({ mfa: { policy: 'optional' } });
    const user = await harness.createUser(tenant);
    const application = { config: { mfa: { policy: 'required' } } };
    expect(
      await harness.policy.decide({ tenant, user, application, completed: passwordNow() }),
    ).to.deep.include({
      kind: 'enrollment',
      choices: ['totp', 'webauthn'],
    });
    await registerPasskey(harness, tenant, user);
    const risk = await harness.risk.assess(harness.dataSource.manager, tenant, {
      userId: user.id,
      ip: '203.0.113.5',
      loginStartedAt: new Date(),
    });
    expect(risk.decision).to.equal('allow'); // 50 is not above the default threshold of 50
    const risky = { ...risk, decision: 'step_up' as const };
    const remembered = (
      await harness.devices.remember(
        harness.dataSource.manager,
        tenant,
        user.id,
        DevicesService.newDeviceId(),
      )
    ).cookieValue;
    expect(
      await harness.policy.decide({
        tenant,
        user,
        completed: passwordNow(),
        risk: risky,
        rememberedDeviceCookie: remembered,
      }),
    ).to.deep.include({ kind: 'second_factor', reasons: ['risk'] });
  });
});
