import { expect } from 'chai';
import {
  deviceCodePage,
  deviceConfirmPage,
  deviceDonePage,
  errorPage,
  identifierPage,
  loggedOutPage,
  logoutConfirmPage,
  oidcErrorMessageKey,
  passwordPage,
  registrationPage,
  registrationSentPage,
} from '../../../src/interactions/views/index.js';
import { attribute, byTag, findAll, type HtmlElement, parseHtml, visibleText } from './html-document.js';
import { defaultBranding, testCsrfToken, testNonce } from './page-fixtures.js';

const base = { locale: 'en', branding: defaultBranding, nonce: testNonce, csrfToken: testCsrfToken } as const;
const inputNamed = (root: HtmlElement, name: string) =>
  findAll(root, (e) => e.tag === 'input' && attribute(e, 'name') === name)[0];
const inputWithId = (root: HtmlElement, id: string) =>
  findAll(root, (e) => e.tag === 'input' && attribute(e, 'id') === id)[0];
const submitted = (button: HtmlElement) => [attribute(button, 'name'), attribute(button, 'value')];
const links = (root: HtmlElement) => byTag(root, 'a').map((a) => [visibleText(a), attribute(a, 'href')]);

describe('identifierPage', () => {
  const identifierModel = {
    ...base,
    action: '/t/acme/i/1',
    passkeyAutofill: false,
    passkeysAvailable: false,
  };

  it('offers passkey autofill on the identifier input only when asked', () => {
    const withAutofill = parseHtml(identifierPage({ ...identifierModel, passkeyAutofill: true })).root;
    const without = parseHtml(identifierPage(identifierModel)).root;
    expect(attribute(inputNamed(withAutofill, 'identifier') as HtmlElement, 'autocomplete')).to.equal(
      'username webauthn',
    );
    expect(attribute(inputNamed(without, 'identifier') as HtmlElement, 'autocomplete')).to.equal('username');
  });

  it('shows "Sign in with a passkey" in its own form only when passkeys are available', () => {
    const without = parseHtml(identifierPage(identifierModel)).root;
    expect(byTag(without, 'form')).to.have.length(1);
    const withPasskeys = parseHtml(
      identifierPage({ ...identifierModel, passkeysAvailable: true, passkeyAction: '/t/acme/i/1/passkey' }),
    ).root;
    const [, passkeyForm] = byTag(withPasskeys, 'form');
    expect(passkeyForm && attribute(passkeyForm, 'action')).to.equal('/t/acme/i/1/passkey');
    expect(passkeyForm && byTag(passkeyForm, 'button').map(visibleText)).to.deep.equal([
      'Sign in with a passkey',
    ]);
    expect(() => identifierPage({ ...identifierModel, passkeysAvailable: true })).to.throw(/passkeyAction/);
  });

  it('links "Create account" and "Forgot password?" when their hrefs are given', () => {
    const root = parseHtml(
      identifierPage({
        ...identifierModel,
        createAccountHref: '/t/acme/register',
        forgotPasswordHref: '/t/acme/forgot',
      }),
    ).root;
    expect(links(root)).to.deep.equal([
      ['Forgot password?', '/t/acme/forgot'],
      ['Create account', '/t/acme/register'],
    ]);
    expect(links(parseHtml(identifierPage(identifierModel)).root)).to.deep.equal([]);
  });

  it('refuses a javascript: URL as an href', () => {
    expect(() => identifierPage({ ...identifierModel, createAccountHref: ' javascript:alert(1)' })).to.throw(
      /URL/,
    );
  });
});

describe('passwordPage', () => {
  const root = parseHtml(
    passwordPage({
      ...base,
      action: '/t/acme/i/1/password',
      identifier: 'alice@example.com',
      changeIdentifierHref: '/t/acme/i/1',
      forgotPasswordHref: '/t/acme/forgot',
      error: 'error.invalidCredentials',
    }),
  ).root;

  it('repeats the identifier read-only (not submitted) beside a current-password input', () => {
    const username = inputWithId(root, 'username') as HtmlElement;
    expect(attribute(username, 'autocomplete')).to.equal('username');
    expect(username.attributes.has('readonly')).to.equal(true);
    expect(username.attributes.has('name')).to.equal(false);
    expect(attribute(username, 'value')).to.equal('alice@example.com');
    const password = inputNamed(root, 'password') as HtmlElement;
    expect([attribute(password, 'type'), attribute(password, 'autocomplete')]).to.deep.equal([
      'password',
      'current-password',
    ]);
    expect(attribute(password, 'aria-describedby')).to.equal('portico-alert');
  });

  it('offers "Not you?" and "Forgot password?"', () => {
    expect(links(root)).to.deep.equal([
      ['Use another account', '/t/acme/i/1'],
      ['Forgot password?', '/t/acme/forgot'],
    ]);
    expect(visibleText(root)).to.include('Not you? Use another account');
  });
});

