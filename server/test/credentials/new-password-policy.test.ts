import { expect } from 'chai';
import {
  CommonPasswordList,
  MIN_SCREENED_LENGTH,
  prepareList,
} from '../../src/credentials/common-passwords.js';
import { MAX_PASSWORD_LENGTH, NewPasswordPolicy } from '../../src/credentials/new-password-policy.js';
import { resolveTenantSettings } from '../../src/tenants/tenant-settings.js';

describe('new-password policy (SECURITY.md items 4–5)', () => {
  const list = new CommonPasswordList();
  const policy = new NewPasswordPolicy(list);
  const defaults = resolveTenantSettings({});
  const mfaRequired = resolveTenantSettings({ mfa: { policy: 'required' } });

  it('bundles at least 100,000 common passwords, all long enough to matter', () => {
    expect(list.size).to.be.greaterThan(100_000);
    expect(MIN_SCREENED_LENGTH).to.equal(8);
  });

  it('prepares a source list: 8+ characters, lower-cased, unique, found by bisection', () => {
    const small = new CommonPasswordList(() =>
      prepareList('Password123\nshort\nqwertyuiop\npassword123\nZZZZZZZZ\n'),
    );
    expect(small.size).to.equal(3);
    expect(['PASSWORD123', 'qwertyuiop', 'zzzzzzzz'].map((p) => small.has(p))).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect(['short', 'qwertyuio', 'aaaaaaaa'].map((p) => small.has(p))).to.deep.equal([false, false, false]);
  });

  it('refuses common and breached passwords, in any case, with a clear message key', () => {
    for (const common of ['password123', 'Password123', 'qwertyuiop', 'iloveyou1', '1234567890123456'])
      expect(policy.check(common, mfaRequired), common).to.equal('error.passwordTooCommon');
  });

  it('accepts a 64-character passphrase and longer ones, untruncated, up to the maximum', () => {
    const passphrase = 'violet harbour lamps drift slowly over the granite quay at dusk!';
    expect([...passphrase]).to.have.length(64);
    expect(policy.check(passphrase, defaults)).to.equal(null);
    expect(policy.check(`${'x'.repeat(MAX_PASSWORD_LENGTH - 7)}unusual`, defaults)).to.equal(null);
    expect(policy.check('y'.repeat(MAX_PASSWORD_LENGTH + 1), defaults)).to.equal('error.passwordTooLong');
  });

  it('asks 15 characters when a password may be the only factor, the tenant minimum when MFA is required', () => {
    expect(policy.minLength(defaults)).to.equal(15);
    expect(policy.minLength(mfaRequired)).to.equal(8);
    expect(policy.check('kestrel-ink-42', defaults)).to.equal('error.passwordTooShort');
    expect(policy.check('kestrel-ink-42', mfaRequired)).to.equal(null);
  });

  it('has no composition rules and counts characters, not bytes', () => {
    expect(policy.check('ünïcödé pässwörd wörks', defaults)).to.equal(null);
    expect(policy.check('🔑🔑🔑🔑🔑🔑🔑🔑', mfaRequired)).to.equal(null);
  });

  it('refuses the account’s own email, its local part or the tenant name as a password', () => {
    const context = { email: 'Margarethe.Schulz@example.com', tenantName: 'Acme Incorporated' };
    expect(policy.check('margarethe.schulz@example.com', defaults, context)).to.equal(
      'error.passwordTooCommon',
    );
    expect(policy.check('margarethe.schulz', mfaRequired, context)).to.equal('error.passwordTooCommon');
    expect(policy.check('acme incorporated', defaults, context)).to.equal('error.passwordTooCommon');
  });
});
