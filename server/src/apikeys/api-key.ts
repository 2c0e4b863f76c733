import { createHmac, randomBytes } from 'node:crypto';
import type { KeyRing } from '../secrets/key-ring.js';
import { CommonErrors } from '../shared/errors.js';

const API_KEY_PREFIX = 'pk_';
/** The public contract (ARCHITECTURE.md "Secrets"); kickstart files may supply keys of this form. */
export const API_KEY_PATTERN = /^pk_[A-Za-z0-9_]{32,}$/;
const RANDOM_BYTES = 32;
const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 62^43 > 2^256, so 43 digits hold any 32 bytes; padding keeps every generated key the same length.
const BASE62_DIGITS = 43;
const DISPLAY_PREFIX_LENGTH = 8;
const HMAC_PURPOSE = 'api-key-hmac';

/** A new API key: `pk_` + 256 random bits in base62 (43 characters). Shown once, never stored. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + toBase62(randomBytes(RANDOM_BYTES)).padStart(BASE62_DIGITS, '0');
}

export function isWellFormedApiKey(key: string): boolean {
  return typeof key === 'string' && API_KEY_PATTERN.test(key);
}

/**
 * Stores API keys as HMAC-SHA256: the keys are 256-bit random, so a fast keyed hash is enough and
 * allows lookup by hash; the HMAC key comes from the key ring, so a database dump alone does not
 * let anyone test guesses.
 */
export class ApiKeyHasher {
  readonly #primaryHmacKey: Buffer;
  readonly #hmacKeys: readonly Buffer[];

  constructor(ring: KeyRing) {
    this.#primaryHmacKey = ring.deriveKey(HMAC_PURPOSE);
    this.#hmacKeys = ring.deriveKeys(HMAC_PURPOSE);
  }

  /** The hash to store for a key: under the primary ring key. */
  hash(key: string): string {
    return hmacHex(this.#primaryHmacKey, key);
  }

  /**
   * The key's hash under every ring key, primary first: a lookup matching a later entry found a key
   * stored before a rotation, which the caller should re-store under `hash(key)`.
   */
  candidateHashes(key: string): string[] {
    return this.#hmacKeys.map((hmacKey) => hmacHex(hmacKey, key));
  }

  /** The first characters after `pk_`, stored in clear so admins can tell keys apart. */
  prefixOf(key: string): string {
    if (!isWellFormedApiKey(key)) throw CommonErrors.invalidInput('Not a well-formed API key.');
    return key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + DISPLAY_PREFIX_LENGTH);
  }
}

function hmacHex(hmacKey: Buffer, key: string): string {
  return createHmac('sha256', hmacKey).update(key, 'utf8').digest('hex');
}

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  const digits: string[] = [];
  while (value > 0n) {
    digits.push(BASE62_ALPHABET.charAt(Number(value % 62n)));
    value /= 62n;
  }
  return digits.reverse().join('');
}
