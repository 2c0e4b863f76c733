import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { QueryFailedError } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import { auditEntry, type GraphqlContext } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { GraphqlErrors } from './graphql.errors.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  PageArgs,
  pageSizeOf,
  sqlMicros,
  sqlTimestamp,
} from './relay.js';
import { CreateTenantInput, TenantConnection, TenantType } from './tenant.types.js';

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: Tenant['status'];
  settings: Tenant['settings'];
  created_at: Date;
  updated_at: Date;
  micros: string;
}

/** Instance administration: only principals of tenant `system` hold `tenants:*`. */
@Resolver(() => TenantType)
export class TenantsResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('tenants:read')
  @Query(() => TenantConnection, { description: 'Every tenant of the instance, oldest first.' })
  async tenants(@Args(() => PageArgs) page: PageArgs): Promise<ConnectionOf<Tenant>> {
    const after = decodeAfter('tenants', page.after);
    const first = pageSizeOf(page);
    const rows = (await this.deps.dataSource.manager.query(
      `SELECT id, slug, name, status, settings, created_at, updated_at, ${sqlMicros('created_at')} AS micros
       FROM tenants
       WHERE $1::bigint IS NULL OR (created_at, id) > (${sqlTimestamp('$1')}, $2::uuid)
       ORDER BY created_at, id LIMIT $3`,
      [after?.micros.toString() ?? null, after?.id ?? null, first + 1],
    )) as TenantRow[];
    return connectionOf(
      'tenants',
      rows.map((row) => ({ node: toTenant(row), position: { micros: BigInt(row.micros), id: row.id } })),
      first,
    );
  }

  @Authorized<Permission>('tenants:write')
  @Mutation(() => TenantType, { description: 'Creates a tenant; its signing keys are made on first use.' })
  async createTenant(
    @Arg('input', () => CreateTenantInput) input: CreateTenantInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Tenant> {
    const create = this.deps.dataSource.transaction(async (manager) => {
      if (await this.deps.tenants.findBySlug(manager, input.slug)) throw GraphqlErrors.slugTaken(input.slug);
      const tenant = await this.deps.tenants.create(manager, { slug: input.slug, name: input.name });
      await this.deps.audit.record(
        manager,
        auditEntry(ctx, 'tenant.created', { type: 'tenant', id: tenant.id }, { slug: tenant.slug }),
      );
      return tenant;
    });
    // Two requests for one slug at once: the unique index decides, with the same answer as the check.
    return create.catch((error: unknown) => {
      const code =
        error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      throw code === '23505' ? GraphqlErrors.slugTaken(input.slug) : error;
    });
  }
}

function toTenant(row: TenantRow): Tenant {
  return Object.assign(new Tenant(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    settings: row.settings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
