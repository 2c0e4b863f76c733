import { type EntityManager, QueryFailedError } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import type { Actor, AuditLog, ChangedBy } from '../audit/audit.service.js';
import type { User } from '../users/user.entity.js';
import { updateUserFields } from '../users/users.service.js';
import { assertFieldDefinition, type ProfileFieldDefinition } from './profile-definitions.js';
import { ProfileField } from './profile-field.entity.js';
import { hasValue, validateProfileValues } from './profile-values.js';
import { ProfilesErrors } from './profiles.errors.js';

/** A field to ask for now, and whether the user may skip it ("Not now"). */
export interface MissingField {
  field: ProfileField;
  required: boolean;
}

export interface MissingContext {
  user: Pick<User, 'profile'>;
  /** `signup`: the registration form; `login`: the prompt after a successful sign-in. */
  stage: 'signup' | 'login';
  /** The application signed in to (its id), if any. */
  applicationId?: string | null;
  /** Completed logins, this one included (users.login_count after it was counted). */
  loginCount?: number;
  /** Also offer the optional fields (required at no stage) the user has not filled in, as skippable. */
  includeOptional?: boolean;
}

const byPosition = (a: ProfileField, b: ProfileField) =>
  a.position - b.position || a.key.localeCompare(b.key);

/**
 * Which of `fields` to ask for now (issue 5 "Progressive profiling"), in form order. A field scoped to
 * an application is asked only on sign-ins to it. Only fields without a value count. At sign-up:
 * `signup` fields, required. At login: `signup` fields still missing, `after_logins` ones once
 * loginCount ≥ N, `before_application` ones for that application, all required.
 */
export function fieldsToAsk(fields: readonly ProfileField[], context: MissingContext): MissingField[] {
  const out: MissingField[] = [];
  for (const field of [...fields].sort(byPosition)) {
    if (field.applicationId && field.applicationId !== context.applicationId) continue;
    if (hasValue(context.user.profile, field.key)) continue;
    const required = requiredNow(field, context);
    if (required) out.push({ field, required: true });
    else if (context.includeOptional && field.requiredAt === null) out.push({ field, required: false });
  }
  return out;
}

function requiredNow(field: ProfileField, context: MissingContext): boolean {
  switch (field.requiredAt) {
    case 'signup':
      return true;
    case 'after_logins':
      return context.stage === 'login' && (context.loginCount ?? 0) >= (field.requiredAfterLogins ?? 1);
    case 'before_application':
      return context.stage === 'login' && field.applicationId === context.applicationId;
    default:
      return false;
  }
}

/**
 * The `profile_fields` claim (scope `profile`): an object of the tenant-defined fields' values, by
 * field key, for the fields the user has a value for. Standard claims (given_name, …) still come from
 * their own profile keys (server/src/oidc/oidc-accounts.ts).
 */
