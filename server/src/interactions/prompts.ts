import type { ConsentPolicy } from '../consent/consent.entity.js';
import { policyTitle } from '../consent/consent.service.js';
import type { Locale } from '../i18n/locales.js';
import type { MissingField } from '../profiles/profile-fields.service.js';
import type { FieldError } from '../profiles/profile-values.js';
import type { PolicyItem } from './views/consent-policies-page.js';
import type { ProfileInput } from './views/profile-inputs.js';
import type { RegistrationConsent } from './views/registration-pages.js';

/**
 * From the consent and profiles domains to the hosted pages' view models (the login interaction's
 * "consent + progressive profile prompts" step and the registration form use these).
 */

/** Policy versions as the consent-policies page lists them, titles in `locale`. */
export function policyItems(
  policies: readonly ConsentPolicy[],
  locale: Locale,
  checked: ReadonlySet<string> = new Set(),
): PolicyItem[] {
  return policies.map((policy) => ({
    id: policy.id,
    title: policyTitle(policy, locale),
    href: policy.url,
    required: policy.required,
    checked: checked.has(policy.id),
  }));
}

/** The same policies as the registration form's agreements. */
export function registrationConsents(
  policies: readonly ConsentPolicy[],
  locale: Locale,
  checked: ReadonlySet<string> = new Set(),
): RegistrationConsent[] {
  return policyItems(policies, locale, checked).map(({ id, title, href, required, checked: on }) => ({
    id,
    label: title,
    ...(href ? { documentHref: href } : {}),
    required,
    checked: on === true,
  }));
}

/**
 * The inputs of the fields to ask (ProfileFieldsService.missingFor), labels in `locale` (else English,
 * else the key), with what the user submitted and the field errors of `validateProfileValues`.
 */
export function profileInputsFor(
  missing: readonly MissingField[],
  locale: Locale,
  submitted: Readonly<Record<string, string>> = {},
  errors: readonly FieldError[] = [],
): ProfileInput[] {
  return missing.map(({ field, required }) => {
    const rules = field.validation;
    const error = errors.find((e) => e.key === field.key);
    const bounds =
      field.type === 'string'
        ? { min: rules.minLength, max: rules.maxLength }
        : { min: rules.min, max: rules.max };
    return {
      key: field.key,
      type: field.type,
      label: localized(field.labels, locale) ?? field.key,
      required,
      value: submitted[field.key],
      options: (rules.options ?? []).map((o) => ({
        value: o.value,
        label: localized(o.labels ?? {}, locale) ?? o.value,
      })),
      minLength: rules.minLength,
      maxLength: rules.maxLength,
      min: rules.min,
      max: rules.max,
      integer: rules.integer,
      error: error ? { code: error.code, ...bounds } : undefined,
    };
  });
}

/** The `profile.<key>` fields of a submitted form, by key (other fields are ignored). */
export function submittedProfileValues(body: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith('profile.') && typeof value === 'string') out[name.slice('profile.'.length)] = value;
  }
  return out;
}

/** Checked policy ids of a submitted form (`policy` or `consent`, one value or many). */
export function submittedPolicyIds(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

const localized = (texts: Readonly<Record<string, string>>, locale: Locale): string | undefined =>
  texts[locale] ?? texts.en;
