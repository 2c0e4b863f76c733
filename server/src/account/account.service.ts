import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import type { CredentialsService } from '../credentials/credentials.service.js';
import {
  checkForAccount,
  type NewPasswordPolicy,
  type NewPasswordProblem,
  sendPasswordChangedNotice,
} from '../credentials/new-password-policy.js';
import type { PasswordLoginService } from '../credentials/password-login.service.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { ContactVerificationService } from '../users/contact-verification.service.js';
import { User } from '../users/user.entity.js';
import type { UserSessionsService } from '../users/user-sessions.service.js';
import { UsersErrors } from '../users/users.errors.js';
import { updateUserFields } from '../users/users.service.js';
import { AccountErrors } from './account.errors.js';
import { accountDataSections } from './data-export.js';

/** Who asks, from where: the signed-in user of a tenant, on the account pages or through `me`. */
export interface AccountRequest {
  tenant: Tenant;
  user: User;
  locale: string;
  ip: string | null;
  userAgent: string | null;
}

/** The profile attributes a user edits on the Profile page (and their standard claims). */
export const EDITABLE_PROFILE_FIELDS = ['givenName', 'familyName', 'nickname'] as const;
export type EditableProfileField = (typeof EDITABLE_PROFILE_FIELDS)[number];
export const MAX_PROFILE_VALUE_LENGTH = 200;

const PASSWORD_PROBLEMS: Record<NewPasswordProblem, ['too_short' | 'too_long' | 'too_common', string]> = {
  'error.passwordTooShort': ['too_short', 'The new password is too short.'],
  'error.passwordTooLong': ['too_long', 'The new password is too long.'],
  'error.passwordTooCommon': ['too_common', 'The new password is too common or too easy to guess.'],
};

/** Spaces, dashes, dots and parentheses people type in phone numbers; the rest must be E.164. */
export const normalizePhone = (phone: string): string => phone.replace(/[\s().-]/g, '');

/**
 * Self-service on one's own account (ARCHITECTURE.md "Hosted pages" → account pages), shared by the
 * account pages and the GraphQL `me` mutations: profile, email change (verified before it takes
 * effect), phone by SMS code, password change (the current one required; SECURITY.md item 6), sessions
 * and the data export. Every change is audited with the user as actor.
 */
