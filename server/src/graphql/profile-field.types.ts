import 'reflect-metadata';
import { IsOptional, Matches, Max, Min } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PROFILE_KEY_PATTERN } from '../profiles/profile-definitions.js';
import { JsonObjectSize } from './validation.js';

export enum ProfileFieldTypeValue {
  string = 'string',
  number = 'number',
  boolean = 'boolean',
  date = 'date',
  enum = 'enum',
}
registerEnumType(ProfileFieldTypeValue, { name: 'ProfileFieldType' });

export enum ProfileRequirementValue {
  signup = 'signup',
  after_logins = 'after_logins',
  before_application = 'before_application',
}
registerEnumType(ProfileRequirementValue, {
  name: 'ProfileRequirement',
  description: 'When a field must be filled in: at sign-up, after N logins, before an application.',
});

const KEY_MESSAGE = 'must be a letter then up to 62 letters, digits or underscores';
const VALIDATION_DESCRIPTION =
  'Rules by type: string { minLength, maxLength, pattern }, number { min, max, integer }, ' +
  'date { min, max } (YYYY-MM-DD), enum { options: [{ value, labels }] }.';

@ObjectType('ProfileField', {
  description: 'A tenant-defined profile attribute; values are in `User.profile[key]`.',
})
export class ProfileFieldObject {
  @Field(() => ID) id!: string;
  @Field(() => String) key!: string;
  @Field(() => ProfileFieldTypeValue) type!: ProfileFieldTypeValue;
  @Field(() => GraphQLJSONObject, { description: 'Label per locale.' }) labels!: Record<string, string>;
  @Field(() => GraphQLJSONObject, { description: VALIDATION_DESCRIPTION }) validation!: Record<
    string,
    unknown
  >;
  @Field(() => ProfileRequirementValue, { nullable: true, description: 'null: optional.' })
  requiredAt!: ProfileRequirementValue | null;
  @Field(() => Int, { nullable: true }) requiredAfterLogins!: number | null;
  @Field(() => ID, { nullable: true, description: 'Asked only on sign-ins to this application.' })
  applicationId!: string | null;
  @Field(() => Int) position!: number;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

/** What creating and changing a profile field share: everything but its key and type. */
@InputType('ProfileFieldSettingsInput', {
  description: 'Settings shared by creating and changing a profile field.',
})
abstract class ProfileFieldSettingsInput {
  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  @JsonObjectSize(8192)
  labels?: Record<string, string> | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: VALIDATION_DESCRIPTION })
  @IsOptional()
  @JsonObjectSize(16_384)
  validation?: Record<string, unknown> | null;
  @Field(() => ProfileRequirementValue, { nullable: true }) requiredAt?: ProfileRequirementValue | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'must be at least 1' })
  requiredAfterLogins?: number | null;
  @Field(() => ID, { nullable: true }) applicationId?: string | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0, { message: 'must be at least 0' })
  @Max(10_000, { message: 'must be at most 10000' })
  position?: number | null;
}

@InputType({ description: 'A new profile field.' })
export class CreateProfileFieldInput extends ProfileFieldSettingsInput {
  @Field(() => String) @Matches(PROFILE_KEY_PATTERN, { message: KEY_MESSAGE }) key!: string;
  @Field(() => ProfileFieldTypeValue) type!: ProfileFieldTypeValue;
}

@InputType({
  description:
    'Changes to a profile field; omitted fields stay. null clears requiredAt, requiredAfterLogins and ' +
    'applicationId. The result is checked as a whole.',
})
export class UpdateProfileFieldInput extends ProfileFieldSettingsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PROFILE_KEY_PATTERN, { message: KEY_MESSAGE })
  key?: string | null;
  @Field(() => ProfileFieldTypeValue, { nullable: true }) type?: ProfileFieldTypeValue | null;
}
