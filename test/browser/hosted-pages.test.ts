import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  collectCspViolations,
  describeViolations,
  freePort,
  launchBrowser,
  navigationTo,
  runAxe,
} from '../support/browser.js';
import { PorticoProcess, repoRoot, waitForStatus } from '../support/processes.js';

/**
 * Portico's hosted pages in a real browser (Chromium), against a real `portico serve` in embedded mode
 * with test/fixtures/kickstart.browser.yaml: what they look like in two locales (screenshots under
 * test/artifacts/), accessibility (axe-core), the sign-in and registration flows, and per-tenant session
 * cookies (ARCHITECTURE.md "Hosted pages", "Tenants, admins and sessions").
 */

const spaRedirect = 'http://127.0.0.1:5556/cb';
const partnerRedirect = 'http://127.0.0.1:5557/cb';
const users = {
  acme: { email: 'alice@example.com', password: 'correct horse battery staple' },
  other: { email: 'olivia@example.org', password: "olivia's long and secret passphrase" },
} as const;
type TenantSlug = keyof typeof users;

const artifacts = path.join(repoRoot, 'test/artifacts');
const locales = ['en', 'de'] as const;
type Locale = (typeof locales)[number];
const pageKinds = ['identifier', 'password', 'registration', 'consent'] as const;
type PageKind = (typeof pageKinds)[number];

/** axe-core rules that must have run and passed (`label` on every page that has inputs). */
const requiredAxeRules = ['label', 'color-contrast'];
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs in the page: the computed `max-width` of an element (the tests compile without the DOM library). */
const maxWidthOf = (element: unknown): string =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { maxWidth: string } }).getComputedStyle(element)
    .maxWidth;

interface AuthorizationRequest {
  url: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

describe('hosted pages in a browser (Chromium)', function () {
  this.timeout(60_000);
  let server: PorticoProcess;
  let browser: Browser;
  let publicUrl: string;
  let dataDir: string;
  const contexts: BrowserContext[] = [];
  const axeSummary: Record<string, unknown> = {};

  before(async function () {
    this.timeout(120_000);
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'portico-browser-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    server = new PorticoProcess(['serve'], {
      HOST: '127.0.0.1',
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      PUBLIC_URL: publicUrl,
      PORTICO_DATA_DIR: dataDir,
      PORTICO_KICKSTART: path.join(repoRoot, 'test/fixtures/kickstart.browser.yaml'),
    });
    const [started] = await Promise.all([
      server.ports(60_000).then(() => waitForStatus(`${publicUrl}/readyz`, 200, 60_000)),
      launchBrowser().then((b) => {
        browser = b;
      }),
    ]);
    expect(await started.json()).to.include({ kickstart: 'applied' });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (Object.keys(axeSummary).length > 0) {
      writeFileSync(
        path.join(artifacts, 'hosted-pages.axe.json'),
        `${JSON.stringify(axeSummary, null, 2)}\n`,
      );
    }
    if (server)
      writeFileSync(path.join(artifacts, 'hosted-pages.server.log'), `${server.stdout}${server.stderr}`);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh browser profile (no cookies), English Accept-Language. */
  async function newContext(options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ locale: 'en-US', bypassCSP: options.bypassCSP ?? false });
    contexts.push(context);
    return context;
  }

