import type { DataSource } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import type { OidcModelStore } from '../oidc/oidc-adapter.js';
import type { ProviderCache } from '../oidc/provider-cache.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import {
  listSessions,
  revokeOneSession,
  revokeSessionsExcept,
  type SessionSummary,
} from './session-queries.js';
import { User } from './user.entity.js';
import { UsersErrors } from './users.errors.js';

interface SessionAuthorizations {
  authorizations?: Record<string, { sid?: string }>;
}

interface BackchannelClient {
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

export interface BlockContext {
  actor: Actor;
  ip?: string | null;
  userAgent?: string | null;
}

export interface RevokedSessions {
  /** Sessions, grants, codes and tokens deleted. */
  deleted: number;
  /** Relying parties told through back-channel logout. */
  notified: number;
}

/**
 * "Revoke all sessions" (ARCHITECTURE.md "Sessions"; SECURITY.md ★9): deletes the user's oidc-provider
 * Sessions, Grants, codes and tokens of the tenant, then sends back-channel logout to every relying
 * party that registered for it. Blocking a user does the same after the status change is committed.
 */
export class UserSessionsService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      oidcModels: OidcModelStore;
      providers: ProviderCache;
      audit: AuditLog;
      logger: Logger;
    },
  ) {}

  async revokeAll(tenant: Tenant, userId: string): Promise<RevokedSessions> {
    const { deleted, sessions } = await this.deps.oidcModels.revokeByAccountId(tenant.id, userId);
    const notified = await this.backchannelLogout(tenant, userId, sessions as SessionAuthorizations[]);
    return { deleted, notified };
  }

  /** The user's live sessions, oldest first. */
  list(tenant: Tenant, userId: string): Promise<SessionSummary[]> {
    return listSessions(this.deps.dataSource, tenant.id, userId);
  }

  /** Ends one session of the user (its grants and tokens too), with back-channel logout. */
  async revokeOne(tenant: Tenant, userId: string, sessionUid: string): Promise<RevokedSessions> {
    const { deleted, sessions } = await revokeOneSession(this.deps.dataSource, tenant.id, userId, sessionUid);
    const notified = await this.backchannelLogout(tenant, userId, sessions as SessionAuthorizations[]);
    return { deleted, notified };
  }

  /** Ends every session, grant and token of the user but the kept session, with back-channel logout. */
  async revokeAllExcept(tenant: Tenant, userId: string, keptSessionUid: string): Promise<RevokedSessions> {
    const { dataSource } = this.deps;
    const { deleted, sessions } = await revokeSessionsExcept(dataSource, tenant.id, userId, keptSessionUid);
    const notified = await this.backchannelLogout(tenant, userId, sessions as SessionAuthorizations[]);
    return { deleted, notified };
  }

  /**
   * Blocks sign-in, then — once that is committed — revokes everything the user holds. The one path for
   * every caller (GraphQL, CLI, tests), with the request's audit context.
   */
  async block(
    tenant: Tenant,
    userId: string,
    context: BlockContext,
  ): Promise<{ user: User; revoked: RevokedSessions }> {
    const user = await this.deps.dataSource.transaction(async (manager) => {
      const found = await manager
        .createQueryBuilder(User, 'u')
        .setLock('pessimistic_write')
        .where('u.id = :userId AND u.tenantId = :tenantId', { userId, tenantId: tenant.id })
        .getOne();
      if (!found) throw UsersErrors.userNotFound();
      found.status = 'blocked';
      await manager.save(found);
      await this.deps.audit.record(manager, {
        tenantId: tenant.id,
        actor: context.actor,
        action: 'user.blocked',
        target: { type: 'user', id: userId },
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
      });
      return found;
    });
    return { user, revoked: await this.revokeAll(tenant, userId) };
  }

  private async backchannelLogout(tenant: Tenant, userId: string, sessions: SessionAuthorizations[]) {
    const entry = await this.deps.providers.get(tenant.slug);
    if (!entry) return 0;
    let notified = 0;
    for (const session of sessions) {
      for (const [clientId, { sid }] of Object.entries(session.authorizations ?? {})) {
        const client = await entry.provider.Client.find(clientId);
        if (!client?.backchannelLogoutUri || !sid) continue;
        try {
          // oidc-provider signs the logout token with the tenant's keys and POSTs it (its typings omit this).
          await (client as unknown as BackchannelClient).backchannelLogout(userId, sid);
          notified += 1;
        } catch (error) {
          this.deps.logger.warn({ err: error, clientId, tenant: tenant.slug }, 'back-channel logout failed');
        }
      }
    }
    return notified;
  }
}
