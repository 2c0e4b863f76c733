import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton, textField } from './components.js';
import { scopeListItems } from './consent-page.js';
import { html } from './html.js';
import { layout } from './layout.js';
import {
  type FormPageContext,
  type HiddenFields,
  type PageContext,
  withoutButtonFields,
} from './page-model.js';

/**
 * The device authorization grant's pages, shaped for oidc-provider's `features.deviceFlow`
 * `userCodeInputSource`, `userCodeConfirmSource` and `successSource`: both forms post to
 * `ctx.oidc.urlFor('code_verification')` with `xsrf` (pass it in `hiddenFields`) and `user_code`.
 */
export interface DeviceCodePageModel extends FormPageContext {
  action: string;
  /** Must include `{ xsrf: ctx.oidc.session.state.secret }`. */
  hiddenFields?: HiddenFields;
  /** Prefill, e.g. from `verification_uri_complete`'s `user_code` or the code typed before an error. */
  userCode?: string;
  /** oidc-provider's `deviceFlow.charset`: digits get a numeric keyboard. Default `base-20` (letters). */
  charset?: 'base-20' | 'digits';
}

export function deviceCodePage(model: DeviceCodePageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: model.hiddenFields,
    content: html`${textField({
      id: 'user-code',
      name: 'user_code',
      label: t(locale, 'device.codeLabel'),
      type: 'text',
      autocomplete: 'one-time-code',
      inputMode: model.charset === 'digits' ? 'numeric' : 'text',
      autocapitalize: 'characters',
      value: model.userCode,
      className: 'portico-code-input',
      required: true,
      autofocus: true,
      invalid: model.error !== undefined,
    })}
<div class="portico-actions">${submitButton({ label: t(locale, 'device.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'device.title'))}
${errorAlert(locale, model.error)}
<p>${t(locale, 'device.instructions')}</p>
${form}`;
  return layout({ ...model, title: t(locale, 'device.title'), body });
}

export interface DeviceConfirmPageModel extends FormPageContext {
  action: string;
  /** Must include `{ xsrf: ctx.oidc.session.state.secret }`; `confirm`, `abort` are dropped (the buttons send them). */
  hiddenFields?: HiddenFields;
  clientName: string;
  /** The code as oidc-provider displays it (masked, e.g. `BCDF-GHJK`); posted back as `user_code`. */
  userCode: string;
  scopes?: readonly string[];
}

/** "Is this your device?": Allow posts `confirm=yes`, Deny posts `abort=yes` (oidc-provider's names). */
export function deviceConfirmPage(model: DeviceConfirmPageModel): string {
  const { locale } = model;
  const client = model.clientName;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    hiddenFields: {
      ...withoutButtonFields(model.hiddenFields, ['confirm', 'abort']),
      user_code: model.userCode,
    },
    content: html`<div class="portico-actions">
${submitButton({ label: t(locale, 'common.allow'), variant: 'primary', name: 'confirm', value: 'yes' })}
${submitButton({ label: t(locale, 'common.deny'), variant: 'secondary', name: 'abort', value: 'yes' })}
</div>`,
  });
  const scopes = model.scopes ?? [];
  const body = html`${pageHeading(t(locale, 'deviceConfirm.heading', { client }))}
${errorAlert(locale, model.error)}
<p>${t(locale, 'deviceConfirm.compare')}</p>
<p><code class="portico-code">${model.userCode}</code></p>
${scopes.length > 0 && html`<p>${t(locale, 'consent.scopesIntro', { client })}</p><ul class="portico-scopes">${scopeListItems(locale, scopes)}</ul>`}
<p class="portico-meta">${t(locale, 'deviceConfirm.warning')}</p>
${form}`;
  return layout({ ...model, title: t(locale, 'deviceConfirm.title'), body });
}

export interface DeviceDonePageModel extends PageContext {
  outcome: 'allowed' | 'denied';
  clientName?: string;
}

export function deviceDonePage(model: DeviceDonePageModel): string {
  const { locale } = model;
  const allowed = model.outcome === 'allowed';
  const title = t(locale, allowed ? 'deviceDone.allowedTitle' : 'deviceDone.deniedTitle');
  let message = t(locale, 'deviceDone.deniedBody');
  if (allowed) {
    message = model.clientName
      ? t(locale, 'deviceDone.allowedBodyWithClient', { client: model.clientName })
      : t(locale, 'deviceDone.allowedBody');
  }
  const body = html`${pageHeading(title)}
<p>${message}</p>
<p class="portico-meta">${t(locale, 'common.closeWindow')}</p>`;
  return layout({ ...model, title, body });
}
