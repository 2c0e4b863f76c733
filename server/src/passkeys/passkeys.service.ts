import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { DataSource } from 'typeorm';
import type { Actor, AuditLog } from '../audit/audit.service.js';
import { SYSTEM_ACTOR } from '../audit/audit.service.js';
import { Credential } from '../credentials/credential.entity.js';
import type { AttemptOrigin, FactorAttempts } from '../mfa/factor-attempts.js';
import type { FactorAddedNotifier } from '../mfa/factors.js';
import { MfaErrors } from '../mfa/mfa.errors.js';
import { lazyModule } from '../shared/lazy-module.js';
import type { Logger } from '../shared/logger.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { resolveTenantSettings } from '../tenants/tenant-settings.js';
import type { User } from '../users/user.entity.js';
import {
  challengeBytes,
  challengeOf,
  descriptorOf,
  passkeysOf,
  userHandleOf,
} from './passkey-credentials.js';
import { PasskeysErrors } from './passkeys.errors.js';
import { TenantPasskeys } from './tenant-passkeys.js';
import { CHALLENGE_TTL_SECONDS, WebauthnChallenges } from './webauthn-challenges.js';

/** @simplewebauthn/server and its ASN.1/COSE stack load with the first ceremony, not at start-up. */
const webauthn = lazyModule(() => import('@simplewebauthn/server'));

export interface PasskeysDeps {
  dataSource: DataSource;
  audit: AuditLog;
  attempts: FactorAttempts;
  logger: Logger;
  /** PUBLIC_URL: its host is the RP ID, its origin the one expected in every ceremony. */
  publicUrl: string;
  challenges?: WebauthnChallenges;
  /** Which tenants have passkeys, kept per process (default: one of its own on `dataSource`). */
  tenantPasskeys?: TenantPasskeys;
  /** Tells the user a sign-in method was added (SECURITY.md item 6), in the same transaction. */
  notifyFactorAdded?: FactorAddedNotifier;
}

/** What a passkey row keeps in `credentials.data`. */
export interface PasskeyData {
  publicKey: string;
  transports: string[];
  aaguid: string;
  backedUp: boolean;
  deviceType: string;
  /** Set when a signature counter went backwards: a possible clone (SECURITY.md item 24). */
  counterRegression?: { at: string; stored: number; presented: number };
}

export type PasskeyLogin =
  | { ok: true; userId: string; credentialId: string; userVerified: boolean }
  | { ok: false; reason: 'unknown_credential' | 'wrong_user' | 'verification_failed' | 'counter_regression' };

const TIMEOUT_MS = CHALLENGE_TTL_SECONDS * 1000;

/**
 * Passkeys with @simplewebauthn/server (issue 6 §1, SECURITY.md item 24): registration of discoverable
 * credentials, and assertions either passwordless (no user known yet, user verification required) or
 * as a second factor (bound to the signed-in user, user verification preferred). RP ID = host of
 * PUBLIC_URL, origin = PUBLIC_URL; credentials are looked up per tenant; the signature counter is
 * persisted, and a counter that goes backwards flags the credential, is audited and refused.
 */
export class PasskeysService {
  private readonly challenges: WebauthnChallenges;
  private readonly tenantPasskeys: TenantPasskeys;
  readonly rpId: string;
  readonly origin: string;

