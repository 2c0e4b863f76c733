import { expect } from 'chai';
import type { PasswordLoginResult } from '../../src/credentials/password-login.service.js';
import { describeOnBothDatabases } from '../support/databases.js';
import { failureReason, LoginHarness, PASSWORD, sleep, WRONG_PASSWORD } from './password-login.harness.js';

/**
 * Per-account lockout (SECURITY.md items 1 and 2 ★): durable in the database, counted across case
 * variants of the identifier and under parallel attempts, temporary and exponential, reset by success.
 */
describeOnBothDatabases('password login lockout', (db) => {
  let harness: LoginHarness;

  before(() => {
    // Lockout is what these tests are about: the per-IP throttle stays out of the way.
    harness = new LoginHarness(db.dataSource, { ipThrottle: { maxFailures: 10_000 } });
  });
  beforeEach(() => harness.hasher.resetCounts());

  it('locks after maxFailures consecutive failures, counted across case variants of the email', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 3, baseSeconds: 60 } });
    const alice = await harness.createUser(tenant, { email: 'alice@example.com' });

    for (const variant of ['Alice@Example.com', ' alice@example.com', 'ALICE@EXAMPLE.COM']) {
      expect(failureReason(await harness.login(tenant, variant, WRONG_PASSWORD))).to.equal('wrong_password');
    }
    const locked = await harness.lockout(alice);
    expect(locked?.failures).to.equal(3);
    expect(locked?.lockedUntil?.getTime()).to.be.closeTo(Date.now() + 60_000, 5_000);

    // SECURITY.md item 2: while locked even the right password fails, and exactly like a wrong one.
    const rightPassword = await harness.login(tenant, 'alice@example.com', PASSWORD);
    expect(rightPassword).to.deep.equal({ ok: false, reason: 'account_locked' });
    expect(Object.keys(rightPassword)).to.deep.equal(['ok', 'reason']);
    expect(harness.hasher.dummyVerifications, 'a locked account still costs a verification').to.equal(1);
    expect(harness.hasher.verifications).to.equal(3);
    expect(await harness.lockedUntil(alice)).to.be.instanceOf(Date);

    const audit = await harness.auditActions(tenant);
    expect(audit.map((event) => event.action)).to.deep.equal(['user.locked_out']);
    expect(audit[0]?.target_id).to.equal(alice.id);
  });

  it('ends the lock by itself: temporary, then exponential', async () => {
    const tenant = await harness.createTenant({
      lockout: { maxFailures: 2, baseSeconds: 1, maxSeconds: 60 },
    });
    const bob = await harness.createUser(tenant, { email: 'bob@example.com' });
    for (let n = 0; n < 2; n += 1) await harness.login(tenant, 'bob@example.com', WRONG_PASSWORD);
    expect(failureReason(await harness.login(tenant, 'bob@example.com', PASSWORD))).to.equal(
      'account_locked',
    );

    await sleep(1_200);
    expect(await harness.lockedUntil(bob)).to.equal(null);
    expect((await harness.login(tenant, 'bob@example.com', PASSWORD)).ok, 'after the lock ended').to.equal(
      true,
    );
    expect(await harness.lockout(bob), 'success forgets the failures').to.equal(undefined);

    for (let n = 0; n < 2; n += 1) await harness.login(tenant, 'bob@example.com', WRONG_PASSWORD);
    await sleep(1_200);
    // Once a lock has ended, the next failure locks again, for twice as long.
    expect(failureReason(await harness.login(tenant, 'bob@example.com', WRONG_PASSWORD))).to.equal(
      'wrong_password',
    );
    const relocked = await harness.lockout(bob);
    expect(relocked?.failures).to.equal(3);
    expect(relocked?.lockedUntil?.getTime()).to.be.closeTo(Date.now() + 2_000, 700);
  });

  it('doubles the lock at each failure after one ends, up to maxSeconds, never permanent', async () => {
    const tenant = await harness.createTenant({
      lockout: { maxFailures: 2, baseSeconds: 60, maxSeconds: 200 },
    });
    const carol = await harness.createUser(tenant, { email: 'carol@example.com' });
    await harness.login(tenant, 'carol@example.com', WRONG_PASSWORD);

    const lockSeconds: number[] = [];
    for (let n = 0; n < 5; n += 1) {
      await harness.login(tenant, 'carol@example.com', WRONG_PASSWORD);
      const until = (await harness.lockout(carol))?.lockedUntil;
      lockSeconds.push(Math.round(((until?.getTime() ?? 0) - Date.now()) / 1_000));
      await harness.expireLock(carol); // as if the lock had run out
    }
    expect(lockSeconds).to.deep.equal([60, 120, 200, 200, 200]);
    expect((await harness.login(tenant, 'carol@example.com', PASSWORD)).ok).to.equal(true);
  });

  it('resets the count on success: only consecutive failures lock', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 3 } });
    const dave = await harness.createUser(tenant, { email: 'dave@example.com' });
    for (let round = 0; round < 3; round += 1) {
      for (let n = 0; n < 2; n += 1) await harness.login(tenant, 'dave@example.com', WRONG_PASSWORD);
      expect((await harness.login(tenant, 'Dave@example.com', PASSWORD)).ok, `round ${round}`).to.equal(true);
      expect(await harness.lockout(dave)).to.equal(undefined);
    }
  });

  it('counts every one of 20 parallel failures', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 100 } });
    const erin = await harness.createUser(tenant, { email: 'erin@example.com' });

    const results = await loginInParallel(harness, tenant, 'erin@example.com', 20);
    expect(results.map(failureReason)).to.deep.equal(Array(20).fill('wrong_password'));
    expect((await harness.lockout(erin))?.failures).to.equal(20);
  });

  it('lets no more than maxFailures of 20 parallel attempts check the password, then stays locked', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 5 } });
    const frank = await harness.createUser(tenant, { email: 'frank@example.com' });

    const results = await loginInParallel(harness, tenant, 'frank@example.com', 20);
    const reasons = results.map(failureReason);
    expect(reasons.filter((reason) => reason === 'wrong_password')).to.have.length(5);
    expect(reasons.filter((reason) => reason === 'account_locked')).to.have.length(15);
    expect(harness.hasher.verifications, 'password checks').to.equal(5);
    expect(harness.hasher.dummyVerifications, 'refused attempts still cost a verification').to.equal(15);
    expect((await harness.lockout(frank))?.failures).to.equal(5);
    expect(failureReason(await harness.login(tenant, 'frank@example.com', PASSWORD))).to.equal(
      'account_locked',
    );
  });

  it('never waits for more than 100 consecutive failures (NIST), whatever the policy says', async () => {
    const tenant = await harness.createTenant();
    const grace = await harness.createUser(tenant, { email: 'grace@example.com' });
    const policy = { maxFailures: 1_000, baseSeconds: 60, maxSeconds: 3600 };
    for (let n = 1; n < 100; n += 1) {
      const admission = await harness.lockouts.beginAttempt(
        db.dataSource.manager,
        tenant.id,
        grace.id,
        policy,
      );
      expect(admission, `attempt ${n}`).to.deep.include({ admitted: true, lockedUntil: null });
    }
    const hundredth = await harness.lockouts.beginAttempt(db.dataSource.manager, tenant.id, grace.id, policy);
    expect(hundredth.lockedUntil).to.be.instanceOf(Date);
    const refused = await harness.lockouts.beginAttempt(db.dataSource.manager, tenant.id, grace.id, policy);
    expect(refused.admitted).to.equal(false);
  });

  it('keeps each account and each tenant to its own count', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 2 } });
    const other = await harness.createTenant({ lockout: { maxFailures: 2 } });
    await harness.createUser(tenant, { email: 'heidi@example.com' });
    await harness.createUser(tenant, { email: 'ivan@example.com' });
    await harness.createUser(other, { email: 'heidi@example.com' });
    for (let n = 0; n < 2; n += 1) await harness.login(tenant, 'heidi@example.com', WRONG_PASSWORD);

    expect(failureReason(await harness.login(tenant, 'heidi@example.com', PASSWORD))).to.equal(
      'account_locked',
    );
    expect((await harness.login(tenant, 'ivan@example.com', PASSWORD)).ok).to.equal(true);
    expect((await harness.login(other, 'heidi@example.com', PASSWORD)).ok).to.equal(true);
  });
});

function loginInParallel(
  harness: LoginHarness,
  tenant: Parameters<LoginHarness['login']>[0],
  email: string,
  count: number,
): Promise<PasswordLoginResult[]> {
  return Promise.all(Array.from({ length: count }, () => harness.login(tenant, email, WRONG_PASSWORD)));
}
