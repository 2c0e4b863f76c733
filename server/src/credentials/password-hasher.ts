import { createHmac, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import { CredentialsErrors } from './credentials.errors.js';

export type PasswordHashAlgorithm = 'argon2id' | 'bcrypt';

export type PasswordHashPolicy = {
  algorithm: PasswordHashAlgorithm;
  /** memoryCost in KiB. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  bcrypt: { cost: number };
};

export interface PasswordVerification {
  readonly valid: boolean;
  /** Only ever true together with `valid`: never rehash (store) a password that did not verify. */
  readonly needsRehash: boolean;
}

/** OWASP Password Storage Cheat Sheet: argon2id m=19 MiB, t=2, p=1; bcrypt cost 12 when chosen. */
export const DEFAULT_PASSWORD_HASH_POLICY: Readonly<PasswordHashPolicy> = Object.freeze({
  algorithm: 'argon2id',
  argon2: Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 }),
  bcrypt: Object.freeze({ cost: 12 }),
});

export const BCRYPT_MIN_COST = 10;
const BCRYPT_MAX_COST = 31;
const ARGON2_VERSION = 0x13;
const ARGON2_MAX_PARALLELISM = 2 ** 24 - 1;
const ARGON2_MAX_UINT32 = 2 ** 32 - 1;

/** Tag of Portico's bcrypt hashes: the bcrypt string follows it, made from the pre-hashed password. */
export const PREHASHED_BCRYPT_TAG = '$bcrypt-hmac-sha256$v=1$';
/**
 * HMAC key of the bcrypt pre-hash. Fixed and public on purpose: this is not a pepper. HMAC-SHA256,
 * base64-encoded, turns any password into 44 ASCII bytes with no NUL, so bcrypt's 72-byte truncation
 * and NUL termination lose nothing (SECURITY.md item 4). Changing it invalidates every bcrypt hash.
 */
const BCRYPT_PREHASH_KEY = 'portico/bcrypt-prehash/v1';