export function profileClaims(
  user: Pick<User, 'profile'>,
  fields: readonly Pick<ProfileField, 'key'>[],
): Record<string, unknown> | undefined {
  const entries = fields
    .filter((f) => hasValue(user.profile, f.key))
    .map((f) => [f.key, user.profile[f.key]]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The tenant's profile fields: definitions (admin), what to ask (hosted pages), values (users.profile). */
export class ProfileFieldsService {
  constructor(private readonly audit: AuditLog) {}

  async list(manager: EntityManager, tenantId: string): Promise<ProfileField[]> {
    return (await manager.findBy(ProfileField, { tenantId })).sort(byPosition);
  }

  async findByKey(manager: EntityManager, tenantId: string, key: string): Promise<ProfileField | null> {
    return manager.findOneBy(ProfileField, { tenantId, key });
  }

  async create(
    manager: EntityManager,
    tenantId: string,
    definition: ProfileFieldDefinition,
    by: ChangedBy,
  ): Promise<ProfileField> {
    assertFieldDefinition(definition);
    await this.assertApplication(manager, tenantId, definition.applicationId);
    if (await this.findByKey(manager, tenantId, definition.key))
      throw ProfilesErrors.keyTaken(definition.key);
    const field = manager.create(ProfileField, { tenantId, ...normalized(definition) });
    await saveField(manager, field);
    await this.audited(manager, field, 'profile_field.created', by);
    return field;
  }

  /** Replaces the declared parts of the field; the merged definition is checked as a whole. */
  async update(
    manager: EntityManager,
    field: ProfileField,
    changes: Partial<ProfileFieldDefinition>,
    by: ChangedBy,
  ): Promise<ProfileField> {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const merged: ProfileFieldDefinition = { ...definitionOf(field), ...defined };
    // Leaving after_logins drops its count, unless the change names one (then it is refused).
    if (merged.requiredAt !== 'after_logins' && changes.requiredAfterLogins === undefined)
      merged.requiredAfterLogins = null;
    assertFieldDefinition(merged);
    await this.assertApplication(manager, field.tenantId, merged.applicationId);
    if (merged.key !== field.key && (await this.findByKey(manager, field.tenantId, merged.key)))
      throw ProfilesErrors.keyTaken(merged.key);
    Object.assign(field, normalized(merged));
    await saveField(manager, field);
    await this.audited(manager, field, 'profile_field.updated', by);
    return field;
  }

  /** Deletes the definition; values already in users' profiles stay. */
  async delete(manager: EntityManager, field: ProfileField, by: ChangedBy): Promise<void> {
    await manager.delete(ProfileField, { id: field.id, tenantId: field.tenantId });
    await this.audited(manager, field, 'profile_field.deleted', by);
  }

  /** The fields to ask `user` for now (see `fieldsToAsk`). */
  async missingFor(
    manager: EntityManager,
    tenantId: string,
    context: MissingContext,
  ): Promise<MissingField[]> {
    return fieldsToAsk(await this.list(manager, tenantId), context);
  }

  /**
   * Validates `input` against the tenant's fields (`required` keys must be present) and merges the
   * values into users.profile, audited as `user.profile_updated`. Throws `invalid_profile` with
   * field-level errors; nothing is written then. Returns the keys that changed.
   */
  async applyValues(
    manager: EntityManager,
    user: User,
    input: Readonly<Record<string, unknown>>,
    options: {
      actor?: Actor;
      required?: ReadonlySet<string>;
      ip?: string | null;
      userAgent?: string | null;
    } = {},
  ): Promise<string[]> {
    const fields = await this.list(manager, user.tenantId);
    const { values, errors } = validateProfileValues(fields, input, options.required);
    if (errors.length > 0) throw ProfilesErrors.invalidValues(errors);
    if (Object.keys(values).length === 0) return [];
    const before = { ...user.profile };
    await updateUserFields(manager, user, { profile: values });
    const changed = Object.keys(values).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(values[k]),
    );
    if (changed.length === 0) return [];
    await this.audit.record(manager, {
      tenantId: user.tenantId,
      actor: options.actor ?? { type: 'user', id: user.id },
      action: 'user.profile_updated',
      target: { type: 'user', id: user.id },
      ip: options.ip ?? null,
      userAgent: options.userAgent ?? null,
      data: { fields: ['profile'], keys: changed },
    });
    return changed;
  }

  private async assertApplication(manager: EntityManager, tenantId: string, id: string | null | undefined) {
    if (id == null) return;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    if (!uuid || !(await manager.existsBy(Application, { id, tenantId })))
      throw ProfilesErrors.applicationNotFound();
  }

  private async audited(manager: EntityManager, field: ProfileField, action: string, by: ChangedBy) {
    await this.audit.record(manager, {
      tenantId: field.tenantId,
      actor: by.actor,
      ip: by.ip ?? null,
      userAgent: by.userAgent ?? null,
      action,
      target: { type: 'profile_field', id: field.id },
      data: { key: field.key, type: field.type, requiredAt: field.requiredAt },
    });
  }
}

function normalized(definition: ProfileFieldDefinition) {
  return {
    key: definition.key,
    type: definition.type,
    labels: definition.labels ?? {},
    validation: definition.validation ?? {},
    requiredAt: definition.requiredAt ?? null,
    requiredAfterLogins:
      definition.requiredAt === 'after_logins' ? (definition.requiredAfterLogins ?? null) : null,
    applicationId: definition.applicationId ?? null,
    position: definition.position ?? 0,
  };
}

export function definitionOf(field: ProfileField): ProfileFieldDefinition {
  const { key, type, labels, validation, requiredAt, requiredAfterLogins, applicationId, position } = field;
  return { key, type, labels, validation, requiredAt, requiredAfterLogins, applicationId, position };
}

async function saveField(manager: EntityManager, field: ProfileField): Promise<void> {
  try {
    await manager.save(field);
  } catch (error) {
    const code =
      error instanceof QueryFailedError ? (error.driverError as { code?: string })?.code : undefined;
    if (code === '23505') throw ProfilesErrors.keyTaken(field.key);
    throw error;
  }
}
