import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { isUuid } from './loaders.js';
import { NodeType } from './node.type.js';
import type { Permission } from './principal.js';

/**
 * `node(id)` (Relay): the object of the principal's tenant with this id, among the types the principal
 * may read; null for anything else (another tenant's, unknown, or not readable: all look the same).
 */
@Resolver()
export class NodeResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read', 'orgs:read', 'audit:read', 'self')
  @Query(() => NodeType, { nullable: true })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<NodeType | null> {
    if (!isUuid(id)) return null;
    const principal = principalOf(ctx);
    const can = (permission: Permission) => principal.permissions.has(permission);
    const loaders = loadersOf(ctx);
    const ownId = principal.kind === 'user' && principal.id === id.toLowerCase();
    if (can('users:read') || ownId) {
      const user = await loaders.userById.load(id);
      if (user) return user;
    }
    if (can('orgs:read')) {
      const organization = await loaders.organizationById.load(id);
      if (organization) return organization;
    }
    if (can('audit:read')) {
      const manager = this.deps.dataSource.manager;
      const event = await manager.findOneBy(AuditEvent, { id, tenantId: principal.tenant.id });
      if (event) return event;
    }
    return null;
  }
}
