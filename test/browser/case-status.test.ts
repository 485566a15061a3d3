import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage } from './support.js';

/**
 * Case Status Online in a real browser (Debian's Chromium, never a downloaded one): the lookup journey in English
 * and in Spanish, checked with axe (WCAG 2.1 A/AA) at every step, with no console errors (so no CSP violations),
 * and the same lookup with JavaScript disabled.
 */

const RECEIPT = 'eac-999-910-3403';
const UNKNOWN_RECEIPT = 'EAC0000000001';

interface Language {
  code: 'en' | 'es';
  /** The header link that switches to this language. */
  switchLink: string;
  formTitle: string;
  errorHeading: string;
  emptyError: string;
  statusTitle: string;
  historyHeading: string;
  notFoundHeading: string;
  screenshot?: { errors?: string; result?: string };
}

const ENGLISH: Language = {
  code: 'en',
  switchLink: 'English',
  formTitle: 'Case Status Online',
  errorHeading: 'There is a problem',
  emptyError: 'Enter your receipt number.',
  statusTitle: 'Case Was Approved',
  historyHeading: 'Case history',
  notFoundHeading: 'Case Status Online does not recognize this receipt number',
  screenshot: { errors: '/tmp/case-status-errors.png' },
};

const SPANISH: Language = {
  code: 'es',
  switchLink: 'Español',
  formTitle: 'Estado de Casos en Línea',
  errorHeading: 'Hay un problema',
  emptyError: 'Escriba su número de recibo.',
  statusTitle: 'Se aprobó el caso',
  historyHeading: 'Historial del caso',
  notFoundHeading: 'Estado de Casos en Línea no reconoce este número de recibo',
  screenshot: { result: '/tmp/case-status-es.png' },
};

browserSuite('Case Status Online in a browser', (rig) => {
  /** Types a receipt number and presses the button; returns once the answer page has loaded. */
  async function submit(page: Page, receipt: string): Promise<void> {
    const form = page.locator('form[action="/case-status"]');
    await form.getByRole('textbox').fill(receipt);
    // Each step submits a different value, so the URL tells the new page from the previous one.
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('receipt_number') === receipt),
      form.getByRole('button').click(),
    ]);
  }

  for (const lang of [ENGLISH, SPANISH]) {
    it(`looks up a case in ${lang.code === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { context, page, problems } = await openPage(rig());
      try {
        // Start in the other language and switch with the header link, as a visitor would.
        await page.goto(`/case-status?lang=${lang.code === 'en' ? 'es' : 'en'}`);
        await page.getByRole('navigation').getByRole('link', { name: lang.switchLink, exact: true }).click();
        await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang.code);
        await expect(page.locator('h1').textContent()).resolves.toBe(lang.formTitle);
        // USWDS JavaScript ran (the CSP lets our own scripts run, and only those).
        await expect
          .poll(() => page.evaluate(() => (window as unknown as { uswdsPresent?: boolean }).uswdsPresent))
          .toBe(true);
        await expectNoAxeViolations(page, `the ${lang.code} form`);

        // Empty form: the error summary, whose link takes the visitor to the field.
        await submit(page, '');
        const summary = page.locator('#error-summary');
        await expect(summary.locator('h2').textContent()).resolves.toBe(lang.errorHeading);
        const link = summary.getByRole('link', { name: lang.emptyError });
        await expect(link.getAttribute('href')).resolves.toBe('#receipt_number');
        await expect(page.locator('#receipt_number').getAttribute('aria-invalid')).resolves.toBe('true');
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang.code);
        await link.click();
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('receipt_number');
        await expectNoAxeViolations(page, `the ${lang.code} form with errors`);
        if (lang.screenshot?.errors) await page.screenshot({ path: lang.screenshot.errors, fullPage: true });
        await expectReflowAt320(page, `the ${lang.code} form with errors`);

        // A known receipt number, typed the way people do: the status title and the dated history.
        await submit(page, RECEIPT);
        await expect(page.locator('h1').textContent()).resolves.toBe(lang.statusTitle);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang.code);
        await expect(page.getByRole('heading', { level: 2, name: lang.historyHeading }).count()).resolves.toBe(1);
        const history = page.locator('ol.casedesk-history > li');
        await expect(history.count()).resolves.toBe(4);
        await expect(history.first().textContent()).resolves.toContain(lang.statusTitle);
        await expect(history.first().locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T/);
        await expectNoAxeViolations(page, `the ${lang.code} result`);
        if (lang.screenshot?.result) await page.screenshot({ path: lang.screenshot.result, fullPage: true });
        await expectReflowAt320(page, `the ${lang.code} result`);

        // A well-formed number we do not know: the not-found alert, announced.
        await submit(page, UNKNOWN_RECEIPT);
        const alert = page.getByRole('alert');
        await expect(alert.locator('.usa-alert__heading').textContent()).resolves.toBe(lang.notFoundHeading);
        await expect(page.locator('#receipt_number').inputValue()).resolves.toBe(UNKNOWN_RECEIPT);
        await expectNoAxeViolations(page, `the ${lang.code} not-found page`);

        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('looks up a case with JavaScript disabled', async () => {
    const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
    try {
      await page.goto('/case-status');
      await expect(page.locator('h1').textContent()).resolves.toBe(ENGLISH.formTitle);
      await submit(page, '');
      await expect(page.locator('#error-summary h2').textContent()).resolves.toBe(ENGLISH.errorHeading);
      await submit(page, RECEIPT);
      await expect(page.locator('h1').textContent()).resolves.toBe(ENGLISH.statusTitle);
      await expect(page.locator('ol.casedesk-history > li').count()).resolves.toBe(4);
      // The language switch is a plain link and keeps the lookup.
      await page.getByRole('navigation').getByRole('link', { name: SPANISH.switchLink, exact: true }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(SPANISH.statusTitle);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
      // (No axe run here: axe-core needs JavaScript in the page it checks, and never answers without it. The markup
      // is the same one the journeys above check.)
      expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });
});
