import type { DataSource, EntityManager } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { minutesOf, tenantLink } from '../messaging/message-links.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { OneTimeTokensService } from '../tokens/one-time-tokens.service.js';
import { normalizeEmail, User } from './user.entity.js';
import { UsersErrors } from './users.errors.js';

export const VERIFICATION_LINK_TTL_SECONDS = 24 * 3600;
export const EMAIL_CHANGE_TTL_SECONDS = 3600;
export const PHONE_CODE_TTL_SECONDS = 600;

export interface RequestContext {
  tenant: Tenant;
  locale: string;
  ip: string | null;
  userAgent: string | null;
}

export type ConfirmedEmail = { ok: true; user: User; email: string } | { ok: false };

const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Proving a user's email address and phone number: the verification mail of sign-up, an email change
 * (the new address is verified before it takes effect, the old one is told), and a phone number verified
 * by an SMS code. Links open a page that confirms with a POST (mail scanners fetch links).
 */
export class ContactVerificationService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      tokens: OneTimeTokensService;
      messaging: MessagingService;
      audit: AuditLog;
      publicUrl: string;
    },
  ) {}

  /** In the caller's transaction (sign-up writes the user and this mail together). */
  async sendEmailVerification(manager: EntityManager, context: RequestContext, user: User): Promise<void> {
    if (!user.email || user.emailVerified) return;
    const { token } = await this.deps.tokens.issueLink(manager, {
      tenantId: context.tenant.id,
      userId: user.id,
      purpose: 'email_verification',
      ttlSeconds: VERIFICATION_LINK_TTL_SECONDS,
      data: { email: normalizeEmail(user.email) },
    });
    const link = tenantLink(this.deps.publicUrl, context.tenant.slug, 'verify-email', { token });
    await this.deps.messaging.send(manager, {
      tenant: context.tenant,
      channel: 'email',
      kind: 'email_verification',
      to: user.email,
      locale: context.locale,
      userId: user.id,
      variables: { link, expiresInMinutes: minutesOf(VERIFICATION_LINK_TTL_SECONDS) },
    });
  }

  /** The POST of the verification page: the address is verified if it is still the user's. */
  async confirmEmail(context: RequestContext, token: string): Promise<ConfirmedEmail> {
    return this.deps.dataSource.transaction(async (manager) => {
      const row = await this.deps.tokens.consumeLink(manager, context.tenant.id, 'email_verification', token);
      const user = row?.userId
        ? await manager.findOneBy(User, { tenantId: context.tenant.id, id: row.userId })
        : null;
      if (!row || !user?.email || normalizeEmail(user.email) !== row.data.email) return { ok: false };
      await manager.update(User, { id: user.id }, { emailVerified: true });
      await this.record(manager, context, { type: 'user', id: user.id }, user, 'user.email_verified', {});
      return { ok: true, user, email: user.email };
    });
  }

  /**
   * Starts an email change: mails a link to the new address. An address already taken gets no mail and
   * the same answer (who has an account is not revealed).
   */
  async requestEmailChange(
    context: RequestContext,
    user: User,
    newEmail: string,
    actor: Actor,
  ): Promise<void> {
    const email = newEmail.trim();
    if (!EMAIL_PATTERN.test(email) || email.length > 320) throw UsersErrors.invalidEmail();
    await this.deps.dataSource.transaction(async (manager) => {
      const taken = await manager.findOneBy(User, {
        tenantId: context.tenant.id,
        emailNormalized: normalizeEmail(email),
      });
      await this.record(manager, context, actor, user, 'user.email_change_requested', {
        taken: taken !== null,
      });
      if (taken) return;
      const { token } = await this.deps.tokens.issueLink(manager, {
        tenantId: context.tenant.id,
        userId: user.id,
        purpose: 'email_change',
        ttlSeconds: EMAIL_CHANGE_TTL_SECONDS,
        data: { newEmail: email },
      });
      const link = tenantLink(this.deps.publicUrl, context.tenant.slug, 'verify-email', {
        token,
        change: '1',
      });
      await this.deps.messaging.send(manager, {
        tenant: context.tenant,
        channel: 'email',
        kind: 'email_change_verification',
        to: email,
        locale: context.locale,
        userId: user.id,
        variables: { link, expiresInMinutes: minutesOf(EMAIL_CHANGE_TTL_SECONDS), newEmail: email },
      });
    });
  }

  /** Applies an email change from its link; the old address is told (SECURITY.md item 6). */
  async confirmEmailChange(context: RequestContext, token: string): Promise<ConfirmedEmail> {
    return this.deps.dataSource.transaction(async (manager) => {
      const row = await this.deps.tokens.consumeLink(manager, context.tenant.id, 'email_change', token);
      const user = row?.userId
        ? await manager.findOneBy(User, { tenantId: context.tenant.id, id: row.userId })
        : null;
      const newEmail = typeof row?.data.newEmail === 'string' ? row.data.newEmail : null;
      if (!user || !newEmail) return { ok: false };
      const taken = await manager.findOneBy(User, {
        tenantId: context.tenant.id,
        emailNormalized: normalizeEmail(newEmail),
      });
      if (taken) return { ok: false };
      const oldEmail = user.email;
      await manager.update(User, { id: user.id }, { email: newEmail, emailVerified: true });
      await this.record(manager, context, { type: 'user', id: user.id }, user, 'user.email_changed', {});
      if (oldEmail) {
        await this.deps.messaging.send(manager, {
          tenant: context.tenant,
          channel: 'email',
          kind: 'email_changed_notice',
          to: oldEmail,
          locale: context.locale,
          userId: user.id,
          variables: { oldEmail, newEmail },
        });
      }
      return { ok: true, user, email: newEmail };
    });
  }

  /** Texts a code to a number the user wants to add; the number is stored once the code comes back. */
  async startPhoneVerification(
    context: RequestContext,
    user: User,
    phone: string,
    actor: Actor,
  ): Promise<void> {
    if (!E164_PATTERN.test(phone)) throw UsersErrors.invalidPhone();
    await this.deps.dataSource.transaction(async (manager) => {
      const { code, expiresAt } = await this.deps.tokens.issueCode(manager, {
        tenantId: context.tenant.id,
        userId: user.id,
        purpose: 'phone_verification',
        flowId: `phone:${phone}`,
        ttlSeconds: PHONE_CODE_TTL_SECONDS,
      });
      await this.deps.messaging.send(manager, {
        tenant: context.tenant,
        channel: 'sms',
        kind: 'phone_verification',
        to: phone,
        locale: context.locale,
        userId: user.id,
        ip: context.ip,
        variables: { code, expiresInMinutes: minutesOf(PHONE_CODE_TTL_SECONDS) },
        expiresAt,
      });
      await this.record(manager, context, actor, user, 'user.phone_verification_started', {});
    });
  }

  async confirmPhone(
    context: RequestContext,
    user: User,
    phone: string,
    code: string,
    actor: Actor,
  ): Promise<boolean> {
    return this.deps.dataSource.transaction(async (manager) => {
      const check = await this.deps.tokens.checkCode(manager, {
        tenantId: context.tenant.id,
        userId: user.id,
        purpose: 'phone_verification',
        flowId: `phone:${phone}`,
        code,
      });
      if (!check.ok) return false;
      // A verified number belongs to one account of the tenant (unique index): the newest proof wins.
      await manager.query(
        'UPDATE users SET phone = NULL, phone_verified = false WHERE tenant_id = $1 AND phone = $2 AND phone_verified AND id <> $3',
        [context.tenant.id, phone, user.id],
      );
      await manager.update(User, { id: user.id }, { phone, phoneVerified: true });
      await this.record(manager, context, actor, user, 'user.phone_verified', {});
      return true;
    });
  }

  private record(
    manager: EntityManager,
    context: RequestContext,
    actor: Actor,
    user: User,
    action: string,
    data: Record<string, unknown>,
  ) {
    return this.deps.audit.record(manager, {
      tenantId: context.tenant.id,
      actor,
      action,
      target: { type: 'user', id: user.id },
      ip: context.ip,
      userAgent: context.userAgent,
      data,
    });
  }
}
