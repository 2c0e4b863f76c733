import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { ApplicationsResolver } from './applications.resolver.js';
import { AuditResolver } from './audit.resolver.js';
import { assertEveryRootFieldAuthorized, authChecker } from './authorization.js';
import { ConsentResolver } from './consent.resolver.js';
import { DeliveriesResolver } from './deliveries.resolver.js';
import { FactorsResolver } from './factors.resolver.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { MeResolver } from './me.resolver.js';
import { MeAccountResolver } from './me-account.resolver.js';
import { MessageTemplatesResolver } from './message-templates.resolver.js';
import { MyConsentsResolver } from './my-consents.resolver.js';
import { NodeResolver } from './node.resolver.js';
import { OrganizationMutationsResolver } from './organization-mutations.resolver.js';
import { OrganizationsResolver } from './organizations.resolver.js';
import { ProfileFieldsResolver } from './profile-fields.resolver.js';
import { RolesResolver } from './roles.resolver.js';
import { SessionsResolver } from './sessions.resolver.js';
import { SmsProvidersResolver } from './sms-providers.resolver.js';
import { TenantsResolver } from './tenants.resolver.js';
import { UserMutationsResolver } from './user-mutations.resolver.js';
import { UsersResolver } from './users.resolver.js';

/** One resolver class per domain; each is constructed once per server with the GraphQL deps. */
export const RESOLVERS = [
  UsersResolver,
  UserMutationsResolver,
  MeResolver,
  MeAccountResolver,
  NodeResolver,
  OrganizationsResolver,
  OrganizationMutationsResolver,
  AuditResolver,
  TenantsResolver,
  ApiKeysResolver,
  SessionsResolver,
  ApplicationsResolver,
  RolesResolver,
  ConsentResolver,
  MyConsentsResolver,
  ProfileFieldsResolver,
  FactorsResolver,
  MessageTemplatesResolver,
  SmsProvidersResolver,
  DeliveriesResolver,
] as const;

/**
 * The executable schema. Without deps (printing the SDL) resolvers cannot run. Refuses to build when
 * a root field lacks `@Authorized` (deny by default).
 */
export function buildGraphqlSchema(deps?: GraphqlDeps): GraphQLSchema {
  assertEveryRootFieldAuthorized(RESOLVERS);
  const instances = new Map<unknown, unknown>(
    deps
      ? RESOLVERS.map(
          (Resolver) => [Resolver, new (Resolver as new (deps: GraphqlDeps) => unknown)(deps)] as const,
        )
      : [],
  );
  return buildSchemaSync({
    resolvers: [...RESOLVERS],
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    container: {
      get(resolverClass: { name: string }) {
        const instance = instances.get(resolverClass);
        if (!instance) throw new Error(`No GraphQL resolver instance for ${resolverClass.name}`);
        return instance;
      },
    },
  });
}

/** The SDL checked in as schema.graphql: sorted, so it only changes when the API does. */
export function schemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildGraphqlSchema()))}\n`;
}
