import type { Locale } from '../../i18n/locales.js';
import { type MessageKey, t } from '../../i18n/translate.js';
import { type HtmlValue, html, type SafeHtml } from './html.js';

/** Codes of field errors (server/src/profiles/profile-values.ts), each with its message. */
const ERROR_MESSAGES: Readonly<Record<string, MessageKey>> = {
  required: 'profile.error.required',
  unknown_field: 'profile.error.unknown_field',
  invalid_type: 'profile.error.invalid_type',
  too_short: 'profile.error.too_short',
  too_long: 'profile.error.too_long',
  pattern_mismatch: 'profile.error.pattern_mismatch',
  not_integer: 'profile.error.not_integer',
  too_small: 'profile.error.too_small',
  too_large: 'profile.error.too_large',
  invalid_date: 'profile.error.invalid_date',
  too_early: 'profile.error.too_early',
  too_late: 'profile.error.too_late',
  not_an_option: 'profile.error.not_an_option',
};

/** Standard autocomplete tokens for profile keys that have one (ARCHITECTURE.md "Hosted pages"). */
const AUTOCOMPLETE: Readonly<Record<string, string>> = {
  givenName: 'given-name',
  familyName: 'family-name',
  middleName: 'additional-name',
  nickname: 'nickname',
  birthdate: 'bday',
  company: 'organization',
  organization: 'organization',
  jobTitle: 'organization-title',
};

/** One profile field as a form input, already in the page locale. Submitted as `profile.<key>`. */
export interface ProfileInput {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum';
  label: string;
  required: boolean;
  /** The value to show (what was submitted, after an error). */
  value?: string | undefined;
  /** Enum options, labels in the page locale. */
  options?: readonly { value: string; label: string }[];
  minLength?: number | undefined;
  maxLength?: number | undefined;
  /** number: numbers; date: YYYY-MM-DD. */
  min?: number | string | undefined;
  max?: number | string | undefined;
  integer?: boolean | undefined;
  /** A field error: its stable code, and the bound it is about (`{min}`/`{max}` of the message). */
  error?: { code: string; min?: number | string | undefined; max?: number | string | undefined } | undefined;
}

/**
 * Labelled inputs for profile fields (the profile prompt, and the registration form's signup fields):
 * the input type fits the field type, limits become HTML attributes, and a field's error is shown
 * under it in a `role="alert"` element the input points at (`aria-describedby`).
 */
export function profileInputs(locale: Locale, inputs: readonly ProfileInput[]): SafeHtml {
  return html`${inputs.map((input, index) => profileInput(locale, input, `profile-${index}`))}`;
}

function profileInput(locale: Locale, input: ProfileInput, id: string): SafeHtml {
  const errorId = input.error ? `${id}-error` : undefined;
  const label = `${input.label} ${t(locale, input.required ? 'common.required' : 'common.optional')}`;
  const common = html`id="${id}" name="profile.${input.key}"${input.required ? html` required` : false}${errorId ? html` aria-invalid="true" aria-describedby="${errorId}"` : false}`;
  if (input.type === 'boolean') {
    return html`<div class="portico-checkbox">
<input ${common} type="checkbox" value="true"${input.value === 'true' ? html` checked` : false}>
<label for="${id}">${label}</label>
</div>${fieldError(locale, input, errorId)}`;
  }
  return html`<div class="portico-field">
<label for="${id}">${label}</label>
${control(locale, input, common)}
${fieldError(locale, input, errorId)}
</div>`;
}

function control(locale: Locale, input: ProfileInput, common: SafeHtml): SafeHtml {
  if (input.type === 'enum') {
    const options = (input.options ?? []).map(
      (o) =>
        html`<option value="${o.value}"${o.value === input.value ? html` selected` : false}>${o.label}</option>`,
    );
    return html`<select ${common}><option value="">${t(locale, 'profilePrompt.choose')}</option>${options}</select>`;
  }
  const attributes: HtmlValue[] = [];
  if (input.type === 'number') {
    attributes.push(
      html` type="number" inputmode="${input.integer ? 'numeric' : 'decimal'}" step="${input.integer ? '1' : 'any'}"`,
    );
  } else if (input.type === 'date') {
    attributes.push(html` type="date"`);
  } else {
    attributes.push(html` type="text"`);
    if (input.minLength !== undefined) attributes.push(html` minlength="${input.minLength}"`);
    if (input.maxLength !== undefined) attributes.push(html` maxlength="${input.maxLength}"`);
  }
  if (input.type !== 'string') {
    if (input.min !== undefined) attributes.push(html` min="${String(input.min)}"`);
    if (input.max !== undefined) attributes.push(html` max="${String(input.max)}"`);
  }
  const autocomplete = AUTOCOMPLETE[input.key] ?? 'off';
  return html`<input ${common}${attributes} autocomplete="${autocomplete}"${input.value !== undefined ? html` value="${input.value}"` : false}>`;
}

function fieldError(locale: Locale, input: ProfileInput, errorId: string | undefined): HtmlValue {
  if (!input.error || !errorId) return false;
  const key = ERROR_MESSAGES[input.error.code] ?? 'profile.error.invalid_type';
  const params = { min: String(input.error.min ?? ''), max: String(input.error.max ?? '') };
  return html`<span class="portico-field-error" id="${errorId}" role="alert">${t(locale, key, params)}</span>`;
}
