import type { EntityManager } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { type ChangedBy, SYSTEM_ACTOR } from '../audit/audit.service.js';
import type { ConsentService, PolicyDeclaration } from '../consent/consent.service.js';
import type { ProfileFieldDefinition } from '../profiles/profile-definitions.js';
import type { ProfileFieldValidation } from '../profiles/profile-field.entity.js';
import { definitionOf, type ProfileFieldsService } from '../profiles/profile-fields.service.js';
import { isAppError } from '../shared/errors.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { KickstartErrors } from './kickstart.errors.js';
import type { KickstartTenant } from './kickstart.schema.js';
import { type KickstartReport, sameValue } from './kickstart-report.js';

export interface ConsentProfilesDeps {
  consent: ConsentService;
  profileFields: ProfileFieldsService;
}

type DeclaredPolicy = NonNullable<KickstartTenant['consentPolicies']>[number];
type DeclaredField = NonNullable<KickstartTenant['profileFields']>[number];

const KICKSTART: ChangedBy = { actor: SYSTEM_ACTOR };

/**
 * `tenants[].consentPolicies` and `tenants[].profileFields` (README "Kickstart file"). A policy is
 * matched by `key`: a new version is published only when a declared field (kind, required, title, url)
 * differs from the current version, so applying a file twice publishes nothing. A field is matched by
 * `key` and updated in the fields declared.
 */
export class ConsentProfilesConvergence {
  constructor(
    private readonly deps: ConsentProfilesDeps,
    private readonly manager: EntityManager,
    private readonly report: KickstartReport,
    private readonly file: string,
  ) {}

  async apply(tenant: Tenant, declared: KickstartTenant, path: string): Promise<void> {
    for (const [i, policy] of (declared.consentPolicies ?? []).entries()) {
      await this.named(`${path}.consentPolicies[${i}]`, () => this.policy(tenant, policy));
    }
    for (const [i, field] of (declared.profileFields ?? []).entries()) {
      await this.named(`${path}.profileFields[${i}]`, () =>
        this.field(tenant, field, `${path}.profileFields[${i}]`),
      );
    }
  }

  private async policy(tenant: Tenant, declared: DeclaredPolicy): Promise<void> {
    const current = await this.deps.consent.latestVersion(this.manager, tenant.id, declared.key);
    const wanted: PolicyDeclaration = {
      key: declared.key,
      kind: declared.kind,
      required: declared.required,
      title: declared.title,
      url: declared.url,
    };
    if (current && !differs(current, wanted)) return;
    await this.deps.consent.publish(this.manager, tenant.id, wanted, KICKSTART);
    if (current) this.report.noteUpdated('consentPolicies');
    else this.report.noteCreated('consentPolicies');
  }

  private async field(tenant: Tenant, declared: DeclaredField, path: string): Promise<void> {
    const { application, validation, ...rest } = declared;
    const definition: Partial<ProfileFieldDefinition> & Pick<ProfileFieldDefinition, 'key' | 'type'> = {
      ...rest,
      validation: validation as ProfileFieldValidation | undefined,
    };
    if (application !== undefined)
      definition.applicationId = await this.applicationId(tenant, application, path);
    const existing = await this.deps.profileFields.findByKey(this.manager, tenant.id, declared.key);
    if (!existing) {
      await this.deps.profileFields.create(this.manager, tenant.id, definition, KICKSTART);
      this.report.noteCreated('profileFields');
      return;
    }
    if (!differs(definitionOf(existing), definition)) return;
    await this.deps.profileFields.update(this.manager, existing, definition, KICKSTART);
    this.report.noteUpdated('profileFields');
  }

  /** An application of the tenant by its natural key: OIDC clientId or SAML entityId. */
  private async applicationId(tenant: Tenant, naturalKey: string, path: string): Promise<string> {
    const app =
      (await this.manager.findOneBy(Application, { tenantId: tenant.id, clientId: naturalKey })) ??
      (await this.manager.findOneBy(Application, { tenantId: tenant.id, entityId: naturalKey }));
    if (!app)
      throw KickstartErrors.invalid(this.file, [
        `${path}.application: no application ${naturalKey} in tenant ${tenant.slug}`,
      ]);
    return app.id;
  }

  /** A domain service's `invalid_input` becomes a kickstart error naming the declaration's path. */
  private async named(path: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isAppError(error) || error.code !== 'invalid_input') throw error;
      const fields = Object.keys((error.details?.fields as Record<string, string> | undefined) ?? {});
      throw KickstartErrors.invalid(this.file, [
        `${path}${fields[0] ? `.${fields[0]}` : ''}: ${error.message}`,
      ]);
    }
  }
}

/** Whether any declared (defined) field differs from the current value. */
function differs(current: object, declared: object): boolean {
  return Object.entries(declared).some(
    ([key, value]) =>
      value !== undefined && !sameValue((current as Record<string, unknown>)[key] ?? null, value),
  );
}
