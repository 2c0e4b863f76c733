import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { AxeResults, RunOptions } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Browser tests on the system's Chromium (Debian's package, installed in CI too): playwright-core
 * never downloads a browser here. One browser per test file; one context per simulated user.
 */
export const chromiumPath = process.env.PORTICO_TEST_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A TCP port free on 127.0.0.1 right now (the server is told to listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `action` (a navigation, a click) and returns the URL of the navigation it leads to at
 * `redirectUri` — the relying party's redirect_uri, which nobody serves: the test stops there and reads
 * the code from the URL. Playwright cannot intercept a request reached by a redirect (the browser's
 * network stack follows it), so the navigation is observed, and its connection error is expected.
 */
export async function navigationTo(
  page: Page,
  redirectUri: string,
  action: () => Promise<unknown>,
): Promise<URL> {
  const target = new URL(redirectUri);
  const navigation = page.waitForRequest((request) => {
    const url = new URL(request.url());
    return request.isNavigationRequest() && url.origin === target.origin && url.pathname === target.pathname;
  });
  const failure = await action().then(
    () => undefined,
    (error: unknown) => error,
  );
  try {
    return new URL((await navigation).url());
  } catch (error) {
    throw failure ?? error;
  }
}

/**
 * Console errors about the Content Security Policy (a blocked inline style or script, a form action
 * outside the allowed origins), collected from every page of `context` from now on.
 */
export function collectCspViolations(context: BrowserContext): string[] {
  const violations: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        violations.push(`${page.url()}: ${message.text()}`);
      }
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return violations;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page. The script is injected with `addScriptTag`, which the hosted pages' CSP
 * (nonces, 'strict-dynamic') blocks: run this only in a context created with `bypassCSP: true`.
 */
export async function runAxe(page: Page, options: RunOptions): Promise<AxeResults> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(
    (runOptions) =>
      (globalThis as unknown as { axe: { run: (o: unknown) => Promise<AxeResults> } }).axe.run(runOptions),
    options as Record<string, unknown>,
  );
}

/** One line per violation and node, for assertion messages. */
export function describeViolations(results: AxeResults): string {
  return results.violations
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact ?? 'n/a'}): ${n.failureSummary ?? v.help} at ${n.html}`),
    )
    .join('\n');
}
