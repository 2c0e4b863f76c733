import 'reflect-metadata';
import { IsOptional, Length, Matches } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from 'type-graphql';
import { NodeType } from './node.type.js';
import { Connection } from './relay.js';
import { JsonObjectSize } from './validation.js';

const ORG_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SLUG_MESSAGE = 'must be lowercase letters, digits and dashes (at most 63), not starting with a dash';
const DOMAIN = /^[a-z0-9.-]+\.[a-z0-9-]+$/;
const MAX_METADATA_BYTES = 8192;

@ObjectType('Organization', {
  implements: NodeType,
  description: 'A B2B customer of the tenant, with its members.',
})
export class OrganizationType extends NodeType {
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => GraphQLJSONObject) metadata!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export const OrganizationConnection = Connection(OrganizationType, 'Organization');

@ObjectType('OrganizationDomain', {
  description: 'A domain claimed by an organization; unverified until proven.',
})
export class OrganizationDomainType {
  @Field(() => ID) id!: string;
  @Field(() => String) domain!: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) verifiedAt!: Date | null;
}

@InputType()
export class CreateOrganizationInput {
  @Field(() => String) @Matches(ORG_SLUG, { message: SLUG_MESSAGE }) slug!: string;
  @Field(() => String) @Length(1, 200, { message: 'must be 1 to 200 characters' }) name!: string;
  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  @JsonObjectSize(MAX_METADATA_BYTES)
  metadata?: Record<string, unknown> | null;
}

@InputType({ description: 'Omitted fields stay as they are.' })
export class UpdateOrganizationInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(ORG_SLUG, { message: SLUG_MESSAGE })
  slug?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name?: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Replaces the metadata.' })
  @IsOptional()
  @JsonObjectSize(MAX_METADATA_BYTES)
  metadata?: Record<string, unknown> | null;
}

/** A domain as the API accepts it: lowercase host name with a dot. */
export const isDomain = (value: string): boolean => value.length <= 253 && DOMAIN.test(value);
