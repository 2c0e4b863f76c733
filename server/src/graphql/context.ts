import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { AuditEntry, ChangedBy } from '../audit/audit.service.js';
import type { Logger } from '../shared/logger.js';
import { GraphqlErrors } from './graphql.errors.js';
import { Loaders } from './loaders.js';
import { actorOf, type Principal } from './principal.js';
import type { PrincipalResolver } from './principals.js';

/** Where a request came from, for the audit log. */
export interface RequestInfo {
  id: string;
  ip: string | null;
  userAgent: string | null;
}

/** What every resolver receives: the principal, its tenant's DataLoaders, the request. */
export interface GraphqlContext {
  principal: Principal | undefined;
  loaders: Loaders | undefined;
  request: RequestInfo;
  log: Logger;
}

const MAX_USER_AGENT = 512;

/** Builds each request's context: resolves the principal, then DataLoaders scoped to its tenant. */
export async function createContext(
  req: Request,
  principals: PrincipalResolver,
  dataSource: DataSource,
): Promise<GraphqlContext> {
  const principal = await principals.resolve(req.get('authorization'));
  return {
    principal,
    loaders: principal ? new Loaders(dataSource.manager, principal.tenant.id) : undefined,
    request: {
      id: String(req.id),
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, MAX_USER_AGENT) ?? null,
    },
    log: req.log,
  };
}

export function principalOf(ctx: GraphqlContext): Principal {
  if (!ctx.principal) throw GraphqlErrors.unauthenticated();
  return ctx.principal;
}

export function loadersOf(ctx: GraphqlContext): Loaders {
  if (!ctx.loaders) throw GraphqlErrors.unauthenticated();
  return ctx.loaders;
}

/** An audit entry of this request: actor from the principal, ip and user agent from the request. */
export function auditEntry(
  ctx: GraphqlContext,
  action: string,
  target?: AuditEntry['target'],
  data?: Record<string, unknown>,
): AuditEntry {
  const principal = principalOf(ctx);
  return {
    tenantId: principal.tenant.id,
    actor: actorOf(principal),
    action,
    target,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    data,
  };
}

/** The principal and request of this context, as domain services audit a change. */
export function changedBy(ctx: GraphqlContext): ChangedBy {
  return { actor: actorOf(principalOf(ctx)), ip: ctx.request.ip, userAgent: ctx.request.userAgent };
}
