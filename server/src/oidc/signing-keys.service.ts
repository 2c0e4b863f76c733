import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { EntityManager } from 'typeorm';
import type { KeyRing } from '../secrets/key-ring.js';
import {
  type PublicSigningJwk,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SigningKey,
  type SigningKeyStatus,
} from './signing-key.entity.js';
import { SigningKeysErrors } from './signing-keys.errors.js';

/** A private JWKS in the form oidc-provider's `jwks` configuration takes. */
export interface ProviderJwks {
  keys: JWK[];
}

/** What a tenant's `/jwks` publishes: public members only (SECURITY.md 17). */
export interface PublicJwks {
  keys: PublicSigningJwk[];
}

/** The key ids each step of a rotation touched, for the audit log. */
export interface RotationResult {
  activated: string[];
  retired: string[];
  created: string[];
  removed: string[];
}

/** A signing key without its ciphertext, for listings. */
export type SigningKeySummary = Omit<SigningKey, 'privateJwkEncrypted'>;

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'crv', 'x', 'y', 'n', 'e'] as const;
const RSA_MODULUS_BITS = 2048;
const ALL_STATUSES: readonly SigningKeyStatus[] = ['active', 'next', 'retired'];
// Published keys sort active first: oidc-provider signs with the first key that matches an alg.
const STATUS_ORDER = `CASE status WHEN 'active' THEN 0 WHEN 'next' THEN 1 ELSE 2 END`;
const SUMMARY_COLUMNS = `id, tenant_id, kid, alg, status, public_jwk, created_at, activated_at, retired_at,
  remove_after`;

interface SigningKeyRow {
  id: string;
  tenant_id: string;
  kid: string;
  alg: SigningAlgorithm;
  status: SigningKeyStatus;
  public_jwk: PublicSigningJwk;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  remove_after: Date | null;
}

/**
 * A tenant's signing keys and their rotation (SECURITY.md ★39). Each generation is a pair — ES256, the
 * default, and RS256 for clients that support nothing else — and moves next → active → retired: a key is
 * published a whole rotation before it signs, and kept for the longest token lifetime after it stops.
 *
 * SQL is written by hand: the tenant row lock makes concurrent processes take turns, and the service
 * does not depend on the entity being registered. Every method takes the caller's EntityManager;
 * writes run in a transaction of their own, or a savepoint when the caller already holds one.
 */
export class SigningKeysService {
  constructor(private readonly keyRing: KeyRing) {}

  /** Creates whatever active and next keys the tenant lacks; returns the new kids (none when complete). */
  async ensureKeys(manager: EntityManager, tenantId: string, now: Date = new Date()): Promise<string[]> {
    return manager.transaction(async (tx) => {
      await lockTenant(tx, tenantId);
      const current = await selectKeys(tx, tenantId, ['active', 'next']);
      const created: string[] = [];
      for (const status of ['active', 'next'] as const) {
        for (const alg of SIGNING_ALGORITHMS) {
          if (current.some((key) => key.status === status && key.alg === alg)) continue;
          created.push(await this.insertKey(tx, tenantId, alg, status, now));
        }
      }
      return created;
    });
  }

  /**
   * Next keys become active, active keys retire until `now + maxTokenLifetimeSeconds`, a new next pair
   * is created, and retired keys whose time has come are removed.
   */
  async rotate(
    manager: EntityManager,
    tenantId: string,
    now: Date,
    maxTokenLifetimeSeconds: number,
  ): Promise<RotationResult> {
    if (!Number.isInteger(maxTokenLifetimeSeconds) || maxTokenLifetimeSeconds <= 0) {
      throw SigningKeysErrors.invalidLifetime(maxTokenLifetimeSeconds);
    }
    const removeAfter = new Date(now.getTime() + maxTokenLifetimeSeconds * 1000);
    return manager.transaction(async (tx) => {
      await lockTenant(tx, tenantId);
      const next = await selectKeys(tx, tenantId, ['next']);
      const missing = SIGNING_ALGORITHMS.find((alg) => !next.some((key) => key.alg === alg));
      if (missing !== undefined) throw SigningKeysErrors.noNextKey(missing);
      const retired = await updatedKids(
        tx,
        `UPDATE signing_keys SET status = 'retired', retired_at = $2, remove_after = $3
         WHERE tenant_id = $1 AND status = 'active' RETURNING kid`,
        [tenantId, now, removeAfter],
      );
      const activated = await updatedKids(
        tx,
        `UPDATE signing_keys SET status = 'active', activated_at = $2
         WHERE tenant_id = $1 AND status = 'next' RETURNING kid`,
        [tenantId, now],
      );
      const created: string[] = [];
      for (const alg of SIGNING_ALGORITHMS)
        created.push(await this.insertKey(tx, tenantId, alg, 'next', now));
      const removed = await this.pruneRetired(tx, tenantId, now);
      return { activated, retired, created, removed };
    });
  }

  /** Deletes retired keys whose `remove_after` has been reached; returns their kids. */
  async pruneRetired(manager: EntityManager, tenantId: string, now: Date): Promise<string[]> {
    return updatedKids(
      manager,
      `DELETE FROM signing_keys WHERE tenant_id = $1 AND status = 'retired' AND remove_after <= $2
       RETURNING kid`,
      [tenantId, now],
    );
  }

