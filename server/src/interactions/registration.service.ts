import type { DataSource } from 'typeorm';
import { type AuditLog, SYSTEM_ACTOR } from '../audit/audit.service.js';
import type { ConsentPolicy } from '../consent/consent.entity.js';
import type { ConsentService } from '../consent/consent.service.js';
import type { NewPasswordPolicy } from '../credentials/new-password-policy.js';
import type { PasswordHasher } from '../credentials/password-hasher.js';
import { passwordHashPolicyOf } from '../credentials/password-policy.js';
import type { ErrorMessageKey } from '../i18n/translate.js';
import { tenantLink } from '../messaging/message-links.js';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { MissingField, ProfileFieldsService } from '../profiles/profile-fields.service.js';
import { type FieldError, validateProfileValues } from '../profiles/profile-values.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { ContactVerificationService } from '../users/contact-verification.service.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';

export interface RegistrationInput {
  email: string;
  password: string;
  givenName?: string | undefined;
  familyName?: string | undefined;
  locale: string;
  ip: string | null;
  userAgent: string | null;
  /** Checked policy versions of the form's agreements. */
  policyIds?: readonly string[];
  /** The form's sign-up profile fields (`profile.<key>`), by key. */
  profile?: Readonly<Record<string, string>>;
}

export interface RegistrationOutcome {
  email: string;
  /** A problem with the input itself (shown on the form); never "this email is taken". */
  error?: ErrorMessageKey;
  /** The new account (absent when the address already had one: the page must not tell). */
  user?: User;
  /** Field errors of the sign-up profile fields (with `error.profileInvalid`). */
  fieldErrors?: FieldError[];
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Self-service sign-up. An address that already has an account gets the very same answer as a new one
 * after the same hashing work, and its owner gets a mail saying someone tried (ARCHITECTURE.md "Hosted
 * pages"; SECURITY.md item 3). A new account gets its verification mail in the same transaction.
 */
export class RegistrationService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      users: UsersService;
      hasher: PasswordHasher;
      passwordPolicy: NewPasswordPolicy;
      contactVerification: ContactVerificationService;
      messaging: MessagingService;
      consent: ConsentService;
      profileFields: ProfileFieldsService;
      audit: AuditLog;
      publicUrl: string;
    },
  ) {}

  /** What the form asks besides email and password: every current policy, and the sign-up profile fields. */
  async formFor(tenant: Tenant): Promise<{ policies: ConsentPolicy[]; fields: MissingField[] }> {
    const manager = this.deps.dataSource.manager;
    const [policies, fields] = await Promise.all([
      this.deps.consent.currentPolicies(manager, tenant.id),
      this.deps.profileFields.missingFor(manager, tenant.id, { user: { profile: {} }, stage: 'signup' }),
    ]);
    return { policies, fields };
  }

  async register(tenant: Tenant, input: RegistrationInput): Promise<RegistrationOutcome> {
    const email = input.email.trim();
    const settings = resolveTenantSettings(tenant.settings);
    if (!EMAIL_PATTERN.test(email) || email.length > 320) return { email, error: 'error.emailInvalid' };
    const names = [input.givenName, input.familyName];
    const problem = this.deps.passwordPolicy.check(input.password, settings, {
      email,
      names,
      tenantName: tenant.name,
    });
    if (problem) return { email, error: problem };
    const form = await this.formFor(tenant);
    const accepted = new Set(input.policyIds ?? []);
    if (form.policies.some((policy) => policy.required && !accepted.has(policy.id)))
      return { email, error: 'error.consentRequired' };
    const asked = form.fields.map((f) => f.field);
    const required = new Set(form.fields.filter((f) => f.required).map((f) => f.field.key));
    const values = validateProfileValues(asked, input.profile ?? {}, required);
    if (values.errors.length > 0) return { email, error: 'error.profileInvalid', fieldErrors: values.errors };
    const context = { tenant, locale: input.locale, ip: input.ip, userAgent: input.userAgent };
    return this.deps.dataSource.transaction(async (manager) => {
      const existing = await this.deps.users.findByEmail(manager, tenant.id, email);
      const audit = { tenantId: tenant.id, actor: SYSTEM_ACTOR, ip: input.ip, userAgent: input.userAgent };
      if (existing) {
        await this.deps.hasher.hash(input.password, passwordHashPolicyOf(settings));
        await this.deps.audit.record(manager, {
          ...audit,
          action: 'registration.existing_email',
          target: { type: 'user', id: existing.id },
        });
        await this.deps.messaging.send(manager, {
          tenant,
          channel: 'email',
          kind: 'registration_existing_account',
          to: existing.email ?? email,
          locale: input.locale,
          userId: existing.id,
          // Where the owner can sign in (or reset a forgotten password): the tenant's account pages.
          variables: { link: tenantLink(this.deps.publicUrl, tenant.slug, 'account', {}) },
        });
        return { email };
      }
      const profile: Record<string, unknown> = { ...values.values };
      if (input.givenName?.trim()) profile.givenName = input.givenName.trim();
      if (input.familyName?.trim()) profile.familyName = input.familyName.trim();
      const user = await this.deps.users.create(manager, tenant, {
        email,
        password: input.password,
        profile,
      });
      await this.deps.audit.record(manager, {
        ...audit,
        actor: { type: 'user', id: user.id },
        action: 'user.registered',
        target: { type: 'user', id: user.id },
      });
      const policyIds = form.policies.filter((p) => accepted.has(p.id)).map((p) => p.id);
      await this.deps.consent.accept(manager, policyIds, {
        tenantId: tenant.id,
        userId: user.id,
        source: 'signup',
        ip: input.ip,
        userAgent: input.userAgent,
      });
      await this.deps.contactVerification.sendEmailVerification(manager, context, user);
      return { email, user };
    });
  }
}
