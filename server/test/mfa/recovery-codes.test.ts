import { expect } from 'chai';
import { RECOVERY_CODE_COUNT } from '../../src/mfa/recovery-codes.service.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { MfaHarness, USER_ACTOR } from './mfa.harness.js';

/** Recovery codes: ten, high-entropy, stored hashed, single-use, regeneration replaces all. */
describeOnBothDatabases('recovery codes', (db) => {
  let harness: MfaHarness;
  before(() => {
    harness = new MfaHarness(db.dataSource);
  });

  it('makes ten distinct 80-bit codes, stored only as HMACs', async () => {
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    const codes = await harness.recoveryCodes.regenerate(tenant, user.id, USER_ACTOR(user));
    expect(codes).to.have.length(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).to.equal(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).to.match(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    const stored: { secret: string }[] = await harness.dataSource.query(
      `SELECT secret FROM credentials WHERE user_id = $1 AND type = 'recovery'`,
      [user.id],
    );
    expect(stored).to.have.length(RECOVERY_CODE_COUNT);
    const secrets = stored.map((row) => row.secret).join(' ');
    for (const code of codes) {
      expect(secrets).to.not.include(code);
      expect(secrets).to.not.include(code.replace(/-/g, ''));
    }
  });

  it('takes a code once (any case, spaces or dashes), not twice', async () => {
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    const [first, second] = await harness.recoveryCodes.regenerate(tenant, user.id, USER_ACTOR(user));
    const manager = harness.dataSource.manager;
    expect(await harness.recoveryCodes.redeem(tenant, user.id, first!.toUpperCase())).to.equal(true);
    expect(await harness.recoveryCodes.redeem(tenant, user.id, first!)).to.equal(false);
    expect(await harness.recoveryCodes.redeem(tenant, user.id, ` ${second!.replace(/-/g, ' ')} `)).to.equal(
      true,
    );
    expect(await harness.recoveryCodes.remaining(manager, tenant.id, user.id)).to.equal(
      RECOVERY_CODE_COUNT - 2,
    );

    // Another user's code is not this user's.
    const other = await harness.createUser(tenant);
    const [theirs] = await harness.recoveryCodes.regenerate(tenant, other.id, USER_ACTOR(other));
    expect(await harness.recoveryCodes.redeem(tenant, user.id, theirs!)).to.equal(false);
  });

  it('regenerating replaces every earlier code', async () => {
    const tenant = await harness.createTenant();
    const user = await harness.createUser(tenant);
    const old = await harness.recoveryCodes.regenerate(tenant, user.id, USER_ACTOR(user));
    const fresh = await harness.recoveryCodes.regenerate(tenant, user.id, USER_ACTOR(user));
    expect(await harness.recoveryCodes.redeem(tenant, user.id, old[3]!)).to.equal(false);
    expect(await harness.recoveryCodes.redeem(tenant, user.id, fresh[3]!)).to.equal(true);
    expect(await harness.recoveryCodes.remaining(harness.dataSource.manager, tenant.id, user.id)).to.equal(9);
    const actions = (await harness.auditActions(tenant)).map((e) => e.action);
    expect(actions.filter((a) => a === 'user.recovery_codes_generated')).to.have.length(2);
  });
});