  constructor(private readonly deps: PasskeysDeps) {
    this.challenges = deps.challenges ?? new WebauthnChallenges();
    this.tenantPasskeys = deps.tenantPasskeys ?? new TenantPasskeys(deps.dataSource);
    const url = new URL(deps.publicUrl);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  /**
   * Whether any user of the tenant has a passkey (the identifier page's passkey button), from this
   * process's cache: a passkey registered here counts at once, one registered elsewhere within seconds,
   * and a tenant's last passkey removed anywhere within a minute.
   */
  tenantHasPasskeys(tenantId: string): Promise<boolean> {
    return this.tenantPasskeys.has(tenantId);
  }

  async registrationOptions(tenant: Tenant, user: User): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const settings = resolveTenantSettings(tenant.settings);
    if (!settings.passwordless.passkeys && !settings.mfa.allowedFactors.includes('webauthn')) {
      throw MfaErrors.factorNotAllowed('webauthn');
    }
    const manager = this.deps.dataSource.manager;
    const handle = await userHandleOf(manager, tenant.id, user.id);
    const existing = await passkeysOf(manager, tenant.id, user.id);
    const challenge = await this.challenges.issue(manager, {
      tenantId: tenant.id,
      userId: user.id,
      purpose: 'registration',
      userVerification: 'preferred',
    });
    const name = user.email ?? user.username ?? user.id;
    const { generateRegistrationOptions } = await webauthn();
    return generateRegistrationOptions({
      rpName: settings.branding.displayName ?? tenant.name,
      rpID: this.rpId,
      userID: Buffer.from(handle, 'base64url'),
      userName: name,
      userDisplayName: name,
      challenge: challengeBytes(challenge),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map(descriptorOf),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
  }

  /** Stores the new passkey (audited as `user.passkey_added`); throws `passkey_registration_failed`. */
  async verifyRegistration(
    tenant: Tenant,
    user: User,
    response: RegistrationResponseJSON,
    options: { name?: string; actor?: Actor; origin?: AttemptOrigin } = {},
  ): Promise<Credential> {
    const manager = this.deps.dataSource.manager;
    const challenge = challengeOf(response);
    const taken = await this.challenges.consume(manager, tenant.id, 'registration', challenge, user.id);
    if (taken === null) throw PasskeysErrors.registrationFailed();
    const { verifyRegistrationResponse } = await webauthn();
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpId,
      requireUserVerification: false,
    }).catch((error: unknown) => {
      throw PasskeysErrors.registrationFailed(error);
    });
    if (!verification.verified) throw PasskeysErrors.registrationFailed();
    const info = verification.registrationInfo;
    const data: PasskeyData = {
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid: info.aaguid,
      backedUp: info.credentialBackedUp,
      deviceType: info.credentialDeviceType,
    };
    const stored = await this.deps.dataSource.transaction(async (tx) => {
      const clash = await tx.findOneBy(Credential, {
        tenantId: tenant.id,
        webauthnCredentialId: info.credential.id,
      });
      if (clash) throw PasskeysErrors.alreadyRegistered();
      const credential = await tx.save(
        tx.create(Credential, {
          tenantId: tenant.id,
          userId: user.id,
          type: 'webauthn',
          name: options.name?.trim().slice(0, 100) || 'Passkey',
          secret: null,
          data: data as unknown as Record<string, unknown>,
          webauthnCredentialId: info.credential.id,
          signCount: String(info.credential.counter),
        }),
      );
      await this.deps.audit.record(tx, {
        tenantId: tenant.id,
        actor: options.actor ?? { type: 'user', id: user.id },
        action: 'user.passkey_added',
        target: { type: 'user', id: user.id },
        ip: options.origin?.ip ?? null,
        userAgent: options.origin?.userAgent ?? null,
        data: { credentialId: credential.id, userVerified: info.userVerified, aaguid: info.aaguid },
      });
      await this.deps.notifyFactorAdded?.(tx, tenant, user, 'passkey');
      return credential;
    });
    this.tenantPasskeys.added(tenant.id);
    return stored;
  }

  /**
   * Options for an assertion. With `userId`: a second factor for that user (their passkeys listed,
   * user verification preferred). Without: passwordless sign-in and conditional UI (no list: the
   * authenticator offers its discoverable credentials; user verification required).
   */
  async authenticationOptions(
    tenant: Tenant,
    userId?: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const manager = this.deps.dataSource.manager;
    const forUser = userId !== undefined;
    const userVerification = forUser ? 'preferred' : 'required';
    const challenge = await this.challenges.issue(manager, {
      tenantId: tenant.id,
      userId: userId ?? null,
      purpose: 'authentication',
      userVerification,
    });
    const allowCredentials = forUser ? (await passkeysOf(manager, tenant.id, userId)).map(descriptorOf) : [];
    const { generateAuthenticationOptions } = await webauthn();
    return generateAuthenticationOptions({
      rpID: this.rpId,
      challenge: challengeBytes(challenge),
      timeout: TIMEOUT_MS,
      userVerification,
      allowCredentials,
    });
  }

