import type { DataSource, EntityManager } from 'typeorm';
import type { AuditLog } from '../audit/audit.service.js';
import { minutesOf, tenantLink } from '../messaging/message-links.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { unlessRateLimited } from '../tokens/unless-rate-limited.js';
import { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import type { IpThrottle } from './ip-throttle.js';
import type { LockoutService } from './lockout.service.js';

/** The ways to sign in without a password, each a tenant setting under `passwordless`. */
export type PasswordlessMethod = 'email_otp' | 'sms_otp' | 'magic_link';

export interface CodeRequest {
  tenant: Tenant;
  identifier: string;
  /** The login flow (interaction uid) the code or link is bound to. */
  flowId: string;
  locale: string;
  ip: string | null;
}

export interface CodeAttempt {
  tenant: Tenant;
  identifier: string;
  flowId: string;
  code: string;
  ip: string | null;
  userAgent: string | null;
}

export type PasswordlessResult = { ok: true; user: User; method: 'email_otp' | 'sms_otp' } | { ok: false };

/** Codes live 10 minutes (SECURITY.md item 25); links 15. */
export const CODE_TTL_SECONDS = 600;
export const MAGIC_LINK_TTL_SECONDS = 900;

/**
 * Email and SMS one-time codes and magic links as a first factor. Sending answers the same whether or not
 * the account exists (SECURITY.md item 3): the caller always shows "we sent a code if…". Checking a code
 * goes through the account lockout and the per-IP throttle like a password (item 1), codes are bound to
 * the login flow, and a magic link only completes the flow it was asked from (same browser).
 */
export class PasswordlessLoginService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      users: UsersService;
      tokens: OneTimeTokensService;
      messaging: MessagingService;
      lockouts: LockoutService;
      ipThrottle: IpThrottle;
      audit: AuditLog;
      logger: Logger;
      publicUrl: string;
    },
  ) {}

  enabled(tenant: Tenant, method: PasswordlessMethod): boolean {
    const { passwordless } = resolveTenantSettings(tenant.settings);
    return {
      email_otp: passwordless.emailOtp,
      sms_otp: passwordless.smsOtp,
      magic_link: passwordless.magicLink,
    }[method];
  }

  sendEmailCode(request: CodeRequest): Promise<void> {
    return this.send(request, 'email_otp', (manager, user) =>
      this.deliverCode(manager, 'email_otp', request, user, user.email),
    );
  }

  sendSmsCode(request: CodeRequest): Promise<void> {
    return this.send(request, 'sms_otp', (manager, user) =>
      this.deliverCode(manager, 'sms_otp', request, user, user.phoneVerified ? user.phone : null),
    );
  }

  sendMagicLink(request: CodeRequest): Promise<void> {
    return this.send(request, 'magic_link', async (manager, user) => {
      if (!user.email) return;
      const { token, expiresAt } = await this.deps.tokens.issueLink(manager, {
        ...this.issueBase(request, user, 'magic_link'),
        ttlSeconds: MAGIC_LINK_TTL_SECONDS,
        data: { flowId: request.flowId },
      });
      const link = tenantLink(
        this.deps.publicUrl,
        request.tenant.slug,
        `interaction/${request.flowId}/magic-link`,
        {
          token,
        },
      );
      await this.deps.messaging.send(manager, {
        ...this.messageBase(request, user),
        channel: 'email',
        kind: 'magic_link',
        to: user.email,
        variables: { link, expiresInMinutes: minutesOf(MAGIC_LINK_TTL_SECONDS) },
        expiresAt,
      });
    });
  }

  /**
   * An email or SMS code as a second factor, for a user already known from the first one: sent to
   * their verified address or number (ARCHITECTURE.md: email and SMS OTP as second factors).
   */
  async sendFactorCode(
    method: 'email_otp' | 'sms_otp',
    request: Omit<CodeRequest, 'identifier'> & { user: User },
  ): Promise<void> {
    const { user } = request;
    const to =
      method === 'email_otp'
        ? user.emailVerified
          ? user.email
          : null
        : user.phoneVerified
          ? user.phone
          : null;
    await unlessRateLimited(this.deps.logger, { tenantId: request.tenant.id, method }, () =>
      this.deps.dataSource.transaction((manager) => this.deliverCode(manager, method, request, user, to)),
    );
  }

  /** Checks a second-factor code; failures count into the account lockout like any other factor. */
  async checkFactorCode(
    method: 'email_otp' | 'sms_otp',
    attempt: Omit<CodeAttempt, 'identifier'> & { user: User },
  ): Promise<boolean> {
    const { tenant, user } = attempt;
    const manager = this.deps.dataSource.manager;
    const { lockout } = resolveTenantSettings(tenant.settings);
    const admission = await this.deps.lockouts.beginAttempt(manager, tenant.id, user.id, lockout);
    const check = admission.admitted
      ? await this.deps.dataSource.transaction((tx) =>
          this.deps.tokens.checkCode(tx, {
            tenantId: tenant.id,
            userId: user.id,
            purpose: method,
            flowId: attempt.flowId,
            code: attempt.code,
          }),
        )
      : { ok: false as const };
    const base = { ...attempt, identifier: user.email ?? '' };
    await recordAttempt(manager, base, user.id, method, check.ok);
    if (!check.ok) {
      await this.deps.ipThrottle.recordFailure(tenant.id, attempt.ip);
      return false;
    }
    await this.deps.lockouts.reset(manager, tenant.id, user.id);
    return true;
  }

  /** A code typed on the code page of the flow it was sent for. */
  async checkCode(method: 'email_otp' | 'sms_otp', attempt: CodeAttempt): Promise<PasswordlessResult> {
    const { tenant, ip } = attempt;
    if (await this.deps.ipThrottle.isBlocked(tenant.id, ip)) return { ok: false };
    const manager = this.deps.dataSource.manager;
    const user = await this.deps.users.findByLoginIdentifier(manager, tenant.id, attempt.identifier);
    if (user?.status !== 'active' || tenant.status !== 'active') return this.fail(attempt, user, method);
    const { lockout } = resolveTenantSettings(tenant.settings);
    const admission = await this.deps.lockouts.beginAttempt(manager, tenant.id, user.id, lockout);
    if (!admission.admitted) return this.fail(attempt, user, method);
    const check = await this.deps.dataSource.transaction((tx) =>
      this.deps.tokens.checkCode(tx, {
        tenantId: tenant.id,
        userId: user.id,
        purpose: method,
        flowId: attempt.flowId,
        code: attempt.code,
      }),
    );
    if (!check.ok) return this.fail(attempt, user, method);
    return this.succeed(attempt, user, method);
  }

  /** The POST of the magic-link page: spends the link if it belongs to this flow. */
  async consumeMagicLink(attempt: Omit<CodeAttempt, 'code' | 'identifier'> & { token: string }) {
    const { tenant } = attempt;
    const token = await this.deps.dataSource.transaction(async (manager) => {
      const found = await this.deps.tokens.findLink(manager, tenant.id, 'magic_link', attempt.token);
      if (!found || found.data.flowId !== attempt.flowId) return null;
      return this.deps.tokens.consumeLink(manager, tenant.id, 'magic_link', attempt.token);
    });
    const user = token?.userId
      ? await this.deps.dataSource.manager.findOneBy(User, { tenantId: tenant.id, id: token.userId })
      : null;
    const base = { ...attempt, identifier: user?.email ?? '', code: '' };
    if (user?.status !== 'active') return this.fail(base, user, 'magic_link');
    return this.succeed(base, user, 'magic_link');
  }

  private async send(
    request: CodeRequest,
    method: PasswordlessMethod,
    deliver: (manager: EntityManager, user: User) => Promise<void>,
  ): Promise<void> {
    if (!this.enabled(request.tenant, method) || request.tenant.status !== 'active') return;
    await unlessRateLimited(this.deps.logger, { tenantId: request.tenant.id, method }, () =>
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

  /** A code of `method` for the flow, mailed or texted to `to` (nothing when there is no address). */
  private async deliverCode(
    manager: EntityManager,
    method: 'email_otp' | 'sms_otp',
    request: Omit<CodeRequest, 'identifier'>,
    user: User,
    to: string | null,
  ): Promise<void> {
    if (!to) return;
    const { code, expiresAt } = await this.deps.tokens.issueCode(manager, {
      ...this.issueBase(request, user, method),
      ttlSeconds: CODE_TTL_SECONDS,
    });
    await this.deps.messaging.send(manager, {
      ...this.messageBase(request, user),
      channel: method === 'email_otp' ? 'email' : 'sms',
      kind: method,
      to,
      variables: { code, expiresInMinutes: minutesOf(CODE_TTL_SECONDS) },
      expiresAt,
    });
  }

  private issueBase(request: Omit<CodeRequest, 'identifier'>, user: User, purpose: PasswordlessMethod) {
    return { tenantId: request.tenant.id, userId: user.id, purpose, flowId: request.flowId };
  }

  private messageBase(request: Omit<CodeRequest, 'identifier'>, user: User) {
    return { tenant: request.tenant, locale: request.locale, userId: user.id, ip: request.ip };
  }

  private async fail(
    attempt: CodeAttempt,
    user: User | null,
    method: PasswordlessMethod,
  ): Promise<PasswordlessResult> {
    await this.deps.ipThrottle.recordFailure(attempt.tenant.id, attempt.ip);
    await recordAttempt(this.deps.dataSource.manager, attempt, user?.id ?? null, method, false);
    return { ok: false };
  }

  private async succeed(
    attempt: CodeAttempt,
    user: User,
    method: PasswordlessMethod,
  ): Promise<PasswordlessResult> {
    await this.deps.dataSource.transaction(async (manager) => {
      await this.deps.lockouts.reset(manager, attempt.tenant.id, user.id);
      await manager.query(
        'UPDATE users SET login_count = login_count + 1, last_login_at = now() WHERE tenant_id = $1 AND id = $2',
        [user.tenantId, user.id],
      );
      // Receiving the code proves the address or number.
      if (method === 'sms_otp')
        await manager.query('UPDATE users SET phone_verified = true WHERE id = $1', [user.id]);
      else await manager.query('UPDATE users SET email_verified = true WHERE id = $1', [user.id]);
      await recordAttempt(manager, attempt, user.id, method, true);
      await this.deps.audit.record(manager, {
        tenantId: attempt.tenant.id,
        actor: { type: 'user', id: user.id },
        action: 'user.signed_in',
        target: { type: 'user', id: user.id },
        ip: attempt.ip,
        userAgent: attempt.userAgent,
        data: { method },
      });
    });
    // A magic link proves the mailbox as an emailed code does.
    return { ok: true, user, method: method === 'sms_otp' ? 'sms_otp' : 'email_otp' };
  }
}

async function recordAttempt(
  manager: EntityManager,
  attempt: CodeAttempt,
  userId: string | null,
  method: PasswordlessMethod,
  succeeded: boolean,
) {
  await manager.query(
    `INSERT INTO login_attempts (tenant_id, user_id, identifier, ip, method, succeeded, reason)
     VALUES ($1, $2, lower($3), $4, $5, $6, $7)`,
    [
      attempt.tenant.id,
      userId,
      attempt.identifier.trim().slice(0, 320),
      attempt.ip,
      method,
      succeeded,
      succeeded ? null : 'wrong_code',
    ],
  );
}
