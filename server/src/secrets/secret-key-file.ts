import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { KeyRing } from './key-ring.js';

/**
 * The key ring of this process: PORTICO_SECRET_KEY, or — in embedded mode only — a key generated once
 * into the data folder (ARCHITECTURE.md "Modes"). Config has already refused a missing key elsewhere.
 */
export function loadKeyRing(config: Config): KeyRing {
  if (config.secretKey !== undefined) return KeyRing.parse(config.secretKey);
  // An in-memory database (tests) keeps nothing, so neither does its key.
  if (config.dataDir.startsWith('memory://')) return KeyRing.parse(KeyRing.generateKey());
  const file = path.resolve(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${KeyRing.generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return KeyRing.parse(readFileSync(file, 'utf8').trim());
}
