import { type EntityManager, QueryFailedError } from 'typeorm';
import { Membership, MembershipRole, Organization, OrgDomain } from '../organizations/organization.entity.js';
import { User } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { OrganizationErrors } from './graphql.errors.js';
import { isUuid, lockInTenant } from './loaders.js';
import {
  type CreateOrganizationInput,
  isDomain,
  type UpdateOrganizationInput,
} from './organization.types.js';

type Deps = Pick<GraphqlDeps, 'dataSource' | 'users' | 'audit'>;

/**
 * The organization mutations of the GraphQL API: each change and its one audit event in one
 * transaction, every id looked up within the principal's tenant (another tenant's id is NOT_FOUND).
 */
export class OrganizationAdmin {
  constructor(private readonly deps: Deps) {}

  create(ctx: GraphqlContext, input: CreateOrganizationInput): Promise<Organization> {
    const { tenant } = principalOf(ctx);
    return this.change(ctx, 'organization.created', async (manager) =>
      manager.save(
        manager.create(Organization, {
          tenantId: tenant.id,
          slug: input.slug,
          name: input.name,
          metadata: input.metadata ?? {},
        }),
      ),
    );
  }

  update(ctx: GraphqlContext, id: string, input: UpdateOrganizationInput): Promise<Organization> {
    return this.change(ctx, 'organization.updated', async (manager) => {
      const organization = await this.lockOrganization(manager, ctx, id);
      if (input.slug != null) organization.slug = input.slug;
      if (input.name != null) organization.name = input.name;
      if (input.metadata != null) organization.metadata = input.metadata;
      return manager.save(organization);
    });
  }

  async delete(ctx: GraphqlContext, id: string): Promise<string> {
    const deleted = await this.change(ctx, 'organization.deleted', async (manager) => {
      const organization = await this.lockOrganization(manager, ctx, id);
      // Memberships, their roles and domains cascade.
      await manager.delete(Organization, { id: organization.id, tenantId: organization.tenantId });
      return organization;
    });
    return deleted.id;
  }

  addMember(ctx: GraphqlContext, organizationId: string, userId: string, roles: string[]) {
    return this.change(
      ctx,
      'organization.member_added',
      async (manager) => {
        const organization = await this.lockOrganization(manager, ctx, organizationId);
        const user = await this.userOfTenant(manager, ctx, userId);
        if (await manager.existsBy(Membership, { organizationId: organization.id, userId: user.id })) {
          throw OrganizationErrors.alreadyMember();
        }
        const membership = await manager.save(
          manager.create(Membership, {
            tenantId: organization.tenantId,
            organizationId: organization.id,
            userId: user.id,
          }),
        );
        await this.grantRoles(manager, membership, roles);
        return organization;
      },
      () => ({ userId, roles }),
    );
  }

  removeMember(ctx: GraphqlContext, organizationId: string, userId: string) {
    return this.change(
      ctx,
      'organization.member_removed',
      async (manager) => {
        const { organization, membership } = await this.membership(manager, ctx, organizationId, userId);
        await manager.delete(Membership, { id: membership.id, tenantId: membership.tenantId });
        return organization;
      },
      () => ({ userId }),
    );
  }

  setMemberRoles(ctx: GraphqlContext, organizationId: string, userId: string, roles: string[]) {
    return this.change(
      ctx,
      'organization.member_roles_set',
      async (manager) => {
        const { organization, membership } = await this.membership(manager, ctx, organizationId, userId);
        await manager.delete(MembershipRole, { membershipId: membership.id, tenantId: membership.tenantId });
        await this.grantRoles(manager, membership, roles);
        return organization;
      },
      () => ({ userId, roles }),
    );
  }