export class AccountService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      passwordLogin: PasswordLoginService;
      passwordPolicy: NewPasswordPolicy;
      credentials: CredentialsService;
      messaging: MessagingService;
      contactVerification: ContactVerificationService;
      userSessions: UserSessionsService;
      audit: AuditLog;
    },
  ) {}

  async updateProfile(
    request: AccountRequest,
    values: Partial<Record<EditableProfileField, string>>,
  ): Promise<User> {
    const profile: Record<string, string | null> = {};
    for (const field of EDITABLE_PROFILE_FIELDS) {
      const value = values[field];
      if (value === undefined) continue;
      const trimmed = value.trim();
      if ([...trimmed].length > MAX_PROFILE_VALUE_LENGTH)
        throw AccountErrors.invalidProfileField(
          field,
          `must be at most ${MAX_PROFILE_VALUE_LENGTH} characters`,
        );
      profile[field] = trimmed === '' ? null : trimmed;
    }
    return this.deps.dataSource.transaction(async (manager) => {
      const user = await this.lockUser(manager, request);
      const fields = await updateUserFields(manager, user, { profile });
      if (fields.length > 0) await this.audit(manager, request, 'user.profile_updated', { fields });
      return user;
    });
  }

  requestEmailChange(request: AccountRequest, newEmail: string): Promise<void> {
    return this.deps.contactVerification.requestEmailChange(
      request,
      request.user,
      newEmail,
      actorOf(request),
    );
  }

  startPhoneVerification(request: AccountRequest, phone: string): Promise<void> {
    const normalized = normalizePhone(phone);
    return this.deps.contactVerification.startPhoneVerification(
      request,
      request.user,
      normalized,
      actorOf(request),
    );
  }

  async confirmPhone(request: AccountRequest, phone: string, code: string): Promise<void> {
    const ok = await this.deps.contactVerification.confirmPhone(
      request,
      request.user,
      normalizePhone(phone),
      code.trim(),
      actorOf(request),
    );
    if (!ok) throw AccountErrors.codeInvalid();
  }

  /**
   * The current password is checked like a login (a wrong one counts toward the lockout and the IP
   * throttle, and a locked account answers the same), the new one is screened, then set; every other
   * session and refresh token ends (`keepSessionUid`: the one the user is in, if any), and the user is
   * told by mail.
   */
  async changePassword(
    request: AccountRequest,
    passwords: { current: string; next: string },
    keepSessionUid: string | null,
  ): Promise<void> {
    const { tenant, user } = request;
    const identifier = user.email ?? user.username ?? '';
    const proof = await this.deps.passwordLogin.authenticate({
      tenant,
      identifier,
      password: passwords.current,
      ip: request.ip,
      userAgent: request.userAgent,
    });
    if (!proof.ok || proof.user.id !== user.id) throw AccountErrors.currentPasswordWrong();
    const problem = checkForAccount(this.deps.passwordPolicy, passwords.next, tenant, user);
    if (problem) throw AccountErrors.newPasswordRejected(...PASSWORD_PROBLEMS[problem]);
    await this.deps.dataSource.transaction(async (manager) => {
      await this.deps.credentials.setPassword(manager, tenant, user.id, passwords.next);
      await this.audit(manager, request, 'password.changed', { otherSessionsEnded: true });
      await sendPasswordChangedNotice(this.deps.messaging, manager, { tenant, user, locale: request.locale });
    });
    // After the commit, like a reset (SECURITY.md ★9), but the session the change was made in stays.
    if (keepSessionUid) await this.deps.userSessions.revokeAllExcept(tenant, user.id, keepSessionUid);
    else await this.deps.userSessions.revokeAll(tenant, user.id);
  }

  async signOutOtherSessions(request: AccountRequest, currentSessionUid: string): Promise<number> {
    await this.record(request, 'user.other_sessions_revoked', {});
    const sessions = await this.deps.userSessions.list(request.tenant, request.user.id);
    await this.deps.userSessions.revokeAllExcept(request.tenant, request.user.id, currentSessionUid);
    return sessions.filter((s) => s.uid !== currentSessionUid).length;
  }

  /** Ends one of the user's own sessions; an unknown uid (or another user's) changes nothing. */
  async revokeSession(request: AccountRequest, sessionUid: string, action = 'user.session_revoked') {
    await this.record(request, action, {});
    return this.deps.userSessions.revokeOne(request.tenant, request.user.id, sessionUid);
  }

  listSessions(request: AccountRequest) {
    return this.deps.userSessions.list(request.tenant, request.user.id);
  }

  /** The export's sections, after its audit event is committed (an export nobody can see happened is a leak). */
  async exportSections(request: AccountRequest) {
    await this.record(request, 'user.data_exported', {});
    return accountDataSections(this.deps.dataSource, request.tenant, request.user, () =>
      this.listSessions(request),
    );
  }

  private record(request: AccountRequest, action: string, data: Record<string, unknown>) {
    return this.deps.dataSource.transaction((manager) => this.audit(manager, request, action, data));
  }

  private audit(
    manager: EntityManager,
    request: AccountRequest,
    action: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.record(manager, {
      tenantId: request.tenant.id,
      actor: actorOf(request),
      action,
      target: { type: 'user', id: request.user.id },
      ip: request.ip,
      userAgent: request.userAgent,
      data,
    });
  }

  private async lockUser(manager: EntityManager, request: AccountRequest): Promise<User> {
    const user = await manager
      .createQueryBuilder(User, 'u')
      .setLock('pessimistic_write')
      .where('u.id = :id AND u.tenantId = :tenantId', { id: request.user.id, tenantId: request.tenant.id })
      .getOne();
    if (!user) throw UsersErrors.userNotFound();
    return user;
  }
}

const actorOf = (request: AccountRequest): Actor => ({ type: 'user', id: request.user.id });
