import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Organization } from '../organizations/organization.entity.js';
import type { GraphqlContext } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { CreateOrganizationInput, OrganizationType, UpdateOrganizationInput } from './organization.types.js';
import { OrganizationAdmin } from './organization-admin.js';
import type { Permission } from './principal.js';

/** Administration of organizations, their members and domains; each mutation writes one audit event. */
@Resolver(() => OrganizationType)
export class OrganizationMutationsResolver {
  private readonly admin: OrganizationAdmin;

  constructor(deps: GraphqlDeps) {
    this.admin = new OrganizationAdmin(deps);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType)
  async createOrganization(
    @Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.create(ctx, input);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType)
  async updateOrganization(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.update(ctx, id, input);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => ID, {
    description: 'Deletes the organization with its memberships and domains; returns its id.',
  })
  async deleteOrganization(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<string> {
    return this.admin.delete(ctx, id);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType, {
    description: 'Makes a user of the tenant a member, with organization roles.',
  })
  async addOrganizationMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('roles', () => [String], { defaultValue: [] }) roles: string[],
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.addMember(ctx, organizationId, userId, roles);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType)
  async removeOrganizationMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.removeMember(ctx, organizationId, userId);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType, { description: "Replaces the member's organization roles." })
  async setMemberRoles(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('roles', () => [String]) roles: string[],
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.setMemberRoles(ctx, organizationId, userId, roles);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType, { description: 'Claims a domain for the organization, unverified.' })
  async addOrganizationDomain(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('domain', () => String) domain: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.addDomain(ctx, organizationId, domain);
  }

  @Authorized<Permission>('orgs:write')
  @Mutation(() => OrganizationType, { description: 'Removes a domain (by its id) from its organization.' })
  async removeOrganizationDomain(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<Organization> {
    return this.admin.removeDomain(ctx, id);
  }
}
