import { expect } from 'chai';
import { DevicesService } from '../../src/devices/devices.service.js';
import { networkOf } from '../../src/risk/networks.js';
import { scoreRisk } from '../../src/risk/risk-score.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';
import type { User } from '../../src/users/user.entity.js';
import { MfaHarness } from '../mfa/mfa.harness.js';
import { describeOnBothDatabases } from '../support/databases.js';

describe('risk: networks and scoring', () => {
  it('groups IPv4 by /24 and IPv6 by /48, IPv4-mapped as IPv4', () => {
    expect(networkOf('203.0.113.77')).to.equal('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.9')).to.equal('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).to.equal(networkOf('2001:0db8:abcd:ffff::2'));
    expect(networkOf('2001:db8:abcd::1')).to.equal('2001:db8:abcd::/48');
    expect(networkOf('2001:db8:abce::1')).to.not.equal(networkOf('2001:db8:abcd::1'));
    expect(networkOf('not an ip')).to.equal(null);
    expect(networkOf(null)).to.equal(null);
  });

  it('weights the signals and steps up only above the threshold', () => {
    const calm = { newDevice: false, newNetwork: false, recentFailures: 0, accountsFromIp: 1 };
    expect(scoreRisk(calm, 50)).to.deep.include({ score: 0, decision: 'allow' });
    expect(scoreRisk({ ...calm, newDevice: true, newNetwork: true }, 50)).to.deep.include({
      score: 50,
      decision: 'allow',
    });
    expect(scoreRisk({ ...calm, newDevice: true, newNetwork: true, recentFailures: 1 }, 50)).to.deep.include({
      score: 60,
      decision: 'step_up',
    });
    expect(scoreRisk({ ...calm, recentFailures: 50 }, 50).score, 'failures are capped').to.equal(40);
    expect(scoreRisk({ ...calm, accountsFromIp: 5, newDevice: true }, 50).decision).to.equal('step_up');
  });
});

/** Adaptive MFA signals from `devices` and `login_attempts` (issue 6 §3). */
describeOnBothDatabases('risk: signals', (db) => {
  let harness: MfaHarness;
  let tenant: Tenant;
  before(async () => {
    harness = new MfaHarness(db.dataSource);
    tenant = await harness.createTenant({ mfa: { riskThreshold: 40 } });
  });

  /** One attempt, `secondsAgo` in the past (explicit times: rows written in one millisecond tie). */
  async function attempt(
    user: User | null,
    ip: string,
    succeeded: boolean,
    secondsAgo = 0,
    identifier = user?.email ?? 'x',
  ) {
    await harness.dataSource.query(
      `INSERT INTO login_attempts (tenant_id, user_id, identifier, ip, method, succeeded, created_at)
       VALUES ($1, $2, $3, $4, 'password', $5, now() - make_interval(secs => $6::float8))`,
      [tenant.id, user?.id ?? null, identifier, ip, succeeded, secondsAgo],
    );
  }

  it('a first login from a new device and network, then a known device on a known network', async () => {
    const user = await harness.createUser(tenant);
    const deviceId = DevicesService.newDeviceId();
    const manager = harness.dataSource.manager;
    const loginStartedAt = new Date();
    await attempt(user, '198.51.100.20', true); // this login's own success: not history
    const first = await harness.risk.assess(manager, tenant, {
      userId: user.id,
      deviceId,
      ip: '198.51.100.20',
      loginStartedAt,
    });
    expect(first.signals).to.deep.equal({
      newDevice: true,
      newNetwork: true,
      recentFailures: 0,
      accountsFromIp: 0,
    });
    expect(first).to.deep.include({ score: 50, threshold: 40, decision: 'step_up' });

    expect(
      await harness.devices.recordSighting(manager, tenant.id, user.id, deviceId, { ip: '198.51.100.20' }),
    ).to.equal(false);
    const later = await harness.risk.assess(manager, tenant, {
      userId: user.id,
      deviceId,
      ip: '198.51.100.99', // same /24
      loginStartedAt: new Date(),
    });
    expect(later.signals).to.include({ newDevice: false, newNetwork: false });
    expect(later.decision).to.equal('allow');
  });

  it('counts failures since the last success, and distinct accounts tried from one IP', async () => {
    const user = await harness.createUser(tenant);
    await attempt(user, '192.0.2.1', false, 50);
    await attempt(user, '192.0.2.1', true, 40);
    await attempt(user, '192.0.2.1', false, 30);
    await attempt(user, '192.0.2.1', false, 20);
    for (let n = 0; n < 6; n += 1) await attempt(null, '192.0.2.200', false, 10, `nobody${n}@example.com`);
    await attempt(user, '192.0.2.200', false, 5);
    const assessment = await harness.risk.assess(harness.dataSource.manager, tenant, {
      userId: user.id,
      ip: '192.0.2.200',
      loginStartedAt: new Date(),
    });
    expect(assessment.signals).to.deep.equal({
      newDevice: true,
      newNetwork: false, // 192.0.2.0/24 saw the user's success
      recentFailures: 3,
      accountsFromIp: 7,
    });
    expect(assessment.score).to.equal(25 + 30 + 40);
  });

  it('a login without a known IP is neither from a new network nor counted against an address', async () => {
    const user = await harness.createUser(tenant);
    await attempt(user, '203.0.113.5', false, 20);
    const assessment = await harness.risk.assess(harness.dataSource.manager, tenant, {
      userId: user.id,
      ip: null,
      loginStartedAt: new Date(),
    });
    expect(assessment.signals).to.deep.equal({
      newDevice: true,
      newNetwork: false,
      recentFailures: 1,
      accountsFromIp: 0,
    });
  });

  it('many accounts signing in successfully from one IP (an office NAT) is not a signal', async () => {
    const user = await harness.createUser(tenant);
    for (let n = 0; n < 8; n += 1) await attempt(null, '192.0.2.77', true, 10, `colleague${n}@example.com`);
    const assessment = await harness.risk.assess(harness.dataSource.manager, tenant, {
      userId: user.id,
      ip: '192.0.2.77',
      loginStartedAt: new Date(),
    });
    expect(assessment.signals.accountsFromIp).to.equal(0);
  });
});

