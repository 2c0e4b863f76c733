import 'reflect-metadata';
import { Field, ID, InterfaceType } from 'type-graphql';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { Organization } from '../organizations/organization.entity.js';
import { User } from '../users/user.entity.js';

/**
 * The Relay Node interface. Ids are the rows' UUIDs, the same ids the OIDC `sub`, the audit log and
 * every other interface use; `node(id)` finds which type holds one within the principal's tenant.
 */
@InterfaceType('Node', {
  description: 'An object with an id, fetchable with `node(id)`.',
  resolveType: (value: unknown) => nodeTypeName(value),
})
export abstract class NodeType {
  @Field(() => ID) id!: string;
}

export function nodeTypeName(value: unknown): string | undefined {
  if (value instanceof User) return 'User';
  if (value instanceof Organization) return 'Organization';
  if (value instanceof AuditEvent) return 'AuditEvent';
  return undefined;
}
