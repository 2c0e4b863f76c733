import { t } from '../../i18n/translate.js';
import { oneTimeCodeField, postForm, submitButton, textField } from '../../interactions/views/components.js';
import { html } from '../../interactions/views/html.js';
import { type AccountPageContext, accountLayout, accountPart } from './account-layout.js';

export interface ProfilePageModel extends AccountPageContext {
  profile: { givenName: string; familyName: string; nickname: string };
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  phoneVerified: boolean;
  /** Set after "Text me a code": the number the code was sent to, for the confirmation form. */
  pendingPhone?: string | undefined;
  /** Which form the alert is about, so its inputs point at it. */
  invalidForm?: 'profile' | 'email' | 'phone' | 'phoneCode' | undefined;
}

/** Profile: name fields, email change (verified by a mailed link first), phone by SMS code. */
export function profilePage(model: ProfilePageModel): string {
  return accountLayout(
    model,
    'profile',
    html`${nameForm(model)}
${emailForm(model)}
${phoneForms(model)}`,
  );
}

function nameForm(model: ProfilePageModel) {
  const { locale } = model;
  const field = (id: 'givenName' | 'familyName' | 'nickname', label: string, autocomplete: string) =>
    textField({
      id: `profile-${id}`,
      name: id,
      label,
      type: 'text',
      autocomplete,
      autocapitalize: 'words',
      value: model.profile[id],
      invalid: model.invalidForm === 'profile',
    });
  return accountPart(
    t(locale, 'account.profile.heading'),
    postForm({
      action: `${model.basePath}/profile`,
      csrfToken: model.csrfToken,
      content: html`${field('givenName', t(locale, 'registration.givenName'), 'given-name')}
${field('familyName', t(locale, 'registration.familyName'), 'family-name')}
${field('nickname', t(locale, 'account.profile.nickname'), 'nickname')}
<div class="portico-actions">${submitButton({ label: t(locale, 'account.profile.save'), variant: 'primary' })}</div>`,
    }),
  );
}

const statusOf = (model: AccountPageContext, verified: boolean) =>
  t(model.locale, verified ? 'account.verified' : 'account.notVerified');

function emailForm(model: ProfilePageModel) {
  const { locale } = model;
  return accountPart(
    t(locale, 'account.email.heading'),
    html`${model.email && html`<p>${t(locale, 'account.email.current', { email: model.email, status: statusOf(model, model.emailVerified) })}</p>`}
${postForm({
  action: `${model.basePath}/email`,
  csrfToken: model.csrfToken,
  content: html`${textField({
    id: 'new-email',
    name: 'email',
    label: t(locale, 'account.email.new'),
    type: 'email',
    autocomplete: 'email',
    inputMode: 'email',
    autocapitalize: 'none',
    required: true,
    invalid: model.invalidForm === 'email',
  })}
<div class="portico-actions">${submitButton({ label: t(locale, 'account.email.submit'), variant: 'primary' })}</div>`,
})}`,
  );
}

function phoneForms(model: ProfilePageModel) {
  const { locale } = model;
  const current = model.phone
    ? t(locale, 'account.phone.current', { phone: model.phone, status: statusOf(model, model.phoneVerified) })
    : t(locale, 'account.phone.none');
  const start = postForm({
    action: `${model.basePath}/phone`,
    csrfToken: model.csrfToken,
    content: html`${textField({
      id: 'phone',
      name: 'phone',
      label: t(locale, 'account.phone.heading'),
      type: 'tel',
      autocomplete: 'tel',
      inputMode: 'tel',
      hint: t(locale, 'account.phone.hint'),
      value: model.pendingPhone,
      required: true,
      invalid: model.invalidForm === 'phone',
    })}
<div class="portico-actions">${submitButton({ label: t(locale, 'account.phone.submit'), variant: model.pendingPhone ? 'secondary' : 'primary' })}</div>`,
  });
  const confirm =
    model.pendingPhone &&
    postForm({
      action: `${model.basePath}/phone/confirm`,
      csrfToken: model.csrfToken,
      hiddenFields: { phone: model.pendingPhone },
      content: html`${oneTimeCodeField(locale, { id: 'phone-code', invalid: model.invalidForm === 'phoneCode' })}
<div class="portico-actions">${submitButton({ label: t(locale, 'account.phone.confirm'), variant: 'primary' })}</div>`,
    });
  return accountPart(
    t(locale, 'account.phone.heading'),
    html`<p>${current}</p>
${confirm}
${start}`,
  );
}
