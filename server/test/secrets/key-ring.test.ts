import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { KeyRing } from '../../src/secrets/key-ring.js';
import { SecretsErrorCodes } from '../../src/secrets/secrets.errors.js';
import { AppError } from '../../src/shared/errors.js';

const TOKEN_SHAPE = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;
const CONTEXT = 'client_secret:app-1';

function thrownBy(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    expect(error, 'a raw error escaped').to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

function expectCode(action: () => unknown, code: string): AppError {
  const error = thrownBy(action);
  expect(error.code).to.equal(code);
  return error;
}

/** Replaces one dot-separated part of a token. */
function withPart(token: string, index: number, replace: (part: string) => string): string {
  const parts = token.split('.');
  parts[index] = replace(parts[index] ?? '');
  return parts.join('.');
}

function flipFirstByte(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

function flipLastByte(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  const last = bytes.length - 1;
  bytes[last] = (bytes[last] ?? 0) ^ 0x80;
  return bytes.toString('base64url');
}

describe('KeyRing', () => {
  const oldKey = KeyRing.generateKey();
  const newKey = KeyRing.generateKey();

  describe('generateKey', () => {
    it('returns base64 of 32 random bytes, different every time', () => {
      const key = KeyRing.generateKey();
      expect(key).to.match(/^[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(key, 'base64')).to.have.length(32);
      expect(KeyRing.generateKey()).to.not.equal(key);
    });
  });

  describe('parse', () => {
    it('accepts one key and makes it the primary', () => {
      const ring = KeyRing.parse(oldKey);
      expect(ring.keyIds).to.deep.equal([ring.primaryKeyId]);
      expect(ring.primaryKeyId).to.match(/^[0-9a-f]{8}$/);
    });

    it('accepts a comma-separated ring with spaces and a trailing newline, first key primary', () => {
      const ring = KeyRing.parse(` ${newKey} , ${oldKey}\n`);
      expect(ring.keyIds).to.deep.equal([
        KeyRing.parse(newKey).primaryKeyId,
        KeyRing.parse(oldKey).primaryKeyId,
      ]);
      expect(ring.primaryKeyId).to.equal(KeyRing.parse(newKey).primaryKeyId);
    });

    it('derives the same key id from the same key every time, and different ids from different keys', () => {
      expect(KeyRing.parse(oldKey).primaryKeyId).to.equal(KeyRing.parse(oldKey).primaryKeyId);
      expect(KeyRing.parse(oldKey).primaryKeyId).to.not.equal(KeyRing.parse(newKey).primaryKeyId);
    });

    it('accepts the base64url spelling of a key as the same key', () => {
      const urlSafe = Buffer.from(oldKey, 'base64').toString('base64url');
      expect(KeyRing.parse(urlSafe).primaryKeyId).to.equal(KeyRing.parse(oldKey).primaryKeyId);
    });

    it('does not use the key itself as its id', () => {
      const hexKey = Buffer.from(oldKey, 'base64').toString('hex');
      expect(hexKey.startsWith(KeyRing.parse(oldKey).primaryKeyId)).to.equal(false);
    });

    it('refuses an empty value', () => {
      expectCode(() => KeyRing.parse(''), SecretsErrorCodes.invalidSecretKey);
      expectCode(() => KeyRing.parse('   '), SecretsErrorCodes.invalidSecretKey);
    });

    it('names the 1-based position of an invalid entry without echoing it', () => {
      const shortKey = Buffer.alloc(16, 7).toString('base64');
      const error = expectCode(
        () => KeyRing.parse(`${oldKey},${shortKey}`),
        SecretsErrorCodes.invalidSecretKey,
      );
      expect(error.message).to.contain('entry 2');
      expect(error.details).to.deep.equal({ position: 2 });
      expect(error.message).to.not.contain(shortKey);
      expect(error.message).to.not.contain(oldKey);
      expect(error.status).to.equal(500);
    });

    it('refuses keys that are not base64 of exactly 32 bytes', () => {
      const invalid = [
        'not a key',
        Buffer.alloc(31, 1).toString('base64'),
        Buffer.alloc(33, 1).toString('base64'),
        `${oldKey.slice(0, 42)}!=`,
        Buffer.alloc(32, 1).toString('hex'),
      ];
      for (const entry of invalid) {
        const error = expectCode(() => KeyRing.parse(entry), SecretsErrorCodes.invalidSecretKey);
        expect(error.details).to.deep.equal({ position: 1 });
        expect(error.message).to.not.contain(entry);
      }
    });

    it('refuses an empty entry, such as from a stray comma', () => {
      const error = expectCode(
        () => KeyRing.parse(`${oldKey},,${newKey}`),
        SecretsErrorCodes.invalidSecretKey,
      );
      expect(error.details).to.deep.equal({ position: 2 });
      expectCode(() => KeyRing.parse(`${oldKey},`), SecretsErrorCodes.invalidSecretKey);
    });

    it('refuses a repeated key, naming both positions, even when spelled differently', () => {
      const error = expectCode(
        () => KeyRing.parse(`${newKey},${oldKey},${oldKey}`),
        SecretsErrorCodes.invalidSecretKey,
      );
      expect(error.details).to.deep.equal({ position: 3 });
      expect(error.message).to.contain('entry 2');
      expect(error.message).to.not.contain(oldKey);
      const urlSafe = Buffer.from(oldKey, 'base64').toString('base64url');
      expectCode(() => KeyRing.parse(`${oldKey},${urlSafe}`), SecretsErrorCodes.invalidSecretKey);
    });

    it('never shows key material when the ring is inspected or serialised', () => {
      const ring = KeyRing.parse(`${newKey},${oldKey}`);
      const shown = `${inspect(ring, { depth: 10, showHidden: true })} ${JSON.stringify(ring)} ${String(ring)}`;
      for (const key of [newKey, oldKey]) {
        expect(shown).to.not.contain(key);
        expect(shown).to.not.contain(Buffer.from(key, 'base64').toString('hex'));
      }
    });
  });

  describe('encrypt and decrypt', () => {
    const ring = KeyRing.parse(oldKey);

    it('round-trips a string, recording the version and primary key id', () => {
      const token = ring.encrypt('s3cret-value', CONTEXT);
      expect(token).to.match(TOKEN_SHAPE);
      expect(token.split('.')[1]).to.equal(ring.primaryKeyId);
      expect(ring.decryptString(token, CONTEXT)).to.equal('s3cret-value');
    });

    it('round-trips bytes, Unicode and the empty string', () => {
      const bytes = Uint8Array.from([0, 1, 2, 255, 0]);
      expect([...ring.decrypt(ring.encrypt(bytes, CONTEXT), CONTEXT)]).to.deep.equal([...bytes]);
      expect(ring.decryptString(ring.encrypt('pässwörd ✓ 🔑', CONTEXT), CONTEXT)).to.equal('pässwörd ✓ 🔑');
      expect(ring.decryptString(ring.encrypt('', CONTEXT), CONTEXT)).to.equal('');
    });

    it('uses a fresh IV each time, so equal plaintexts give different tokens', () => {
      const first = ring.encrypt('same', CONTEXT);
      const second = ring.encrypt('same', CONTEXT);
      expect(first).to.not.equal(second);
      expect(first.split('.')[2]).to.not.equal(second.split('.')[2]);
    });

    it('does not reveal the plaintext in the token', () => {
      const token = ring.encrypt('plain-text-marker', CONTEXT);
      expect(token).to.not.contain('plain-text-marker');
      expect(token).to.not.contain(Buffer.from('plain-text-marker').toString('base64url'));
    });

    it('binds the context: a token moved to another record does not decrypt', () => {
      const token = ring.encrypt('s3cret', 'client_secret:app-1');
      expectCode(() => ring.decrypt(token, 'client_secret:app-2'), SecretsErrorCodes.decryptFailed);
      expectCode(() => ring.decrypt(token, 'totp_secret:app-1'), SecretsErrorCodes.decryptFailed);
    });

    it('refuses an empty context, which would bind nothing', () => {
      expectCode(() => ring.encrypt('s3cret', ''), SecretsErrorCodes.misuse);
      expectCode(() => ring.decrypt(ring.encrypt('x', CONTEXT), ''), SecretsErrorCodes.misuse);
    });

    it('detects tampering with the ciphertext, the tag or the IV', () => {
      const token = ring.encrypt('s3cret', CONTEXT);
      const tampered = [
        withPart(token, 3, flipFirstByte),
        withPart(token, 3, flipLastByte),
        withPart(token, 2, flipFirstByte),
      ];
      for (const changed of tampered) {
        expect(changed).to.not.equal(token);
        const error = expectCode(() => ring.decrypt(changed, CONTEXT), SecretsErrorCodes.decryptFailed);
        expect(error.details).to.deep.equal({ keyId: ring.primaryKeyId });
      }
    });

    it('detects a truncated ciphertext', () => {
      const token = ring.encrypt('a longer secret value', CONTEXT);
      const truncated = withPart(token, 3, (part) =>
        Buffer.from(part, 'base64url').subarray(1).toString('base64url'),
      );
      expectCode(() => ring.decrypt(truncated, CONTEXT), SecretsErrorCodes.decryptFailed);
    });

    it('reports an unknown key id when the key was removed from the ring', () => {
      const token = KeyRing.parse(newKey).encrypt('s3cret', CONTEXT);
      const error = expectCode(() => ring.decrypt(token, CONTEXT), SecretsErrorCodes.keyUnknown);
      expect(error.details).to.deep.equal({ keyId: KeyRing.parse(newKey).primaryKeyId });
    });

    it('reports a malformed token for anything that is not one', () => {
      const token = ring.encrypt('s3cret', CONTEXT);
      const malformed = [
        '',
        'plaintext-that-was-never-encrypted',
        token.split('.').slice(0, 3).join('.'),
        `${token}.extra`,
        withPart(token, 0, () => 'v2'),
        withPart(token, 1, () => 'XYZ'),
        withPart(token, 1, (kid) => kid.toUpperCase().replace(/[0-9]/g, 'A')),
        withPart(token, 2, (iv) => `${iv}+`),
        withPart(token, 2, (iv) => iv.slice(0, 8)),
        withPart(token, 3, (sealed) => `${sealed}=`),
        withPart(token, 3, (sealed) => sealed.replace(/^./, '*')),
        withPart(token, 3, () => Buffer.alloc(15).toString('base64url')),
      ];
      for (const candidate of malformed) {
        expectCode(() => ring.decrypt(candidate, CONTEXT), SecretsErrorCodes.malformed);
      }
      expectCode(() => ring.decrypt(null as unknown as string, CONTEXT), SecretsErrorCodes.malformed);
    });

    it('never puts the token or plaintext in an error message', () => {
      const token = ring.encrypt('s3cret-marker', CONTEXT);
      const error = expectCode(() => ring.decrypt(token, 'other'), SecretsErrorCodes.decryptFailed);
      expect(error.message).to.not.contain(token.split('.')[3]);
      expect(error.message).to.not.contain('s3cret-marker');
    });
  });

  describe('rotation', () => {
    const before = KeyRing.parse(oldKey);
    const rollingOut = KeyRing.parse(`${oldKey},${newKey}`); // new key decrypt-only
    const after = KeyRing.parse(`${newKey},${oldKey}`);
    const retired = KeyRing.parse(newKey);

    it('decrypts with every ring key while encrypting with the first', () => {
      const oldToken = before.encrypt('s3cret', CONTEXT);
      const newToken = after.encrypt('s3cret', CONTEXT);
      expect(after.decryptString(oldToken, CONTEXT)).to.equal('s3cret');
      expect(rollingOut.decryptString(newToken, CONTEXT)).to.equal('s3cret');
      expect(rollingOut.encrypt('x', CONTEXT).split('.')[1]).to.equal(before.primaryKeyId);
    });

    it('isCurrent tells whether a token is under the primary key', () => {
      const oldToken = before.encrypt('s3cret', CONTEXT);
      expect(before.isCurrent(oldToken)).to.equal(true);
      expect(after.isCurrent(oldToken)).to.equal(false);
      expect(after.isCurrent(after.encrypt('s3cret', CONTEXT))).to.equal(true);
      expectCode(() => after.isCurrent('garbage'), SecretsErrorCodes.malformed);
    });

    it('reEncrypt moves a token to the primary key so the old key can be retired', () => {
      const oldToken = before.encrypt('s3cret', CONTEXT);
      const moved = after.reEncrypt(oldToken, CONTEXT);
      expect(after.isCurrent(moved)).to.equal(true);
      expect(moved.split('.')[1]).to.equal(after.primaryKeyId);
      expect(retired.decryptString(moved, CONTEXT)).to.equal('s3cret');
      expectCode(() => retired.decrypt(oldToken, CONTEXT), SecretsErrorCodes.keyUnknown);
    });

    it('reEncrypt keeps a current token and still checks its context', () => {
      const current = after.encrypt('s3cret', CONTEXT);
      expect(after.reEncrypt(current, CONTEXT)).to.equal(current);
      expectCode(() => after.reEncrypt(current, 'client_secret:other'), SecretsErrorCodes.decryptFailed);
      expectCode(
        () => after.reEncrypt(before.encrypt('x', CONTEXT), 'other'),
        SecretsErrorCodes.decryptFailed,
      );
    });
  });

  describe('key derivation', () => {
    const before = KeyRing.parse(oldKey);
    const after = KeyRing.parse(`${newKey},${oldKey}`);

    it('derives a stable 32-byte key per purpose from the primary key', () => {
      const cookieKey = after.deriveKey('cookie-signing');
      expect(cookieKey).to.have.length(32);
      expect(cookieKey.equals(KeyRing.parse(`${newKey},${oldKey}`).deriveKey('cookie-signing'))).to.equal(
        true,
      );
      expect(cookieKey.equals(KeyRing.parse(newKey).deriveKey('cookie-signing'))).to.equal(true);
      expect(cookieKey.equals(before.deriveKey('cookie-signing'))).to.equal(false);
    });

    it('gives unrelated keys for different purposes and never the ring key itself', () => {
      const cookieKey = after.deriveKey('cookie-signing');
      expect(cookieKey.equals(after.deriveKey('csrf'))).to.equal(false);
      expect(cookieKey.equals(Buffer.from(newKey, 'base64'))).to.equal(false);
    });

    it('honours the length and does not make a short key a prefix of a long one', () => {
      const short = after.deriveKey('session', 16);
      const long = after.deriveKey('session', 64);
      expect(short).to.have.length(16);
      expect(long).to.have.length(64);
      expect(long.subarray(0, 16).equals(short)).to.equal(false);
    });

    it('deriveKeys gives one key per ring key, primary first, matching what each key derived as primary', () => {
      const keys = after.deriveKeys('cookie-signing');
      expect(keys).to.have.length(2);
      expect(keys[0]?.equals(after.deriveKey('cookie-signing'))).to.equal(true);
      expect(keys[1]?.equals(before.deriveKey('cookie-signing'))).to.equal(true);
    });

    it('lets a verifier accept a MAC made before a rotation', () => {
      const macBefore = createHmac('sha256', before.deriveKey('cookie-signing'))
        .update('session=1')
        .digest('hex');
      const accepted = after
        .deriveKeys('cookie-signing')
        .some((key) => createHmac('sha256', key).update('session=1').digest('hex') === macBefore);
      expect(accepted).to.equal(true);
    });

    it('refuses an empty purpose or an impossible length', () => {
      expectCode(() => after.deriveKey(''), SecretsErrorCodes.misuse);
      expectCode(() => after.deriveKey('x', 0), SecretsErrorCodes.misuse);
      expectCode(() => after.deriveKey('x', 1.5), SecretsErrorCodes.misuse);
      expectCode(() => after.deriveKey('x', 255 * 32 + 1), SecretsErrorCodes.misuse);
      expectCode(() => after.deriveKeys(''), SecretsErrorCodes.misuse);
    });
  });
});
