import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { PREHASHED_BCRYPT_TAG } from '../../src/credentials/password-hasher.js';
import { passwordHashPolicyOf } from '../../src/credentials/password-policy.js';
import { resolveTenantSettings } from '../../src/tenants/tenant-settings.js';
import { describeOnBothDatabases } from '../support/databases.js';
import {
  CLIENT_IP,
  failureReason,
  LoginHarness,
  PASSWORD,
  WRONG_PASSWORD,
} from './password-login.harness.js';

const IP_LIMIT = 10;

/**
 * Password login through PasswordLoginService (SECURITY.md items 1–3): what succeeds, what fails, that
 * every failure looks the same from outside, and the per-IP throttle. Lockout has its own file.
 */
describeOnBothDatabases('password login', (db) => {
  let harness: LoginHarness;

  before(() => {
    harness = new LoginHarness(db.dataSource, { ipThrottle: { maxFailures: IP_LIMIT } });
  });
  beforeEach(() => harness.hasher.resetCounts());

  it('logs in with the right password, by email in any case or by username, and records it', async () => {
    const tenant = await harness.createTenant();
    const alice = await harness.createUser(tenant, { email: 'Alice@Example.com', username: 'Alice_W' });

    const byEmail = await harness.login(tenant, '  ALICE@example.COM ', PASSWORD);
    expect(byEmail.ok).to.equal(true);
    if (!byEmail.ok) return;
    expect(byEmail.user.id).to.equal(alice.id);
    expect(byEmail.user.loginCount).to.equal(1);
    expect(byEmail.user.lastLoginAt).to.be.instanceOf(Date);

    const byUsername = await harness.login(tenant, 'alice_w', PASSWORD);
    expect(byUsername.ok && byUsername.user.loginCount).to.equal(2);

    const attempts = await harness.attempts(tenant);
    expect(attempts).to.have.length(2);
    expect(attempts[0]).to.deep.include({
      user_id: alice.id,
      identifier: 'alice@example.com',
      ip: CLIENT_IP,
      method: 'password',
      succeeded: true,
      reason: null,
    });
    expect(harness.hasher.dummyVerifications).to.equal(0);
  });

  it('refuses a wrong password and records the failed attempt', async () => {
    const tenant = await harness.createTenant();
    const bob = await harness.createUser(tenant, { email: 'bob@example.com' });

    expect(failureReason(await harness.login(tenant, 'bob@example.com', WRONG_PASSWORD))).to.equal(
      'wrong_password',
    );
    const [attempt] = await harness.attempts(tenant);
    expect(attempt).to.deep.include({ user_id: bob.id, succeeded: false, reason: 'wrong_password' });
    const [row] = await db.dataSource.query('SELECT login_count FROM users WHERE id = $1', [bob.id]);
    expect(row.login_count).to.equal(0);
  });

  // SECURITY.md item 3 ★: unknown accounts cost a real verification and answer like known ones.
  it('answers an unknown account like a wrong password, after a verification against the dummy hash', async () => {
    const tenant = await harness.createTenant();
    await harness.createUser(tenant, { email: 'carol@example.com' });

    const wrong = await harness.login(tenant, 'carol@example.com', WRONG_PASSWORD);
    const unknown = await harness.login(tenant, 'nobody@example.com', PASSWORD);

    expect(Object.keys(unknown)).to.deep.equal(Object.keys(wrong));
    expect(unknown.ok).to.equal(false);
    expect(failureReason(unknown)).to.equal('unknown_user');
    expect(harness.hasher.verifications, 'the known account, against its hash').to.equal(1);
    expect(harness.hasher.dummyVerifications, 'the unknown account, against the dummy').to.equal(1);
    const attempts = await harness.attempts(tenant);
    expect(attempts[1]).to.deep.include({
      user_id: null,
      identifier: 'nobody@example.com',
      succeeded: false,
    });
  });

  it('fails blocked users and users without a password like a wrong password, verifying a dummy', async () => {
    const tenant = await harness.createTenant();
    await harness.createUser(tenant, { email: 'blocked@example.com', status: 'blocked' });
    await harness.createUser(tenant, { email: 'passwordless@example.com', password: undefined });

    expect(failureReason(await harness.login(tenant, 'blocked@example.com', PASSWORD))).to.equal(
      'user_blocked',
    );
    expect(failureReason(await harness.login(tenant, 'passwordless@example.com', PASSWORD))).to.equal(
      'no_password',
    );
    expect(harness.hasher.dummyVerifications).to.equal(2);
    expect(harness.hasher.verifications).to.equal(0);
  });

  it('takes about as long for an unknown account as for a wrong password (realistic hash cost)', async () => {
    const tenant = await harness.createTenant({}, false); // the default policy: argon2id m=19 MiB t=2
    await harness.createUser(tenant, { email: 'dave@example.com' });
    const timings = { wrong: [] as number[], unknown: [] as number[] };
    const time = async (kind: keyof typeof timings, identifier: string) => {
      const started = performance.now();
      await harness.login(tenant, identifier, WRONG_PASSWORD, `192.0.2.${timings[kind].length}`);
      timings[kind].push(performance.now() - started);
    };
    await time('unknown', 'warm-up@example.com'); // makes the dummy hash of this policy
    timings.unknown.length = 0;
    for (let round = 0; round < 7; round += 1) {
      await time('wrong', 'dave@example.com');
      await time('unknown', `nobody${round}@example.com`);
    }
    const ratio = median(timings.unknown) / median(timings.wrong);
    expect(ratio, `unknown ${median(timings.unknown)} ms / wrong ${median(timings.wrong)} ms`).to.be.within(
      0.5,
      2,
    );
  });

  // SECURITY.md item 1 ★: per IP, across accounts, counting failures only.
  it('blocks an IP after its failures across different accounts, leaving other IPs alone', async () => {
    const tenant = await harness.createTenant({ lockout: { maxFailures: 100 } });
    const accounts = ['erin@example.com', 'frank@example.com', 'grace@example.com'];
    for (const email of accounts) await harness.createUser(tenant, { email });
    const attacker = '203.0.113.66';

    for (let n = 0; n < IP_LIMIT + 2; n += 1) {
      // Successful logins from an IP never count against it.
      expect((await harness.login(tenant, 'erin@example.com', PASSWORD, attacker)).ok).to.equal(true);
    }
    for (let n = 0; n < IP_LIMIT; n += 1) {
      const identifier = n === 0 ? 'unknown@example.com' : (accounts[n % accounts.length] ?? '');
      expect(failureReason(await harness.login(tenant, identifier, WRONG_PASSWORD, attacker))).to.not.equal(
        'ip_throttled',
      );
    }

    harness.hasher.resetCounts();
    const blocked = await harness.login(tenant, 'grace@example.com', PASSWORD, attacker);
    expect(failureReason(blocked)).to.equal('ip_throttled');
    expect(harness.hasher.verifications + harness.hasher.dummyVerifications, 'no hashing').to.equal(0);
    expect((await harness.login(tenant, 'grace@example.com', PASSWORD, '203.0.113.67')).ok).to.equal(true);
    const sameIpMapped = await harness.login(tenant, 'grace@example.com', PASSWORD, `::ffff:${attacker}`);
    expect(failureReason(sameIpMapped), 'the attacker as an IPv4-mapped IPv6 address').to.equal(
      'ip_throttled',
    );

    const otherTenant = await harness.createTenant();
    await harness.createUser(otherTenant, { email: 'grace@example.com' });
    expect((await harness.login(otherTenant, 'grace@example.com', PASSWORD, attacker)).ok).to.equal(true);
  });

  it('writes a success all at once: failures forgotten, login counted, password marked used, attempt recorded', async () => {
    const tenant = await harness.createTenant();
    const ivan = await harness.createUser(tenant, { email: 'ivan@example.com' });
    await harness.login(tenant, 'ivan@example.com', WRONG_PASSWORD);
    expect(await harness.lockout(ivan)).to.deep.include({ failures: 1 });

    expect((await harness.login(tenant, 'ivan@example.com', PASSWORD)).ok).to.equal(true);

    expect(await harness.lockout(ivan)).to.equal(undefined);
    expect(await successBookkeeping(ivan.id)).to.deep.equal({ loginCount: 1, passwordUsed: true });
    const attempts = await harness.attempts(tenant);
    expect(attempts.map((a) => [a.succeeded, a.reason])).to.deep.equal([
      [false, 'wrong_password'],
      [true, null],
    ]);
  });

  it('writes nothing of a success whose bookkeeping fails part-way, and the login fails', async () => {
    const tenant = await harness.createTenant();
    const judy = await harness.createUser(tenant, { email: 'judy@example.com' });
    await harness.login(tenant, 'judy@example.com', WRONG_PASSWORD);
    // The success's attempt row is its last write: refusing it must undo the others.
    const trigger = `refuse_success_${tenant.id.replaceAll('-', '')}`;
    await db.dataSource.query(
      `CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.tenant_id = '${tenant.id}' AND NEW.succeeded THEN RAISE EXCEPTION 'refused by test'; END IF;
         RETURN NEW;
       END $$`,
    );
    await db.dataSource.query(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON login_attempts FOR EACH ROW EXECUTE FUNCTION ${trigger}()`,
    );
    try {
      const error = await harness.login(tenant, 'judy@example.com', PASSWORD).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String(error)).to.contain('refused by test');
    } finally {
      await db.dataSource.query(`DROP TRIGGER ${trigger} ON login_attempts`);
      await db.dataSource.query(`DROP FUNCTION ${trigger}()`);
    }

    // Both attempts stay counted (each was reserved before its verification: SECURITY.md ★1).
    expect(await harness.lockout(judy)).to.deep.include({ failures: 2 });
    expect(await successBookkeeping(judy.id)).to.deep.equal({ loginCount: 0, passwordUsed: false });
    expect((await harness.attempts(tenant)).map((a) => a.succeeded)).to.deep.equal([false]);
    expect((await harness.login(tenant, 'judy@example.com', PASSWORD)).ok).to.equal(true);
  });

  it('rehashes on login when the tenant switches to bcrypt, and the new hash still verifies', async () => {
    let tenant = await harness.createTenant();
    const heidi = await harness.createUser(tenant, { email: 'heidi@example.com' });
    const before = await harness.storedPassword(heidi);
    expect(before).to.match(/^\$argon2id\$/);

    tenant = await harness.updateSettings(tenant, { passwords: { hash: 'bcrypt', bcryptCost: 10 } });
    expect((await harness.login(tenant, 'heidi@example.com', PASSWORD)).ok).to.equal(true);

    const after = await harness.storedPassword(heidi);
    expect(after.startsWith(PREHASHED_BCRYPT_TAG)).to.equal(true);
    const policy = passwordHashPolicyOf(resolveTenantSettings(tenant.settings));
    expect(await harness.hasher.inner.verify(PASSWORD, after, policy)).to.deep.equal({
      valid: true,
      needsRehash: false,
    });
    expect((await harness.login(tenant, 'heidi@example.com', PASSWORD)).ok).to.equal(true);
    expect(await harness.storedPassword(heidi), 'no second rehash').to.equal(after);
    expect(failureReason(await harness.login(tenant, 'heidi@example.com', WRONG_PASSWORD))).to.equal(
      'wrong_password',
    );
  });

  async function successBookkeeping(userId: string) {
    const [row] = await db.dataSource.query(
      `SELECT u.login_count, c.last_used_at FROM users u
         JOIN credentials c ON c.user_id = u.id AND c.type = 'password' WHERE u.id = $1`,
      [userId],
    );
    return { loginCount: row.login_count, passwordUsed: row.last_used_at !== null };
  }
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
