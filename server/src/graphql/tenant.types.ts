import 'reflect-metadata';
import { Length, Matches } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from 'type-graphql';
import { Connection } from './relay.js';

@ObjectType('Tenant', { description: 'An isolated identity domain of this instance.' })
export class TenantType {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'active | disabled' }) status!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export const TenantConnection = Connection(TenantType, 'Tenant');

@InputType()
export class CreateTenantInput {
  @Field(() => String, { description: "The tenant's URL segment: PUBLIC_URL/t/<slug>." })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'must be 1–63 lowercase letters, digits or dashes, starting with a letter or digit',
  })
  slug!: string;

  @Field(() => String)
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name!: string;
}
