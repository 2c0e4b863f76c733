import 'reflect-metadata';
import { ArrayMaxSize, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';

const ROLE_NAME = /^[a-z0-9][a-z0-9_:.-]{0,62}$/;
const ROLE_NAME_MESSAGE = 'must be 1–63 lowercase letters, digits, "_", ":", "." or "-"';

@ObjectType('Role', {
  description: 'A tenant role: built-in `admin` and `viewer`, or a custom role with listed permissions.',
})
export class TenantRoleType {
  @Field(() => ID, { nullable: true, description: 'null for the built-in roles.' }) id!: string | null;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String], { description: 'The permissions the role gives.' }) permissions!: string[];
  @Field(() => Boolean) builtIn!: boolean;
}

@InputType()
export class CreateTenantRoleInput {
  @Field(() => String) @Matches(ROLE_NAME, { message: ROLE_NAME_MESSAGE }) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(0, 500) description?: string | null;
  @Field(() => [String], { description: 'Each one held by the principal creating the role.' })
  @ArrayMaxSize(20)
  permissions!: string[];
}

@InputType()
export class UpdateTenantRoleInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(0, 500) description?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(20) permissions?: string[] | null;
}
