import { expect } from 'chai';
import { supportedLocales } from '../../../src/i18n/locales.js';
import { t } from '../../../src/i18n/translate.js';
import {
  consentPoliciesPage,
  type ProfileInput,
  profilePromptPage,
  registrationPage,
} from '../../../src/interactions/views/index.js';
import { attribute, byTag, findAll, type HtmlElement, parseHtml, visibleText } from './html-document.js';
import { defaultBranding, hostile, testCsrfToken, testNonce } from './page-fixtures.js';

const form = (locale: (typeof supportedLocales)[number]) => ({
  locale,
  branding: defaultBranding,
  nonce: testNonce,
  csrfToken: testCsrfToken,
  tenantSlug: 'acme',
});

export const policies = [
  { id: 'p-terms-3', title: 'Terms of service', href: 'https://acme.example/terms', required: true },
  { id: 'p-news-1', title: 'Send me news', required: false, checked: true },
];

export const inputs: ProfileInput[] = [
  { key: 'company', type: 'string', label: 'Company', required: true, maxLength: 100, value: 'Acme' },
  {
    key: 'age',
    type: 'number',
    label: 'Age',
    required: true,
    min: 18,
    integer: true,
    value: '12',
    error: { code: 'too_small', min: 18 },
  },
  { key: 'birthday', type: 'date', label: 'Birthday', required: false, min: '1900-01-01' },
  { key: 'newsletter', type: 'boolean', label: 'Newsletter', required: false },
  {
    key: 'plan',
    type: 'enum',
    label: 'Plan',
    required: false,
    options: [
      { value: 'free', label: 'Free' },
      { value: 'pro', label: 'Pro' },
    ],
    value: 'pro',
  },
];

const controls = (root: HtmlElement) =>
  findAll(root, (e) => (e.tag === 'input' && attribute(e, 'type') !== 'hidden') || e.tag === 'select');
const buttons = (root: HtmlElement) => findAll(root, (e) => e.tag === 'button');

function expectLabelled(root: HtmlElement) {
  for (const control of controls(root)) {
    const id = attribute(control, 'id');
    const labels = findAll(root, (e) => e.tag === 'label' && attribute(e, 'for') === id);
    expect(labels, `labels of #${id}`).to.have.length(1);
  }
}

describe('consent-policies page (re-consent at login)', () => {
  for (const locale of supportedLocales) {
    it(`[${locale}] lists each policy with a checkbox and its document link; required ones are required`, () => {
      const { root, problems } = parseHtml(
        consentPoliciesPage({ ...form(locale), action: '/t/acme/interaction/abc/policies', policies }),
      );
      expect(problems).to.deep.equal([]);
      expect(attribute(byTag(root, 'html')[0]!, 'lang')).to.equal(locale);
      expect(byTag(root, 'h1').map(visibleText)).to.deep.equal([t(locale, 'consentPolicies.title')]);
      const boxes = controls(root);
      expect(
        boxes.map((b) => [attribute(b, 'type'), attribute(b, 'name'), attribute(b, 'value')]),
      ).to.deep.equal([
        ['checkbox', 'policy', 'p-terms-3'],
        ['checkbox', 'policy', 'p-news-1'],
      ]);
      expect(boxes.map((b) => b.attributes.has('required'))).to.deep.equal([true, false]);
      expect(boxes.map((b) => b.attributes.has('checked'))).to.deep.equal([false, true]);
      expectLabelled(root);
      expect(byTag(root, 'a').map((a) => attribute(a, 'href'))).to.deep.equal(['https://acme.example/terms']);
      expect(buttons(root).map((b) => [attribute(b, 'type'), visibleText(b)])).to.deep.equal([
        ['submit', t(locale, 'consentPolicies.submit')],
      ]);
      const csrf = findAll(root, (e) => attribute(e, 'name') === '_csrf');
      expect(csrf.map((e) => attribute(e, 'value'))).to.deep.equal([testCsrfToken]);
    });
  }

  it('shows the error in role="alert", escapes titles and never links a javascript: URL', () => {
    const markup = consentPoliciesPage({
      ...form('en'),
      action: '/t/acme/interaction/abc/policies',
      error: 'error.consentRequired',
      policies: [{ id: hostile.quotes, title: hostile.script, href: 'javascript:alert(1)', required: true }],
    });
    const { root, problems } = parseHtml(markup);
    expect(problems).to.deep.equal([]);
    expect(markup).to.not.include('<script>alert');
    expect(byTag(root, 'a')).to.deep.equal([]);
    expect(findAll(root, (e) => attribute(e, 'role') === 'alert').map(visibleText)).to.deep.equal([
      t('en', 'error.consentRequired'),
    ]);
    expect(visibleText(byTag(root, 'label')[0]!)).to.include(hostile.script);
  });
});

