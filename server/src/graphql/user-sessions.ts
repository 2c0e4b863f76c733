import type { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import { User } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { auditEntry, type GraphqlContext } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { isUuid } from './loaders.js';
import type { RevokedSessionsPayload, SessionType } from './session.types.js';

interface SessionRow {
  account_id: string;
  uid: string | null;
  portico: { ip?: string; userAgent?: string; createdAt?: string; lastSeenAt?: string } | null;
}

const dateOf = (iso: string | undefined) => (iso ? new Date(iso) : null);

/**
 * The live oidc-provider Sessions (oidc_models rows of model `Session`) of users of the tenant, oldest
 * first, by user id: one query for a whole page of users.
 */
export async function sessionsOfUsers(
  manager: EntityManager,
  tenant: Tenant,
  userIds: readonly string[],
): Promise<Map<string, SessionType[]>> {
  const rows: SessionRow[] = await manager.query(
    `SELECT account_id, payload->>'uid' AS uid, payload->'portico' AS portico FROM oidc_models
      WHERE tenant_id = $1 AND model = 'Session' AND account_id = ANY($2::uuid[])
        AND (expires_at IS NULL OR expires_at > now())
      ORDER BY payload #>> '{portico,createdAt}' NULLS LAST, id`,
    [tenant.id, userIds.filter(isUuid)],
  );
  const byUser = new Map<string, SessionType[]>();
  for (const { account_id, uid, portico } of rows) {
    const list = byUser.get(account_id) ?? [];
    list.push({
      uid: uid ?? '',
      createdAt: dateOf(portico?.createdAt),
      lastSeenAt: dateOf(portico?.lastSeenAt),
      ip: portico?.ip ?? null,
      userAgent: portico?.userAgent ?? null,
    });
    byUser.set(account_id, list);
  }
  return byUser;
}

/** The user of the tenant, or NOT_FOUND (another tenant's id included). */
export async function userOfTenant(manager: EntityManager, tenant: Tenant, id: string): Promise<User> {
  const user = isUuid(id) ? await manager.findOneBy(User, { id, tenantId: tenant.id }) : null;
  if (!user) throw UsersErrors.userNotFound();
  return user;
}

/**
 * "Revoke all sessions" through the API: the audit event is committed with the check that the user is
 * the tenant's, then the sessions go (UserSessionsService works outside any transaction of ours, and
 * tells relying parties, which must not wait on a rolled-back change).
 */
export async function revokeSessions(
  deps: Pick<GraphqlDeps, 'dataSource' | 'audit' | 'userSessions'>,
  ctx: GraphqlContext,
  tenant: Tenant,
  userId: string,
  action: string,
): Promise<RevokedSessionsPayload> {
  await deps.dataSource.transaction(async (manager) => {
    const user = await userOfTenant(manager, tenant, userId);
    await deps.audit.record(manager, auditEntry(ctx, action, { type: 'user', id: user.id }));
  });
  return deps.userSessions.revokeAll(tenant, userId);
}