  /**
   * Verifies an assertion: passwordless when `userId` is undefined, else as that user's second factor.
   * Counts into the account lockout like every login path; never throws for a bad assertion.
   */
  async verifyAuthentication(
    tenant: Tenant,
    response: AuthenticationResponseJSON,
    userId?: string,
    origin: AttemptOrigin = {},
  ): Promise<PasskeyLogin> {
    const manager = this.deps.dataSource.manager;
    if (typeof response?.id !== 'string') throw PasskeysErrors.invalidResponse();
    const credential = await manager.findOneBy(Credential, {
      tenantId: tenant.id,
      type: 'webauthn',
      webauthnCredentialId: response.id,
    });
    if (!credential) return { ok: false, reason: 'unknown_credential' };
    if (userId !== undefined && credential.userId !== userId) return { ok: false, reason: 'wrong_user' };
    let checked: CheckedAssertion = { login: { ok: false, reason: 'verification_failed' }, counter: 0 };
    await this.deps.attempts.run(
      tenant,
      credential.userId,
      'passkey',
      origin,
      async () => {
        checked = await this.checkAssertion(tenant, credential, response, userId ?? null, origin);
        return checked.login.ok;
      },
      (tx) =>
        tx.query(
          'UPDATE credentials SET sign_count = $2, last_used_at = now(), updated_at = now() WHERE id = $1',
          [credential.id, String(checked.counter)],
        ),
    );
    return checked.login;
  }

  private async checkAssertion(
    tenant: Tenant,
    credential: Credential,
    response: AuthenticationResponseJSON,
    boundUser: string | null,
    origin: AttemptOrigin,
  ): Promise<CheckedAssertion> {
    const refused = (reason: 'verification_failed' | 'counter_regression') => ({
      login: { ok: false as const, reason },
      counter: 0,
    });
    const manager = this.deps.dataSource.manager;
    const challenge = challengeOf(response);
    const taken = await this.challenges.consume(manager, tenant.id, 'authentication', challenge, boundUser);
    if (taken === null) return refused('verification_failed');
    if (boundUser === null && !(await this.userHandleMatches(credential, response))) {
      return refused('verification_failed');
    }
    const data = credential.data as unknown as PasskeyData;
    const { verifyAuthenticationResponse } = await webauthn();
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpId,
      // The counter is checked below, so that a regression is flagged rather than just thrown.
      credential: { id: response.id, publicKey: Buffer.from(data.publicKey, 'base64url'), counter: 0 },
      requireUserVerification: taken.userVerification === 'required',
    }).catch((error: unknown) => {
      this.deps.logger.debug({ err: error, tenantId: tenant.id }, 'passkey assertion refused');
      return null;
    });
    if (!verification?.verified) return refused('verification_failed');
    const stored = Number(credential.signCount ?? 0);
    const presented = verification.authenticationInfo.newCounter;
    if ((stored > 0 || presented > 0) && presented <= stored) {
      await this.flagCounterRegression(tenant, credential, stored, presented, origin);
      return refused('counter_regression');
    }
    const { userVerified } = verification.authenticationInfo;
    return {
      login: { ok: true, userId: credential.userId, credentialId: credential.id, userVerified },
      counter: presented,
    };
  }

  private async userHandleMatches(credential: Credential, response: AuthenticationResponseJSON) {
    const presented = response.response.userHandle;
    if (presented === undefined) return true; // optional in the spec; the credential id already names the user
    const manager = this.deps.dataSource.manager;
    return presented === (await userHandleOf(manager, credential.tenantId, credential.userId));
  }

  private async flagCounterRegression(
    tenant: Tenant,
    credential: Credential,
    stored: number,
    presented: number,
    origin: AttemptOrigin,
  ): Promise<void> {
    const regression = { at: new Date().toISOString(), stored, presented };
    await this.deps.dataSource.transaction(async (tx) => {
      await tx.query(
        `UPDATE credentials SET data = data || jsonb_build_object('counterRegression', $2::jsonb), updated_at = now()
          WHERE id = $1`,
        [credential.id, JSON.stringify(regression)],
      );
      await this.deps.audit.record(tx, {
        tenantId: tenant.id,
        actor: SYSTEM_ACTOR,
        action: 'user.passkey_counter_regressed',
        target: { type: 'user', id: credential.userId },
        ip: origin.ip ?? null,
        userAgent: origin.userAgent ?? null,
        data: { credentialId: credential.id, stored, presented },
      });
    });
    this.deps.logger.warn(
      { tenantId: tenant.id, userId: credential.userId, credentialId: credential.id, stored, presented },
      'passkey signature counter went backwards: possible cloned authenticator',
    );
  }
}

/** An assertion's result and the signature counter to store when it verified. */
interface CheckedAssertion {
  login: PasskeyLogin;
  counter: number;
}
