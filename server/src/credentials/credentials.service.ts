import type { EntityManager } from 'typeorm';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import { Credential } from './credential.entity.js';
import { CredentialsErrors } from './credentials.errors.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordHashPolicyOf } from './password-policy.js';

export class CredentialsService {
  constructor(private readonly hasher: PasswordHasher) {}

  /** Sets (or replaces) a user's password under the tenant's current hash policy. */
  async setPassword(
    manager: EntityManager,
    tenant: Tenant,
    userId: string,
    password: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const settings = resolveTenantSettings(tenant.settings);
    if ([...password].length < settings.passwords.minLength) {
      throw CredentialsErrors.passwordTooShort(settings.passwords.minLength);
    }
    const secret = await this.hasher.hash(password, passwordHashPolicyOf(settings));
    const existing = await manager.findOneBy(Credential, { userId, type: 'password' });
    const credential =
      existing ?? manager.create(Credential, { tenantId: tenant.id, userId, type: 'password' });
    Object.assign(credential, { secret, data });
    await manager.save(credential);
  }
}
