import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { needsPostgres } from '../../server/test/support/services.js';
import { collectCspViolations, launchBrowser } from '../support/browser.js';
import { type InProcessServer, startInProcessServer } from '../support/in-process-server.js';

const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const KICKSTART = `tenants:
  - slug: acme
    name: Acme Inc
    users:
      - { email: ${ALICE.email}, password: "${ALICE.password}", emailVerified: true, profile: { givenName: Alice } }
`;

/** Section headings in German: the account pages negotiate the locale like the login pages. */
const SECTIONS = [
  ['profile', 'Profil'],
  ['security', 'Sicherheit'],
  ['sessions', 'Sitzungen'],
  ['consents', 'Einwilligungen'],
  ['data', 'Ihre Daten'],
] as const;

/** Runs in the page: visible inputs without a label (the tests compile without the DOM library). */
const unlabelledInputs = () =>
  Array.from(
    (
      globalThis as unknown as {
        document: {
          querySelectorAll(s: string): ArrayLike<{ id: string; type: string; labels: { length: number } }>;
        };
      }
    ).document.querySelectorAll('input'),
  )
    .filter((input) => input.type !== 'hidden' && input.labels.length === 0)
    .map((input) => input.id);

describe('account pages in a browser (Chromium)', function () {
  this.timeout(90_000);
  let server: InProcessServer;
  let browser: Browser;

  before(async function () {
    needsPostgres(this);
    [server, browser] = await Promise.all([startInProcessServer('postgres', KICKSTART), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in through the tenant’s login and opens every section, labelled, in the negotiated locale', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const violations = collectCspViolations(context);
    const page = await context.newPage();
    await page.goto(`${server.publicUrl}/t/acme/account`);
    await page.locator('#identifier').fill(ALICE.email);
    await page.locator('main form button[type="submit"]').first().click();
    await page.locator('#password').fill(ALICE.password);
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForURL(/\/t\/acme\/account\/profile$/);
    for (const [section, heading] of SECTIONS) {
      await page.locator(`nav a[href$="/account/${section}"]`).click();
      await page.waitForURL(new RegExp(`/account/${section}$`));
      expect(await page.locator('h1').textContent()).to.equal(heading);
      expect(await page.locator('html').getAttribute('lang')).to.equal('de');
      expect(await page.locator('nav a[aria-current="page"]').textContent()).to.equal(heading);
      expect(await page.evaluate(unlabelledInputs), `${section}: inputs without a label`).to.deep.equal([]);
    }
    await page.locator('nav a[href$="/account/profile"]').click();
    expect(await page.locator('#profile-givenName').inputValue()).to.equal('Alice');
    expect(await page.locator('#profile-givenName').getAttribute('autocomplete')).to.equal('given-name');
    expect(violations).to.deep.equal([]);
    await context.close();
  });
});
