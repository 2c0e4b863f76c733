import type { TenantSettings } from '../tenants/tenant-settings.js';
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

function guessableFrom(password: string, context: NewPasswordContext): boolean {
  const candidate = password.trim().toLowerCase();
  const email = context.email?.trim().toLowerCase();
  const words = [email, email?.split('@')[0], context.tenantName, ...(context.names ?? [])];
  return words.some(
    (word) => word !== undefined && word.trim() !== '' && word.trim().toLowerCase() === candidate,
  );
}
