import type { Locale } from '../../i18n/locales.js';
import { t } from '../../i18n/translate.js';
import { checkboxField, errorAlert, pageHeading, postForm, submitButton } from './components.js';
import { html, isSafeUrl, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';

/** A policy version to accept, already in the page locale. */
export interface PolicyItem {
  /** The policy version's id: submitted as a value of the repeated `policy` field when checked. */
  id: string;
  title: string;
  /** Link to the document (http(s) or a path; anything else is not linked). */
  href?: string | null | undefined;
  required: boolean;
  checked?: boolean;
}

export interface ConsentPoliciesPageModel extends FormPageContext {
  /** POST target; fields `_csrf` and `policy` (repeated: one policy version id per checked box). */
  action: string;
  policies: readonly PolicyItem[];
  /** Shown as "Signed in as …". */
  identifier?: string;
}

/**
 * The policies a login must accept before it continues (a required policy never granted, withdrawn,
 * or republished in a new version): each with its document link and a checkbox; required boxes are
 * `required`, so the browser already refuses to submit without them (the server checks again).
 */
export function consentPoliciesPage(model: ConsentPoliciesPageModel): string {
  const { locale } = model;
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${policyCheckboxes(locale, model.policies, 'policy')}
<div class="portico-actions">${submitButton({ label: t(locale, 'consentPolicies.submit'), variant: 'primary' })}</div>`,
  });
  const body = html`${pageHeading(t(locale, 'consentPolicies.title'))}
${errorAlert(locale, model.error)}
${model.identifier && html`<p class="portico-meta">${t(locale, 'consent.signedInAs', { identifier: model.identifier })}</p>`}
<p>${t(locale, 'consentPolicies.intro')}</p>
${form}`;
  return layout({ ...model, title: t(locale, 'consentPolicies.title'), body });
}

/** Checkboxes for policies (also what the registration form's agreements look like). */
export function policyCheckboxes(locale: Locale, policies: readonly PolicyItem[], name: string): SafeHtml {
  const boxes = policies.map((policy, index) =>
    checkboxField({
      // Positional ids: policy ids are data and need not be valid, unique HTML ids.
      id: `${name}-${index}`,
      name,
      value: policy.id,
      checked: policy.checked === true,
      required: policy.required,
      label: html`${policy.title} ${t(locale, policy.required ? 'common.required' : 'common.optional')}${policy.href && isSafeUrl(policy.href) && html` (<a href="${policy.href}">${t(locale, 'registration.readDocument')}</a>)`}`,
    }),
  );
  return html`<fieldset><legend>${t(locale, 'registration.agreements')}</legend>${boxes}</fieldset>`;
}
