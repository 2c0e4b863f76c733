import type { DataSource } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { SessionSummary } from '../users/session-queries.js';
import type { User } from '../users/user.entity.js';

/** Recent history in the export: enough to see what happened, bounded so a file stays small. */
export const EXPORTED_LOGIN_ATTEMPTS = 200;
export const EXPORTED_AUDIT_EVENTS = 1_000;

type Rows = Record<string, unknown>[];

/**
 * "Your data" (ARCHITECTURE.md "Hosted pages"): everything stored about one user of one tenant, as
 * sections of one JSON document. Secrets never leave: credentials appear as metadata only, sessions
 * without their ids (a session id is a bearer credential). Every query is scoped by tenant and user.
 */
export function accountDataSections(
  dataSource: DataSource,
  tenant: Tenant,
  user: User,
  sessions: () => Promise<SessionSummary[]>,
): [string, () => Promise<unknown>][] {
  const q = (sql: string, extra: unknown[] = []): Promise<Rows> =>
    dataSource.query(sql, [tenant.id, user.id, ...extra]);
  return [
    ['exportedAt', async () => new Date().toISOString()],
    ['tenant', async () => ({ slug: tenant.slug, name: tenant.name })],
    ['user', async () => userRecord(user)],
    [
      'credentials',
      () =>
        q(`SELECT id, type, name, created_at AS "createdAt", updated_at AS "updatedAt",
            last_used_at AS "lastUsedAt" FROM credentials
           WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at`),
    ],
    ['sessions', sessions],
    [
      'roles',
      () =>
        q(`SELECT r.name, r.scope, ur.created_at AS "grantedAt" FROM user_roles ur
           JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
           WHERE ur.tenant_id = $1 AND ur.user_id = $2 ORDER BY r.name`),
    ],
    [
      'memberships',
      () =>
        q(`SELECT o.slug AS organization, o.name AS "organizationName", m.created_at AS "createdAt",
            coalesce(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS roles
           FROM memberships m
           JOIN organizations o ON o.tenant_id = m.tenant_id AND o.id = m.organization_id
           LEFT JOIN membership_roles mr ON mr.tenant_id = m.tenant_id AND mr.membership_id = m.id
           LEFT JOIN roles r ON r.tenant_id = mr.tenant_id AND r.id = mr.role_id
           WHERE m.tenant_id = $1 AND m.user_id = $2
           GROUP BY o.slug, o.name, m.created_at ORDER BY o.slug`),
    ],
    [
      'identities',
      () =>
        q(`SELECT c.name AS connection, c.type, i.subject, i.profile, i.created_at AS "createdAt",
            i.last_login_at AS "lastLoginAt" FROM identities i
           JOIN connections c ON c.tenant_id = i.tenant_id AND c.id = i.connection_id
           WHERE i.tenant_id = $1 AND i.user_id = $2 ORDER BY i.created_at`),
    ],
    [
      'consentReceipts',
      () =>
        q(`SELECT p.key AS policy, p.version, p.kind, cr.decision, cr.source, cr.ip,
            cr.user_agent AS "userAgent", cr.created_at AS "createdAt" FROM consent_records cr
           JOIN consent_policies p ON p.tenant_id = cr.tenant_id AND p.id = cr.policy_id
           WHERE cr.tenant_id = $1 AND cr.user_id = $2 ORDER BY cr.created_at`),
    ],
    [
      'loginAttempts',
      () =>
        q(
          `SELECT created_at AS "createdAt", method, succeeded, reason, ip, identifier FROM login_attempts
           WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
          [EXPORTED_LOGIN_ATTEMPTS],
        ),
    ],
    [
      'auditEvents',
      () =>
        q(
          `SELECT created_at AS "createdAt", action, actor_type AS "actorType",
            CASE WHEN actor_type = 'user' AND actor_id = $2::text THEN 'you' ELSE actor_type END AS actor,
            target_type AS "targetType", ip, user_agent AS "userAgent", data FROM audit_events
           WHERE tenant_id = $1 AND (target_id = $2::text OR (actor_type = 'user' AND actor_id = $2::text))
           ORDER BY created_at DESC, id DESC LIMIT $3`,
          [EXPORTED_AUDIT_EVENTS],
        ),
    ],
  ];
}

function userRecord(user: User) {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    username: user.username,
    phone: user.phone,
    phoneVerified: user.phoneVerified,
    status: user.status,
    profile: user.profile,
    loginCount: user.loginCount,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
