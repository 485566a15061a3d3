import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, totpAt } from '../accounts-support.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../harness.js';
import { STAFF_PASSWORD } from '../staff-support.js';

/**
 * Browser journeys run in Debian's Chromium (never a downloaded browser), headless, against the app listening on
 * 127.0.0.1. Each page records console errors (so CSP violations), uncaught exceptions and failed requests.
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface BrowserRig {
  t: TestApp;
  browser: Browser;
  origin: string;
}

/**
 * A describe block with the app and Chromium started once for it. Without Chromium it fails under CI=true (the
 * browser tests may not be skipped there) and is skipped elsewhere with a warning.
 */
export function browserSuite(name: string, body: (rig: () => BrowserRig) => void, options: TestAppOptions = {}): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('needs Chromium', () => {
          throw new Error(
            `Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium" (CI=true, so the browser tests may not be skipped)`,
          );
        });
      });
    } else {
      console.warn(
        `[browser tests] ${name}: skipped, Chromium is missing at ${CHROMIUM} (install it with "apt-get install -y chromium")`,
      );
      describe.skip(name, () => it('needs Chromium', () => {}));
    }
    return;
  }
  describe(name, () => {
    let rig: BrowserRig | undefined;
    beforeAll(async () => {
      const t = await createTestApp(options);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address() as AddressInfo;
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      rig = { t, browser, origin: `http://127.0.0.1:${address.port}` };
    });
    afterAll(async () => {
      await rig?.browser.close();
      await rig?.t.close();
    });
    body(() => rig!);
  });
}

/** A fresh context whose pages record every console error, uncaught exception and failed request. */
export async function openPage(
  rig: BrowserRig,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await rig.browser.newContext({
    baseURL: rig.origin,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  // Pages we expect to answer with an error status (400 for a form with errors, 404 for an unknown receipt):
  // Chromium logs "Failed to load resource" for those documents; anything else is a problem.
  const expectedErrorDocuments = new Set<string>();
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && [400, 404].includes(response.status()))
      expectedErrorDocuments.add(response.url());
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    if (
      /^Failed to load resource: the server responded with a status of 40[04]/.test(message.text()) &&
      expectedErrorDocuments.has(where)
    )
      return;
    problems.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() && response.status() >= 400)
      problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return { context, page, problems };
}

export async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`,
  );
  expect(found, `axe violations on ${step} (${page.url()})`).toEqual([]);
  // One main heading per page, for screen-reader users who jump to it (axe counts this as best practice only).
  expect(await page.locator('h1').count(), `h1 headings on ${step} (${page.url()})`).toBe(1);
}

/** WCAG 1.4.10 (reflow): at 320 CSS pixels wide nothing may need scrolling sideways. */
export async function expectReflowAt320(page: Page, step: string): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  try {
    const { scroll, culprits } = await page.evaluate(() => {
      const root = document.documentElement;
      const scroll = root.scrollWidth - root.clientWidth;
      // For the message only: boxes that stick out on the right, or text (a long word, say) that sticks out of its box.
      const culprits =
        scroll <= 0
          ? []
          : [...document.querySelectorAll('body *')]
              .filter((el) => el.getClientRects().length > 0 && !el.closest('.usa-sr-only'))
              .filter(
                (el) =>
                  el.getBoundingClientRect().right > root.clientWidth + 1 ||
                  (/^(P|LI|H[1-6]|TD|TH|A|LABEL|SPAN|TIME)$/.test(el.tagName) && el.scrollWidth > el.clientWidth + 1),
              )
              .map(
                (el) =>
                  `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}">${(el.textContent ?? '').trim().slice(0, 60)}`,
              )
              .slice(0, 5);
      return { scroll, culprits };
    });
    expect(
      scroll,
      `${scroll}px of sideways scrolling at 320px on ${step}: ${culprits.join(' | ')}`,
    ).toBeLessThanOrEqual(0);
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}

/**
 * Signs a person in through the pages (email and password, then a fresh authenticator code) and waits for the page
 * their sign-in lands on. The fake clock moves to a new time step first: authenticator codes are single use.
 */
async function signInThroughPages(
  page: Page,
  t: TestApp,
  person: { email: string; secret: string; password: string },
  lang: 'en' | 'es',
  landing: string | RegExp,
): Promise<void> {
  await page.goto(`/account/sign-in?lang=${lang}`);
  await page.locator('#email').fill(person.email);
  await page.locator('#password').fill(person.password);
  await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
  await page.waitForURL('**/account/sign-in/code**');
  t.clock.advance(31_000);
  await page.locator('#code').fill(totpAt(t, person.secret));
  await Promise.all([
    page.waitForURL(landing),
    page.getByRole('button', { name: lang === 'es' ? 'Verificar' : 'Verify', exact: true }).click(),
  ]);
}

/** Signs a staff member in through the pages and waits for the staff workspace. */
export async function signInStaffInBrowser(
  page: Page,
  t: TestApp,
  person: { email: string; secret: string },
  lang: 'en' | 'es' = 'en',
): Promise<void> {
  await signInThroughPages(page, t, { ...person, password: STAFF_PASSWORD }, lang, '**/staff');
}

/** Signs an applicant (made with the test password) in through the pages and waits for the account home. */
export async function signInApplicantInBrowser(
  page: Page,
  t: TestApp,
  person: { email: string; secret: string },
  lang: 'en' | 'es',
): Promise<void> {
  await signInThroughPages(page, t, { ...person, password: PASSWORD }, lang, /\/account$/);
}

/** Presses the (first) button of that exact name and waits for the page it loads. */
export async function clickAndLoad(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).first().click()]);
  await page.waitForLoadState('load');
}
