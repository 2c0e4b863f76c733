import { type EntityManager, QueryFailedError } from 'typeorm';
import { validateProfileValues } from '../profiles/profile-values.js';
import { ProfilesErrors } from '../profiles/profiles.errors.js';
import { AppError } from '../shared/errors.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { User, type UserStatus } from '../users/user.entity.js';
import { UsersErrors } from '../users/users.errors.js';
import { type UserChanges, updateUserFields } from '../users/users.service.js';
import { auditEntry, type GraphqlContext, loadersOf, principalOf } from './context.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { GraphqlErrors } from './graphql.errors.js';
import { isUuid, lockInTenant } from './loaders.js';
import type { CreateUserInput } from './user.types.js';

/**
 * The user mutations of the GraphQL API (ARCHITECTURE.md "Request flows" → Admin): each change and its
 * audit event in one transaction, through the users domain; always within the principal's tenant.
 */
export class UserAdmin {
  constructor(
    private readonly deps: Pick<
      GraphqlDeps,
      'dataSource' | 'users' | 'audit' | 'userSessions' | 'passwordReset' | 'consent' | 'profileFields'
    >,
  ) {}

  async create(ctx: GraphqlContext, input: CreateUserInput): Promise<User> {
    const { tenant } = principalOf(ctx);
    return this.transaction(async (manager) => {
      const user = await this.deps.users.create(manager, tenant, {
        email: input.email,
        emailVerified: input.emailVerified ?? undefined,
        phone: input.phone ?? undefined,
        username: input.username ?? undefined,
        profile: input.profile ?? undefined,
      });
      await this.deps.audit.record(manager, auditEntry(ctx, 'user.created', userTarget(user.id)));
      return user;
    });
  }

  async update(
    ctx: GraphqlContext,
    id: string,
    changes: UserChanges,
    action = 'user.updated',
  ): Promise<User> {
    return this.transaction(async (manager) => {
      const user = await this.lockUser(manager, ctx, id);
      if (changes.profile) await this.checkProfileFields(manager, user.tenantId, changes.profile);
      const fields = await updateUserFields(manager, user, withoutNullish(changes));
      await this.deps.audit.record(manager, auditEntry(ctx, action, userTarget(user.id), { fields }));
      return user;
    });
  }

  /**
   * Values of the tenant's profile fields (issue 5 §4) obey their definitions through the API too; other
   * profile attributes are free-form. A null removes a value, whatever the field.
   */
  private async checkProfileFields(
    manager: EntityManager,
    tenantId: string,
    profile: Record<string, unknown>,
  ): Promise<void> {
    const defined = (await this.deps.profileFields.list(manager, tenantId)).filter(
      (field) => Object.hasOwn(profile, field.key) && profile[field.key] !== null,
    );
    if (defined.length === 0) return;
    const values = Object.fromEntries(defined.map((field) => [field.key, profile[field.key]]));
    const { errors } = validateProfileValues(defined, values);
    if (errors.length > 0) throw ProfilesErrors.invalidValues(errors);
  }

  /** Blocking also revokes the user's sessions, grants and tokens once the change is committed (SECURITY.md ★9). */
  async setStatus(ctx: GraphqlContext, id: string, status: UserStatus): Promise<User> {
    const { tenant } = principalOf(ctx);
    if (status === 'blocked') {
      if (!isUuid(id)) throw UsersErrors.userNotFound();
      const { actor, ip, userAgent } = auditEntry(ctx, 'user.blocked');
      return (await this.deps.userSessions.block(tenant, id, { actor, ip, userAgent })).user;
    }
    return this.transaction(async (manager) => {
      const locked = await this.lockUser(manager, ctx, id);
      locked.status = status;
      await manager.save(locked);
      await this.deps.audit.record(manager, auditEntry(ctx, 'user.unblocked', userTarget(locked.id)));
      return locked;
    });
  }

  /** The reset mail, in the tenant's default locale, audited with the principal as actor. */
  async sendPasswordReset(ctx: GraphqlContext, id: string): Promise<User> {
    const { tenant } = principalOf(ctx);
    const user = await loadersOf(ctx).userById.load(id);
    if (!user) throw UsersErrors.userNotFound();
    if (user.status !== 'active') throw UsersErrors.userBlocked();
    const { actor, ip, userAgent } = auditEntry(ctx, 'password.reset_requested');
    const locale = resolveTenantSettings(tenant.settings).locales.default;
    await this.deps.passwordReset.sendLinkFor({
      tenant,
      user,
      actor,
      ip: ip ?? null,
      userAgent: userAgent ?? null,
      locale,
    });
    return user;
  }

  /**
   * Deletes the user (credentials, identities, memberships and tokens cascade; audit events and
   * consent receipts stay, the receipts scrubbed of ip and user agent in the same transaction).
   * Sessions are revoked first, while they can still be found, so relying parties hear of it.
   */
  async delete(ctx: GraphqlContext, id: string): Promise<string> {
    const { tenant } = principalOf(ctx);
    if (!isUuid(id) || !(await this.deps.dataSource.manager.existsBy(User, { id, tenantId: tenant.id }))) {
      throw UsersErrors.userNotFound();
    }
    await this.deps.userSessions.revokeAll(tenant, id);
    return this.transaction(async (manager) => {
      const user = await this.lockUser(manager, ctx, id);
      await manager.delete(User, { id: user.id, tenantId: tenant.id });
      await this.deps.consent.scrubUser(manager, tenant.id, user.id);
      await this.deps.audit.record(manager, auditEntry(ctx, 'user.deleted', userTarget(user.id)));
      return user.id;
    });
  }

  private async lockUser(manager: EntityManager, ctx: GraphqlContext, id: string): Promise<User> {
    const { tenant } = principalOf(ctx);
    const user = await lockInTenant(manager, User, tenant.id, id);
    if (!user) throw UsersErrors.userNotFound();
    return user;
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.deps.dataSource.transaction(work);
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }
}

const userTarget = (id: string) => ({ type: 'user', id });

/** GraphQL gives null for an omitted nullable field; only `phone` and `username` may be cleared. */
function withoutNullish(changes: UserChanges): UserChanges {
  const out: UserChanges = {};
  for (const [key, value] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
    if (value === undefined) continue;
    if (value === null && key !== 'phone' && key !== 'username') continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** A unique index that a concurrent request won: the same conflict the checks before it would give. */
function uniqueViolation(error: unknown): AppError | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as
    | { code?: string; constraint?: string; message?: string }
    | undefined;
  if (driverError?.code !== '23505') return undefined;
  const where = `${driverError.constraint ?? ''} ${driverError.message ?? ''}`;
  if (where.includes('users_email_uq')) return UsersErrors.emailTaken();
  if (where.includes('users_username_uq')) return GraphqlErrors.usernameTaken();
  if (where.includes('users_phone_verified_uq')) {
    return new AppError('phone_taken', 409, 'Another user of this tenant has verified this phone number.');
  }
  return new AppError('conflict', 409, 'The change conflicts with existing data.', { cause: error });
}
