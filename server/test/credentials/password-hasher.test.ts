import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import { expect } from 'chai';
import { CredentialsErrorCodes } from '../../src/credentials/credentials.errors.js';
import {
  DEFAULT_PASSWORD_HASH_POLICY,
  PasswordHasher,
  type PasswordHashPolicy,
  passwordHashPolicyProblems,
} from '../../src/credentials/password-hasher.js';
import { AppError } from '../../src/shared/errors.js';

// Cheap parameters wherever the test is not about cost, so the suite stays fast.
const FAST_ARGON2: PasswordHashPolicy = {
  algorithm: 'argon2id',
  argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  bcrypt: { cost: 10 },
};
const FAST_BCRYPT: PasswordHashPolicy = { ...FAST_ARGON2, algorithm: 'bcrypt' };
const BOTH = [FAST_ARGON2, FAST_BCRYPT];

const PASSWORD = 'correct horse battery staple';

function withArgon2(changes: Partial<PasswordHashPolicy['argon2']>): PasswordHashPolicy {
  return { ...FAST_ARGON2, argon2: { ...FAST_ARGON2.argon2, ...changes } };
}

function withBcryptCost(cost: number): PasswordHashPolicy {
  return { ...FAST_BCRYPT, bcrypt: { cost } };
}

/** The name=value parameters of an argon2 PHC string, whatever their order. */
function argon2ParamsOf(stored: string): Record<string, string> {
  const params = stored.split('$')[3] ?? '';
  return Object.fromEntries(params.split(',').map((param) => param.split('=')));
}

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

async function medianMilliseconds(action: () => Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] ?? Number.NaN;
}

