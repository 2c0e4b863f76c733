import { expect } from 'chai';
import type Provider from 'oidc-provider';
import { EntryScoped, ProviderCache } from '../../src/oidc/provider-cache.js';
import { createLogger } from '../../src/shared/logger.js';
import type { Tenant } from '../../src/tenants/tenant.entity.js';

/** A stand-in for an oidc-provider instance: the cache only calls `callback()`. */
const fakeProvider = (label: string) => ({ label, callback: () => () => {} }) as unknown as Provider;
const tenant = (slug: string, status: Tenant['status'] = 'active') => ({ slug, status, id: slug }) as Tenant;

function cacheWith(options: { maxEntries?: number; buildDelayMs?: number; disabled?: string[] } = {}) {
  const builds: string[] = [];
  const cache = new ProviderCache({
    loadTenant: async (slug) =>
      slug === 'missing' ? null : tenant(slug, options.disabled?.includes(slug) ? 'disabled' : 'active'),
    build: async (t) => {
      builds.push(t.slug);
      await new Promise((resolve) => setTimeout(resolve, options.buildDelayMs ?? 0));
      return fakeProvider(`${t.slug}#${builds.length}`);
    },
    logger: createLogger('silent'),
    maxEntries: options.maxEntries,
  });
  return { cache, builds };
}

describe('tenant provider cache', () => {
  it('builds a tenant once, even for concurrent first requests', async () => {
    const { cache, builds } = cacheWith({ buildDelayMs: 20 });
    const [a, b, c] = await Promise.all([cache.get('acme'), cache.get('acme'), cache.get('acme')]);
    expect(builds).to.deep.equal(['acme']);
    expect(a).to.equal(b).and.to.equal(c);
    expect(await cache.get('acme')).to.equal(a);
  });

  it('keeps at most maxEntries tenants, evicting the least recently used', async () => {
    const { cache, builds } = cacheWith({ maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('a'); // a is now more recent than b
    await cache.get('c'); // evicts b
    expect(cache.size).to.equal(2);
    await cache.get('a');
    expect(builds).to.deep.equal(['a', 'b', 'c']);
    await cache.get('b');
    expect(builds).to.deep.equal(['a', 'b', 'c', 'b']);
  });

  it('rebuilds after invalidation, and never caches a build that an invalidation overtook', async () => {
    const { cache, builds } = cacheWith({ buildDelayMs: 30 });
    const first = await cache.get('acme');
    cache.invalidate('acme');
    const second = await cache.get('acme');
    expect(second).to.not.equal(first);
    const pending = cache.get('globex');
    cache.invalidate('globex'); // the tenant changed while its provider was being built
    await pending;
    await cache.get('globex');
    expect(builds.filter((b) => b === 'globex')).to.have.length(2);
  });

  it('has no provider for unknown or disabled tenants', async () => {
    const { cache } = cacheWith({ disabled: ['frozen'] });
    expect(await cache.get('missing')).to.equal(null);
    expect(await cache.get('frozen')).to.equal(null);
  });

  it('keeps entry-scoped values until the entry is invalidated, and never a failed load', async () => {
    const { cache } = cacheWith();
    const scoped = new EntryScoped<string | null>();
    let loads = 0;
    const load = async () => {
      loads += 1;
      return loads === 1 ? null : `value ${loads}`;
    };
    const first = (await cache.get('acme'))!;
    expect(await scoped.get(first, 'k', load)).to.equal(null);
    expect(await scoped.get(first, 'k', load), 'null is kept too').to.equal(null);
    expect(loads).to.equal(1);
    cache.invalidate('acme');
    const rebuilt = (await cache.get('acme'))!;
    expect(await scoped.get(rebuilt, 'k', load)).to.equal('value 2');
    let failed = false;
    await scoped
      .get(rebuilt, 'other', () => Promise.reject(new Error('down')))
      .catch(() => {
        failed = true;
      });
    expect(failed).to.equal(true);
    expect(await scoped.get(rebuilt, 'other', load)).to.equal('value 3');
  });
});