/** Remembered devices: signed cookie, per tenant and user, server-side expiry and revocation. */
describeOnBothDatabases('remembered devices', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });

  it('remembers for the tenant lifetime, binds tenant and user, and forgets on reset', async () => {
    const tenant = await harness.createTenant({ lifetimes: { rememberedDevice: 3600 } });
    const user = await harness.createUser(tenant);
    const other = await harness.createUser(tenant);
    const manager = harness.dataSource.manager;
    const deviceId = DevicesService.newDeviceId();
    const remembered = await harness.devices.remember(manager, tenant, user.id, deviceId, {
      userAgent: 'mocha',
    });
    expect(remembered.expiresAt.getTime()).to.be.closeTo(Date.now() + 3_600_000, 5_000);
    expect(await harness.devices.isRemembered(manager, tenant, user.id, remembered.cookieValue)).to.equal(
      true,
    );
    expect(await harness.devices.isRemembered(manager, tenant, other.id, remembered.cookieValue)).to.equal(
      false,
    );
    const otherTenant = await harness.createTenant();
    expect(
      await harness.devices.isRemembered(manager, otherTenant, user.id, remembered.cookieValue),
    ).to.equal(false);

    const [id, expiry, mac] = remembered.cookieValue.split('.');
    const extended = `${id}.${Number(expiry) + 86_400}.${mac}`;
    expect(
      await harness.devices.isRemembered(manager, tenant, user.id, extended),
      'tampered expiry',
    ).to.equal(false);
    expect(await harness.devices.isRemembered(manager, tenant, user.id, 'garbage')).to.equal(false);
    const otherKeys = new DevicesService(new MfaHarness(harness.dataSource).keyRing);
    expect(
      await otherKeys.isRemembered(manager, tenant, user.id, remembered.cookieValue),
      'another key',
    ).to.equal(false);

    expect(await harness.devices.forgetAll(manager, tenant.id, user.id)).to.equal(1);
    expect(await harness.devices.isRemembered(manager, tenant, user.id, remembered.cookieValue)).to.equal(
      false,
    );
    const assessed = await harness.risk.assess(manager, tenant, {
      userId: user.id,
      deviceId,
      ip: null,
      loginStartedAt: new Date(),
    });
    expect(assessed.signals.newDevice, 'still a known device').to.equal(false);
  });
});
