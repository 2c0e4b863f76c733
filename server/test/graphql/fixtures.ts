import type { EntityManager } from 'typeorm';
import type { Portico } from '../../src/app/portico.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.service.js';
import { Credential } from '../../src/credentials/credential.entity.js';
import { Membership, Organization, OrgDomain } from '../../src/organizations/organization.entity.js';
import { ProfileField } from '../../src/profiles/profile-field.entity.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { Role } from '../../src/users/role.entity.js';
import { User } from '../../src/users/user.entity.js';

/** Makes rows of tenant `tenantId` for a mutation that acts on something other than a user. */
export type Fixture = (
  portico: Portico,
  manager: EntityManager,
  tenantId: string,
  i: number,
) => Promise<string>;

async function organization(manager: EntityManager, tenantId: string, i: number, id?: string) {
  const row = manager.create(Organization, {
    tenantId,
    slug: `audited-org-${i}`,
    name: `Org ${i}`,
    metadata: {},
  });
  if (id) row.id = id;
  return manager.save(row);
}

/**
 * A user and an organization that share one id: the probe passes the same id to every ID argument,
 * so `addOrganizationMember(organizationId: X, userId: X)` needs both to exist as X.
 */
async function userAndOrganization(portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const tenant = await manager.findOneByOrFail(Tenant, { id: tenantId });
  const user = await portico.users.create(manager, tenant, { email: `audited-member-${i}@example.com` });
  await organization(manager, tenantId, i, user.id);
  return user.id;
}

async function member(portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const id = await userAndOrganization(portico, manager, tenantId, i);
  await manager.insert(Membership, { tenantId, organizationId: id, userId: id });
  return id;
}

async function application(portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const app = await portico.applications.create(manager, tenantId, {
    name: `Audited app ${i}`,
    type: 'oidc',
    clientId: `audited-app-${i}`,
    clientSecret: `audited-secret-${i}-0123456789`,
    config: { redirectUris: ['https://app.example/cb'], grantTypes: ['authorization_code'] },
  });
  return app.id;
}

async function customRole(_portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const role = manager.create(Role, {
    tenantId,
    scope: 'tenant',
    name: `audited-role-${i}`,
    permissions: [],
  });
  return (await manager.save(role)).id;
}

/** A second factor of the self-service mutations' user (bob, whose token runs `…My…` mutations). */
function factorOfBob(type: 'totp' | 'webauthn'): Fixture {
  return async (_portico, manager, tenantId, i) => {
    const bob = await manager.findOneByOrFail(User, { tenantId, email: 'bob@example.com' });
    const row = manager.create(Credential, {
      tenantId,
      userId: bob.id,
      type,
      name: `audited-factor-${i}`,
      data: type === 'totp' ? { confirmed: true } : { transports: [] },
      webauthnCredentialId: type === 'webauthn' ? `audited-credential-${i}` : null,
    });
    return (await manager.save(row)).id;
  };
}

async function smsProvider(portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const provider = await portico.smsProviders.create(manager, tenantId, {
    name: `audited-sms-${i}`,
    kind: 'webhook',
    url: 'https://sms.example/hook',
    from: 'Audited',
    secret: 'audited-secret-0123456789',
  });
  return provider.id;
}

/** The probe deletes the template of the first kind, channel and locale: make sure there is one. */
async function messageTemplate(portico: Portico, manager: EntityManager, tenantId: string, i: number) {
  const declared = { kind: 'email_verification', channel: 'email', locale: 'en', textBody: 'Hi' } as const;
  await portico.messageTemplates.set(manager, tenantId, declared);
  return smsProvider(portico, manager, tenantId, i); // any id: the mutation takes none
}

/** By mutation name: the id that the audit-trail test passes to it (a fresh user otherwise). */
export const AUDITED_FIXTURES: Record<string, Fixture> = {
  revokeApiKey: async (portico, manager, tenantId, i) =>
    (await portico.apiKeys.create(manager, tenantId, { name: `audited-key-${i}`, scopes: [] })).apiKey.id,
  updateOrganization: async (_portico, manager, tenantId, i) => (await organization(manager, tenantId, i)).id,
  deleteOrganization: async (_portico, manager, tenantId, i) => (await organization(manager, tenantId, i)).id,
  addOrganizationDomain: async (_portico, manager, tenantId, i) =>
    (await organization(manager, tenantId, i)).id,
  removeOrganizationDomain: async (_portico, manager, tenantId, i) => {
    const org = await organization(manager, tenantId, i);
    const domain = manager.create(OrgDomain, {
      tenantId,
      organizationId: org.id,
      domain: `audited-${i}.example.com`,
      verifiedAt: null,
    });
    return (await manager.save(domain)).id;
  },
  addOrganizationMember: userAndOrganization,
  updateApplication: application,
  rotateApplicationSecret: application,
  deleteApplication: application,
  removeOrganizationMember: member,
  setMemberRoles: member,
  updateRole: customRole,
  deleteRole: customRole,
  createProfileField: application,
  updateProfileField: applicationAndProfileField,
  deleteProfileField: applicationAndProfileField,
  grantMyConsent: probePolicy,
  withdrawMyConsent: probePolicy,
  removeMyFactor: factorOfBob('totp'),
  renameMyPasskey: factorOfBob('webauthn'),
  updateSmsProvider: smsProvider,
  deleteSmsProvider: smsProvider,
  deleteMessageTemplate: messageTemplate,
};

/** A profile field sharing its id with an application, so both ID arguments of the probe exist. */
async function applicationAndProfileField(
  portico: Portico,
  manager: EntityManager,
  tenantId: string,
  i: number,
) {
  const id = await application(portico, manager, tenantId, i);
  await manager.insert(ProfileField, {
    id,
    tenantId,
    key: `audited_field_${i}`,
    type: 'string',
    labels: {},
    validation: {},
    position: i,
  });
  return id;
}

/** The policy "probe" that self-service consent probes (`key: "probe"`) decide on. */
async function probePolicy(portico: Portico, manager: EntityManager, tenantId: string) {
  const policy =
    (await portico.consent.latestVersion(manager, tenantId, 'probe')) ??
    (await portico.consent.publish(
      manager,
      tenantId,
      { key: 'probe', kind: 'custom' },
      { actor: SYSTEM_ACTOR },
    ));
  return policy.id;
}
