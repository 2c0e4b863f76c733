import 'reflect-metadata';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('TotpFactor', { description: 'An authenticator app (TOTP).' })
export class TotpFactorType {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType('Passkey', { description: 'A WebAuthn passkey.' })
export class PasskeyType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean, { description: 'Synced to other devices by its provider.' }) backedUp!: boolean;
  @Field(() => Boolean, { description: 'Its signature counter once went backwards: a possible clone.' })
  counterRegressed!: boolean;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType('MfaFactors', { description: "A user's second factors." })
export class MfaFactorsType {
  @Field(() => TotpFactorType, { nullable: true }) totp!: TotpFactorType | null;
  @Field(() => [PasskeyType]) passkeys!: PasskeyType[];
  @Field(() => Int, { description: 'Recovery codes not yet used.' }) recoveryCodesRemaining!: number;
}

@ObjectType({ description: "What resetting a user's factors removed." })
export class ResetFactorsPayload {
  @Field(() => Int, { description: 'Authenticator apps, passkeys and recovery codes deleted.' })
  removedCredentials!: number;
  @Field(() => Int, { description: 'Remembered devices forgotten.' }) forgottenDevices!: number;
}
