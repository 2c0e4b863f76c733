import 'reflect-metadata';
import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { NodeType } from './node.type.js';

@ObjectType('Organization', {
  implements: NodeType,
  description: 'A B2B customer of the tenant, with its members.',
})
export class OrganizationType extends NodeType {
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}