describe('registrationPage and registrationSentPage', () => {
  const root = parseHtml(
    registrationPage({
      ...base,
      action: '/t/acme/register',
      passwordMinLength: 15,
      consents: [
        { id: 'terms-v3', label: 'I accept the terms', documentHref: '/t/acme/terms', required: true },
        { id: 'news', label: 'Send me news', required: false },
      ],
    }),
  ).root;

  it('asks for email and a new password with its minimum length', () => {
    const email = inputNamed(root, 'email') as HtmlElement;
    expect([attribute(email, 'type'), attribute(email, 'autocomplete')]).to.deep.equal(['email', 'email']);
    const password = inputNamed(root, 'password') as HtmlElement;
    expect(attribute(password, 'autocomplete')).to.equal('new-password');
    expect(attribute(password, 'minlength')).to.equal('15');
    const hint = findAll(root, (e) => attribute(e, 'id') === attribute(password, 'aria-describedby'))[0];
    expect(hint && visibleText(hint)).to.equal('Use at least 15 characters.');
  });

  it('asks for optional given and family names', () => {
    for (const [name, token] of [
      ['given_name', 'given-name'],
      ['family_name', 'family-name'],
    ] as const) {
      const input = inputNamed(root, name) as HtmlElement;
      expect(attribute(input, 'autocomplete')).to.equal(token);
      expect(input.attributes.has('required')).to.equal(false);
    }
    const withoutNames = parseHtml(
      registrationPage({ ...base, action: '/r', passwordMinLength: 8, askNames: false }),
    ).root;
    expect(inputNamed(withoutNames, 'given_name')).to.equal(undefined);
  });

  it('lists consent checkboxes, required ones marked and required', () => {
    const boxes = findAll(root, (e) => e.tag === 'input' && attribute(e, 'type') === 'checkbox');
    expect(
      boxes.map((b) => [attribute(b, 'name'), attribute(b, 'value'), b.attributes.has('required')]),
    ).to.deep.equal([
      ['consent', 'terms-v3', true],
      ['consent', 'news', false],
    ]);
    const labels = byTag(root, 'label').filter((l) => (attribute(l, 'for') ?? '').startsWith('consent-'));
    expect(labels.map(visibleText)).to.deep.equal([
      'I accept the terms (required) (Read the document)',
      'Send me news (optional)',
    ]);
  });

  it('answers every registration with the same "check your inbox" page', () => {
    const page = parseHtml(registrationSentPage({ ...base, email: 'new@example.com' })).root;
    expect(byTag(page, 'h1').map(visibleText)).to.deep.equal(['Check your inbox']);
    expect(visibleText(page)).to.include('We have sent an email to new@example.com.');
    expect(byTag(page, 'form')).to.deep.equal([]);
  });
});

describe('logoutConfirmPage and loggedOutPage', () => {
  const root = parseHtml(
    logoutConfirmPage({
      ...base,
      action: '/t/acme/session/end/confirm',
      hiddenFields: { xsrf: 'secret' },
      clientName: 'Example App',
    }),
  ).root;

  it('posts oidc-provider\'s xsrf; "Sign out" sends logout=yes, "Stay signed in" sends no logout field', () => {
    expect(attribute(inputNamed(root, 'xsrf') as HtmlElement, 'value')).to.equal('secret');
    const buttons = byTag(root, 'button');
    expect(buttons.map(visibleText)).to.deep.equal(['Sign out', 'Stay signed in']);
    expect(buttons.map(submitted)).to.deep.equal([
      ['logout', 'yes'],
      // oidc-provider signs out on any non-empty `logout` (end_session.js `if (params.logout)`).
      [undefined, undefined],
    ]);
    expect(visibleText(root)).to.include('Do you want to sign out of Example App?');
  });

  it('never carries a hidden logout field, so "Stay signed in" cannot sign out', () => {
    const page = parseHtml(
      logoutConfirmPage({
        ...base,
        action: '/t/acme/session/end/confirm',
        hiddenFields: { xsrf: 's', logout: 'yes' },
      }),
    ).root;
    expect(findAll(page, (e) => e.tag === 'input' && attribute(e, 'name') === 'logout')).to.deep.equal([]);
  });

  it('confirms the sign-out without links or forms', () => {
    const done = parseHtml(loggedOutPage({ ...base, clientName: 'Example App' })).root;
    expect(visibleText(done)).to.include('You have signed out of Example App.');
    expect([...byTag(done, 'a'), ...byTag(done, 'form')]).to.deep.equal([]);
  });
});

