import type { DataSource } from 'typeorm';
import type { Application } from '../applications/application.entity.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { RiskAssessment } from '../risk/risk-score.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import { type CompletedFactor, MFA_POLICIES, type MfaPolicy, type SecondFactorKind } from './factors.js';
import type { FactorsService } from './factors.service.js';
import { decideLogin, type LoginRequirement } from './mfa-policy.js';

/** One login as the hosted pages know it, when they ask what is still to do. */
export interface LoginState {
  tenant: Tenant;
  /** The client of the authorization request; its `config.mfa.policy` overrides the tenant's. */
  application?: Pick<Application, 'config'> | null;
  user: User;
  completed: readonly CompletedFactor[];
  /** The request's `acr_values` (space-separated or split) and `max_age`. */
  acrValues?: string | readonly string[] | undefined;
  maxAge?: number | undefined;
  /** The remembered-device cookie's value, if the browser sent one. */
  rememberedDeviceCookie?: string | undefined;
  risk?: RiskAssessment | null;
  /** Factors set up during this very login (the passkey offer): not asked for again in it. */
  enrolledThisLogin?: readonly SecondFactorKind[] | undefined;
  /** Epoch seconds; default now. */
  now?: number;
}

/**
 * Gathers what the policy engine (mfa-policy.ts) needs for one login — tenant and application
 * settings, the user's factors, the remembered-device check — and returns its decision. Every login
 * path (password, passkey, upstream IdP, account linking) asks it before finishing (SECURITY.md 26).
 */
export class MfaPolicyService {
  constructor(
    private readonly deps: { dataSource: DataSource; factors: FactorsService; devices: DevicesService },
  ) {}

  async decide(state: LoginState): Promise<LoginRequirement> {
    const { tenant, user } = state;
    const manager = this.deps.dataSource.manager;
    const settings = resolveTenantSettings(tenant.settings);
    const enrolled = await this.deps.factors.available(manager, tenant, user);
    const available = enrolled.filter((kind) => !state.enrolledThisLogin?.includes(kind));
    const remembered =
      settings.mfa.rememberDevice &&
      (await this.deps.devices.isRemembered(manager, tenant, user.id, state.rememberedDeviceCookie));
    return decideLogin({
      tenantPolicy: settings.mfa.policy,
      applicationPolicy: applicationMfaPolicy(state.application),
      allowedFactors: settings.mfa.allowedFactors,
      available,
      completed: state.completed,
      acrValues: splitAcrValues(state.acrValues),
      maxAge: state.maxAge,
      now: state.now ?? Math.floor(Date.now() / 1000),
      rememberedDevice: remembered,
      riskStepUp: state.risk?.decision === 'step_up',
      passkeysEnabled: settings.passwordless.passkeys,
      hasPasskey: enrolled.includes('webauthn'),
    });
  }
}

/** An application's `config.mfa.policy` (`off` | `optional` | `required`), or none. */
export function applicationMfaPolicy(
  application: Pick<Application, 'config'> | null | undefined,
): MfaPolicy | undefined {
  const mfa = application?.config?.mfa as { policy?: unknown } | undefined;
  const policy = mfa?.policy;
  return (MFA_POLICIES as readonly unknown[]).includes(policy) ? (policy as MfaPolicy) : undefined;
}

function splitAcrValues(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [...value];
}
