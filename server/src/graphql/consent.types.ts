import 'reflect-metadata';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { POLICY_KEY_PATTERN } from '../consent/consent.service.js';
import { Connection } from './relay.js';
import { JsonObjectSize } from './validation.js';

export enum ConsentPolicyKindValue {
  terms = 'terms',
  privacy = 'privacy',
  marketing = 'marketing',
  custom = 'custom',
}
registerEnumType(ConsentPolicyKindValue, { name: 'ConsentPolicyKind' });

export enum ConsentDecisionValue {
  granted = 'granted',
  withdrawn = 'withdrawn',
}
registerEnumType(ConsentDecisionValue, { name: 'ConsentDecision' });

@ObjectType('ConsentPolicy', {
  description: 'One version of a policy users consent to. A change publishes a new version.',
})
export class ConsentPolicyType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Stable key across versions, e.g. "terms".' }) key!: string;
  @Field(() => Int) version!: number;
  @Field(() => ConsentPolicyKindValue) kind!: ConsentPolicyKindValue;
  @Field(() => Boolean, { description: 'Users must accept it to sign up and to sign in.' })
  required!: boolean;
  @Field(() => GraphQLJSONObject, { description: 'Title per locale: { "en": "…", "de": "…" }.' })
  title!: Record<string, string>;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => GraphQLISODateTime, { description: 'When this version was published.' }) createdAt!: Date;
}

@ObjectType('ConsentRecord', {
  description: 'A receipt: one decision of a user on one policy version, where and when it was taken.',
})
export class ConsentRecordType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'Kept after the user is deleted (ip and user agent are then erased).' })
  userId!: string;
  @Field(() => ID) policyId!: string;
  @Field(() => String) policyKey!: string;
  @Field(() => Int) policyVersion!: number;
  @Field(() => ConsentDecisionValue) decision!: ConsentDecisionValue;
  @Field(() => String, { description: 'signup | login | account | api | admin | import' }) source!: string;
  @Field(() => String, { nullable: true }) ip!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

export const ConsentRecordConnection = Connection(ConsentRecordType, 'ConsentRecord');

@InputType({ description: 'Narrows consent records; every condition given must hold.' })
export class ConsentRecordsFilter {
  @Field(() => ID, { nullable: true }) userId?: string | null;
  @Field(() => String, { nullable: true }) policyKey?: string | null;
  @Field(() => ConsentDecisionValue, { nullable: true }) decision?: ConsentDecisionValue | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'At or after this time.' })
  since?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Before this time.' }) until?: Date | null;
}

@ObjectType({
  description:
    'A page of receipts as JSON Lines (one JSON object per line, newest first). Pass `endCursor` as ' +
    '`after` while `hasMore` is true.',
})
export class ConsentRecordsExport {
  @Field(() => String, { description: 'Always "application/jsonl".' }) contentType!: string;
  @Field(() => String, {
    description:
      'Lines with id, userId, policyKey, policyVersion, policyId, policyKind, decision, source, ip, ' +
      'userAgent, createdAt.',
  })
  data!: string;
  @Field(() => Int) count!: number;
  @Field(() => Boolean) hasMore!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@InputType({
  description: 'A new version of a policy. Omitted fields are copied from the current version.',
})
export class PublishConsentPolicyInput {
  @Field(() => String)
  @Matches(POLICY_KEY_PATTERN, {
    message: 'must be 1–63 lowercase letters, digits, dots, dashes or underscores',
  })
  key!: string;
  @Field(() => ConsentPolicyKindValue) kind!: ConsentPolicyKindValue;
  @Field(() => Boolean, { nullable: true }) required?: boolean | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Title per supported locale.' })
  @IsOptional()
  @JsonObjectSize(8192)
  title?: Record<string, string> | null;
  @Field(() => String, { nullable: true, description: 'http(s) link to the document; null removes it.' })
  @IsOptional()
  @MaxLength(2048, { message: 'must be at most 2048 characters' })
  url?: string | null;
}

@ObjectType('UserConsent', { description: 'Where a user stands with the current version of one policy.' })
export class UserConsentType {
  @Field(() => ConsentPolicyType, { description: 'The current version.' }) policy!: ConsentPolicyType;
  @Field(() => ConsentDecisionValue, { nullable: true, description: 'The latest decision; null: none yet.' })
  decision!: ConsentDecisionValue | null;
  @Field(() => Int, { nullable: true, description: 'The version the latest decision was about.' })
  decidedVersion!: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Boolean, {
    description: 'Required and not granted in its current version: asked at next login.',
  })
  pending!: boolean;
}
