import type { Locale } from '../../i18n/locales.js';
import { t } from '../../i18n/translate.js';
import { postForm, submitButton, textField } from '../../interactions/views/components.js';
import { type HtmlValue, html } from '../../interactions/views/html.js';
import type { FactorSummary } from '../../mfa/factors.service.js';
import { accountPart } from './account-layout.js';

export interface FactorPartsModel {
  locale: Locale;
  csrfToken: string;
  /** `/t/T/account` */
  basePath: string;
  summary: FactorSummary;
  totpAllowed: boolean;
  passkeysAllowed: boolean;
  /** A TOTP enrollment in progress: its QR code and secret, with the form for the first code. */
  enrollment?: { qrDataUrl: string; secret: string } | undefined;
  /** Recovery codes just made: shown once. */
  codes?: readonly string[] | undefined;
}

const formatDate = (locale: Locale, date: Date | null) =>
  date ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date) : '–';

/** The Security section's factor parts: passkeys, authenticator app, recovery codes. */
export function factorParts(model: FactorPartsModel): HtmlValue[] {
  return [
    model.passkeysAllowed && passkeysPart(model),
    model.totpAllowed && totpPart(model),
    (model.summary.totp || model.summary.passkeys.length > 0 || model.codes) && recoveryPart(model),
  ];
}

function removeForm(model: FactorPartsModel, factorId: string): HtmlValue {
  return postForm({
    action: `${model.basePath}/factors/remove`,
    csrfToken: model.csrfToken,
    hiddenFields: { factor: factorId },
    content: submitButton({ label: t(model.locale, 'account.security.remove'), variant: 'secondary' }),
  });
}

function passkeysPart(model: FactorPartsModel): HtmlValue {
  const { locale } = model;
  const items = model.summary.passkeys.map(
    (passkey) => html`<li class="portico-session">
<p><strong>${passkey.name}</strong></p>
<p class="portico-meta">${t(locale, 'account.security.passkeyDetails', { createdAt: formatDate(locale, passkey.createdAt), lastUsedAt: formatDate(locale, passkey.lastUsedAt) })}</p>
${postForm({
  action: `${model.basePath}/passkeys/rename`,
  csrfToken: model.csrfToken,
  hiddenFields: { factor: passkey.id },
  content: html`${textField({ id: `rename-${passkey.id}`, name: 'name', label: t(locale, 'account.security.passkeyName'), type: 'text', autocomplete: 'off', value: passkey.name, required: true })}
${submitButton({ label: t(locale, 'account.security.rename'), variant: 'secondary' })}`,
})}
${removeForm(model, passkey.id)}
</li>`,
  );
  const add = postForm({
    action: `${model.basePath}/passkeys`,
    csrfToken: model.csrfToken,
    content: html`${textField({ id: 'passkey-name', name: 'name', label: t(locale, 'account.security.passkeyName'), type: 'text', autocomplete: 'off', hint: t(locale, 'account.security.passkeyNameHint') })}
<div class="portico-actions"><button type="button" class="portico-primary" data-passkey="register" data-options="${`${model.basePath}/passkeys/options`}" data-verify="${`${model.basePath}/passkeys`}" data-failed="${t(locale, 'error.passkeyRegistrationFailed')}">${t(locale, 'account.security.addPasskey')}</button></div>`,
  });
  const list =
    items.length > 0
      ? html`<ul class="portico-sessions">${items}</ul>`
      : html`<p>${t(locale, 'account.security.passkeysNone')}</p>`;
  return accountPart(
    t(locale, 'account.security.passkeysHeading'),
    html`<p>${t(locale, 'account.security.passkeysIntro')}</p>
${list}
${add}`,
  );
}

function totpPart(model: FactorPartsModel): HtmlValue {
  const { locale, summary, enrollment } = model;
  let content: HtmlValue;
  if (enrollment) {
    content = html`<p>${t(locale, 'enroll.intro')}</p>
<p><img src="${enrollment.qrDataUrl}" alt="${t(locale, 'enroll.qrAlt')}" width="200" height="200"></p>
<p class="portico-meta">${t(locale, 'enroll.secret')} <code>${enrollment.secret}</code></p>
${postForm({
  action: `${model.basePath}/totp/confirm`,
  csrfToken: model.csrfToken,
  content: html`${textField({ id: 'totp-code', name: 'code', label: t(locale, 'code.label'), type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric', required: true, autofocus: true })}
<div class="portico-actions">${submitButton({ label: t(locale, 'mfa.verify'), variant: 'primary' })}</div>`,
})}`;
  } else if (summary.totp) {
    content = html`<p>${t(locale, 'account.security.totpActive', { createdAt: formatDate(locale, summary.totp.createdAt) })}</p>
${removeForm(model, summary.totp.id)}`;
  } else {
    content = html`<p>${t(locale, 'account.security.totpNone')}</p>
${postForm({ action: `${model.basePath}/totp`, csrfToken: model.csrfToken, content: html`<div class="portico-actions">${submitButton({ label: t(locale, 'account.security.setUpTotp'), variant: 'primary' })}</div>` })}`;
  }
  return accountPart(t(locale, 'account.security.totpHeading'), content);
}

function recoveryPart(model: FactorPartsModel): HtmlValue {
  const { locale } = model;
  const codes =
    model.codes &&
    html`<ul class="portico-codes">${model.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>`;
  return accountPart(
    t(locale, 'account.security.recoveryHeading'),
    html`${codes || html`<p>${t(locale, 'account.security.recoveryRemaining', { count: String(model.summary.recoveryCodesRemaining) })}</p>`}
${postForm({ action: `${model.basePath}/recovery-codes`, csrfToken: model.csrfToken, content: submitButton({ label: t(locale, 'account.security.regenerateCodes'), variant: 'secondary' }) })}`,
  );
}