// PHC: $<variant>$v=<version>$<params>$<salt>$<hash>; params are name=value pairs in any order.
const ARGON2_PATTERN =
  /^\$(argon2id|argon2i|argon2d)\$(?:v=(\d+)\$)?([a-z=0-9,+/A-Z]+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const ARGON2_NUMERIC_PARAM = /^[mtp]=\d{1,10}$/;
const ARGON2_DATA_PARAM = /^data=[A-Za-z0-9+/]*$/;
const BCRYPT_PATTERN = /^\$2([aby])\$(\d{2})\$[./A-Za-z0-9]{53}$/;

const INVALID: PasswordVerification = Object.freeze({ valid: false, needsRehash: false });

type StoredHash =
  | {
      kind: 'argon2';
      encoded: string;
      variant: string;
      version: number;
      memoryCost: number;
      timeCost: number;
      parallelism: number;
    }
  | { kind: 'prehashed-bcrypt'; bcryptHash: string; cost: number }
  | { kind: 'imported-bcrypt'; bcryptHash: string };

/** Every problem with a policy (empty when valid), for settings validation to report at once. */
export function passwordHashPolicyProblems(policy: PasswordHashPolicy): string[] {
  const problems: string[] = [];
  const { memoryCost, timeCost, parallelism } = policy.argon2;
  if (policy.algorithm !== 'argon2id' && policy.algorithm !== 'bcrypt') {
    problems.push('algorithm must be argon2id or bcrypt');
  }
  if (!isIntegerIn(parallelism, 1, ARGON2_MAX_PARALLELISM)) problems.push('argon2 parallelism must be ≥ 1');
  if (!isIntegerIn(timeCost, 1, ARGON2_MAX_UINT32)) problems.push('argon2 timeCost must be ≥ 1');
  // Argon2 itself needs at least 8 KiB per lane.
  if (!isIntegerIn(memoryCost, 8 * Math.max(1, parallelism), ARGON2_MAX_UINT32)) {
    problems.push('argon2 memoryCost must be ≥ 8 × parallelism (KiB)');
  }
  if (!isIntegerIn(policy.bcrypt.cost, BCRYPT_MIN_COST, BCRYPT_MAX_COST)) {
    problems.push(`bcrypt cost must be an integer from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST}`);
  }
  return problems;
}

export function assertValidPasswordHashPolicy(policy: PasswordHashPolicy): void {
  const problems = passwordHashPolicyProblems(policy);
  if (problems.length > 0) throw CredentialsErrors.invalidPasswordHashPolicy(problems);
}

/**
 * Hashes and verifies passwords as PHC-tagged strings (ARCHITECTURE.md "Secrets"): argon2id, or
 * bcrypt over a pre-hash; imported raw bcrypt hashes verify as they are and always ask for a rehash.
 * Passwords are never truncated or case-folded.
 */
export class PasswordHasher {
  // One dummy hash per policy, made on first need: costs nothing for policies never used.
  readonly #dummyHashes = new Map<string, Promise<string>>();

  async hash(password: string, policy: PasswordHashPolicy): Promise<string> {
    assertValidPasswordHashPolicy(policy);
    const normalized = normalizePassword(password);
    if (policy.algorithm === 'bcrypt') return hashPrehashedBcrypt(normalized, policy.bcrypt.cost);
    const { memoryCost, timeCost, parallelism } = policy.argon2; // only these: never pass on stray fields
    return argon2.hash(normalized, { type: argon2.argon2id, memoryCost, timeCost, parallelism });
  }

  /** Never throws for a malformed or unknown stored hash: that is simply not a match. */
  async verify(password: string, stored: string, policy: PasswordHashPolicy): Promise<PasswordVerification> {
    const parsed = parseStoredHash(stored);
    if (parsed === undefined || typeof password !== 'string') return INVALID;
    const valid = await matches(normalizePassword(password), parsed);
    return { valid, needsRehash: valid && differsFromPolicy(parsed, policy) };
  }

  /**
   * For an account that does not exist: the work of a real verify under `policy`, then "invalid",
   * so unknown and known accounts answer in similar time (SECURITY.md item 3).
   */
  async verifyAgainstDummy(password: string, policy: PasswordHashPolicy): Promise<PasswordVerification> {
    await this.verify(password, await this.#dummyHashFor(policy), policy);
    return INVALID;
  }

  #dummyHashFor(policy: PasswordHashPolicy): Promise<string> {
    const fingerprint = policyFingerprint(policy);
    let dummy = this.#dummyHashes.get(fingerprint);
    if (dummy === undefined) {
      dummy = this.hash(randomBytes(32).toString('base64url'), policy);
      this.#dummyHashes.set(fingerprint, dummy);
      // A failed hash (invalid policy) must not be remembered; the caller still sees the rejection.
      void dummy.catch(() => this.#dummyHashes.delete(fingerprint));
    }
    return dummy;
  }
}

/**
 * NFC, because the same passphrase reaches us as different code points depending on OS, keyboard
 * and browser ("é" as U+00E9 or as "e" + U+0301); NIST SP 800-63B asks for normalisation so users
 * are not locked out by their device. NFC rather than NFKC: compatibility folding would merge
 * characters the user meant to be different.
 */
function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

function prehash(password: string): string {
  return createHmac('sha256', BCRYPT_PREHASH_KEY).update(password, 'utf8').digest('base64');
}

async function hashPrehashedBcrypt(password: string, cost: number): Promise<string> {
  return PREHASHED_BCRYPT_TAG + (await bcrypt.hash(prehash(password), cost));
}

async function matches(password: string, stored: StoredHash): Promise<boolean> {
  try {
    switch (stored.kind) {
      case 'argon2':
        return await argon2.verify(stored.encoded, password);
      case 'prehashed-bcrypt':
        return await bcrypt.compare(prehash(password), stored.bcryptHash);
      case 'imported-bcrypt':
        return await bcrypt.compare(password, stored.bcryptHash);
    }
  } catch {
    return false; // a hash the libraries reject is not a match; the caller decides what to log
  }
}

function differsFromPolicy(stored: StoredHash, policy: PasswordHashPolicy): boolean {
  switch (stored.kind) {
    case 'argon2':
      return (
        policy.algorithm !== 'argon2id' ||
        stored.variant !== 'argon2id' ||
        stored.version !== ARGON2_VERSION ||
        stored.memoryCost !== policy.argon2.memoryCost ||
        stored.timeCost !== policy.argon2.timeCost ||
        stored.parallelism !== policy.argon2.parallelism
      );
    case 'prehashed-bcrypt':
      return policy.algorithm !== 'bcrypt' || stored.cost !== policy.bcrypt.cost;
    case 'imported-bcrypt':
      return true; // truncates at 72 bytes: replace it with a Portico hash at the first chance
  }
}

function parseStoredHash(stored: string): StoredHash | undefined {
  if (typeof stored !== 'string') return undefined;
  if (stored.startsWith(PREHASHED_BCRYPT_TAG)) return parsePrehashedBcrypt(stored);
  const argon = ARGON2_PATTERN.exec(stored);
  if (argon !== null) return parseArgon2(stored, argon);
  const imported = BCRYPT_PATTERN.exec(stored);
  // $2y$ (PHP) is the same algorithm as $2b$, which is the only spelling the bcrypt library reads.
  if (imported !== null) return { kind: 'imported-bcrypt', bcryptHash: stored.replace(/^\$2y\$/, '$2b$') };
  return undefined;
}

function parseArgon2(encoded: string, match: RegExpExecArray): StoredHash | undefined {
  const [, variant = '', version = '16', paramList = ''] = match;
  const params = new Map<string, number>();
  for (const param of paramList.split(',')) {
    if (ARGON2_DATA_PARAM.test(param) && !params.has('data')) params.set('data', 0);
    else if (ARGON2_NUMERIC_PARAM.test(param) && !params.has(param.charAt(0))) {
      params.set(param.charAt(0), Number(param.slice(2)));
    } else return undefined; // unknown or repeated parameter
  }
  const [memoryCost, timeCost, parallelism] = [params.get('m'), params.get('t'), params.get('p')];
  if (memoryCost === undefined || timeCost === undefined || parallelism === undefined) return undefined;
  // Hashes from before Argon2 1.3 carry no v= and are version 0x10.
  return { kind: 'argon2', encoded, variant, version: Number(version), memoryCost, timeCost, parallelism };
}

function parsePrehashedBcrypt(stored: string): StoredHash | undefined {
  const bcryptHash = stored.slice(PREHASHED_BCRYPT_TAG.length);
  const match = BCRYPT_PATTERN.exec(bcryptHash);
  if (match === null || match[1] !== 'b') return undefined; // Portico only ever writes $2b$
  return { kind: 'prehashed-bcrypt', bcryptHash, cost: Number(match[2]) };
}

function policyFingerprint(policy: PasswordHashPolicy): string {
  if (policy.algorithm === 'bcrypt') return `bcrypt:${policy.bcrypt.cost}`;
  const { memoryCost, timeCost, parallelism } = policy.argon2;
  return `${policy.algorithm}:${memoryCost}:${timeCost}:${parallelism}`;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
