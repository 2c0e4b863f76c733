import { createHash, createHmac } from 'node:crypto';
import { expect } from 'chai';
import { ApiKeyHasher, generateApiKey, isWellFormedApiKey } from '../../src/apikeys/api-key.js';
import { KeyRing } from '../../src/secrets/key-ring.js';
import { AppError } from '../../src/shared/errors.js';

const CONTRACT = /^pk_[A-Za-z0-9_]{32,}$/;

describe('API keys', () => {
  describe('generateApiKey', () => {
    it('makes pk_ + 43 base62 characters, matching the public contract', () => {
      for (let i = 0; i < 200; i += 1) {
        const key = generateApiKey();
        expect(key).to.match(/^pk_[0-9A-Za-z]{43}$/);
        expect(key).to.match(CONTRACT);
        expect(isWellFormedApiKey(key)).to.equal(true);
      }
    });

    it('never repeats a key', () => {
      const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey()));
      expect(keys.size).to.equal(2000);
    });

    it('spreads over the whole base62 alphabet (the encoding is not stuck on a few symbols)', () => {
      const seen = new Set(
        Array.from({ length: 300 }, () => generateApiKey().slice(4)) // skip the often-small first digit
          .join(''),
      );
      expect(seen.size).to.equal(62);
    });
  });

  describe('isWellFormedApiKey', () => {
    it('accepts explicit kickstart keys of the contract form, underscores included', () => {
      expect(isWellFormedApiKey(`pk_${'a'.repeat(32)}`)).to.equal(true);
      expect(isWellFormedApiKey(`pk_${'Z9_'.repeat(20)}`)).to.equal(true);
    });

    it('refuses too short, wrong prefix, foreign characters and surrounding whitespace', () => {
      const refused = [
        `pk_${'a'.repeat(31)}`,
        `sk_${'a'.repeat(40)}`,
        `PK_${'a'.repeat(40)}`,
        `${'a'.repeat(40)}`,
        `pk_${'a'.repeat(39)}-`,
        `pk_${'a'.repeat(39)}=`,
        `pk_${'a'.repeat(39)}é`,
        ` pk_${'a'.repeat(40)}`,
        `pk_${'a'.repeat(40)}\n`,
        '',
      ];
      for (const key of refused) expect(isWellFormedApiKey(key), JSON.stringify(key)).to.equal(false);
      expect(isWellFormedApiKey(undefined as unknown as string)).to.equal(false);
    });
  });

  describe('ApiKeyHasher', () => {
    const oldKey = KeyRing.generateKey();
    const newKey = KeyRing.generateKey();
    const before = new ApiKeyHasher(KeyRing.parse(oldKey));
    const afterRing = KeyRing.parse(`${newKey},${oldKey}`);
    const after = new ApiKeyHasher(afterRing);
    const apiKey = generateApiKey();

    it('hashes as hex HMAC-SHA256 under the key derived for api-key-hmac from the primary', () => {
      const expected = createHmac('sha256', afterRing.deriveKey('api-key-hmac')).update(apiKey).digest('hex');
      expect(after.hash(apiKey)).to.equal(expected);
      expect(after.hash(apiKey)).to.match(/^[0-9a-f]{64}$/);
    });

    it('is stable for the same ring and key', () => {
      expect(new ApiKeyHasher(KeyRing.parse(oldKey)).hash(apiKey)).to.equal(before.hash(apiKey));
    });

    it('gives different hashes for different keys and for different primary keys', () => {
      expect(before.hash(apiKey)).to.not.equal(before.hash(generateApiKey()));
      expect(before.hash(apiKey)).to.not.equal(after.hash(apiKey));
    });

    it('is keyed: a plain SHA-256 of a leaked key list does not match stored hashes', () => {
      expect(before.hash(apiKey)).to.not.equal(createHash('sha256').update(apiKey).digest('hex'));
    });

    it('gives candidate hashes under every ring key, primary first', () => {
      const candidates = after.candidateHashes(apiKey);
      expect(candidates).to.have.length(2);
      expect(candidates[0]).to.equal(after.hash(apiKey));
      expect(candidates[1]).to.equal(before.hash(apiKey));
    });

    it('finds a key hashed under the old primary after a new primary is added', () => {
      const storedBeforeRotation = before.hash(apiKey);
      expect(after.hash(apiKey)).to.not.equal(storedBeforeRotation);
      expect(after.candidateHashes(apiKey)).to.include(storedBeforeRotation);
      expect(after.candidateHashes(generateApiKey())).to.not.include(storedBeforeRotation);
    });

    it('shows the 8 characters after pk_ as the display prefix', () => {
      expect(before.prefixOf(`pk_ABCDefgh${'x'.repeat(35)}`)).to.equal('ABCDefgh');
      expect(before.prefixOf(apiKey)).to.equal(apiKey.slice(3, 11));
    });

    it('refuses to show a prefix for something that is not an API key', () => {
      expect(() => before.prefixOf('pk_short')).to.throw(AppError);
    });
  });
});
