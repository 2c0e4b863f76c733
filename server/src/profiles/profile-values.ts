import type { ProfileField } from './profile-field.entity.js';

/** Stable codes of value errors; hosted pages translate them (`profile.error.<code>`). */
export const FIELD_ERROR_CODES = [
  'required',
  'unknown_field',
  'invalid_type',
  'too_short',
  'too_long',
  'pattern_mismatch',
  'not_integer',
  'too_small',
  'too_large',
  'invalid_date',
  'too_early',
  'too_late',
  'not_an_option',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export interface FieldError {
  key: string;
  code: FieldErrorCode;
  message: string;
}

export interface ValidatedValues {
  /** Typed values (numbers, booleans, `YYYY-MM-DD` strings) by field key; only the valid ones. */
  values: Record<string, string | number | boolean>;
  errors: FieldError[];
}

/** Upper bound on string values when a field declares none. */
export const DEFAULT_MAX_LENGTH = 1000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks `input` against the fields. Values may be typed (GraphQL) or strings (HTML forms: numbers,
 * `true`/`on`/`false`, dates as YYYY-MM-DD); empty strings and null count as absent. `required` names
 * the keys that must have a value. Keys without a field are `unknown_field`.
 */
export function validateProfileValues(
  fields: readonly ProfileField[],
  input: Readonly<Record<string, unknown>>,
  required: ReadonlySet<string> = new Set(),
): ValidatedValues {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out: ValidatedValues = { values: {}, errors: [] };
  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) out.errors.push(error(key, 'unknown_field', 'is not a profile field'));
  }
  for (const field of fields) {
    const raw = input[field.key];
    if (raw === undefined || raw === null || raw === '') {
      if (required.has(field.key)) out.errors.push(error(field.key, 'required', 'is required'));
      continue;
    }
    const result = checkValue(field, raw);
    if ('code' in result) out.errors.push({ key: field.key, ...result });
    else out.values[field.key] = result.value;
  }
  return out;
}

type Checked = { value: string | number | boolean } | { code: FieldErrorCode; message: string };

const error = (key: string, code: FieldErrorCode, message: string): FieldError => ({ key, code, message });
const fail = (code: FieldErrorCode, message: string): Checked => ({ code, message });

function checkValue(field: ProfileField, raw: unknown): Checked {
  switch (field.type) {
    case 'string':
      return typeof raw === 'string' ? checkString(field, raw.trim()) : fail('invalid_type', 'must be text');
    case 'number':
      return checkNumber(field, typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw);
    case 'boolean':
      return checkBoolean(raw);
    case 'date':
      return typeof raw === 'string' ? checkDate(field, raw.trim()) : fail('invalid_type', 'must be a date');
    case 'enum': {
      const options = field.validation.options ?? [];
      return typeof raw === 'string' && options.some((o) => o.value === raw)
        ? { value: raw }
        : fail('not_an_option', 'must be one of the options');
    }
  }
}

function checkString(field: ProfileField, value: string): Checked {
  const { minLength, pattern } = field.validation;
  const maxLength = field.validation.maxLength ?? DEFAULT_MAX_LENGTH;
  const length = [...value].length;
  if (minLength !== undefined && length < minLength)
    return fail('too_short', `must be at least ${minLength} characters`);
  if (length > maxLength) return fail('too_long', `must be at most ${maxLength} characters`);
  if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`, 'u').test(value))
    return fail('pattern_mismatch', 'does not have the expected format');
  return { value };
}

function checkNumber(field: ProfileField, value: unknown): Checked {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('invalid_type', 'must be a number');
  const { min, max, integer } = field.validation;
  if (integer && !Number.isInteger(value)) return fail('not_integer', 'must be a whole number');
  if (typeof min === 'number' && value < min) return fail('too_small', `must be at least ${min}`);
  if (typeof max === 'number' && value > max) return fail('too_large', `must be at most ${max}`);
  return { value };
}

function checkBoolean(raw: unknown): Checked {
  if (typeof raw === 'boolean') return { value: raw };
  if (raw === 'true' || raw === 'on') return { value: true };
  if (raw === 'false' || raw === 'off') return { value: false };
  return fail('invalid_type', 'must be true or false');
}

function checkDate(field: ProfileField, value: string): Checked {
  if (!isIsoDate(value)) return fail('invalid_date', 'must be a date (YYYY-MM-DD)');
  const { min, max } = field.validation;
  if (typeof min === 'string' && value < min) return fail('too_early', `must be on or after ${min}`);
  if (typeof max === 'string' && value > max) return fail('too_late', `must be on or before ${max}`);
  return { value };
}

/** A real calendar date in YYYY-MM-DD form (2025-02-30 is not). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Whether the user's profile holds a value for the field. */
export const hasValue = (profile: Readonly<Record<string, unknown>>, key: string): boolean =>
  profile[key] !== undefined && profile[key] !== null && profile[key] !== '';
