import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { minutesOf, tenantLink } from '../messaging/message-links.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { unlessRateLimited } from '../tokens/unless-rate-limited.js';
import { User } from '../users/user.entity.js';
import type { UserSessionsService } from '../users/user-sessions.service.js';
import type { UsersService } from '../users/users.service.js';
import { CredentialsErrors } from './credentials.errors.js';
import type { CredentialsService } from './credentials.service.js';
import type { LockoutService } from './lockout.service.js';
import {
  checkForAccount,
  type NewPasswordPolicy,
  type NewPasswordProblem,
  sendPasswordChangedNotice,
} from './new-password-policy.js';

export const RESET_LINK_TTL_SECONDS = 30 * 60;
export const RESET_CODE_TTL_SECONDS = 10 * 60;

export interface ResetRequest {
  tenant: Tenant;
  identifier: string;
  locale: string;
  ip: string | null;
  userAgent: string | null;
}

export type ResetOutcome =
  | { ok: true }
  | { ok: false; problem: NewPasswordProblem | 'error.resetLinkInvalid' };

/**
 * "Forgot password" (SECURITY.md ★27–28): a mailed link, or a code texted to a verified phone. Asking
 * answers the same whether or not the account exists. Completing a reset spends the token, sets the
 * password (screened like any new one), ends every session and refresh token of the user, ends the lockout
 * (recovery works while locked), notifies the user — and does not sign them in: they sign in with the new
 * password, second factor included.
 */