describe('device flow pages', () => {
  it('asks for the user code as a one-time code in capitals', () => {
    const root = parseHtml(
      deviceCodePage({ ...base, action: '/t/acme/device', hiddenFields: { xsrf: 's' } }),
    ).root;
    const code = inputNamed(root, 'user_code') as HtmlElement;
    expect(
      ['autocomplete', 'inputmode', 'autocapitalize', 'spellcheck'].map((name) => attribute(code, name)),
    ).to.deep.equal(['one-time-code', 'text', 'characters', 'false']);
    const digits = parseHtml(deviceCodePage({ ...base, action: '/d', charset: 'digits' })).root;
    expect(attribute(inputNamed(digits, 'user_code') as HtmlElement, 'inputmode')).to.equal('numeric');
  });

  it('shows the code to compare and posts confirm=yes or abort=yes with the user_code', () => {
    const root = parseHtml(
      deviceConfirmPage({
        ...base,
        action: '/t/acme/device',
        hiddenFields: { xsrf: 's' },
        clientName: 'TV App',
        userCode: 'BCDF-GHJK',
      }),
    ).root;
    expect(byTag(root, 'code').map(visibleText)).to.deep.equal(['BCDF-GHJK']);
    expect(attribute(inputNamed(root, 'user_code') as HtmlElement, 'type')).to.equal('hidden');
    expect(attribute(inputNamed(root, 'user_code') as HtmlElement, 'value')).to.equal('BCDF-GHJK');
    expect(byTag(root, 'button').map((b) => [visibleText(b), ...submitted(b)])).to.deep.equal([
      ['Allow', 'confirm', 'yes'],
      ['Deny', 'abort', 'yes'],
    ]);
    expect(byTag(root, 'h1').map(visibleText)).to.deep.equal(['TV App wants to sign in on a device']);
  });

  it('drops confirm/abort from copied hidden fields, so no field is posted twice (oidc-provider rejectDupes)', () => {
    // What oidc-provider 9 hands userCodeConfirmSource (lib/helpers/user_code_form.js `confirm`).
    const providerFields = { xsrf: 's', user_code: 'BCDF-GHJK', confirm: 'yes' };
    const root = parseHtml(
      deviceConfirmPage({
        ...base,
        action: '/t/acme/device',
        hiddenFields: providerFields,
        clientName: 'TV App',
        userCode: 'BCDF-GHJK',
      }),
    ).root;
    const hiddenNames = findAll(root, (e) => e.tag === 'input' && attribute(e, 'type') === 'hidden').map(
      (e) => attribute(e, 'name'),
    );
    expect(hiddenNames.sort()).to.deep.equal(['_csrf', 'user_code', 'xsrf']);
  });

  it('tells the user whether the device was connected', () => {
    const allowed = parseHtml(deviceDonePage({ ...base, outcome: 'allowed', clientName: 'TV App' })).root;
    const denied = parseHtml(deviceDonePage({ ...base, outcome: 'denied' })).root;
    expect(byTag(allowed, 'h1').map(visibleText)).to.deep.equal(['Device connected']);
    expect(visibleText(allowed)).to.include('You are now signed in to TV App on your device.');
    expect(byTag(denied, 'h1').map(visibleText)).to.deep.equal(['Request denied']);
  });
});

describe('errorPage', () => {
  const render = (backToSignInHref?: string) =>
    parseHtml(
      errorPage({
        ...base,
        message: 'error.invalidRedirectUri',
        errorCode: 'invalid_redirect_uri',
        requestId: 'req-42',
        ...(backToSignInHref === undefined ? {} : { backToSignInHref }),
      }),
    ).root;

  it('shows title, message, error code and request id, and no form', () => {
    const root = render();
    expect(byTag(root, 'h1').map(visibleText)).to.deep.equal(['Something went wrong']);
    expect(byTag(root, 'code').map(visibleText)).to.deep.equal(['invalid_redirect_uri', 'req-42']);
    expect(byTag(root, 'form')).to.deep.equal([]);
  });

  it('links back to sign in only through a path on this server, never to another address', () => {
    expect(links(render('/t/acme/interaction/abc'))).to.deep.equal([
      ['Back to sign in', '/t/acme/interaction/abc'],
    ]);
    for (const href of [
      'https://rp.example/cb',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(links(render(href)), href).to.deep.equal([]);
    }
  });

  it('maps oidc-provider errors to localized messages', () => {
    expect(oidcErrorMessageKey({ error: 'invalid_redirect_uri' })).to.equal('error.invalidRedirectUri');
    expect(
      oidcErrorMessageKey({
        error: 'invalid_request',
        error_description: 'post_logout_redirect_uri not registered',
      }),
    ).to.equal('error.invalidRedirectUri');
    expect(oidcErrorMessageKey({ error: 'invalid_request', name: 'SessionNotFound' })).to.equal(
      'error.sessionExpired',
    );
    expect(oidcErrorMessageKey({ error: 'invalid_client' })).to.equal('error.invalidClient');
    expect(oidcErrorMessageKey({ error: 'unsupported_response_type' })).to.equal('error.invalidRequest');
    expect(oidcErrorMessageKey({ error: 'server_error' })).to.equal('error.serverError');
    expect(oidcErrorMessageKey({})).to.equal('error.generic');
  });
});
