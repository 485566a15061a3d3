import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { publishFigures, SAMPLE_FIGURES } from '../processing-times-support.js';
import { browserSuite, clickAndLoad, expectNoAxeViolations, expectReflowAt320, openPage } from './support.js';

/**
 * The public processing times page (issue 18 point 3) in a real browser, in English and Spanish, checked with axe at
 * every step: before anything is published, then choosing a form, its category and the office, the range, and the
 * "can I ask about my case" check (yes, not yet, a refused date); and the same choices with JavaScript disabled.
 */

interface Language {
  code: 'en' | 'es';
  title: string;
  none: string;
  continue: string;
  show: string;
  check: string;
  range: string;
  yes: string;
  no: string;
  futureError: string;
}

const ENGLISH: Language = {
  code: 'en',
  title: 'Check case processing times',
  none: 'No processing times are published yet',
  continue: 'Continue',
  show: 'Get processing time',
  check: 'Check',
  range: '7.9 to 12 months',
  yes: 'You can ask about your case now',
  no: 'Not yet: your case is within normal processing time',
  futureError: 'The date we received your case must be today or earlier.',
};

const SPANISH: Language = {
  code: 'es',
  title: 'Consultar los tiempos de procesamiento de casos',
  none: 'Todavía no hay tiempos de procesamiento publicados',
  continue: 'Continuar',
  show: 'Ver el tiempo de procesamiento',
  check: 'Verificar',
  range: 'de 7.9 a 12 meses',
  yes: 'Puede preguntar por su caso ahora',
  no: 'Todavía no: su caso está dentro del tiempo normal de procesamiento',
  futureError: 'La fecha en que recibimos su caso debe ser hoy o antes.',
};

browserSuite('The processing times page in a browser', (rig) => {
  let published = false;
  /** Publishes once, after the "nothing published" pages, and lets the service's 30 s cache of the publication lapse. */
  async function publish(): Promise<void> {
    if (published) return;
    published = true;
    await publishFigures(rig().t, SAMPLE_FIGURES);
    rig().t.clock.advance(31_000);
  }

  async function receivedOn(page: Page, lang: Language, month: string, day: string, year: string): Promise<void> {
    await page.locator('#received_month').fill(month);
    await page.locator('#received_day').fill(day);
    await page.locator('#received_year').fill(year);
    await clickAndLoad(page, lang.check);
  }

  it('says plainly that nothing is published yet, with the phone numbers', async () => {
    for (const lang of [ENGLISH, SPANISH]) {
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/processing-times?lang=${lang.code}`);
        await expect(page.locator('h1').textContent()).resolves.toBe(lang.title);
        await expect(page.locator('main .usa-alert__heading').textContent()).resolves.toBe(lang.none);
        await expect(page.locator('main a[href="tel:1-800-375-5283"]').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, `nothing published (${lang.code})`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  });

  for (const lang of [ENGLISH, SPANISH]) {
    it(`chooses a form, category and office and checks a receipt date in ${lang.code === 'en' ? 'English' : 'Spanish'}`, async () => {
      await publish();
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/processing-times?lang=${lang.code}`);
        await expect(page.locator('h1').textContent()).resolves.toBe(lang.title);
        await expectNoAxeViolations(page, `the form question (${lang.code})`);

        await page.locator('select#form').selectOption('I-485');
        await clickAndLoad(page, lang.continue);
        await expect(page.locator('select#category').count()).resolves.toBe(1);
        await expect(page.locator('select#office').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, `the category and office questions (${lang.code})`);

        // Nothing chosen: the error summary links to the question.
        await clickAndLoad(page, lang.show);
        await expect(page.locator('#error-summary a[href="#category"]').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, `the questions with errors (${lang.code})`);

        await page.locator('select#category').selectOption('employment');
        await page.locator('select#office').selectOption('NBC');
        await clickAndLoad(page, lang.show);
        await expect(page.locator('#range').textContent()).resolves.toBe(lang.range);
        await expectNoAxeViolations(page, `the processing time (${lang.code})`);
        await expectReflowAt320(page, `the processing time (${lang.code})`);

        // Inquiry date: November 23, 2025.
        await receivedOn(page, lang, '11', '22', '2025');
        await expect(page.locator('.usa-alert--success .usa-alert__heading').textContent()).resolves.toBe(lang.yes);
        await expect(page.locator('.usa-alert--success a').getAttribute('href')).resolves.toBe(
          '/e-request/outside-processing-time',
        );
        await expectNoAxeViolations(page, `can ask now (${lang.code})`);

        await receivedOn(page, lang, '11', '23', '2025');
        await expect(page.locator('.usa-alert--info[role="alert"] .usa-alert__heading').textContent()).resolves.toBe(
          lang.no,
        );
        await expectNoAxeViolations(page, `not yet (${lang.code})`);

        await receivedOn(page, lang, '1', '1', '2030');
        await expect(page.locator('#error-summary a[href="#received_month"]').textContent()).resolves.toBe(
          lang.futureError,
        );
        await expect(page.locator('#received_month').getAttribute('aria-invalid')).resolves.toBe('true');
        await expectNoAxeViolations(page, `a refused date (${lang.code})`);
        await expectReflowAt320(page, `a refused date (${lang.code})`);

        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('works with JavaScript disabled', async () => {
    await publish();
    const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
    try {
      await page.goto('/processing-times');
      await page.locator('select#form').selectOption('N-400');
      await clickAndLoad(page, ENGLISH.continue);
      await page.locator('select#office').selectOption('FO-NYC');
      await clickAndLoad(page, ENGLISH.show);
      await expect(page.locator('#range').textContent()).resolves.toBe('6 to 10.5 months');
      await receivedOn(page, ENGLISH, '1', '7', '2026');
      await expect(page.locator('.usa-alert--success .usa-alert__heading').textContent()).resolves.toBe(ENGLISH.yes);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
