import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Application } from '../applications/application.entity.js';
import {
  ApplicationConnection,
  ApplicationSecretPayload,
  ApplicationType,
  applicationNode,
  CreateApplicationInput,
  UpdateApplicationInput,
} from './application.types.js';
import { ApplicationAdmin } from './application-admin.js';
import { type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { isUuid } from './loaders.js';
import type { Permission } from './principal.js';
import {
  type ConnectionOf,
  connectionOf,
  decodeAfter,
  microsOf,
  PageArgs,
  pageSizeOf,
  sqlTimestamp,
} from './relay.js';

/** The tenant's applications (OIDC clients and SAML service providers). */
@Resolver(() => ApplicationType)
export class ApplicationsResolver {
  private readonly admin: ApplicationAdmin;

  constructor(private readonly deps: GraphqlDeps) {
    this.admin = new ApplicationAdmin(deps);
  }

  @Authorized<Permission>('apps:read')
  @Query(() => ApplicationConnection, { description: "The tenant's applications, oldest first." })
  async applications(
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<ApplicationType>> {
    const { tenant } = principalOf(ctx);
    const after = decodeAfter('applications', page.after);
    const first = pageSizeOf(page);
    const query = this.deps.dataSource.manager
      .createQueryBuilder(Application, 'a')
      .where('a.tenant_id = :tenantId', { tenantId: tenant.id })
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .take(first + 1);
    if (after) {
      query.andWhere(`(a.created_at, a.id) > (${sqlTimestamp(':micros')}, :afterId::uuid)`, {
        micros: after.micros.toString(),
        afterId: after.id,
      });
    }
    const rows = (await query.getMany()).map((app) => ({
      node: applicationNode(app),
      position: { micros: microsOf(app.createdAt), id: app.id },
    }));
    return connectionOf('applications', rows, first);
  }

  @Authorized<Permission>('apps:read')
  @Query(() => ApplicationType, { nullable: true, description: 'An application of the tenant, or null.' })
  async application(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ApplicationType | null> {
    if (!isUuid(id)) return null;
    const app = await this.deps.dataSource.manager.findOneBy(Application, {
      id,
      tenantId: principalOf(ctx).tenant.id,
    });
    return app ? applicationNode(app) : null;
  }

  @Authorized<Permission>('apps:write')
  @Mutation(() => ApplicationSecretPayload, {
    description: 'Creates an application; a client secret is shown only here.',
  })
  async createApplication(
    @Arg('input', () => CreateApplicationInput) input: CreateApplicationInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ApplicationSecretPayload> {
    const { application, clientSecret } = await this.admin.create(ctx, input);
    return { application: applicationNode(application), clientSecret };
  }

  @Authorized<Permission>('apps:write')
  @Mutation(() => ApplicationType)
  async updateApplication(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateApplicationInput) input: UpdateApplicationInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ApplicationType> {
    return applicationNode(await this.admin.update(ctx, id, input));
  }

  @Authorized<Permission>('apps:write')
  @Mutation(() => ApplicationSecretPayload, {
    description: 'Replaces the client secret at once; the new one is shown only here.',
  })
  async rotateApplicationSecret(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ApplicationSecretPayload> {
    const { application, clientSecret } = await this.admin.rotateSecret(ctx, id);
    return { application: applicationNode(application), clientSecret };
  }

  @Authorized<Permission>('apps:write')
  @Mutation(() => ID, { description: 'Deletes the application; returns its id.' })
  async deleteApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphqlContext): Promise<string> {
    return this.admin.delete(ctx, id);
  }
}
