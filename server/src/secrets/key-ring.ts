import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { SecretsErrors } from './secrets.errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12; // the 96-bit IV GCM is designed for
const TAG_BYTES = 16;
const CIPHER = 'aes-256-gcm';
const TOKEN_VERSION = 'v1';
// Labels keep each use of a key apart: the key id and derived keys never equal anything else made from it.
const KEY_ID_LABEL = 'portico/secret-key-id/v1\0';
const HKDF_SALT = 'portico/hkdf/v1';
const MAX_DERIVED_BYTES = 255 * 32; // HKDF-SHA256 limit
const KEY_ID_PATTERN = /^[0-9a-f]{8}$/;
const BASE64_KEY_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

interface RingKey {
  readonly id: string;
  readonly material: Buffer;
}

interface SealedToken {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * The server's symmetric keys, from `PORTICO_SECRET_KEY` (ARCHITECTURE.md "Secrets"): the first key
 * encrypts and derives, every key decrypts, so a key can be rolled out decrypt-only, then promoted,
 * then the old ciphertexts re-encrypted. Tokens look like `v1.<keyId>.<iv>.<ciphertext+tag>`.
 * Keys live in private fields so logging or serialising a KeyRing shows no key material.
 */
export class KeyRing {
  readonly #keys: readonly RingKey[];
  readonly #primary: RingKey;
  readonly #derived = new Map<string, Buffer>();

  private constructor(primary: RingKey, keys: readonly RingKey[]) {
    this.#primary = primary;
    this.#keys = keys;
  }

  /** Parses `PORTICO_SECRET_KEY`: one base64 32-byte key, or a comma-separated ring, primary first. */
  static parse(value: string): KeyRing {
    const entries = value.trim() === '' ? [] : value.split(',').map((entry) => entry.trim());
    const keys = entries.map((entry, index) => ringKeyFrom(decodeKeyEntry(entry, index + 1)));
    rejectRepeatedKeys(keys);
    const [primary] = keys;
    if (primary === undefined) throw SecretsErrors.emptySecretKey();
    return new KeyRing(primary, keys);
  }

  /** A new random key, in the form `parse` accepts. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  get primaryKeyId(): string {
    return this.#primary.id;
  }

  /** Every key id, primary first. */
  get keyIds(): readonly string[] {
    return this.#keys.map((key) => key.id);
  }

  /**
   * Encrypts under the primary key. `context` names the record the secret belongs to
   * (e.g. `client_secret:<applicationId>`) and is authenticated, so a ciphertext copied to
   * another record does not decrypt there.
   */
  encrypt(plaintext: string | Uint8Array, context: string): string {
    assertContext(context);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.#primary.material, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(context));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    const sealed = Buffer.concat([ciphertext, cipher.getAuthTag()]);
    return [TOKEN_VERSION, this.#primary.id, iv.toString('base64url'), sealed.toString('base64url')].join(
      '.',
    );
  }

  decrypt(token: string, context: string): Buffer {
    assertContext(context);
    const sealed = parseToken(token);
    const key = this.#keyWithId(sealed.keyId);
    try {
      const decipher = createDecipheriv(CIPHER, key.material, sealed.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(context));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch (cause) {
      throw SecretsErrors.decryptFailed(key.id, cause);
    }
  }

  decryptString(token: string, context: string): string {
    return this.decrypt(token, context).toString('utf8');
  }

  /** True when the token was encrypted with the primary key; throws `secret_malformed` on a non-token. */
  isCurrent(token: string): boolean {
    return parseToken(token).keyId === this.#primary.id;
  }

  /** The same secret under the primary key (what `portico secrets re-encrypt` stores back). */
  reEncrypt(token: string, context: string): string {
    const plaintext = this.decrypt(token, context);
    try {
      return this.isCurrent(token) ? token : this.encrypt(plaintext, context);
    } finally {
      plaintext.fill(0);
    }
  }

  /** A key for `purpose` (e.g. cookie signing) derived with HKDF-SHA256 from the primary key. */
  deriveKey(purpose: string, length = KEY_BYTES): Buffer {
    return this.#derive(this.#primary, purpose, length);
  }

  /** One derived key per ring key, primary first, so verifiers accept material made before a rotation. */
  deriveKeys(purpose: string, length = KEY_BYTES): Buffer[] {
    return this.#keys.map((key) => this.#derive(key, purpose, length));
  }

  /**
   * Derivations are remembered (a handful of purposes per ring; some are asked for on every hosted page
   * and login, docs/PERFORMANCE.md); each caller gets its own copy.
   */
  #derive(key: RingKey, purpose: string, length: number): Buffer {
    const id = `${key.id}\0${purpose}\0${length}`;
    let derived = this.#derived.get(id);
    if (!derived) {
      derived = deriveFrom(key, purpose, length);
      this.#derived.set(id, derived);
    }
    return Buffer.from(derived);
  }

