import { type AuthCheckerFn, getMetadataStorage } from 'type-graphql';
import { User } from '../users/user.entity.js';
import type { GraphqlContext } from './context.js';
import { GraphqlErrors } from './graphql.errors.js';
import type { Permission } from './principal.js';

/**
 * type-graphql's auth checker (SECURITY.md item 35): `@Authorized(p1, p2, …)` lets a principal through
 * when it holds any of the permissions. `self` holds for a user's own token: on a root field (`me`),
 * or on a field of the User that is that user (`me { organizations }`).
 */
export const authChecker: AuthCheckerFn<GraphqlContext, Permission> = ({ context, root }, required) => {
  const principal = context.principal;
  if (!principal) throw GraphqlErrors.unauthenticated();
  const granted = required.some((permission) => {
    if (permission !== 'self') return principal.permissions.has(permission);
    if (principal.kind !== 'user') return false;
    return root === undefined || (root instanceof User && root.id === principal.id);
  });
  if (!granted) throw GraphqlErrors.forbidden(required.join(' | '));
  return true;
};

/** A resolver class, whatever its constructor takes. */
export type ResolverClass = abstract new (...args: never) => unknown;

/**
 * Deny by default: every Query and Mutation field of these resolvers must declare `@Authorized(…)`,
 * or the server refuses to build its schema.
 */
export function assertEveryRootFieldAuthorized(resolvers: readonly ResolverClass[]): void {
  const storage = getMetadataStorage();
  const ours = new Set<unknown>(resolvers);
  const roots = [...storage.queries, ...storage.mutations].filter((r) => ours.has(r.target));
  const unguarded = roots.filter(
    (root) =>
      !storage.authorizedFields.some((a) => a.target === root.target && a.fieldName === root.methodName) &&
      !storage.authorizedResolver.some((a) => a.target === root.target),
  );
  if (unguarded.length > 0) {
    const names = unguarded.map((r) => `${r.target.name}.${r.methodName}`).join(', ');
    throw new Error(`GraphQL root fields without @Authorized: ${names}`);
  }
}
