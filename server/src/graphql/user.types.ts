import 'reflect-metadata';
import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { NodeType } from './node.type.js';
import { Connection } from './relay.js';
import { JsonObjectSize } from './validation.js';

export enum UserStatusValue {
  active = 'active',
  blocked = 'blocked',
}
registerEnumType(UserStatusValue, {
  name: 'UserStatus',
  description: 'Blocked users cannot sign in; blocking revokes their sessions.',
});

const E164 = /^\+[1-9][0-9]{6,14}$/;
const E164_MESSAGE = 'must be in international E.164 form (+4915112345678)';
const USERNAME = /^[^\s@]+$/;
const MAX_PROFILE_BYTES = 16_384;

@ObjectType('User', { implements: NodeType, description: 'A customer identity of the tenant.' })
export class UserType extends NodeType {
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => Boolean) emailVerified!: boolean;
  @Field(() => String, { nullable: true, description: 'E.164' }) phone!: string | null;
  @Field(() => Boolean) phoneVerified!: boolean;
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field(() => UserStatusValue) status!: UserStatusValue;
  @Field(() => GraphQLJSONObject, { description: 'Profile attributes (givenName, familyName, …).' })
  profile!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastLoginAt!: Date | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

export const UserConnection = Connection(UserType, 'User');

@InputType({ description: 'A new user. Admins never choose passwords: users set their own.' })
export class CreateUserInput {
  @Field(() => String)
  @MaxLength(320, { message: 'must be at most 320 characters' })
  @IsEmail({}, { message: 'must be a valid email address' })
  email!: string;

  @Field(() => Boolean, { nullable: true }) emailVerified?: boolean;

  @Field(() => String, { nullable: true, description: 'E.164' })
  @IsOptional()
  @Matches(E164, { message: E164_MESSAGE })
  phone?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  @Matches(USERNAME, { message: 'must not contain spaces or @' })
  username?: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  @JsonObjectSize(MAX_PROFILE_BYTES)
  profile?: Record<string, unknown>;
}

@InputType({
  description:
    'Changes to a user; omitted fields stay. A new email or phone is unverified unless stated. ' +
    '`profile` is merged: a key set to null is removed.',
})
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(320, { message: 'must be at most 320 characters' })
  @IsEmail({}, { message: 'must be a valid email address' })
  email?: string;

  @Field(() => Boolean, { nullable: true }) emailVerified?: boolean;

  @Field(() => String, { nullable: true, description: 'E.164; null removes the phone number.' })
  @IsOptional()
  @Matches(E164, { message: E164_MESSAGE })
  phone?: string | null;

  @Field(() => Boolean, { nullable: true }) phoneVerified?: boolean;

  @Field(() => String, { nullable: true, description: 'null removes the username.' })
  @IsOptional()
  @Length(1, 64, { message: 'must be 1 to 64 characters' })
  @Matches(USERNAME, { message: 'must not contain spaces or @' })
  username?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  @JsonObjectSize(MAX_PROFILE_BYTES)
  profile?: Record<string, unknown>;
}

@InputType({
  description: "Self-service changes to one's own profile; merged, a key set to null is removed.",
})
export class UpdateMeInput {
  @Field(() => GraphQLJSONObject)
  @JsonObjectSize(MAX_PROFILE_BYTES)
  profile!: Record<string, unknown>;
}

@InputType({ description: 'Narrows `users`; every condition given must hold.' })
export class UsersFilter {
  @Field(() => UserStatusValue, { nullable: true }) status?: UserStatusValue;
  @Field(() => ID, { nullable: true, description: 'Members of this organization.' }) organizationId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAfter?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdBefore?: Date;
}

@ObjectType('LinkedIdentity', {
  description: 'A link from the user to an account at an upstream identity provider.',
})
export class LinkedIdentityType {
  @Field(() => ID) id!: string;
  @Field(() => ID) connectionId!: string;
  @Field(() => String, { description: 'social, oidc or saml' }) connectionType!: string;
  @Field(() => String) connectionName!: string;
  @Field(() => String, { description: 'The subject at the upstream provider.' }) subject!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastLoginAt!: Date | null;
}