describe('PasswordHasher', function () {
  this.timeout(30_000);
  const hasher = new PasswordHasher();

  describe('policy', () => {
    it('defaults to argon2id m=19 MiB t=2 p=1, bcrypt cost 12 (OWASP)', () => {
      expect(DEFAULT_PASSWORD_HASH_POLICY).to.deep.equal({
        algorithm: 'argon2id',
        argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
        bcrypt: { cost: 12 },
      });
      expect(passwordHashPolicyProblems(DEFAULT_PASSWORD_HASH_POLICY)).to.deep.equal([]);
      expect(Object.isFrozen(DEFAULT_PASSWORD_HASH_POLICY.argon2)).to.equal(true);
    });

    it('refuses bcrypt below cost 10 or above 31, whichever algorithm is active', async () => {
      for (const cost of [9, 4, 32, 10.5]) {
        const error = await rejectionOf(hasher.hash(PASSWORD, { ...FAST_ARGON2, bcrypt: { cost } }));
        expect(error.code).to.equal(CredentialsErrorCodes.invalidPasswordHashPolicy);
        expect(error.message).to.contain('bcrypt cost');
      }
      expect(passwordHashPolicyProblems(withBcryptCost(10))).to.deep.equal([]);
    });

    it('refuses impossible argon2 parameters and unknown algorithms, listing every problem', () => {
      const problems = passwordHashPolicyProblems({
        algorithm: 'scrypt' as PasswordHashPolicy['algorithm'],
        argon2: { memoryCost: 4, timeCost: 0, parallelism: 1 },
        bcrypt: { cost: 12 },
      });
      expect(problems).to.have.length(3);
      expect(passwordHashPolicyProblems(withArgon2({ parallelism: 0 }))).to.not.deep.equal([]);
    });
  });

  describe('argon2id', () => {
    it('stores the argon2 PHC string with exactly the policy parameters', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_ARGON2);
      expect(stored).to.match(/^\$argon2id\$v=19\$[a-z0-9=,]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
      expect(argon2ParamsOf(stored)).to.deep.equal({ m: '1024', t: '1', p: '1' });
      const tuned = await hasher.hash(
        PASSWORD,
        withArgon2({ memoryCost: 2048, timeCost: 2, parallelism: 2 }),
      );
      expect(argon2ParamsOf(tuned)).to.deep.equal({ m: '2048', t: '2', p: '2' });
    });

    it('uses the default parameters as stored', async () => {
      const stored = await hasher.hash(PASSWORD, DEFAULT_PASSWORD_HASH_POLICY);
      expect(stored.startsWith('$argon2id$v=19$')).to.equal(true);
      expect(argon2ParamsOf(stored)).to.deep.equal({ m: '19456', t: '2', p: '1' });
      const result = await hasher.verify(PASSWORD, stored, DEFAULT_PASSWORD_HASH_POLICY);
      expect(result).to.deep.equal({ valid: true, needsRehash: false });
    });

    it('reads the parameters by name, in whatever order they are stored', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_ARGON2);
      const parts = stored.split('$');
      parts[3] = 'p=1,t=1,m=1024';
      const reordered = parts.join('$');
      expect(await hasher.verify(PASSWORD, reordered, FAST_ARGON2)).to.deep.equal({
        valid: true,
        needsRehash: false,
      });
      parts[3] = 'm=1024,t=1,p=1,t=1';
      expect((await hasher.verify(PASSWORD, parts.join('$'), FAST_ARGON2)).valid).to.equal(false);
      parts[3] = 'm=1024,t=1,p=1,x=1';
      expect((await hasher.verify(PASSWORD, parts.join('$'), FAST_ARGON2)).valid).to.equal(false);
      parts[3] = 'm=1024,t=1';
      expect((await hasher.verify(PASSWORD, parts.join('$'), FAST_ARGON2)).valid).to.equal(false);
    });

    it('salts every hash', async () => {
      expect(await hasher.hash(PASSWORD, FAST_ARGON2)).to.not.equal(await hasher.hash(PASSWORD, FAST_ARGON2));
    });

    it('does not truncate long passwords', async () => {
      const long = 'x'.repeat(1000);
      const stored = await hasher.hash(`${long}a`, FAST_ARGON2);
      expect((await hasher.verify(`${long}a`, stored, FAST_ARGON2)).valid).to.equal(true);
      expect((await hasher.verify(`${long}b`, stored, FAST_ARGON2)).valid).to.equal(false);
      expect((await hasher.verify(long, stored, FAST_ARGON2)).valid).to.equal(false);
    });

    it('verifies an imported argon2i hash and asks for a rehash', async () => {
      const options = { type: argon2.argon2i, memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;
      const stored = await argon2.hash(PASSWORD, options);
      expect(await hasher.verify(PASSWORD, stored, FAST_ARGON2)).to.deep.equal({
        valid: true,
        needsRehash: true,
      });
    });
  });

  describe('bcrypt', () => {
    it('stores a tagged bcrypt string so it is never taken for a raw bcrypt hash', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_BCRYPT);
      expect(stored).to.match(/^\$bcrypt-hmac-sha256\$v=1\$\$2b\$10\$[./A-Za-z0-9]{53}$/);
      expect(await bcrypt.compare(PASSWORD, stored.slice('$bcrypt-hmac-sha256$v=1$'.length))).to.equal(false);
      expect(await hasher.verify(PASSWORD, stored, FAST_BCRYPT)).to.deep.equal({
        valid: true,
        needsRehash: false,
      });
    });

    // SECURITY.md ★4: bcrypt reads only 72 bytes; the pre-hash must make the rest count.
    it('★4 never verifies two passwords that share their first 72 bytes', async () => {
      const shared = 'a'.repeat(72);
      const first = `${shared}-first-1`;
      const second = `${shared}-second2`;
      expect(first).to.have.length(80);
      // Control: raw bcrypt really does confuse them, so this test guards the pre-hash.
      expect(await bcrypt.compare(second, await bcrypt.hash(first, 10))).to.equal(true);

      const stored = await hasher.hash(first, FAST_BCRYPT);
      expect((await hasher.verify(first, stored, FAST_BCRYPT)).valid).to.equal(true);
      expect((await hasher.verify(second, stored, FAST_BCRYPT)).valid).to.equal(false);
      expect((await hasher.verify(shared, stored, FAST_BCRYPT)).valid).to.equal(false);
    });

    it('★4 keeps multi-byte passphrases longer than 72 bytes distinct', async () => {
      const shared = '🔑'.repeat(18); // 72 bytes in UTF-8
      const stored = await hasher.hash(`${shared}one`, FAST_BCRYPT);
      expect((await hasher.verify(`${shared}two`, stored, FAST_BCRYPT)).valid).to.equal(false);
      expect((await hasher.verify(`${shared}one`, stored, FAST_BCRYPT)).valid).to.equal(true);
    });

    it('keeps passwords that differ after a NUL character distinct', async () => {
      const stored = await hasher.hash('abc\0def', FAST_BCRYPT);
      expect((await hasher.verify('abc\0xyz', stored, FAST_BCRYPT)).valid).to.equal(false);
      expect((await hasher.verify('abc', stored, FAST_BCRYPT)).valid).to.equal(false);
      expect((await hasher.verify('abc\0def', stored, FAST_BCRYPT)).valid).to.equal(true);
    });
  });

  describe('imported raw bcrypt hashes', () => {
    it('verifies a raw $2b$ hash as it is and always asks for a rehash', async () => {
      const imported = await bcrypt.hash(PASSWORD, 10);
      expect(imported.startsWith('$2b$')).to.equal(true);
      for (const policy of [FAST_BCRYPT, FAST_ARGON2]) {
        expect(await hasher.verify(PASSWORD, imported, policy)).to.deep.equal({
          valid: true,
          needsRehash: true,
        });
      }
      expect(await hasher.verify('wrong password', imported, FAST_BCRYPT)).to.deep.equal({
        valid: false,
        needsRehash: false,
      });
    });

    it('verifies $2a$ and PHP $2y$ hashes', async () => {
      const twoA = await bcrypt.hash(PASSWORD, await bcrypt.genSalt(10, 'a'));
      const twoY = (await bcrypt.hash(PASSWORD, 10)).replace(/^\$2b\$/, '$2y$');
      for (const imported of [twoA, twoY]) {
        expect(await hasher.verify(PASSWORD, imported, FAST_BCRYPT)).to.deep.equal({
          valid: true,
          needsRehash: true,
        });
        expect((await hasher.verify(`${PASSWORD}!`, imported, FAST_BCRYPT)).valid).to.equal(false);
      }
    });

    it('does not accept a raw bcrypt hash of the pre-hash as a Portico hash of the password', async () => {
      const portico = await hasher.hash(PASSWORD, FAST_BCRYPT);
      const rawPart = portico.slice('$bcrypt-hmac-sha256$v=1$'.length);
      expect((await hasher.verify(PASSWORD, rawPart, FAST_BCRYPT)).valid).to.equal(false);
    });
  });

  describe('verify', () => {
    for (const policy of BOTH) {
      it(`rejects a wrong password (${policy.algorithm})`, async () => {
        const stored = await hasher.hash(PASSWORD, policy);
        expect(await hasher.verify('correct horse battery stapler', stored, policy)).to.deep.equal({
          valid: false,
          needsRehash: false,
        });
        expect((await hasher.verify('', stored, policy)).valid).to.equal(false);
      });

      it(`does not fold case (${policy.algorithm})`, async () => {
        const stored = await hasher.hash('Password-Mixed', policy);
        expect((await hasher.verify('password-mixed', stored, policy)).valid).to.equal(false);
        expect((await hasher.verify('PASSWORD-MIXED', stored, policy)).valid).to.equal(false);
      });

      it(`accepts a password typed in another Unicode normal form (${policy.algorithm})`, async () => {
        const composed = 'caf\u00e9 na\u00efve';
        const decomposed = 'cafe\u0301 nai\u0308ve';
        const stored = await hasher.hash(composed, policy);
        expect((await hasher.verify(decomposed, stored, policy)).valid).to.equal(true);
        const storedDecomposed = await hasher.hash(decomposed, policy);
        expect((await hasher.verify(composed, storedDecomposed, policy)).valid).to.equal(true);
      });

      it(`does not apply compatibility folding (NFKC) (${policy.algorithm})`, async () => {
        const stored = await hasher.hash('\ufb01ne', policy); // "ﬁne" with the fi ligature
        expect((await hasher.verify('fine', stored, policy)).valid).to.equal(false);
      });
    }

    it('answers invalid, without throwing, for tampered, malformed or unknown stored hashes', async () => {
      const argonHash = await hasher.hash(PASSWORD, FAST_ARGON2);
      const bcryptHash = await hasher.hash(PASSWORD, FAST_BCRYPT);
      // An inner character: the last one of a base64 hash may carry unused bits.
      const innerCharChanged = (hash: string) => {
        const at = hash.length - 5;
        return hash.slice(0, at) + (hash[at] === 'a' ? 'z' : 'a') + hash.slice(at + 1);
      };
      const broken = [
        innerCharChanged(argonHash),
        innerCharChanged(bcryptHash),
        argonHash.replace('m=1024', 'm=2048'),
        argonHash.replace('t=1', 't=2'),
        argonHash.slice(0, -10),
        bcryptHash.slice(0, -1),
        bcryptHash.replace('$2b$10$', '$2a$10$'),
        bcryptHash.replace('$v=1$', '$v=2$'),
        argonHash.replace('$argon2id$', '$argon2x$'),
        '$argon2id$v=19$m=abc,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
        '$argon2id$v=19$m=1024,t=1,p=1$!!!$aGFzaA',
        '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
        '$2x$10$abcdefghijklmnopqrstuuMO3d0/6mw2Zq6c5uu8o1l0pT6a6i2sK',
        '$2b$03$abcdefghijklmnopqrstuuMO3d0/6mw2Zq6c5uu8o1l0pT6a6i2sK',
        PASSWORD,
        '',
      ];
      for (const stored of broken) {
        const result = await hasher.verify(PASSWORD, stored, FAST_ARGON2);
        expect(result, stored).to.deep.equal({ valid: false, needsRehash: false });
      }
      const notAString = null as unknown as string;
      expect(await hasher.verify(PASSWORD, notAString, FAST_ARGON2)).to.deep.equal({
        valid: false,
        needsRehash: false,
      });
    });
  });

  describe('needsRehash', () => {
    it('is false when the stored hash matches the policy', async () => {
      for (const policy of BOTH) {
        const stored = await hasher.hash(PASSWORD, policy);
        expect((await hasher.verify(PASSWORD, stored, policy)).needsRehash).to.equal(false);
      }
    });

    it('flips when any argon2 parameter or the algorithm changes', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_ARGON2);
      const changed = [
        withArgon2({ memoryCost: 2048 }),
        withArgon2({ timeCost: 2 }),
        withArgon2({ parallelism: 2 }),
        FAST_BCRYPT,
      ];
      for (const policy of changed) {
        expect(await hasher.verify(PASSWORD, stored, policy), JSON.stringify(policy)).to.deep.equal({
          valid: true,
          needsRehash: true,
        });
      }
    });

    it('flips when the bcrypt cost or the algorithm changes', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_BCRYPT);
      expect((await hasher.verify(PASSWORD, stored, withBcryptCost(11))).needsRehash).to.equal(true);
      expect((await hasher.verify(PASSWORD, stored, FAST_ARGON2)).needsRehash).to.equal(true);
      // bcrypt parameters do not matter while argon2id is active, and the reverse.
      const argonStored = await hasher.hash(PASSWORD, FAST_ARGON2);
      const otherBcrypt = { ...FAST_ARGON2, bcrypt: { cost: 13 } };
      expect((await hasher.verify(PASSWORD, argonStored, otherBcrypt)).needsRehash).to.equal(false);
    });

    it('is never true for a wrong password, so a guess is never stored', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_ARGON2);
      expect(await hasher.verify('guess', stored, FAST_BCRYPT)).to.deep.equal({
        valid: false,
        needsRehash: false,
      });
    });

    it('leads to a hash that matches the new policy', async () => {
      const stored = await hasher.hash(PASSWORD, FAST_ARGON2);
      const upgraded = withArgon2({ timeCost: 2 });
      expect((await hasher.verify(PASSWORD, stored, upgraded)).needsRehash).to.equal(true);
      const rehashed = await hasher.hash(PASSWORD, upgraded);
      expect(await hasher.verify(PASSWORD, rehashed, upgraded)).to.deep.equal({
        valid: true,
        needsRehash: false,
      });
    });
  });

  describe('verifyAgainstDummy', () => {
    it('always answers invalid', async () => {
      for (const policy of BOTH) {
        for (const password of [PASSWORD, '', 'x'.repeat(200)]) {
          expect(await hasher.verifyAgainstDummy(password, policy)).to.deep.equal({
            valid: false,
            needsRehash: false,
          });
        }
      }
    });

    // SECURITY.md ★3: an unknown account must cost what a known one costs.
    it('★3 takes about as long as verifying a real hash under the same policy', async () => {
      const policy: PasswordHashPolicy = {
        ...DEFAULT_PASSWORD_HASH_POLICY,
        algorithm: 'bcrypt',
        bcrypt: { cost: 11 },
      };
      const stored = await hasher.hash(PASSWORD, policy);
      await hasher.verifyAgainstDummy(PASSWORD, policy); // the dummy hash is made once, on first use
      const real = await medianMilliseconds(() => hasher.verify('wrong password', stored, policy));
      const dummy = await medianMilliseconds(() => hasher.verifyAgainstDummy('wrong password', policy));
      expect(dummy).to.be.within(real * 0.5, real * 2);
    });

    it('follows the cost of the policy it is given', async () => {
      const cheap = withBcryptCost(10);
      const costly = withBcryptCost(12);
      await hasher.verifyAgainstDummy(PASSWORD, cheap);
      await hasher.verifyAgainstDummy(PASSWORD, costly);
      const cheapTime = await medianMilliseconds(() => hasher.verifyAgainstDummy(PASSWORD, cheap), 3);
      const costlyTime = await medianMilliseconds(() => hasher.verifyAgainstDummy(PASSWORD, costly), 3);
      expect(costlyTime).to.be.greaterThan(cheapTime * 2); // 4× the work in theory
    });

    it('rejects an invalid policy and keeps working for valid ones afterwards', async () => {
      const error = await rejectionOf(hasher.verifyAgainstDummy(PASSWORD, withBcryptCost(4)));
      expect(error.code).to.equal(CredentialsErrorCodes.invalidPasswordHashPolicy);
      await rejectionOf(hasher.verifyAgainstDummy(PASSWORD, withBcryptCost(4)));
      expect((await hasher.verifyAgainstDummy(PASSWORD, FAST_BCRYPT)).valid).to.equal(false);
    });
  });
});
