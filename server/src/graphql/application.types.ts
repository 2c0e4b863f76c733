import 'reflect-metadata';
import { ArrayMaxSize, IsBoolean, IsIn, IsOptional, IsUrl, Length, Matches } from 'class-validator';
import { Field, GraphQLISODateTime, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { Application } from '../applications/application.entity.js';
import { NodeType } from './node.type.js';
import { Connection } from './relay.js';

export enum ApplicationKind {
  oidc = 'oidc',
  saml = 'saml',
}

registerEnumType(ApplicationKind, {
  name: 'ApplicationKind',
  description: 'An OIDC client or a SAML service provider.',
});

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'device_code'];
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const urlMessage = { message: 'must be an absolute http(s) URL', each: true };

@ObjectType('Application', {
  implements: NodeType,
  description: 'An OIDC client or a SAML service provider of the tenant. Secrets are never readable.',
})
export class ApplicationType extends NodeType {
  @Field(() => String) name!: string;
  @Field(() => ApplicationKind) type!: ApplicationKind;
  @Field(() => String, { nullable: true }) clientId!: string | null;
  @Field(() => Boolean, { description: 'Has a client secret (confidential OIDC client).' })
  confidential!: boolean;
  @Field(() => String, { nullable: true }) entityId!: string | null;
  @Field(() => Boolean) firstParty!: boolean;
  @Field(() => [String]) redirectUris!: string[];
  @Field(() => [String]) postLogoutRedirectUris!: string[];
  @Field(() => [String]) corsOrigins!: string[];
  @Field(() => [String]) grantTypes!: string[];
  @Field(() => String, { nullable: true }) acsUrl!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

export const ApplicationConnection = Connection(ApplicationType, 'Application');

/** The GraphQL view of an application row (the entity keeps client metadata in `config`). */
export function applicationNode(app: Application): ApplicationType {
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
  return Object.assign(new ApplicationType(), {
    id: app.id,
    name: app.name,
    type: app.type as ApplicationKind,
    clientId: app.clientId,
    confidential: app.clientSecretEncrypted !== null,
    entityId: app.entityId,
    firstParty: app.firstParty,
    redirectUris: list(app.config.redirectUris),
    postLogoutRedirectUris: list(app.config.postLogoutRedirectUris),
    corsOrigins: list(app.config.corsOrigins),
    grantTypes: list(app.config.grantTypes),
    acsUrl: typeof app.config.acsUrl === 'string' ? app.config.acsUrl : null,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  });
}

/** The settings an application has whether it is being created or updated; omitted stays as it is. */
@InputType('ApplicationSettingsInput', {
  description: 'Settings shared by creating and updating an application.',
})
abstract class ApplicationSettingsInput {
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() firstParty?: boolean | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUrl(URL_OPTIONS, urlMessage)
  redirectUris?: string[] | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUrl(URL_OPTIONS, urlMessage)
  postLogoutRedirectUris?: string[] | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUrl(URL_OPTIONS, urlMessage)
  corsOrigins?: string[] | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsIn(GRANT_TYPES, { each: true, message: `each must be one of ${GRANT_TYPES.join(', ')}` })
  grantTypes?: string[] | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsUrl(URL_OPTIONS, urlMessage) acsUrl?:
    | string
    | null;
}

@InputType({ description: 'An OIDC client (`clientId`) or a SAML service provider (`entityId` + `acsUrl`).' })
export class CreateApplicationInput extends ApplicationSettingsInput {
  @Field(() => String) @Length(1, 200, { message: 'must be 1 to 200 characters' }) name!: string;
  @Field(() => ApplicationKind) type!: ApplicationKind;
  @Field(() => String, { nullable: true, description: 'OIDC: the client id; a random one when omitted.' })
  @IsOptional()
  @Matches(CLIENT_ID, { message: 'must be 1 to 128 URL-safe characters' })
  clientId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'OIDC: issue a client secret (shown once).' })
  @IsOptional()
  @IsBoolean()
  confidential?: boolean | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 1024) entityId?: string | null;
}

@InputType({ description: 'Omitted fields stay as they are.' })
export class UpdateApplicationInput extends ApplicationSettingsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 200) name?: string | null;
}

@ObjectType('ApplicationSecretPayload', {
  description: 'The application and its client secret, shown only here.',
})
export class ApplicationSecretPayload {
  @Field(() => ApplicationType) application!: ApplicationType;
  @Field(() => String, { nullable: true, description: 'Null for public OIDC clients and SAML applications.' })
  clientSecret!: string | null;
}
