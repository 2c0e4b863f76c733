import type { EntityManager } from 'typeorm';
import { SYSTEM_TENANT, Tenant } from './tenant.entity.js';
import { TenantsErrors } from './tenants.errors.js';

export const TENANT_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Slugs that name routes or reserved tenants, never a customer's tenant. */
export const RESERVED_TENANT_SLUGS = new Set([SYSTEM_TENANT, 'admin', 'api', 'graphql', 'static', 'assets']);

export class TenantsService {
  async findBySlug(manager: EntityManager, slug: string): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { slug });
  }

  async getBySlug(manager: EntityManager, slug: string): Promise<Tenant> {
    const tenant = await this.findBySlug(manager, slug);
    if (!tenant) throw TenantsErrors.tenantNotFound(slug);
    return tenant;
  }

  async systemTenant(manager: EntityManager): Promise<Tenant> {
    return this.getBySlug(manager, SYSTEM_TENANT);
  }

  async create(manager: EntityManager, input: { slug: string; name: string }): Promise<Tenant> {
    if (!TENANT_SLUG_PATTERN.test(input.slug)) throw TenantsErrors.invalidSlug();
    if (RESERVED_TENANT_SLUGS.has(input.slug)) throw TenantsErrors.reservedSlug(input.slug);
    const tenant = manager.create(Tenant, {
      slug: input.slug,
      name: input.name,
      status: 'active',
      settings: {},
    });
    return manager.save(tenant);
  }
}
