import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Organization, OrgDomain } from '../organizations/organization.entity.js';
import type { User } from '../users/user.entity.js';
import { type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { OrganizationConnection, OrganizationDomainType, OrganizationType } from './organization.types.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  microsOf,
  PageArgs,
  type Positioned,
  pageSizeOf,
  sqlTimestamp,
} from './relay.js';
import { UserConnection } from './user.types.js';

/** Reading organizations: the `organizations` connection, `organization(id)`, and fields needing queries. */
@Resolver(() => OrganizationType)
export class OrganizationsResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('orgs:read')
  @Query(() => OrganizationConnection, { description: "The tenant's organizations, oldest first." })
  async organizations(
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<Organization>> {
    const { tenant } = principalOf(ctx);
    const after = decodeAfter('organizations', page.after);
    const first = pageSizeOf(page);
    const query = this.deps.dataSource.manager
      .createQueryBuilder(Organization, 'o')
      .where('o.tenant_id = :tenantId', { tenantId: tenant.id })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(first + 1);
    if (after) {
      query.andWhere(`(o.created_at, o.id) > (${sqlTimestamp(':micros')}, :afterId::uuid)`, {
        micros: after.micros.toString(),
        afterId: after.id,
      });
    }
    const organizations = await query.getMany();
    const rows = organizations.map((node) => ({
      node,
      position: { micros: microsOf(node.createdAt), id: node.id },
    }));
    return connectionOf('organizations', rows, first);
  }

  @Authorized<Permission>('orgs:read')
  @Query(() => OrganizationType, { nullable: true, description: 'An organization of the tenant, or null.' })
  async organization(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization | null> {
    return loadersOf(ctx).organizationById.load(id);
  }

  @Authorized<Permission>('orgs:read')
  @FieldResolver(() => [OrganizationDomainType], { description: 'Domains claimed, alphabetically.' })
  async domains(@Root() organization: Organization, @Ctx() ctx: GraphqlContext): Promise<OrgDomain[]> {
    return this.deps.dataSource.manager.find(OrgDomain, {
      where: { tenantId: principalOf(ctx).tenant.id, organizationId: organization.id },
      order: { domain: 'ASC' },
    });
  }

  @Authorized<Permission>('users:read')
  @FieldResolver(() => UserConnection, { description: 'Members, in the order they joined.' })
  async members(
    @Root() organization: Organization,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<User>> {
    const loaders = loadersOf(ctx);
    const after = decodeAfter('members', page.after);
    const first = pageSizeOf(page);
    const refs = await loaders.membersOf(first, after).load(organization.id);
    const users = await loaders.userById.loadMany(refs.map((ref) => ref.userId));
    const rows: Positioned<User>[] = [];
    refs.forEach((ref, i) => {
      const user = users[i];
      if (user && !(user instanceof Error)) rows.push({ node: user, position: ref.position });
    });
    return connectionOf('members', rows, first, refs.length > first);
  }
}
