import { isLocale } from '../i18n/locales.js';
import {
  PROFILE_FIELD_TYPES,
  PROFILE_REQUIREMENTS,
  type ProfileFieldType,
  type ProfileFieldValidation,
  type ProfileRequirement,
} from './profile-field.entity.js';
import { isIsoDate } from './profile-values.js';
import { ProfilesErrors } from './profiles.errors.js';

export const PROFILE_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
const MAX_LABEL = 200;
const MAX_OPTIONS = 100;
const MAX_PATTERN = 500;
const MAX_LENGTH_LIMIT = 10_000;

/** A profile field as an admin declares it (GraphQL, kickstart). */
export interface ProfileFieldDefinition {
  key: string;
  type: ProfileFieldType;
  labels?: Record<string, string>;
  validation?: ProfileFieldValidation;
  requiredAt?: ProfileRequirement | null;
  requiredAfterLogins?: number | null;
  applicationId?: string | null;
  position?: number;
}

const VALIDATION_KEYS: Record<ProfileFieldType, readonly string[]> = {
  string: ['minLength', 'maxLength', 'pattern'],
  number: ['min', 'max', 'integer'],
  boolean: [],
  date: ['min', 'max'],
  enum: ['options'],
};

const bad = (field: string, message: string) => ProfilesErrors.invalidDefinition(field, message);

/** Checks a complete definition; throws `invalid_input` naming the offending field. */
export function assertFieldDefinition(definition: ProfileFieldDefinition): void {
  if (!PROFILE_KEY_PATTERN.test(definition.key))
    throw bad('key', 'A field key is a letter then up to 62 letters, digits or underscores.');
  if (!(PROFILE_FIELD_TYPES as readonly string[]).includes(definition.type))
    throw bad('type', 'A field type is string, number, boolean, date or enum.');
  assertLabels(definition.labels ?? {}, 'labels');
  assertValidation(definition.type, definition.validation ?? {});
  assertRequirement(definition);
  const position = definition.position ?? 0;
  if (!Number.isInteger(position) || position < 0 || position > 10_000)
    throw bad('position', 'A position is a whole number from 0 to 10000.');
}

function assertLabels(labels: Record<string, unknown>, path: string): void {
  for (const [locale, text] of Object.entries(labels)) {
    if (!isLocale(locale)) throw bad(path, `"${locale}" is not a supported locale.`);
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_LABEL)
      throw bad(path, `The ${locale} label is 1 to ${MAX_LABEL} characters.`);
  }
}

function assertValidation(type: ProfileFieldType, validation: ProfileFieldValidation): void {
  const unknown = Object.keys(validation).filter((k) => !VALIDATION_KEYS[type].includes(k));
  if (unknown.length > 0)
    throw bad(`validation.${unknown[0]}`, `A ${type} field has no "${unknown[0]}" rule.`);
  if (type === 'string') assertStringRules(validation);
  if (type === 'number')
    assertRange(validation, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  if (type === 'date')
    assertRange(validation, (v) => typeof v === 'string' && isIsoDate(v), 'a date (YYYY-MM-DD)');
  if (type === 'number' && validation.integer !== undefined && typeof validation.integer !== 'boolean')
    throw bad('validation.integer', 'integer is true or false.');
  if (type === 'enum') assertOptions(validation);
}

function assertStringRules({ minLength, maxLength, pattern }: ProfileFieldValidation): void {
  const isLength = (n: unknown) =>
    Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_LENGTH_LIMIT;
  if (minLength !== undefined && !isLength(minLength))
    throw bad('validation.minLength', `minLength is a whole number from 0 to ${MAX_LENGTH_LIMIT}.`);
  if (maxLength !== undefined && (!isLength(maxLength) || maxLength < 1))
    throw bad('validation.maxLength', `maxLength is a whole number from 1 to ${MAX_LENGTH_LIMIT}.`);
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength)
    throw bad('validation.minLength', 'minLength is at most maxLength.');
  if (pattern === undefined) return;
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN)
    throw bad('validation.pattern', `A pattern is 1 to ${MAX_PATTERN} characters.`);
  try {
    new RegExp(pattern, 'u');
  } catch {
    throw bad('validation.pattern', 'The pattern is not a valid regular expression.');
  }
}

function assertRange(validation: ProfileFieldValidation, ok: (v: unknown) => boolean, what: string): void {
  const { min, max } = validation;
  if (min !== undefined && !ok(min)) throw bad('validation.min', `min is ${what}.`);
  if (max !== undefined && !ok(max)) throw bad('validation.max', `max is ${what}.`);
  if (min !== undefined && max !== undefined && min > max) throw bad('validation.min', 'min is at most max.');
}

function assertOptions({ options }: ProfileFieldValidation): void {
  if (!Array.isArray(options) || options.length === 0 || options.length > MAX_OPTIONS)
    throw bad('validation.options', `An enum field has 1 to ${MAX_OPTIONS} options.`);
  const values = new Set<string>();
  for (const option of options) {
    const value = (option as { value?: unknown }).value;
    if (typeof value !== 'string' || value.length === 0 || value.length > 100)
      throw bad('validation.options', 'Each option has a value of 1 to 100 characters.');
    if (values.has(value)) throw bad('validation.options', `The option "${value}" appears twice.`);
    values.add(value);
    const extra = Object.keys(option).filter((k) => k !== 'value' && k !== 'labels');
    if (extra.length > 0) throw bad('validation.options', `An option has no "${extra[0]}".`);
    assertLabels(option.labels ?? {}, 'validation.options');
  }
}

function assertRequirement(definition: ProfileFieldDefinition): void {
  const { requiredAt, requiredAfterLogins, applicationId } = definition;
  if (requiredAt != null && !(PROFILE_REQUIREMENTS as readonly string[]).includes(requiredAt))
    throw bad('requiredAt', 'requiredAt is signup, after_logins or before_application.');
  if (requiredAt === 'after_logins') {
    if (!Number.isInteger(requiredAfterLogins) || (requiredAfterLogins as number) < 1)
      throw bad('requiredAfterLogins', 'A field required after logins names how many (1 or more).');
  } else if (requiredAfterLogins != null) {
    throw bad('requiredAfterLogins', 'requiredAfterLogins applies only to requiredAt after_logins.');
  }
  if (requiredAt === 'before_application' && applicationId == null)
    throw bad('applicationId', 'A field required before an application names the application.');
}
