import type { TenantSettings } from '../tenants/tenant-settings.js';
import type { PasswordHashPolicy } from './password-hasher.js';

/** The hash policy a tenant's settings ask for (changing it rehashes each password at its next login). */
export function passwordHashPolicyOf(settings: TenantSettings): PasswordHashPolicy {
  const { hash, argon2, bcryptCost } = settings.passwords;
  return { algorithm: hash, argon2: { ...argon2 }, bcrypt: { cost: bcryptCost } };
}