  /**
   * Every key of the tenant as private JWKs for oidc-provider's `jwks` option. oidc-provider signs with
   * the first key of the wanted alg whose `key_ops`, when present, include "sign": active keys come
   * first and carry no `key_ops`, next and retired keys carry `key_ops: ["verify"]`, so they are
   * published and verify but can never sign, whatever the order.
   */
  async jwksForProvider(manager: EntityManager, tenantId: string): Promise<ProviderJwks> {
    const rows = (await manager.query(
      `SELECT id, status, private_jwk_encrypted FROM signing_keys WHERE tenant_id = $1
       ORDER BY ${STATUS_ORDER}, created_at DESC, alg`,
      [tenantId],
    )) as { id: string; status: SigningKeyStatus; private_jwk_encrypted: string }[];
    const keys = rows.map((row) => {
      const jwk = JSON.parse(
        this.keyRing.decryptString(row.private_jwk_encrypted, keyContext(row.id)),
      ) as JWK;
      return row.status === 'active' ? jwk : { ...jwk, key_ops: ['verify'] };
    });
    return { keys };
  }

  /** The tenant's public JWKS: active, next and retired keys, public members only. */
  async publicJwks(manager: EntityManager, tenantId: string): Promise<PublicJwks> {
    const keys = await selectKeys(manager, tenantId, ALL_STATUSES);
    return { keys: keys.map((key) => publicMembers(key.publicJwk)) };
  }

  /** The tenant's keys without their private parts, active first. */
  async list(manager: EntityManager, tenantId: string): Promise<SigningKeySummary[]> {
    return selectKeys(manager, tenantId, ALL_STATUSES);
  }

  private async insertKey(
    manager: EntityManager,
    tenantId: string,
    alg: SigningAlgorithm,
    status: 'active' | 'next',
    now: Date,
  ): Promise<string> {
    const { privateJwk, publicJwk } = await generateSigningJwk(alg);
    const id = randomUUID();
    await manager.query(
      `INSERT INTO signing_keys (id, tenant_id, kid, alg, status, private_jwk_encrypted, public_jwk,
         created_at, activated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        tenantId,
        publicJwk.kid,
        alg,
        status,
        this.keyRing.encrypt(JSON.stringify(privateJwk), keyContext(id)),
        JSON.stringify(publicJwk),
        now,
        status === 'active' ? now : null,
      ],
    );
    return publicJwk.kid;
  }
}

/** The context of `signing_keys.private_jwk_encrypted` (see secrets/encrypted-columns.ts). */
const keyContext = (id: string): string => `signing_key:${id}`;

async function generateSigningJwk(
  alg: SigningAlgorithm,
): Promise<{ privateJwk: JWK; publicJwk: PublicSigningJwk }> {
  const options =
    alg === 'RS256' ? { extractable: true, modulusLength: RSA_MODULUS_BITS } : { extractable: true };
  const { privateKey } = await generateKeyPair(alg, options);
  const { ext: _ext, key_ops: _keyOps, ...exported } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported);
  const privateJwk: JWK = { ...exported, kid, alg, use: 'sig' };
  return { privateJwk, publicJwk: publicMembers(privateJwk) };
}

/** Copies only the members a public JWK may hold, so no private member can slip through. */
function publicMembers(jwk: JWK | PublicSigningJwk): PublicSigningJwk {
  const source = jwk as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) if (typeof source[member] === 'string') out[member] = source[member];
  return out as unknown as PublicSigningJwk;
}

/** Serialises key changes of one tenant across processes; the tenant must exist. */
async function lockTenant(manager: EntityManager, tenantId: string): Promise<void> {
  // NO KEY UPDATE, not UPDATE: inserts elsewhere that reference the tenant need not wait for this lock.
  const rows = (await manager.query(`SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE`, [
    tenantId,
  ])) as unknown[];
  if (rows.length === 0) throw SigningKeysErrors.tenantNotFound(tenantId);
}

async function selectKeys(
  manager: EntityManager,
  tenantId: string,
  statuses: readonly SigningKeyStatus[],
): Promise<SigningKeySummary[]> {
  const rows = (await manager.query(
    `SELECT ${SUMMARY_COLUMNS} FROM signing_keys WHERE tenant_id = $1 AND status = ANY($2::text[])
     ORDER BY ${STATUS_ORDER}, created_at DESC, alg`,
    [tenantId, statuses],
  )) as SigningKeyRow[];
  return rows.map(toSummary);
}

const toSummary = (row: SigningKeyRow): SigningKeySummary => ({
  id: row.id,
  tenantId: row.tenant_id,
  kid: row.kid,
  alg: row.alg,
  status: row.status,
  publicJwk: row.public_jwk,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  retiredAt: row.retired_at,
  removeAfter: row.remove_after,
});

/** UPDATE and DELETE come back from TypeORM as `[rows, affected]` on both drivers. */
async function updatedKids(manager: EntityManager, sql: string, parameters: unknown[]): Promise<string[]> {
  const [rows] = (await manager.query(sql, parameters)) as [{ kid: string }[], number];
  return rows.map((row) => row.kid);
}
