import 'reflect-metadata';
import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';

@ObjectType('Session', { description: "A user's sign-in session at the tenant's OpenID provider." })
export class SessionType {
  @Field(() => String, { description: "The session's uid (not the cookie value)." }) uid!: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSeenAt!: Date | null;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
}

@ObjectType({ description: 'What revoking all sessions of a user removed.' })
export class RevokedSessionsPayload {
  @Field(() => Int, { description: 'Sessions, grants, codes and tokens deleted.' }) deleted!: number;
  @Field(() => Int, { description: 'Relying parties told through back-channel logout.' }) notified!: number;
}
