import type { EntityManager } from 'typeorm';
import type { MessagingService } from '../messaging/messaging.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings, type TenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import type { CommonPasswordList } from './common-passwords.js';

export type NewPasswordProblem =
  | 'error.passwordTooShort'
  | 'error.passwordTooLong'
  | 'error.passwordTooCommon';

/** Long enough for any passphrase (NIST asks for at least 64); bounds the hashing work per request. */
export const MAX_PASSWORD_LENGTH = 1_024;

export interface NewPasswordContext {
  /** The account's email and names: a password equal to one of them is refused as guessable. */
  email?: string | null | undefined;
  names?: readonly (string | undefined)[];
  tenantName?: string;
}

/**
 * The rules a password chosen by a user meets (SECURITY.md items 4–5, NIST SP 800-63B): a minimum
 * length (the tenant's `passwords.minLength`, raised to `passwords.singleFactorMinLength` unless the
 * tenant requires a second factor), a generous maximum, no composition rules, no truncation, and not on
 * the common-password list nor equal to the account's own identifiers. Applied at sign-up, reset and
 * change; passwords set by operators (kickstart, CLI) only meet the length rule.
 */
export class NewPasswordPolicy {
  constructor(private readonly commonPasswords: CommonPasswordList) {}

  minLength(settings: TenantSettings): number {
    const { minLength, singleFactorMinLength } = settings.passwords;
    return settings.mfa.policy === 'required' ? minLength : Math.max(minLength, singleFactorMinLength);
  }

  check(
    password: string,
    settings: TenantSettings,
    context: NewPasswordContext = {},
  ): NewPasswordProblem | null {
    const length = [...password].length;
    if (length < this.minLength(settings)) return 'error.passwordTooShort';
    if (length > MAX_PASSWORD_LENGTH) return 'error.passwordTooLong';
    if (this.commonPasswords.has(password) || guessableFrom(password, context))
      return 'error.passwordTooCommon';
    return null;
  }
}

/** A new password of an existing account: screened against the account's own email and names too. */
export function checkForAccount(
  policy: NewPasswordPolicy,
  password: string,
  tenant: Pick<Tenant, 'name' | 'settings'>,
  user: Pick<User, 'email' | 'profile'>,
): NewPasswordProblem | null {
  const name = (key: string) =>
    typeof user.profile[key] === 'string' ? (user.profile[key] as string) : undefined;
  return policy.check(password, resolveTenantSettings(tenant.settings), {
    email: user.email,
    names: [name('givenName'), name('familyName')],
    tenantName: tenant.name,
  });
}

/** The notice mailed after a password was changed or reset (SECURITY.md item 6), in the caller's transaction. */
export async function sendPasswordChangedNotice(
  messaging: MessagingService,
  manager: EntityManager,
  notice: { tenant: Tenant; user: Pick<User, 'id' | 'email'>; locale: string },
): Promise<void> {
  if (!notice.user.email) return;
  await messaging.send(manager, {
    tenant: notice.tenant,
    channel: 'email',
    kind: 'password_changed_notice',
    to: notice.user.email,
    locale: notice.locale,
    userId: notice.user.id,
    variables: {},
  });
}

function guessableFrom(password: string, context: NewPasswordContext): boolean {
  const candidate = password.trim().toLowerCase();
  const email = context.email?.trim().toLowerCase();
  const words = [email, email?.split('@')[0], context.tenantName, ...(context.names ?? [])];
  return words.some(
    (word) => word !== undefined && word.trim() !== '' && word.trim().toLowerCase() === candidate,
  );
}
