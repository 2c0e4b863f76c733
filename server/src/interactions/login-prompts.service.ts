import type { DataSource } from 'typeorm';
import type { ConsentPolicy } from '../consent/consent.entity.js';
import type { ConsentService } from '../consent/consent.service.js';
import type { MissingField, ProfileFieldsService } from '../profiles/profile-fields.service.js';
import { type FieldError, validateProfileValues } from '../profiles/profile-values.js';
import { isAppError } from '../shared/errors.js';
import { User } from '../users/user.entity.js';

/** What a login still has to ask before `interactionFinished`: consent first, then profile fields. */
export interface LoginPrompts {
  /** Required policies whose current version the user has not granted (consent-policies page). */
  policies: ConsentPolicy[];
  /** Profile fields to ask now (profile-prompt page); none required → the page offers "Not now". */
  fields: MissingField[];
}

/**
 * Whether the tenant has consent policies and profile fields at all (the caller may know it without
 * a statement): a login asks nothing of what the tenant does not have, and reads nothing about it.
 */
export interface PromptSources {
  consentPolicies: boolean;
  profileFields: boolean;
}

const EVERY_SOURCE: PromptSources = { consentPolicies: true, profileFields: true };

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/**
 * The "consent + progressive profile prompts" step of the login interaction (ARCHITECTURE.md
 * "Request flows"): what to ask, and what the two pages' forms submit. Hosted pages call it after the
 * user is authenticated (and MFA is done), with users.login_count already counting this login.
 */
export class LoginPromptsService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      consent: ConsentService;
      profileFields: ProfileFieldsService;
    },
  ) {}

  /** `loaded`: the user row, when the caller has just read it in this request (one statement fewer). */
  async whatToAsk(
    tenantId: string,
    userId: string,
    applicationId: string | null,
    loaded?: User,
    sources: PromptSources = EVERY_SOURCE,
  ): Promise<LoginPrompts> {
    const manager = this.deps.dataSource.manager;
    const user =
      loaded?.id === userId && loaded.tenantId === tenantId
        ? loaded
        : await manager.findOneByOrFail(User, { id: userId, tenantId });
    const [policies, fields] = await Promise.all([
      sources.consentPolicies ? this.deps.consent.pendingFor(manager, tenantId, userId) : [],
      sources.profileFields
        ? this.deps.profileFields.missingFor(manager, tenantId, {
            user,
            stage: 'login',
            applicationId,
            loginCount: user.loginCount,
          })
        : [],
    ]);
    return { policies, fields };
  }

  /** Whether the tenant has any consent policy and any profile field (one statement). */
  async sourcesOf(tenantId: string): Promise<PromptSources> {
    const rows: PromptSources[] = await this.deps.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM consent_policies WHERE tenant_id = $1) AS "consentPolicies",
              EXISTS (SELECT 1 FROM profile_fields WHERE tenant_id = $1) AS "profileFields"`,
      [tenantId],
    );
    return rows[0] ?? EVERY_SOURCE;
  }

  /**
   * The consent-policies form: one receipt (source `login`) per checked policy version. Returns
   * `consent_required` with the keys still missing instead of throwing, so the page re-renders.
   */
  async acceptPolicies(
    tenantId: string,
    userId: string,
    policyIds: readonly string[],
    origin: RequestOrigin,
  ): Promise<{ ok: true } | { ok: false; missing: string[] }> {
    try {
      await this.deps.dataSource.transaction((manager) =>
        this.deps.consent.accept(manager, policyIds, { tenantId, userId, source: 'login', ...origin }),
      );
      return { ok: true };
    } catch (error) {
      if (isAppError(error) && error.code === 'consent_required')
        return { ok: false, missing: (error.details?.keys as string[] | undefined) ?? [] };
      throw error;
    }
  }

  /**
   * The profile-prompt form (`submitted` from `submittedProfileValues`): the asked fields that are
   * required must be filled; valid values go to users.profile (audited). Field errors come back for
   * the page (`profileInputsFor`); nothing is written then.
   */
  async saveProfile(
    tenantId: string,
    userId: string,
    asked: readonly MissingField[],
    submitted: Readonly<Record<string, string>>,
    origin: RequestOrigin,
  ): Promise<FieldError[]> {
    const askedFields = asked.map((m) => m.field);
    const input = Object.fromEntries(
      askedFields.filter((f) => f.key in submitted).map((f) => [f.key, submitted[f.key]]),
    );
    const required = new Set(asked.filter((m) => m.required).map((m) => m.field.key));
    const { errors } = validateProfileValues(askedFields, input, required);
    if (errors.length > 0) return errors;
    await this.deps.dataSource.transaction(async (manager) => {
      const user = await manager.findOneOrFail(User, {
        where: { id: userId, tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      await this.deps.profileFields.applyValues(manager, user, input, { required, ...origin });
    });
    return [];
  }
}