  function authorizationRequest(options: {
    tenant: TenantSlug;
    clientId?: string;
    redirectUri?: string;
    scope?: string;
    prompt?: string;
    uiLocales?: Locale;
  }): AuthorizationRequest {
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const redirectUri = options.redirectUri ?? spaRedirect;
    const url = new URL(`${publicUrl}/t/${options.tenant}/auth`);
    const params: Record<string, string | undefined> = {
      client_id: options.clientId ?? 'spa',
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: options.scope ?? 'openid email',
      state,
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: options.prompt,
      ui_locales: options.uiLocales,
    };
    for (const [name, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(name, value);
    return { url: url.href, state, codeVerifier, redirectUri };
  }

  /** The text of the page card as rendered (what the user sees, not hidden markup). */
  async function visibleText(page: Page): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point here
    return (await page.locator('main').innerText()).trim();
  }

  const primaryButton = (page: Page) => page.locator('main form button[type="submit"]').first();

  async function submitIdentifier(page: Page, identifier: string) {
    await page.locator('#identifier').fill(identifier);
    await primaryButton(page).click();
    await page.locator('#password').waitFor();
  }

  async function submitPassword(page: Page, password: string) {
    await page.locator('#password').fill(password);
    await primaryButton(page).click();
  }

  /** Signs in through the hosted pages and returns the query the RP receives (code, state). */
  async function signIn(page: Page, tenant: TenantSlug, request: AuthorizationRequest) {
    await page.goto(request.url);
    await submitIdentifier(page, users[tenant].email);
    const url = await navigationTo(page, request.redirectUri, () =>
      submitPassword(page, users[tenant].password),
    );
    return url.searchParams;
  }

  /** Walks `page` (its context without cookies) to one hosted page of tenant `acme`. */
  async function openHostedPage(page: Page, kind: PageKind, locale: Locale): Promise<void> {
    if (kind === 'consent') {
      const request = authorizationRequest({
        tenant: 'acme',
        clientId: 'partner',
        redirectUri: partnerRedirect,
        scope: 'openid profile email',
        uiLocales: locale,
      });
      await page.goto(request.url);
      await submitIdentifier(page, users.acme.email);
      await submitPassword(page, users.acme.password);
      await page.locator('button[name="decision"][value="allow"]').waitFor();
      return;
    }
    await page.goto(authorizationRequest({ tenant: 'acme', uiLocales: locale }).url);
    await page.locator('#identifier').waitFor();
    if (kind === 'password') await submitIdentifier(page, users.acme.email);
    if (kind === 'registration') {
      await page.locator('a[href$="/register"]').click();
      await page.locator('#new-password').waitFor();
    }
  }

  describe('in English and German (ui_locales), under the strict CSP', () => {
    for (const kind of pageKinds) {
      it(`${kind} page: <html lang>, localized texts, no CSP violation, full-page screenshots`, async () => {
        const seen: Record<string, { heading: string; button: string; text: string }> = {};
        const context = await newContext();
        const violations = collectCspViolations(context);
        const page = await context.newPage();
        const documents: (string | undefined)[] = [];
        page.on('response', (response) => {
          if (response.request().isNavigationRequest() && response.url().startsWith(publicUrl)) {
            documents.push(response.headers()['content-security-policy']);
          }
        });
        for (const locale of locales) {
          await context.clearCookies();
          await openHostedPage(page, kind, locale);

          expect(await page.locator('html').getAttribute('lang')).to.equal(locale);
          expect(documents.at(-1), 'the page is sent with its CSP').to.match(/script-src 'nonce-[^']+'/);
          // The stylesheet is an inline <style nonce>: it applies only if the nonce is honoured.
          expect(await page.locator('main.portico-card').evaluate(maxWidthOf)).to.equal('416px');
          await page.screenshot({
            path: path.join(artifacts, `hosted-${kind}.${locale}.png`),
            fullPage: true,
          });
          seen[locale] = {
            heading: ((await page.locator('h1').textContent()) ?? '').trim(),
            button: ((await primaryButton(page).textContent()) ?? '').trim(),
            text: await visibleText(page),
          };
          expect(violations, violations.join('\n')).to.deep.equal([]);
        }
        const [en, de] = [seen.en!, seen.de!];
        expect(en.heading).to.not.equal('');
        expect(de.heading).to.not.equal(en.heading);
        expect(de.button).to.not.equal(en.button);
        expect(de.text).to.not.equal(en.text);
      });
    }
  });

  describe('accessibility (axe-core: label, color-contrast, WCAG 2 A/AA)', () => {
    for (const kind of pageKinds) {
      it(`${kind} page has no violations in en and de`, async () => {
        // axe is injected as a script, which the page's CSP would block: this context bypasses it.
        const context = await newContext({ bypassCSP: true });
        const page = await context.newPage();
        for (const locale of locales) {
          await context.clearCookies();
          await openHostedPage(page, kind, locale);
          const results: AxeResults = await runAxe(page, {
            runOnly: { type: 'tag', values: axeTags },
            resultTypes: ['violations', 'incomplete', 'passes'],
          });
          axeSummary[`${kind}.${locale}`] = {
            violations: results.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.html) })),
            incomplete: results.incomplete.map((v) => v.id),
            passes: results.passes.map((v) => v.id),
          };
          expect(results.violations, describeViolations(results)).to.deep.equal([]);
          // `label` has nothing to check on the consent page (buttons only); elsewhere both rules must pass.
          for (const rule of requiredAxeRules) {
            const inapplicable = kind === 'consent' && rule === 'label';
            expect(
              (inapplicable ? results.inapplicable : results.passes).map((r) => r.id),
              `axe rule ${rule} ran and ${inapplicable ? 'found nothing to check' : 'passed'} on the ${kind} page (${locale})`,
            ).to.include(rule);
          }
        }
      });
    }
  });

  it('signs in: identifier → password → the redirect_uri with a code and the original state', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const request = authorizationRequest({ tenant: 'acme' });
    const query = await signIn(page, 'acme', request);
    expect(query.get('error'), query.toString()).to.equal(null);
    expect(query.get('state')).to.equal(request.state);
    const code = query.get('code');
    expect(code).to.be.a('string').and.not.equal('');

    // The code is real: the public client redeems it with its PKCE verifier.
    const token = await fetch(`${publicUrl}/t/acme/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: request.redirectUri,
        client_id: 'spa',
        code_verifier: request.codeVerifier,
      }),
    });
    expect(token.status, await token.clone().text()).to.equal(200);
    expect(await token.json()).to.have.property('id_token');
  });

  it('a wrong password and an unknown account show the same role="alert" text', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(authorizationRequest({ tenant: 'acme' }).url);

    await submitIdentifier(page, users.acme.email);
    await submitPassword(page, 'not the password at all');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const wrongPassword = ((await alert.textContent()) ?? '').trim();
    expect(wrongPassword).to.not.equal('');
    expect(await page.locator('#password').getAttribute('aria-invalid')).to.equal('true');

    await page.getByRole('link', { name: 'Use another account' }).click();
    await submitIdentifier(page, 'nobody-here@example.com');
    await submitPassword(page, 'not the password at all');
    await alert.waitFor();
    expect(((await alert.textContent()) ?? '').trim()).to.equal(wrongPassword);
  });

  it('keeps one session per tenant: signing in to `other` leaves the `acme` session intact', async () => {
    const context = await newContext();
    // Each step in its own tab of the same browser profile (one cookie jar).
    const acme = await signIn(await context.newPage(), 'acme', authorizationRequest({ tenant: 'acme' }));
    expect(acme.get('code')).to.be.a('string');
    const other = await signIn(await context.newPage(), 'other', authorizationRequest({ tenant: 'other' }));
    expect(other.get('code')).to.be.a('string');

    const silent = authorizationRequest({ tenant: 'acme', prompt: 'none' });
    const page = await context.newPage();
    const query = (await navigationTo(page, silent.redirectUri, () => page.goto(silent.url))).searchParams;
    expect(query.get('error'), query.toString()).to.equal(null);
    expect(query.get('state')).to.equal(silent.state);
    expect(query.get('code')).to.be.a('string').and.not.equal('');

    // All cookies of the profile: `cookies(url)` would return only those sent to that very path.
    const cookies = await context.cookies();
    const byTenant = (slug: TenantSlug) =>
      cookies.filter((c) => c.path === `/t/${slug}` || c.path.startsWith(`/t/${slug}/`));
    const summary = cookies.map((c) => `${c.name} ${c.path}`).join('\n');
    for (const slug of ['acme', 'other'] as const) {
      const own = byTenant(slug);
      expect(
        own.map((c) => c.path),
        summary,
      ).to.include(`/t/${slug}`);
      for (const cookie of own) {
        expect(cookie.name, summary).to.contain(slug);
        expect(cookie.httpOnly, `${cookie.name} is HttpOnly`).to.equal(true);
        expect(cookie.sameSite, `${cookie.name} is SameSite=Lax`).to.equal('Lax');
      }
    }
    // No cookie of the server escapes the tenant paths.
    expect(byTenant('acme').length + byTenant('other').length, summary).to.equal(cookies.length);
  });

  it('prompt=create opens the registration page; registering shows "check your inbox"', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(authorizationRequest({ tenant: 'acme', prompt: 'create' }).url);
    await page.locator('#new-password').waitFor();
    expect(await page.locator('h1').textContent()).to.equal('Create your account');
    expect(await page.locator('#email').getAttribute('autocomplete')).to.equal('email');
    expect(await page.locator('#new-password').getAttribute('autocomplete')).to.equal('new-password');

    const email = `new-${randomBytes(4).toString('hex')}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a brand new passphrase');
    await page.getByLabel('First name').fill('Nova');
    await primaryButton(page).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    expect(await visibleText(page)).to.contain(email);
  });

  it('prompt=create: "Sign in" on the registration page leads through the login steps to the redirect_uri', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const request = authorizationRequest({ tenant: 'acme', prompt: 'create' });
    await page.goto(request.url);
    await page.locator('#new-password').waitFor();
    await page.locator('.portico-links').getByRole('link', { name: 'Sign in' }).click();
    await submitIdentifier(page, users.acme.email);
    await page.locator('#password').fill(users.acme.password);
    // After the password, a page that is not the RP (e.g. the registration form again) fails here.
    const landed = new Promise<string>((resolve) => {
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame() && frame.url().startsWith(publicUrl)) resolve(frame.url());
      });
    });
    const outcome = await Promise.race([
      navigationTo(page, request.redirectUri, () => primaryButton(page).click()).then((url) => ({ url })),
      landed.then(async (url) => {
        await page.locator('h1').waitFor();
        return { stuckAt: `${url} (h1: ${await page.locator('h1').textContent()})` };
      }),
    ]);
    if ('stuckAt' in outcome) {
      expect.fail(
        `signing in after prompt=create should return to the relying party, but landed on ${outcome.stuckAt}`,
      );
    }
    const query = outcome.url.searchParams;
    expect(query.get('error'), query.toString()).to.equal(null);
    expect(query.get('state')).to.equal(request.state);
    expect(query.get('code')).to.be.a('string').and.not.equal('');
  });
});
