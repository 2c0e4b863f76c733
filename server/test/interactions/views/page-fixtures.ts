import type { Locale } from '../../../src/i18n/locales.js';
import type { ErrorMessageKey, MessageKey } from '../../../src/i18n/translate.js';
import {
  consentPage,
  deviceCodePage,
  deviceConfirmPage,
  deviceDonePage,
  errorPage,
  identifierPage,
  loggedOutPage,
  logoutConfirmPage,
  type PageBranding,
  passwordPage,
  registrationPage,
  registrationSentPage,
} from '../../../src/interactions/views/index.js';

export const testNonce = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';
export const testCsrfToken = 'csrf-token-value';
export const defaultBranding: PageBranding = { primaryColor: '#3b5bdb', backgroundColor: '#f8f9fa' };

/** Strings an attacker (or a careless admin) controls, used where a page shows untrusted data. */
export const hostile = {
  script: '<script>alert(1)</script>',
  quotes: `x" autofocus onfocus="alert(1)' data-x='`,
  css: 'body{color:red}</style><script>alert(1)</script><style>',
} as const;

export interface PageFixture {
  name: string;
  /** Renders the page; called inside tests so a rendering error fails a test instead of the run. */
  render: () => string;
  /** Label of the expected primary action of each form, in document order (null: no form). */
  primaryActions: MessageKey[];
  /** Whether the page has an `error` model field (forms that re-render with an alert). */
  acceptsError: boolean;
}

interface FixtureOptions {
  branding?: PageBranding;
  /** Use hostile strings for every untrusted value. */
  untrusted?: string;
  error?: ErrorMessageKey;
}

/** Every hosted page, with every optional part present, in one locale. */
export function everyPage(locale: Locale, options: FixtureOptions = {}): PageFixture[] {
  const untrusted = options.untrusted;
  const base = {
    locale,
    branding: options.branding ?? defaultBranding,
    nonce: testNonce,
    tenantSlug: 'acme',
  };
  const form = { ...base, csrfToken: testCsrfToken, ...(options.error ? { error: options.error } : {}) };
  const clientName = untrusted ?? 'Example App';
  const identifier = untrusted ?? 'alice@example.com';
  const pages: PageFixture[] = [
    {
      name: 'identifierPage',
      render: () =>
        identifierPage({
          ...form,
          action: '/t/acme/interaction/abc/identifier',
          identifier,
          passkeyAutofill: true,
          passkeysAvailable: true,
          passkeyAction: '/t/acme/interaction/abc/passkey',
          createAccountHref: '/t/acme/register',
          forgotPasswordHref: '/t/acme/forgot-password',
        }),
      primaryActions: ['identifier.submit', 'identifier.passkey'],
      acceptsError: true,
    },
    {
      name: 'passwordPage',
      render: () =>
        passwordPage({
          ...form,
          action: '/t/acme/interaction/abc/password',
          identifier,
          changeIdentifierHref: '/t/acme/interaction/abc',
          forgotPasswordHref: '/t/acme/forgot-password',
        }),
      primaryActions: ['password.submit'],
      acceptsError: true,
    },
    {
      name: 'registrationPage',
      render: () =>
        registrationPage({
          ...form,
          action: '/t/acme/register',
          passwordMinLength: 12,
          values: { email: identifier, givenName: untrusted ?? 'Alice', familyName: untrusted ?? 'Example' },
          consents: [
            {
              id: 'terms-v3',
              label: untrusted ?? 'I accept the terms',
              documentHref: '/t/acme/terms',
              required: true,
            },
            { id: untrusted ?? 'newsletter', label: 'Send me news', required: false, checked: true },
          ],
          signInHref: '/t/acme/interaction/abc',
        }),
      primaryActions: ['registration.submit'],
      acceptsError: true,
    },
    {
      name: 'registrationSentPage',
      render: () =>
        registrationSentPage({ ...base, email: identifier, signInHref: '/t/acme/interaction/abc' }),
      primaryActions: [],
      acceptsError: false,
    },
    {
      name: 'consentPage',
      render: () =>
        consentPage({
          ...form,
          action: '/t/acme/interaction/abc/consent',
          clientName,
          identifier,
          scopes: [
            'openid',
            'profile',
            'email',
            'phone',
            'address',
            'offline_access',
            untrusted ?? 'api:read',
          ],
        }),
      primaryActions: ['common.allow'],
      acceptsError: true,
    },
    {
      name: 'logoutConfirmPage',
      render: () =>
        logoutConfirmPage({
          ...form,
          action: '/t/acme/session/end/confirm',
          hiddenFields: { xsrf: untrusted ?? 'oidc-secret' },
          clientName,
        }),
      primaryActions: ['logout.signOut'],
      acceptsError: true,
    },
    {
      name: 'loggedOutPage',
      render: () => loggedOutPage({ ...base, clientName }),
      primaryActions: [],
      acceptsError: false,
    },
    {
      name: 'deviceCodePage',
      render: () =>
        deviceCodePage({
          ...form,
          action: '/t/acme/device',
          hiddenFields: { xsrf: 'oidc-secret' },
          userCode: untrusted ?? 'BCDF-GHJK',
        }),
      primaryActions: ['device.submit'],
      acceptsError: true,
    },
    {
      name: 'deviceConfirmPage',
      render: () =>
        deviceConfirmPage({
          ...form,
          action: '/t/acme/device',
          hiddenFields: { xsrf: 'oidc-secret' },
          clientName,
          userCode: untrusted ?? 'BCDF-GHJK',
          scopes: ['openid', 'offline_access'],
        }),
      primaryActions: ['common.allow'],
      acceptsError: true,
    },
    {
      name: 'deviceDonePage',
      render: () => deviceDonePage({ ...base, outcome: 'allowed', clientName }),
      primaryActions: [],
      acceptsError: false,
    },
    {
      name: 'errorPage',
      render: () =>
        errorPage({
          ...base,
          message: 'error.invalidRedirectUri',
          errorCode: untrusted ?? 'invalid_redirect_uri',
          requestId: untrusted ?? 'req-123',
          backToSignInHref: '/t/acme/interaction/abc',
        }),
      primaryActions: [],
      acceptsError: false,
    },
  ];
  return pages;
}
