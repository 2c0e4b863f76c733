import 'reflect-metadata';
import { ArrayMaxSize, IsOptional, Length } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType('ApiKey', { description: 'An API key of the tenant. The key itself is shown once, at creation.' })
export class ApiKeyType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The first characters of the key, to recognise it.' })
  prefix!: string;
  @Field(() => [String]) scopes!: string[];
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String) @Length(1, 100) name!: string;
  @Field(() => [String], { description: 'Each within the scopes of the principal creating the key.' })
  @ArrayMaxSize(20)
  scopes!: string[];
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() expiresAt?: Date | null;
}

@ObjectType({ description: 'A new API key: `key` is shown here once and can never be read again.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType) apiKey!: ApiKeyType;
  @Field(() => String) key!: string;
}
