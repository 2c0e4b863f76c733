import type { EntityManager } from 'typeorm';
import { ApiKey } from './api-key.entity.js';
import { type ApiKeyHasher, generateApiKey, isWellFormedApiKey } from './api-key.js';
import { ApiKeysErrors } from './apikeys.errors.js';

/** Scopes an API key may hold; `admin` implies all of a tenant's administration. */
export const API_KEY_SCOPES = [
  'admin',
  'users:read',
  'users:write',
  'apps:read',
  'apps:write',
  'orgs:read',
  'orgs:write',
  'audit:read',
  'messaging:read',
  'messaging:write',
  'tenants:write',
] as const;

export interface ApiKeyDeclaration {
  name: string;
  scopes: string[];
  /** An explicit key (kickstart); omitted → a new random key, returned once. */
  key?: string;
}

export function assertKnownScopes(scopes: string[]): void {
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw ApiKeysErrors.unknownScopes(unknown);
}

export class ApiKeysService {
  constructor(private readonly hasher: ApiKeyHasher) {}

  /** Creates a key; the plaintext is returned here and never again. */
  async create(
    manager: EntityManager,
    tenantId: string,
    declaration: ApiKeyDeclaration,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    assertKnownScopes(declaration.scopes);
    const key = declaration.key ?? generateApiKey();
    if (!isWellFormedApiKey(key)) throw ApiKeysErrors.malformedKey();
    if (await manager.findOneBy(ApiKey, { tenantId, name: declaration.name })) {
      throw ApiKeysErrors.nameTaken(declaration.name);
    }
    const apiKey = await manager.save(
      manager.create(ApiKey, {
        tenantId,
        name: declaration.name,
        keyHash: this.hasher.hash(key),
        prefix: this.hasher.prefixOf(key),
        scopes: [...new Set(declaration.scopes)],
      }),
    );
    return { apiKey, key };
  }

  /** Whether `key` is the one this row was made from (under any key of the ring). */
  matches(apiKey: ApiKey, key: string): boolean {
    return this.hasher.candidateHashes(key).includes(apiKey.keyHash);
  }

  hash(key: string): { keyHash: string; prefix: string } {
    return { keyHash: this.hasher.hash(key), prefix: this.hasher.prefixOf(key) };
  }

  /**
   * The stored key `key` was made from, looked up by its hash under every key of the ring; a key found
   * under an older ring key is re-stored under the primary one. Revocation and expiry are the caller's.
   */
  async findByKey(manager: EntityManager, key: string): Promise<ApiKey | null> {
    if (!isWellFormedApiKey(key)) return null;
    const candidates = this.hasher.candidateHashes(key);
    const found = await manager.findOne(ApiKey, { where: candidates.map((keyHash) => ({ keyHash })) });
    const primary = candidates[0];
    if (found && primary !== undefined && found.keyHash !== primary) {
      await manager.update(ApiKey, { id: found.id }, { keyHash: primary });
      found.keyHash = primary;
    }
    return found;
  }

  /** Sets `last_used_at`, at most once per `intervalMs` per key (a use is not worth a write per request). */
  async recordUse(manager: EntityManager, apiKey: ApiKey, now: Date, intervalMs = 60_000): Promise<void> {
    if (apiKey.lastUsedAt && now.getTime() - apiKey.lastUsedAt.getTime() < intervalMs) return;
    await manager
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :since)', {
        id: apiKey.id,
        since: new Date(now.getTime() - intervalMs),
      })
      .execute();
    apiKey.lastUsedAt = now;
  }
}