  #keyWithId(keyId: string): RingKey {
    const key = this.#keys.find((candidate) => candidate.id === keyId);
    if (key === undefined) throw SecretsErrors.keyUnknown(keyId);
    return key;
  }
}

function decodeKeyEntry(entry: string, position: number): Buffer {
  if (entry === '') throw SecretsErrors.invalidSecretKey(position, 'is empty');
  const material = BASE64_KEY_PATTERN.test(entry) ? Buffer.from(entry, 'base64') : undefined;
  if (material?.length !== KEY_BYTES) {
    throw SecretsErrors.invalidSecretKey(position, 'is not a base64-encoded 32-byte key');
  }
  return material;
}

function ringKeyFrom(material: Buffer): RingKey {
  const id = createHash('sha256').update(KEY_ID_LABEL).update(material).digest('hex').slice(0, 8);
  return { id, material };
}

// A repeated key is almost always a copy-paste mistake during rotation; two keys sharing an id
// (a 1 in 2^32 chance) would make decryption ambiguous. Both are refused at boot.
function rejectRepeatedKeys(keys: readonly RingKey[]): void {
  keys.forEach((key, index) => {
    const earlier = keys.findIndex((other) => other.id === key.id);
    if (earlier === index) return;
    const sameKey = keys[earlier]?.material.equals(key.material) ?? false;
    const problem = sameKey ? 'repeats entry' : 'has the same key id as entry';
    throw SecretsErrors.invalidSecretKey(index + 1, `${problem} ${earlier + 1}`);
  });
}

// The format version is authenticated with the context, so a future format can never be read as this one.
function additionalData(context: string): Buffer {
  return Buffer.from(`${TOKEN_VERSION}\0${context}`, 'utf8');
}

function assertContext(context: string): void {
  if (typeof context !== 'string' || context === '') {
    throw SecretsErrors.misuse('An encryption context naming the owning record is required.');
  }
}

function parseToken(token: string): SealedToken {
  if (typeof token !== 'string') throw SecretsErrors.malformed('not a string');
  const parts = token.split('.');
  if (parts.length !== 4) throw SecretsErrors.malformed('expected four dot-separated parts');
  const [version, keyId, ivText, sealedText] = parts as [string, string, string, string];
  if (version !== TOKEN_VERSION) throw SecretsErrors.malformed('unsupported format version');
  if (!KEY_ID_PATTERN.test(keyId)) throw SecretsErrors.malformed('invalid key id');
  const iv = decodeBase64Url(ivText);
  if (iv?.length !== IV_BYTES) throw SecretsErrors.malformed('invalid IV');
  const sealed = decodeBase64Url(sealedText);
  if (sealed === undefined || sealed.length < TAG_BYTES) throw SecretsErrors.malformed('invalid ciphertext');
  const tagStart = sealed.length - TAG_BYTES;
  return { keyId, iv, ciphertext: sealed.subarray(0, tagStart), tag: sealed.subarray(tagStart) };
}

// Strict: Buffer.from silently skips characters it does not know, so round-trip to be sure.
function decodeBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function deriveFrom(key: RingKey, purpose: string, length: number): Buffer {
  if (typeof purpose !== 'string' || purpose === '') {
    throw SecretsErrors.misuse('A key derivation purpose is required.');
  }
  if (!Number.isInteger(length) || length < 1 || length > MAX_DERIVED_BYTES) {
    throw SecretsErrors.misuse(`A derived key length must be an integer from 1 to ${MAX_DERIVED_BYTES}.`);
  }
  // The length is part of the info: otherwise a short key would be a prefix of a longer one.
  const info = `${purpose}\0${length}`;
  return Buffer.from(hkdfSync('sha256', key.material, HKDF_SALT, info, length));
}
