import type { Locale } from '../../i18n/locales.js';
import { type ErrorMessageKey, t } from '../../i18n/translate.js';
import { type HtmlValue, html, type SafeHtml } from './html.js';
import type { HiddenFields } from './page-model.js';

/** The id of the page's alert, referenced by `aria-describedby` of the inputs it is about. */
export const alertId = 'portico-alert';

/** The page's error message in a `role="alert"` element (read out by screen readers when shown). */
export function errorAlert(locale: Locale, error: ErrorMessageKey | undefined): HtmlValue {
  if (!error) return false;
  return html`<div class="portico-alert" role="alert" id="${alertId}">${t(locale, error)}</div>`;
}

export interface PostFormOptions {
  action: string;
  csrfToken: string;
  hiddenFields?: HiddenFields | undefined;
  /** Fields first, then the buttons: the first submit button is the form's primary action. */
  content: HtmlValue;
  className?: string;
}

/** A POST form carrying the `_csrf` token (and any extra hidden fields) before its content. */
export function postForm(options: PostFormOptions): SafeHtml {
  const hidden = Object.entries(options.hiddenFields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return html`<form method="post" action="${options.action}"${options.className ? html` class="${options.className}"` : false}>
<input type="hidden" name="_csrf" value="${options.csrfToken}">
${hidden}
${options.content}
</form>`;
}

export interface TextFieldOptions {
  id: string;
  /** Omitted for display-only inputs, so they are not submitted (and cannot be trusted by mistake). */
  name?: string;
  label: string;
  type: 'text' | 'email' | 'password' | 'tel';
  /** A token from ARCHITECTURE.md "Hosted pages": username, current-password, new-password, … */
  autocomplete: string;
  value?: string | undefined;
  required?: boolean;
  readOnly?: boolean;
  autofocus?: boolean;
  hint?: string | undefined;
  minLength?: number | undefined;
  inputMode?: 'text' | 'email' | 'numeric' | 'tel';
  autocapitalize?: 'none' | 'characters' | 'words';
  /** Marks the input invalid and points it at the page's alert. */
  invalid?: boolean;
  className?: string;
}

/** A labelled input, with an optional hint tied to it by `aria-describedby`. */
export function textField(options: TextFieldOptions): SafeHtml {
  const hintId = options.hint ? `${options.id}-hint` : undefined;
  return html`<div class="portico-field">
<label for="${options.id}">${options.label}</label>
<input ${inputAttributes(options, hintId)}>
${hintId ? html`<span class="portico-hint" id="${hintId}">${options.hint}</span>` : false}
</div>`;
}

function inputAttributes(options: TextFieldOptions, hintId: string | undefined): SafeHtml[] {
  const describedBy = [hintId, options.invalid ? alertId : undefined].filter(Boolean).join(' ');
  const textLike = options.type !== 'password' && options.autocapitalize !== 'words';
  const attributes = [
    html`id="${options.id}"`,
    options.name !== undefined && html`name="${options.name}"`,
    html`type="${options.type}"`,
    html`autocomplete="${options.autocomplete}"`,
    options.value !== undefined && html`value="${options.value}"`,
    options.minLength !== undefined && html`minlength="${options.minLength}"`,
    options.inputMode !== undefined && html`inputmode="${options.inputMode}"`,
    options.autocapitalize !== undefined && html`autocapitalize="${options.autocapitalize}"`,
    options.className !== undefined && html`class="${options.className}"`,
    textLike && html`spellcheck="false" autocorrect="off"`,
    options.required === true && html`required`,
    options.readOnly === true && html`readonly`,
    options.autofocus === true && html`autofocus`,
    options.invalid === true && html`aria-invalid="true"`,
    describedBy !== '' && html`aria-describedby="${describedBy}"`,
  ];
  return attributes
    .filter((attribute): attribute is SafeHtml => attribute !== false)
    .map((attribute, index) => (index === 0 ? attribute : html` ${attribute}`));
}

export interface CheckboxFieldOptions {
  id: string;
  name: string;
  value: string;
  label: HtmlValue;
  checked?: boolean;
  required?: boolean;
}

export function checkboxField(options: CheckboxFieldOptions): SafeHtml {
  return html`<div class="portico-checkbox">
<input id="${options.id}" name="${options.name}" type="checkbox" value="${options.value}"${options.checked ? html` checked` : false}${options.required ? html` required` : false}>
<label for="${options.id}">${options.label}</label>
</div>`;
}

export interface SubmitButtonOptions {
  label: string;
  variant: 'primary' | 'secondary';
  name?: string;
  value?: string;
  /** For secondary actions that must work with required fields left empty. */
  formNoValidate?: boolean;
}

export function submitButton(options: SubmitButtonOptions): SafeHtml {
  return html`<button type="submit" class="portico-${options.variant}"${options.name ? html` name="${options.name}" value="${options.value ?? ''}"` : false}${options.formNoValidate ? html` formnovalidate` : false}>${options.label}</button>`;
}

/** The page heading; every page has exactly one `<h1>`. */
export const pageHeading = (text: string): SafeHtml => html`<h1>${text}</h1>`;

/** The input of a code sent by mail or SMS, or shown by an authenticator app (`one-time-code`). */
export function oneTimeCodeField(
  locale: Locale,
  options: { id?: string; invalid?: boolean; autofocus?: boolean } = {},
): SafeHtml {
  return textField({
    id: options.id ?? 'code',
    name: 'code',
    label: t(locale, 'code.label'),
    type: 'text',
    autocomplete: 'one-time-code',
    inputMode: 'numeric',
    required: true,
    autofocus: options.autofocus ?? true,
    invalid: options.invalid === true,
  });
}
