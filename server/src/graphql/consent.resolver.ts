import 'reflect-metadata';
import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { ConsentPolicy } from '../consent/consent.entity.js';
import { findReceipts, type Receipt, receiptsAsJsonLines } from '../consent/consent-receipts.js';
import {
  ConsentPolicyType,
  ConsentRecordConnection,
  ConsentRecordsExport,
  ConsentRecordsFilter,
  PublishConsentPolicyInput,
} from './consent.types.js';
import { changedBy, type GraphqlContext, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import type { Permission } from './principal.js';
import { type ConnectionOf, connectionOf, decodeAfter, encodeCursor, PageArgs, pageSizeOf } from './relay.js';

/** Receipts per export page: large enough for bulk export, small enough for one response. */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * Consent policies and receipts, for the tenant's administrators: reading needs `users:read`,
 * publishing a policy version `users:write` (policies govern what users agree to).
 */
@Resolver()
export class ConsentResolver {
  constructor(private readonly deps: GraphqlDeps) {}

  @Authorized<Permission>('users:read')
  @Query(() => [ConsentPolicyType], { description: 'The current version of every policy, by key.' })
  async consentPolicies(@Ctx() ctx: GraphqlContext): Promise<ConsentPolicy[]> {
    return this.deps.consent.currentPolicies(this.deps.dataSource.manager, principalOf(ctx).tenant.id);
  }

  @Authorized<Permission>('users:read')
  @Query(() => [ConsentPolicyType], { description: 'Every version of one policy, newest first.' })
  async consentPolicyVersions(
    @Arg('key', () => String) key: string,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConsentPolicy[]> {
    return this.deps.consent.versions(this.deps.dataSource.manager, principalOf(ctx).tenant.id, key);
  }

  @Authorized<Permission>('users:write')
  @Mutation(() => ConsentPolicyType, {
    description:
      'Publishes a new version of a policy (version 1 if the key is new). Users who granted an older ' +
      'version of a required policy are asked again at their next login.',
  })
  async publishConsentPolicy(
    @Arg('input', () => PublishConsentPolicyInput) input: PublishConsentPolicyInput,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConsentPolicy> {
    const principal = principalOf(ctx);
    const policy = await this.deps.dataSource.transaction((manager) =>
      this.deps.consent.publish(
        manager,
        principal.tenant.id,
        {
          key: input.key,
          kind: input.kind,
          required: input.required ?? undefined,
          title: input.title ?? undefined,
          url: input.url,
        },
        changedBy(ctx),
      ),
    );
    // Logins keep whether the tenant has policies at all with its provider (interactions domain).
    await this.deps.tenantsChanged([principal.tenant.slug]);
    return policy;
  }

  @Authorized<Permission>('users:read')
  @Query(() => ConsentRecordConnection, { description: 'Consent receipts of the tenant, newest first.' })
  async consentRecords(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ConsentRecordsFilter, { nullable: true }) filter: ConsentRecordsFilter | null,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConnectionOf<Receipt>> {
    const first = pageSizeOf(page);
    const rows = await findReceipts(
      this.deps.dataSource.manager,
      principalOf(ctx).tenant.id,
      filter ?? {},
      first + 1,
      decodeAfter('consentRecords', page.after),
    );
    return connectionOf(
      'consentRecords',
      rows.map((node) => ({ node, position: { micros: node.micros, id: node.id } })),
      first,
    );
  }

  @Authorized<Permission>('users:read')
  @Query(() => ConsentRecordsExport, {
    nullable: true,
    description: `Receipts as JSON Lines, ${EXPORT_PAGE_SIZE} per call, newest first; null when none match.`,
  })
  async exportConsentRecords(
    @Arg('filter', () => ConsentRecordsFilter, { nullable: true }) filter: ConsentRecordsFilter | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GraphqlContext,
  ): Promise<ConsentRecordsExport | null> {
    const rows = await findReceipts(
      this.deps.dataSource.manager,
      principalOf(ctx).tenant.id,
      filter ?? {},
      EXPORT_PAGE_SIZE + 1,
      decodeAfter('consentRecords', after),
    );
    if (rows.length === 0) return null;
    const page = rows.slice(0, EXPORT_PAGE_SIZE);
    const last = page[page.length - 1];
    return {
      contentType: 'application/jsonl',
      data: receiptsAsJsonLines(page),
      count: page.length,
      hasMore: rows.length > EXPORT_PAGE_SIZE,
      endCursor: last ? encodeCursor('consentRecords', { micros: last.micros, id: last.id }) : null,
    };
  }
}
