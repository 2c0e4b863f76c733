import type { TenantSettings } from '../tenants/tenant-settings.js';
import { MessagingErrors } from './messaging.errors.js';
import type { MessageKind } from './messaging.service.js';

/**
 * Template syntax: `{{name}}` names a variable of the message (`messaging.service.ts` → `variables`).
 * In HTML every value is escaped; there is no raw form, so no value can inject markup (SECURITY.md
 * item 37).
 */
const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Every message has these, filled by the renderer from the tenant. */
export const COMMON_VARIABLES = ['tenantName'] as const;

/** The variables each kind's sender supplies; a template may name these and the common ones only. */
export const MESSAGE_VARIABLES: Readonly<Record<MessageKind, readonly string[]>> = {
  email_verification: ['link', 'expiresInMinutes'],
  email_change_verification: ['link', 'expiresInMinutes', 'newEmail'],
  email_changed_notice: ['oldEmail', 'newEmail'],
  password_reset: ['link', 'expiresInMinutes'],
  password_changed_notice: [],
  registration_existing_account: ['link'],
  magic_link: ['link', 'expiresInMinutes'],
  email_otp: ['code', 'expiresInMinutes'],
  sms_otp: ['code', 'expiresInMinutes'],
  phone_verification: ['code', 'expiresInMinutes'],
  passkey_added_notice: [],
  authenticator_added_notice: [],
};

export const variablesOf = (kind: MessageKind): string[] => [...COMMON_VARIABLES, ...MESSAGE_VARIABLES[kind]];

/** Refuses a template that names a variable its kind does not have, or has a stray `{{`. */
export function assertKnownVariables(kind: MessageKind, field: string, template: string): void {
  const allowed = variablesOf(kind);
  const unknown = [...template.matchAll(VARIABLE)]
    .map((m) => m[1] as string)
    .filter((n) => !allowed.includes(n));
  if (unknown.length > 0) {
    throw MessagingErrors.invalidTemplate(
      field,
      `Unknown variable ${unknown.map((n) => `{{${n}}}`).join(', ')}; ${kind} has ${allowed.map((n) => `{{${n}}}`).join(', ')}.`,
    );
  }
  if (template.replace(VARIABLE, '').includes('{{')) {
    throw MessagingErrors.invalidTemplate(field, 'A "{{" does not start a valid {{variable}}.');
  }
}

export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Fills `{{name}}` with the values (escaped by `escape`); a value the sender did not give is empty. */
export function fill(template: string, values: Record<string, string>, encode = (v: string) => v): string {
  return template.replace(VARIABLE, (_match, name: string) =>
    encode(Object.hasOwn(values, name) ? String(values[name]) : ''),
  );
}

/** The HTML body of a built-in template: its text in paragraphs, a `{{link}}` paragraph as a button. */
export function textTemplateToHtml(
  text: string,
  values: Record<string, string>,
  primaryColor: string,
): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => {
      if (paragraph.trim() === '{{link}}') {
        const href = escapeHtml(values.link ?? '');
        return `<p><a href="${href}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:${primaryColor};color:#ffffff;text-decoration:none">${href}</a></p>`;
      }
      return `<p>${fill(paragraph, values, escapeHtml).replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}

/** The tenant's branded frame around an HTML body: its name or logo, its primary color. */
export function brandedHtml(options: {
  branding: TenantSettings['branding'];
  tenantName: string;
  subject: string;
  lang: string;
  body: string;
}): string {
  const { branding, tenantName, subject, lang, body } = options;
  const name = escapeHtml(tenantName);
  const header = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${name}" style="max-height:48px">`
    : `<strong style="font-size:20px">${name}</strong>`;
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:${branding.backgroundColor};font-family:system-ui,sans-serif;color:#212529">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden">
<div style="padding:16px 24px;border-bottom:4px solid ${branding.primaryColor}">${header}</div>
<div style="padding:8px 24px 24px">
${body}
</div></div></body></html>`;
}