describe('profile-prompt page (progressive profiling)', () => {
  for (const locale of supportedLocales) {
    it(`[${locale}] renders an input per field with the type, limits, label and value it needs`, () => {
      const { root, problems } = parseHtml(
        profilePromptPage({ ...form(locale), action: '/t/acme/interaction/abc/profile', inputs }),
      );
      expect(problems).to.deep.equal([]);
      expect(byTag(root, 'h1').map(visibleText)).to.deep.equal([t(locale, 'profilePrompt.title')]);
      const shape = controls(root).map((c) => [
        c.tag,
        attribute(c, 'type'),
        attribute(c, 'name'),
        c.attributes.has('required'),
      ]);
      expect(shape).to.deep.equal([
        ['input', 'text', 'profile.company', true],
        ['input', 'number', 'profile.age', true],
        ['input', 'date', 'profile.birthday', false],
        ['input', 'checkbox', 'profile.newsletter', false],
        ['select', undefined, 'profile.plan', false],
      ]);
      expectLabelled(root);
      const [company, age, birthday] = controls(root);
      expect(attribute(company!, 'maxlength')).to.equal('100');
      expect(attribute(company!, 'autocomplete')).to.equal('organization');
      expect([attribute(age!, 'min'), attribute(age!, 'step'), attribute(age!, 'value')]).to.deep.equal([
        '18',
        '1',
        '12',
      ]);
      expect(attribute(birthday!, 'min')).to.equal('1900-01-01');
      const selected = findAll(root, (e) => e.tag === 'option' && e.attributes.has('selected'));
      expect(selected.map((o) => attribute(o, 'value'))).to.deep.equal(['pro']);
    });

    it(`[${locale}] shows a field's error under it in role="alert", tied to the input`, () => {
      const { root } = parseHtml(profilePromptPage({ ...form(locale), action: '/x', inputs }));
      const alerts = findAll(root, (e) => attribute(e, 'role') === 'alert');
      expect(alerts.map(visibleText)).to.deep.equal([t(locale, 'profile.error.too_small', { min: 18 })]);
      const age = controls(root)[1]!;
      expect(attribute(age, 'aria-invalid')).to.equal('true');
      expect(attribute(age, 'aria-describedby')).to.equal(attribute(alerts[0]!, 'id'));
    });
  }

  it('offers "Not now" (no validation) only when nothing asked is required; Save is the primary action', () => {
    const required = parseHtml(profilePromptPage({ ...form('en'), action: '/x', inputs })).root;
    expect(buttons(required).map(visibleText)).to.deep.equal(['Save and continue']);
    const optional = inputs.filter((i) => !i.required);
    const skippable = parseHtml(profilePromptPage({ ...form('en'), action: '/x', inputs: optional })).root;
    const [save, notNow] = buttons(skippable);
    expect([visibleText(save!), attribute(save!, 'value'), attribute(save!, 'class')]).to.deep.equal([
      'Save and continue',
      'save',
      'portico-primary',
    ]);
    expect([visibleText(notNow!), attribute(notNow!, 'value')]).to.deep.equal(['Not now', 'skip']);
    expect(notNow!.attributes.has('formnovalidate')).to.equal(true);
  });

  it('escapes labels, values and option labels', () => {
    const markup = profilePromptPage({
      ...form('en'),
      action: '/x',
      inputs: [
        { key: 'company', type: 'string', label: hostile.script, required: false, value: hostile.quotes },
        {
          key: 'plan',
          type: 'enum',
          label: 'Plan',
          required: false,
          options: [{ value: hostile.quotes, label: hostile.script }],
        },
      ],
    });
    const { root, problems } = parseHtml(markup);
    expect(problems).to.deep.equal([]);
    expect(markup).to.not.include('<script>alert');
    for (const element of findAll(root, () => true)) {
      for (const name of element.attributes.keys()) expect(name).to.not.match(/^on|^data-x$/);
    }
    expect(attribute(controls(root)[0]!, 'value')).to.equal(hostile.quotes);
  });
});

describe('registration form with sign-up profile fields', () => {
  it('renders the tenant fields after the name fields, before the agreements', () => {
    const { root, problems } = parseHtml(
      registrationPage({
        ...form('de'),
        action: '/t/acme/register',
        passwordMinLength: 12,
        profileFields: [inputs[0]!],
        consents: [{ id: 'p-terms-3', label: 'AGB', required: true }],
      }),
    );
    expect(problems).to.deep.equal([]);
    const names = controls(root).map((c) => attribute(c, 'name'));
    expect(names).to.deep.equal([
      'email',
      'password',
      'given_name',
      'family_name',
      'profile.company',
      'consent',
    ]);
    expectLabelled(root);
  });
});
