import { t } from '../../i18n/translate.js';
import { errorAlert, pageHeading, postForm, submitButton } from './components.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { FormPageContext } from './page-model.js';
import { type ProfileInput, profileInputs } from './profile-inputs.js';

export interface ProfilePromptPageModel extends FormPageContext {
  /**
   * POST target; fields `_csrf`, `profile.<key>` per field, and `action` = `save` (the primary
   * button, also what Enter submits) or `skip` ("Not now", offered only when nothing asked is required).
   */
  action: string;
  inputs: readonly ProfileInput[];
}

/** After sign-in: the profile fields the tenant needs now (progressive profiling, issue 5). */
export function profilePromptPage(model: ProfilePromptPageModel): string {
  const { locale } = model;
  const skippable = model.inputs.every((input) => !input.required);
  const form = postForm({
    action: model.action,
    csrfToken: model.csrfToken,
    content: html`${profileInputs(locale, model.inputs)}
<div class="portico-actions">
${submitButton({ label: t(locale, 'profilePrompt.submit'), variant: 'primary', name: 'action', value: 'save' })}
${skippable && submitButton({ label: t(locale, 'profilePrompt.notNow'), variant: 'secondary', name: 'action', value: 'skip', formNoValidate: true })}
</div>`,
  });
  const body = html`${pageHeading(t(locale, 'profilePrompt.title'))}
${errorAlert(locale, model.error)}
<p>${t(locale, 'profilePrompt.intro')}</p>
${form}`;
  return layout({ ...model, title: t(locale, 'profilePrompt.title'), body });
}
