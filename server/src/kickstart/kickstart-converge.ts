import type { EntityManager } from 'typeorm';
import { ApiKey } from '../apikeys/api-key.entity.js';
import type { ApiKeysService } from '../apikeys/apikeys.service.js';
import { Application, type ApplicationConfig } from '../applications/application.entity.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { ConsentService } from '../consent/consent.service.js';
import { Membership, MembershipRole, Organization, OrgDomain } from '../organizations/organization.entity.js';
import type { ProfileFieldsService } from '../profiles/profile-fields.service.js';
import { AppError } from '../shared/errors.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { mergeTenantSettings } from '../tenants/tenant-settings.js';
import type { TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import { KickstartErrors } from './kickstart.errors.js';
import type {
  KickstartApplication,
  KickstartOrganization,
  KickstartTenant,
  KickstartUser,
} from './kickstart.schema.js';
import { ConsentProfilesConvergence } from './kickstart-consent-profiles.js';
import { assignDeclared, type KickstartReport, sameValue } from './kickstart-report.js';

export interface ConvergeDeps {
  tenants: TenantsService;
  users: UsersService;
  apiKeys: ApiKeysService;
  applications: ApplicationsService;
  consent: ConsentService;
  profileFields: ProfileFieldsService;
}

/**
 * Makes one tenant of the database match its declaration in a kickstart file: entities are matched by
 * natural key and created, or updated in the fields the file declares; nothing undeclared is deleted.
 * `path` names the declaration in errors (`tenants[0]`).
 */
export class TenantConvergence {
  constructor(
    private readonly deps: ConvergeDeps,
    private readonly manager: EntityManager,
    private readonly report: KickstartReport,
    private readonly file: string,
  ) {}

  async tenant(declared: KickstartTenant, path: string): Promise<Tenant> {
    const { manager, report } = this;
    let tenant = await this.deps.tenants.findBySlug(manager, declared.slug);
    if (!tenant) {
      tenant = await this.deps.tenants.create(manager, {
        slug: declared.slug,
        name: declared.name ?? declared.slug,
      });
      report.noteCreated('tenants');
    }
    const settings = declared.settings ? mergeTenantSettings(tenant.settings, declared.settings) : undefined;
    if (assignDeclared(tenant, { name: declared.name, settings })) {
      await manager.save(tenant);
      report.noteUpdated('tenants');
    }
    for (const key of declared.apiKeys ?? []) await this.apiKey(tenant, key);
    for (const app of declared.applications ?? []) await this.application(tenant, app);
    await new ConsentProfilesConvergence(this.deps, manager, report, this.file).apply(tenant, declared, path);
    for (const user of declared.users ?? []) await this.user(tenant, user);
    for (const [i, org] of (declared.organizations ?? []).entries()) {
      await this.organization(tenant, org, `${path}.organizations[${i}]`);
    }
    return tenant;
  }

  private async apiKey(
    tenant: Tenant,
    declared: NonNullable<KickstartTenant['apiKeys']>[number],
  ): Promise<void> {
    const { manager, report } = this;
    const existing = await manager.findOneBy(ApiKey, { tenantId: tenant.id, name: declared.name });
    if (!existing) {
      const { key } = await this.deps.apiKeys.create(manager, tenant.id, declared);
      if (declared.key === undefined)
        report.generatedApiKeys.push({ tenant: tenant.slug, name: declared.name, key });
      report.noteCreated('apiKeys');
      return;
    }
    const rekeyed =
      declared.key !== undefined && !this.deps.apiKeys.matches(existing, declared.key)
        ? this.deps.apiKeys.hash(declared.key)
        : {};
    if (assignDeclared(existing, { ...rekeyed, scopes: [...new Set(declared.scopes)] })) {
      await manager.save(existing);
      report.noteUpdated('apiKeys');
    }
  }

  private async application(tenant: Tenant, declared: KickstartApplication): Promise<void> {
    const { manager, report } = this;
    const naturalKey =
      declared.type === 'oidc'
        ? { clientId: declared.clientId }
        : { entityId: declared.entityId, type: declared.type };
    const existing = await manager.findOneBy(Application, { tenantId: tenant.id, ...naturalKey });
    const config = applicationConfig(declared);
    if (!existing) {
      await this.deps.applications.create(manager, tenant.id, {
        ...declared,
        config: { ...applicationDefaults(declared), ...config },
      });
      report.noteCreated('applications');
      return;
    }
    if (existing.type !== declared.type) {
      throw new AppError(
        'kickstart_conflict',
        409,
        `Application ${declared.name} exists with type ${existing.type}.`,
      );
    }
    let changed = assignDeclared(existing, {
      name: declared.name,
      firstParty: declared.firstParty,
      config: { ...existing.config, ...config },
    });
    const secret = declared.type === 'oidc' ? declared.clientSecret : undefined;
    if (secret !== undefined && this.deps.applications.clientSecretOf(existing) !== secret) {
      existing.clientSecretEncrypted = this.deps.applications.encryptSecret(existing.id, secret);
      changed = true;
    }
    if (changed) {
      await manager.save(existing);
      report.noteUpdated('applications');
    }
  }

  private async user(tenant: Tenant, declared: KickstartUser): Promise<void> {
    const { manager, report } = this;
    let user = await this.deps.users.findByEmail(manager, tenant.id, declared.email);
    if (!user) {
      user = await this.deps.users.create(manager, tenant, declared);
      report.noteCreated('users');
    } else {
      const profile = declared.profile ? { ...user.profile, ...declared.profile } : undefined;
      const { emailVerified, phone, username, status } = declared;
      if (assignDeclared(user, { emailVerified, phone, username, status, profile })) {
        await manager.save(user);
        report.noteUpdated('users');
      }
    }
    if (declared.roles)
      report.noteUpdated('userRoles', await this.deps.users.setTenantRoles(manager, user, declared.roles));
  }

  private async organization(tenant: Tenant, declared: KickstartOrganization, path: string): Promise<void> {
    const { manager, report } = this;
    let org = await manager.findOneBy(Organization, { tenantId: tenant.id, slug: declared.slug });
    if (!org) {
      org = await manager.save(
        manager.create(Organization, {
          tenantId: tenant.id,
          slug: declared.slug,
          name: declared.name,
          metadata: {},
        }),
      );
      report.noteCreated('organizations');
    } else if (assignDeclared(org, { name: declared.name })) {
      await manager.save(org);
      report.noteUpdated('organizations');
    }
    for (const [i, domain] of (declared.domains ?? []).entries()) {
      await this.domain(tenant, org, domain, `${path}.domains[${i}]`);
    }
    for (const [i, member] of (declared.members ?? []).entries()) {
      await this.member(tenant, org, member, `${path}.members[${i}]`);
    }
  }

  private async domain(tenant: Tenant, org: Organization, domain: string, path: string): Promise<void> {
    const existing = await this.manager.findOneBy(OrgDomain, { tenantId: tenant.id, domain });
    if (existing && existing.organizationId !== org.id) {
      throw KickstartErrors.invalid(this.file, [
        `${path}: ${domain} already belongs to another organization`,
      ]);
    }
    if (existing) return;
    // A domain an admin declares in the kickstart file counts as verified by that admin.
    await this.manager.save(
      this.manager.create(OrgDomain, {
        tenantId: tenant.id,
        organizationId: org.id,
        domain,
        verifiedAt: new Date(),
      }),
    );
    this.report.noteCreated('domains');
  }

  private async member(
    tenant: Tenant,
    org: Organization,
    declared: NonNullable<KickstartOrganization['members']>[number],
    path: string,
  ): Promise<void> {
    const { manager, report } = this;
    const user = await this.deps.users.findByEmail(manager, tenant.id, declared.email);
    if (!user)
      throw KickstartErrors.invalid(this.file, [
        `${path}.email: no user ${declared.email} in tenant ${tenant.slug}`,
      ]);
    let membership = await manager.findOneBy(Membership, { organizationId: org.id, userId: user.id });
    if (!membership) {
      membership = await manager.save(
        manager.create(Membership, { tenantId: tenant.id, organizationId: org.id, userId: user.id }),
      );
      report.noteCreated('memberships');
    }
    if (!declared.roles) return;
    const wanted = await this.deps.users.ensureRoles(manager, tenant.id, 'organization', declared.roles);
    const current = await manager.findBy(MembershipRole, { membershipId: membership.id });
    const wantedIds = wanted.map((r) => r.id).sort();
    if (sameValue(current.map((r) => r.roleId).sort(), wantedIds)) return;
    await manager.delete(MembershipRole, { membershipId: membership.id });
    for (const roleId of wantedIds) {
      await manager.save(
        manager.create(MembershipRole, { tenantId: tenant.id, membershipId: membership.id, roleId }),
      );
    }
    report.noteUpdated('membershipRoles');
  }
}

/** The OIDC client metadata the file declares: every declared field but the application's identity. */
function applicationConfig(declared: KickstartApplication): ApplicationConfig {
  if (declared.type === 'saml') return { acsUrl: declared.acsUrl };
  const {
    name: _name,
    type: _type,
    clientId: _clientId,
    clientSecret: _secret,
    firstParty: _firstParty,
    ...metadata
  } = declared;
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}

function applicationDefaults(declared: KickstartApplication): ApplicationConfig {
  if (declared.type === 'saml') return {};
  return {
    redirectUris: [],
    postLogoutRedirectUris: [],
    corsOrigins: [],
    grantTypes: ['authorization_code', 'refresh_token'],
  };
}
