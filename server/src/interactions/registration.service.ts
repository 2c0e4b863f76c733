import type { DataSource } from 'typeorm';
import { type AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import type { PasswordHasher } from '../credentials/password-hasher.js';
import { passwordHashPolicyOf } from '../credentials/password-policy.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { UsersService } from '../users/users.service.js';

export interface RegistrationInput {
  email: string;
  password: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export interface RegistrationOutcome {
  email: string;
  /** A problem with the input itself (shown on the form); never "this email is taken". */
  error?: ErrorMessageKey;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Self-service sign-up. An address that already has an account gets the very same answer as a new one
 * (and, with the messaging issue, a mail to its owner instead), after the same hashing work, so the form
 * cannot be used to find out who has an account (ARCHITECTURE.md "Hosted pages"; SECURITY.md item 3).
 */
export class RegistrationService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      users: UsersService;
      hasher: PasswordHasher;
      audit: AuditLog;
    },
  ) {}

  async register(tenant: Tenant, input: RegistrationInput): Promise<RegistrationOutcome> {
    const email = input.email.trim();
    const settings = resolveTenantSettings(tenant.settings);
    if (!EMAIL_PATTERN.test(email) || email.length > 320) return { email, error: 'error.emailInvalid' };
    if ([...input.password].length < settings.passwords.minLength)
      return { email, error: 'error.passwordTooShort' };
    return this.deps.dataSource.transaction(async (manager) => {
      const existing = await this.deps.users.findByEmail(manager, tenant.id, email);
      const context = { tenantId: tenant.id, actor: SYSTEM_ACTOR, ip: input.ip, userAgent: input.userAgent };
      if (existing) {
        await this.deps.hasher.hash(input.password, passwordHashPolicyOf(settings));
        await this.deps.audit.record(manager, {
          ...context,
          action: 'registration.existing_email',
          target: { type: 'user', id: existing.id },
        });
        return { email };
      }
      const profile: Record<string, unknown> = {};
      if (input.givenName?.trim()) profile.givenName = input.givenName.trim();
      if (input.familyName?.trim()) profile.familyName = input.familyName.trim();
      const user = await this.deps.users.create(manager, tenant, {
        email,
        password: input.password,
        profile,
      });
      await this.deps.audit.record(manager, {
        ...context,
        actor: { type: 'user', id: user.id },
        action: 'user.registered',
        target: { type: 'user', id: user.id },
      });
      return { email };
    });
  }
}
