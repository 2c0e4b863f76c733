import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ProfileFieldDefinition } from '../profiles/profile-definitions.js';
import { ProfileField } from '../profiles/profile-field.entity.js';
import { ProfilesErrors } from '../profiles/profiles.errors.js';
import { changedBy, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { lockInTenant } from './loaders.js';
import type { Permission } from './principal.js';
import {
  CreateProfileFieldInput,
  ProfileFieldObject,
  UpdateProfileFieldInput,
} from './profile-field.types.js';

/** The tenant's profile fields (progressive profiling), for its administrators. */
@Resolver(() => ProfileFieldObject)
export class ProfileFieldsResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read')
  @Query(() => [ProfileFieldObject], { description: 'The profile fields of the tenant, in form order.' })
  async profileFields(@Ctx() ctx: GraphqlContext): Promise<ProfileField[]> {
    return this.deps.profileFields.list(this.deps.dataSource.manager, principalOf(ctx).tenant.id);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ProfileFieldObject, { description: 'Defines a new profile field.' })
  async createProfileField(
    @Arg('input', () => CreateProfileFieldInput) input: CreateProfileFieldInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ProfileField> {
    const { tenant } = principalOf(ctx);
    const field = await this.deps.dataSource.transaction((manager) =>
      this.deps.profileFields.create(manager, tenant.id, definitionFrom(input), changedBy(ctx)),
    );
    await this.fieldsAddedOrRemoved(tenant.slug);
    return field;
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ProfileFieldObject, { description: 'Changes a profile field; values already given stay.' })
  async updateProfileField(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateProfileFieldInput) input: UpdateProfileFieldInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ProfileField> {
    const { tenant } = principalOf(ctx);
    return this.deps.dataSource.transaction(async (manager) => {
      const field = await lockInTenant(manager, ProfileField, tenant.id, id);
      if (!field) throw ProfilesErrors.fieldNotFound();
      return this.deps.profileFields.update(manager, field, changesFrom(input), changedBy(ctx));
    });
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ID, { description: "Deletes a profile field's definition; users' values stay." })
  async deleteProfileField(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<string> {
    const { tenant } = principalOf(ctx);
    const deleted = await this.deps.dataSource.transaction(async (manager) => {
      const field = await lockInTenant(manager, ProfileField, tenant.id, id);
      if (!field) throw ProfilesErrors.fieldNotFound();
      await this.deps.profileFields.delete(manager, field, changedBy(ctx));
      return field.id;
    });
    await this.fieldsAddedOrRemoved(tenant.slug);
    return deleted;
  }

  /** Logins keep whether the tenant has profile fields at all with its provider (interactions domain). */
  private fieldsAddedOrRemoved(slug: string): Promise<void> {
    return this.deps.tenantsChanged([slug]);
  }
}

function definitionFrom(input: CreateProfileFieldInput): ProfileFieldDefinition {
  return {
    key: input.key,
    type: input.type,
    labels: input.labels ?? undefined,
    validation: input.validation ?? undefined,
    requiredAt: input.requiredAt ?? null,
    requiredAfterLogins: input.requiredAfterLogins ?? null,
    applicationId: input.applicationId ?? null,
    position: input.position ?? undefined,
  };
}

/** Omitted (undefined) fields stay; null clears the clearable ones and is ignored for the others. */
function changesFrom(input: UpdateProfileFieldInput): Partial<ProfileFieldDefinition> {
  const keep = <T>(value: T | null | undefined) => (value === null ? undefined : value);
  return {
    key: keep(input.key),
    type: keep(input.type),
    labels: keep(input.labels),
    validation: keep(input.validation),
    requiredAt: input.requiredAt,
    requiredAfterLogins: input.requiredAfterLogins,
    applicationId: input.applicationId,
    position: keep(input.position),
  };
}
