import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Application, type ApplicationConfig } from '../applications/application.entity.js';
import type { CreateApplicationInput, UpdateApplicationInput } from './application.types.js';
import { auditEntry, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { ApplicationErrors } from './graphql.errors.js';
import { lockInTenant } from './loaders.js';

type ListKey = 'redirectUris' | 'postLogoutRedirectUris' | 'corsOrigins' | 'grantTypes';
const LIST_FIELDS: ListKey[] = ['redirectUris', 'postLogoutRedirectUris', 'corsOrigins', 'grantTypes'];

/** A new client secret: 256 random bits, shown once. */
const newClientSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Application administration: each change and its audit event in one transaction, then every replica
 * rebuilds the tenant's OIDC provider so the change applies at once.
 */
export class ApplicationAdmin {
  constructor(private readonly deps: GraphqlDeps) {}

  async create(ctx: GraphqlContext, input: CreateApplicationInput) {
    const { tenant } = principalOf(ctx);
    const oidc = input.type === 'oidc';
    if (!oidc && (!input.entityId || !input.acsUrl)) {
      throw ApplicationErrors.invalid('entityId', 'a SAML application needs an entityId and an acsUrl');
    }
    const grantTypes = input.grantTypes ?? ['authorization_code', 'refresh_token'];
    if (oidc && !input.confidential && grantTypes.includes('client_credentials')) {
      throw ApplicationErrors.invalid('grantTypes', 'public clients may not use client_credentials');
    }
    const clientSecret = oidc && input.confidential ? newClientSecret() : null;
    // Like most identity providers, an OIDC client without a chosen id gets a random one.
    const clientId = oidc ? (input.clientId ?? randomBytes(16).toString('base64url')) : undefined;
    const result = await this.deps.dataSource.transaction(async (manager) => {
      await this.assertUnique(manager, tenant.id, clientId ? { clientId } : { entityId: input.entityId! });
      const config: ApplicationConfig = oidc
        ? {
            redirectUris: input.redirectUris ?? [],
            postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
            corsOrigins: input.corsOrigins ?? [],
            grantTypes,
          }
        : { acsUrl: input.acsUrl! };
      const application = await this.deps.applications.create(manager, tenant.id, {
        name: input.name,
        type: oidc ? 'oidc' : 'saml',
        clientId,
        entityId: input.entityId ?? undefined,
        clientSecret: clientSecret ?? undefined,
        firstParty: input.firstParty ?? false,
        config,
      });
      await this.deps.audit.record(manager, auditEntry(ctx, 'application.created', target(application)));
      return application;
    });
    await this.deps.tenantsChanged([tenant.slug]);
    return { application: result, clientSecret };
  }

  async update(ctx: GraphqlContext, id: string, input: UpdateApplicationInput) {
    const { tenant } = principalOf(ctx);
    const application = await this.deps.dataSource.transaction(async (manager) => {
      const app = await this.find(manager, tenant.id, id);
      if (input.name) app.name = input.name;
      if (input.firstParty !== undefined && input.firstParty !== null) app.firstParty = input.firstParty;
      const config = { ...app.config };
      for (const key of LIST_FIELDS) {
        const value = input[key];
        if (value) config[key] = value;
      }
      if (input.acsUrl) config.acsUrl = input.acsUrl;
      if (app.clientSecretEncrypted === null && config.grantTypes?.includes('client_credentials')) {
        throw ApplicationErrors.invalid('grantTypes', 'public clients may not use client_credentials');
      }
      app.config = config;
      await manager.save(app);
      await this.deps.audit.record(manager, auditEntry(ctx, 'application.updated', target(app)));
      return app;
    });
    await this.deps.tenantsChanged([tenant.slug]);
    return application;
  }

  async rotateSecret(ctx: GraphqlContext, id: string) {
    const { tenant } = principalOf(ctx);
    const clientSecret = newClientSecret();
    const application = await this.deps.dataSource.transaction(async (manager) => {
      const app = await this.find(manager, tenant.id, id);
      if (app.clientSecretEncrypted === null) throw ApplicationErrors.noSecret();
      app.clientSecretEncrypted = this.deps.applications.encryptSecret(app.id, clientSecret);
      await manager.save(app);
      await this.deps.audit.record(manager, auditEntry(ctx, 'application.secret_rotated', target(app)));
      return app;
    });
    await this.deps.tenantsChanged([tenant.slug]);
    return { application, clientSecret };
  }

  async delete(ctx: GraphqlContext, id: string): Promise<string> {
    const { tenant } = principalOf(ctx);
    await this.deps.dataSource.transaction(async (manager) => {
      const app = await this.find(manager, tenant.id, id);
      await manager.delete(Application, { id: app.id, tenantId: tenant.id });
      await this.deps.audit.record(manager, auditEntry(ctx, 'application.deleted', target(app)));
    });
    await this.deps.tenantsChanged([tenant.slug]);
    return id;
  }

  private async find(manager: EntityManager, tenantId: string, id: string): Promise<Application> {
    const app = await lockInTenant(manager, Application, tenantId, id);
    if (!app) throw ApplicationErrors.notFound();
    return app;
  }

  private async assertUnique(
    manager: EntityManager,
    tenantId: string,
    key: { clientId: string } | { entityId: string },
  ) {
    if (await manager.findOneBy(Application, { tenantId, ...key })) {
      throw ApplicationErrors.taken('clientId' in key ? 'clientId' : 'entityId');
    }
  }
}

const target = (app: Application) => ({ type: 'application', id: app.id });