export class PasswordResetService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      users: UsersService;
      credentials: CredentialsService;
      tokens: OneTimeTokensService;
      messaging: MessagingService;
      passwordPolicy: NewPasswordPolicy;
      lockouts: LockoutService;
      userSessions: UserSessionsService;
      audit: AuditLog;
      logger: Logger;
      publicUrl: string;
      /** Remembered devices stop skipping the second factor once the password was reset. */
      forgetDevices: (manager: EntityManager, tenantId: string, userId: string) => Promise<unknown>;
    },
  ) {}

  /** Mails a reset link to the account's address, if the identifier names an active account. */
  async requestLink(request: ResetRequest): Promise<void> {
    await this.quietly(request, (manager, user) =>
      this.mailLink(manager, request, user, { type: 'user', id: user.id }),
    );
  }

  /**
   * An administrator's "send a password reset" (admins never choose a user's password): the same mail,
   * audited with the administrator as actor. Rate limits apply (a 429 error).
   */
  async sendLinkFor(request: Omit<ResetRequest, 'identifier'> & { user: User; actor: Actor }): Promise<void> {
    if (!request.user.email) throw CredentialsErrors.noEmailForReset();
    await this.deps.dataSource.transaction((manager) =>
      this.mailLink(
        manager,
        { ...request, identifier: request.user.email ?? '' },
        request.user,
        request.actor,
      ),
    );
  }

  private async mailLink(manager: EntityManager, request: ResetRequest, user: User, actor: Actor) {
    if (!user.email) return;
    const { token, expiresAt } = await this.deps.tokens.issueLink(manager, {
      tenantId: request.tenant.id,
      userId: user.id,
      purpose: 'password_reset',
      ttlSeconds: RESET_LINK_TTL_SECONDS,
    });
    const link = tenantLink(this.deps.publicUrl, request.tenant.slug, 'reset-password', { token });
    await this.deps.messaging.send(manager, {
      tenant: request.tenant,
      channel: 'email',
      kind: 'password_reset',
      to: user.email,
      locale: request.locale,
      userId: user.id,
      variables: { link, expiresInMinutes: minutesOf(RESET_LINK_TTL_SECONDS) },
      expiresAt,
    });
    await this.audit(manager, request, user, 'password.reset_requested', { channel: 'email' }, actor);
  }

  /** Texts a reset code to the account's verified phone (recovery through a verified phone). */
  async requestSmsCode(request: ResetRequest & { flowId: string }): Promise<void> {
    await this.quietly(request, async (manager, user) => {
      if (!user.phone || !user.phoneVerified) return;
      const { code, expiresAt } = await this.deps.tokens.issueCode(manager, {
        tenantId: request.tenant.id,
        userId: user.id,
        purpose: 'password_reset',
        flowId: request.flowId,
        ttlSeconds: RESET_CODE_TTL_SECONDS,
      });
      await this.deps.messaging.send(manager, {
        tenant: request.tenant,
        channel: 'sms',
        kind: 'sms_otp',
        to: user.phone,
        locale: request.locale,
        userId: user.id,
        ip: request.ip,
        variables: { code, expiresInMinutes: minutesOf(RESET_CODE_TTL_SECONDS) },
        expiresAt,
      });
      await this.audit(manager, request, user, 'password.reset_requested', { channel: 'sms' });
    });
  }

  /**
   * A right SMS code is exchanged for a reset token (the same kind a mailed link carries), which the next
   * form posts with the new password; a wrong one counts like a wrong password.
   */
  async exchangeSmsCode(request: ResetRequest & { flowId: string; code: string }): Promise<string | null> {
    const { tenant } = request;
    const manager = this.deps.dataSource.manager;
    const user = await this.deps.users.findByLoginIdentifier(manager, tenant.id, request.identifier);
    if (user?.status !== 'active') return null;
    // No account lockout here: recovery must work while locked. A code allows five guesses and a user
    // five codes per quarter of an hour, which bounds the guessing.
    return this.deps.dataSource.transaction(async (tx) => {
      const check = await this.deps.tokens.checkCode(tx, {
        tenantId: tenant.id,
        userId: user.id,
        purpose: 'password_reset',
        flowId: request.flowId,
        code: request.code,
      });
      if (!check.ok) return null;
      const { token } = await this.deps.tokens.issueLink(tx, {
        tenantId: tenant.id,
        userId: user.id,
        purpose: 'password_reset',
        ttlSeconds: RESET_CODE_TTL_SECONDS,
      });
      return token;
    });
  }

  /** Whether a reset link is still good (the GET page shows the form only then). */
  async linkIsValid(tenant: Tenant, token: string): Promise<boolean> {
    return (
      (await this.deps.tokens.findLink(this.deps.dataSource.manager, tenant.id, 'password_reset', token)) !==
      null
    );
  }

  async complete(
    request: Omit<ResetRequest, 'identifier' | 'locale'> & {
      token: string;
      password: string;
      locale: string;
    },
  ): Promise<ResetOutcome> {
    const { tenant } = request;
    const _settings = resolveTenantSettings(tenant.settings);
    const outcome = await this.deps.dataSource.transaction(
      async (manager): Promise<ResetOutcome & { user?: User }> => {
        const found = await this.deps.tokens.findLink(manager, tenant.id, 'password_reset', request.token);
        const user = found?.userId
          ? await manager.findOneBy(User, { tenantId: tenant.id, id: found.userId })
          : null;
        if (!found || !user || user.status !== 'active')
          return { ok: false, problem: 'error.resetLinkInvalid' };
        const problem = checkForAccount(this.deps.passwordPolicy, request.password, tenant, user);
        if (problem) return { ok: false, problem };
        if (!(await this.deps.tokens.consumeLink(manager, tenant.id, 'password_reset', request.token)))
          return { ok: false, problem: 'error.resetLinkInvalid' };
        await this.deps.credentials.setPassword(manager, tenant, user.id, request.password);
        await this.deps.tokens.revokeAll(manager, tenant.id, user.id, [
          'password_reset',
          'magic_link',
          'email_otp',
          'sms_otp',
        ]);
        await this.deps.lockouts.reset(manager, tenant.id, user.id);
        await this.deps.forgetDevices(manager, tenant.id, user.id);
        await this.audit(manager, request, user, 'password.reset', {});
        await sendPasswordChangedNotice(this.deps.messaging, manager, {
          tenant,
          user,
          locale: request.locale,
        });
        return { ok: true, user };
      },
    );
    // After the commit: a reset ends every session and refresh token (SECURITY.md ★9).
    if (outcome.ok && outcome.user) await this.deps.userSessions.revokeAll(tenant, outcome.user.id);
    return outcome.ok ? { ok: true } : outcome;
  }

  private async quietly(
    request: ResetRequest,
    deliver: (manager: EntityManager, user: User) => Promise<void>,
  ) {
    if (request.tenant.status !== 'active') return;
    await unlessRateLimited(this.deps.logger, { tenantId: request.tenant.id, flow: 'password_reset' }, () =>
      this.deps.dataSource.transaction(async (manager) => {
        const user = await this.deps.users.findByLoginIdentifier(
          manager,
          request.tenant.id,
          request.identifier,
        );
        if (user?.status === 'active') await deliver(manager, user);
      }),
    );
  }

  private audit(
    manager: EntityManager,
    request: Pick<ResetRequest, 'tenant' | 'ip' | 'userAgent'>,
    user: User,
    action: string,
    data: Record<string, unknown>,
    actor: Actor = { type: 'user', id: user.id },
  ) {
    return this.deps.audit.record(manager, {
      tenantId: request.tenant.id,
      actor,
      action,
      target: { type: 'user', id: user.id },
      ip: request.ip,
      userAgent: request.userAgent,
      data,
    });
  }
}
