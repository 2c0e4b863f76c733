import 'reflect-metadata';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from 'type-graphql';
import { NodeType } from './node.type.js';
import { Connection } from './relay.js';

@ObjectType('AuditEvent', {
  implements: NodeType,
  description: 'Something that changed in the tenant: who did it, to what, from where.',
})
export class AuditEventType extends NodeType {
  @Field(() => String, { description: 'user | api_key | system | admin' }) actorType!: string;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field(() => String, { description: 'user.created, user.blocked, …' }) action!: string;
  @Field(() => String, { nullable: true }) targetType!: string | null;
  @Field(() => ID, { nullable: true }) targetId!: string | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');

@InputType({ description: 'Narrows `auditEvents`; every condition given must hold.' })
export class AuditEventsFilter {
  @Field(() => ID, { nullable: true }) actorId?: string;
  @Field(() => String, { nullable: true }) action?: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'At or after this time.' }) since?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Before this time.' }) until?: Date;
}
