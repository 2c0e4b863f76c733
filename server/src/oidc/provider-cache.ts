import type Provider from 'oidc-provider';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';

export interface TenantProvider {
  tenant: Tenant;
  provider: Provider;
  /** `provider.callback()`, made once: it builds a Koa handler each time it is called. */
  callback: ReturnType<Provider['callback']>;
}

/**
 * One oidc-provider per tenant, built on first use and kept in a bounded LRU cache (thousands of
 * tenants fit; idle ones are rebuilt on demand). Concurrent first requests share one build.
 * `invalidate` drops a tenant's instance when its applications, keys or settings change; across
 * replicas the invalidation travels over Redis (provider-invalidation.ts).
 */
export class ProviderCache {
  private readonly entries = new Map<string, TenantProvider>();
  private readonly building = new Map<string, Promise<TenantProvider | null>>();
  /** Bumped by every invalidation, so a build that started before one is not cached after it. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly deps: {
      loadTenant: (slug: string) => Promise<Tenant | null>;
      build: (tenant: Tenant) => Promise<Provider>;
      logger: Logger;
      maxEntries?: number;
    },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(slug: string): Promise<TenantProvider | null> {
    const cached = this.cached(slug);
    if (cached) return cached;
    let pending = this.building.get(slug);
    if (!pending) {
      pending = this.build(slug).finally(() => this.building.delete(slug));
      this.building.set(slug, pending);
    }
    return pending;
  }

  /** The tenant's provider if it is built, else undefined (no build started). */
  cached(slug: string): TenantProvider | undefined {
    const cached = this.entries.get(slug);
    if (cached) {
      this.entries.delete(slug); // re-insert: Map order is the LRU order
      this.entries.set(slug, cached);
    }
    return cached;
  }

  invalidate(slug: string): void {
    this.generations.set(slug, (this.generations.get(slug) ?? 0) + 1);
    this.entries.delete(slug);
    this.building.delete(slug);
  }

  private async build(slug: string): Promise<TenantProvider | null> {
    const generation = this.generations.get(slug) ?? 0;
    const tenant = await this.deps.loadTenant(slug);
    if (tenant?.status !== 'active') return null;
    const started = performance.now();
    const provider = await this.deps.build(tenant);
    const entry: TenantProvider = { tenant, provider, callback: provider.callback() };
    if ((this.generations.get(slug) ?? 0) === generation) {
      this.entries.set(slug, entry);
      this.evictBeyondLimit();
    }
    this.deps.logger.debug(
      { tenant: slug, ms: Math.round(performance.now() - started) },
      'built tenant provider',
    );
    return entry;
  }

  private evictBeyondLimit(): void {
    const max = this.deps.maxEntries ?? 1000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/**
 * Values kept with a tenant's provider entry, for configuration that requests read on every login and
 * that changes only with a rebuild: every change to a tenant's applications, keys, settings, consent
 * policies or profile fields invalidates its entry (`tenantsChanged`, on every replica), which drops
 * what was kept here with it. Not for user data.
 */
export class EntryScoped<T> {
  private readonly values = new WeakMap<TenantProvider, Map<string, T>>();

  /** The value of `key` for this entry, loaded once (a failed load is not kept). */
  async get(entry: TenantProvider, key: string, load: () => Promise<T>): Promise<T> {
    const known = this.values.get(entry) ?? new Map<string, T>();
    this.values.set(entry, known);
    if (known.has(key)) return known.get(key) as T;
    const value = await load();
    known.set(key, value);
    return value;
  }
}
