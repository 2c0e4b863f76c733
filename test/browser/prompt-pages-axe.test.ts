import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { consentPoliciesPage, profilePromptPage } from '../../server/src/interactions/views/index.js';
import { describeViolations, launchBrowser, runAxe } from '../support/browser.js';

/**
 * The consent-policies and profile-prompt pages (issue 5) through axe-core in Chromium, in two
 * locales, with field errors shown: no WCAG 2.x A/AA violation, and the `label` and `color-contrast`
 * rules ran and passed. The markup is the renderers' own, loaded with `setContent`.
 */
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const branding = { primaryColor: '#3b5bdb', backgroundColor: '#f8f9fa' };

const pages = {
  consentPolicies: (locale: 'en' | 'de') =>
    consentPoliciesPage({
      locale,
      branding,
      nonce: 'bm9uY2U=',
      csrfToken: 'csrf',
      action: '/t/acme/interaction/abc/policies',
      error: 'error.consentRequired',
      policies: [
        { id: 'terms-3', title: 'Terms of service', href: 'https://acme.example/terms', required: true },
        { id: 'news-1', title: 'Send me news', required: false },
      ],
    }),
  profilePrompt: (locale: 'en' | 'de') =>
    profilePromptPage({
      locale,
      branding,
      nonce: 'bm9uY2U=',
      csrfToken: 'csrf',
      action: '/t/acme/interaction/abc/profile',
      error: 'error.profileInvalid',
      inputs: [
        { key: 'company', type: 'string', label: 'Company', required: false, value: 'Acme' },
        {
          key: 'age',
          type: 'number',
          label: 'Age',
          required: false,
          min: 18,
          value: '12',
          error: { code: 'too_small', min: 18 },
        },
        { key: 'birthday', type: 'date', label: 'Birthday', required: false },
        { key: 'newsletter', type: 'boolean', label: 'Newsletter', required: false },
        {
          key: 'plan',
          type: 'enum',
          label: 'Plan',
          required: false,
          options: [{ value: 'pro', label: 'Pro' }],
        },
      ],
    }),
};

describe('consent and profile prompt pages: accessibility (axe-core, Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => browser?.close());

  for (const [name, render] of Object.entries(pages)) {
    for (const locale of ['en', 'de'] as const) {
      it(`${name} [${locale}] has no WCAG A/AA violations`, async () => {
        const page = await browser.newPage();
        try {
          await page.setContent(render(locale));
          const results: AxeResults = await runAxe(page, {
            runOnly: { type: 'tag', values: axeTags },
            resultTypes: ['violations', 'passes'],
          });
          expect(results.violations, describeViolations(results)).to.deep.equal([]);
          const passed = results.passes.map((p) => p.id);
          expect(passed).to.include.members(['label', 'color-contrast']);
        } finally {
          await page.close();
        }
      });
    }
  }
});