  /** A domain added through the API is unverified: proving it is a separate flow. */
  addDomain(ctx: GraphqlContext, organizationId: string, domain: string) {
    const normalized = domain.trim().toLowerCase();
    if (!isDomain(normalized)) throw OrganizationErrors.invalidDomain();
    return this.change(
      ctx,
      'organization.domain_added',
      async (manager) => {
        const organization = await this.lockOrganization(manager, ctx, organizationId);
        if (await manager.existsBy(OrgDomain, { tenantId: organization.tenantId, domain: normalized })) {
          throw OrganizationErrors.domainTaken();
        }
        await manager.insert(OrgDomain, {
          tenantId: organization.tenantId,
          organizationId: organization.id,
          domain: normalized,
          verifiedAt: null,
        });
        return organization;
      },
      () => ({ domain: normalized }),
    );
  }

  removeDomain(ctx: GraphqlContext, domainId: string) {
    const { tenant } = principalOf(ctx);
    let removed = '';
    return this.change(
      ctx,
      'organization.domain_removed',
      async (manager) => {
        const domain = isUuid(domainId)
          ? await manager.findOneBy(OrgDomain, { id: domainId, tenantId: tenant.id })
          : null;
        if (!domain) throw OrganizationErrors.domainNotFound();
        const organization = await this.lockOrganization(manager, ctx, domain.organizationId);
        await manager.delete(OrgDomain, { id: domain.id, tenantId: tenant.id });
        removed = domain.domain;
        return organization;
      },
      () => ({ domain: removed }),
    );
  }

  /** Runs the change and records its audit event (target: the organization) in one transaction. */
  private async change(
    ctx: GraphqlContext,
    action: string,
    work: (manager: EntityManager) => Promise<Organization>,
    data?: () => Record<string, unknown>,
  ): Promise<Organization> {
    try {
      return await this.deps.dataSource.transaction(async (manager) => {
        const organization = await work(manager);
        const target = { type: 'organization', id: organization.id };
        await this.deps.audit.record(manager, auditEntry(ctx, action, target, data?.()));
        return organization;
      });
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }

  private async lockOrganization(manager: EntityManager, ctx: GraphqlContext, id: string) {
    const { tenant } = principalOf(ctx);
    const organization = await lockInTenant(manager, Organization, tenant.id, id);
    if (!organization) throw OrganizationErrors.notFound();
    return organization;
  }

  private async userOfTenant(manager: EntityManager, ctx: GraphqlContext, id: string): Promise<User> {
    const { tenant } = principalOf(ctx);
    const user = isUuid(id) ? await manager.findOneBy(User, { id, tenantId: tenant.id }) : null;
    if (!user) throw UsersErrors.userNotFound();
    return user;
  }

  private async membership(
    manager: EntityManager,
    ctx: GraphqlContext,
    organizationId: string,
    userId: string,
  ) {
    const organization = await this.lockOrganization(manager, ctx, organizationId);
    const membership = isUuid(userId)
      ? await manager.findOneBy(Membership, {
          organizationId: organization.id,
          userId,
          tenantId: organization.tenantId,
        })
      : null;
    if (!membership) throw OrganizationErrors.memberNotFound();
    return { organization, membership };
  }

  private async grantRoles(manager: EntityManager, membership: Membership, names: string[]) {
    const roles = await this.deps.users.ensureRoles(manager, membership.tenantId, 'organization', names);
    for (const role of roles) {
      await manager.insert(MembershipRole, {
        tenantId: membership.tenantId,
        membershipId: membership.id,
        roleId: role.id,
      });
    }
  }
}

/** A unique index that a concurrent request won: the same conflict the checks before it would give. */
function uniqueViolation(error: unknown) {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as
    | { code?: string; constraint?: string; message?: string }
    | undefined;
  if (driverError?.code !== '23505') return undefined;
  const where = `${driverError.constraint ?? ''} ${driverError.message ?? ''}`;
  if (where.includes('org_domains')) return OrganizationErrors.domainTaken();
  if (where.includes('organizations')) return OrganizationErrors.slugTaken();
  return OrganizationErrors.alreadyMember();
}
