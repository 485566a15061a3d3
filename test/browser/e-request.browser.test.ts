import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { apiToken } from '../harness.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage } from './support.js';

/**
 * e-Request in a real browser (issue 5 item 4), in English and in Spanish, with the keyboard only: choose an expedite
 * request on the start page, send the form once with an answer missing (the error summary takes the focus and links
 * to the field), then complete it; the confirmation shows the service item number, and the status page finds it by
 * number plus email. axe at every step; no console errors. Then the same journey with JavaScript off.
 */

const TEXT = {
  en: {
    start: 'Send an e-Request',
    form: 'Request to expedite a case',
    continue: 'Continue',
    send: 'Send request',
    sent: 'We received your request',
    missing: 'Explain why your case should be expedited',
    statusLink: 'Check an e-Request',
    check: 'Check request',
    working: 'We are working on it',
    explanation: 'My employer will end my job offer if the case is not decided by January.',
  },
  es: {
    start: 'Enviar una solicitud electrónica (e-Request)',
    form: 'Solicitar que se acelere un caso',
    continue: 'Continuar',
    send: 'Enviar solicitud',
    sent: 'Recibimos su solicitud',
    missing: 'Explique por qué debemos acelerar su caso',
    statusLink: 'Consultar una solicitud electrónica',
    check: 'Consultar solicitud',
    working: 'Estamos trabajando en ella',
    explanation: 'Mi empleador retirará la oferta de trabajo si el caso no se decide antes de enero.',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

/** Focuses a control and presses a key, as a keyboard user does; waits for the page a submit loads. */
async function press(page: Page, selector: string, key: 'Enter' | 'Space', navigates = false): Promise<void> {
  await page.locator(selector).focus();
  if (navigates) await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
  else await page.keyboard.press(key);
}

async function type(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.type(text);
}

browserSuite('e-Request in a browser', (rig) => {
  let receipt = 0;
  const newCase = async () => {
    const { t } = rig();
    const receiptNumber = `EAC24900000${String(++receipt).padStart(2, '0')}`;
    const { token } = await apiToken(t, ['case_events:write']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${token}` },
      payload: [
        {
          id: `browser-erq-${receipt}`,
          receiptNumber,
          type: 'case_received',
          occurredAt: '2025-05-02T15:00:00Z',
          payload: { formCode: 'I-140', applicant: { dateOfBirth: '1984-09-17' } },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    return receiptNumber;
  };

  for (const lang of ['en', 'es'] as const) {
    it(`a person sends an expedite request and checks it, with the keyboard, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const receiptNumber = await newCase();
      const email = `expedite-${lang}@example.com`;
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/e-request?lang=${lang}`);
        expect(await h1(page)).toBe(text.start);
        await expectNoAxeViolations(page, 'start page');
        await press(page, '#type-expedite-request', 'Space');
        await press(page, `button:has-text("${text.continue}")`, 'Enter', true);
        await page.waitForURL('**/e-request/expedite-request');
        expect(await h1(page)).toBe(text.form);
        await expectNoAxeViolations(page, 'expedite form');
        await expectReflowAt320(page, 'expedite form');

        // Everything but the explanation: the error summary says so and links to the box.
        await type(page, '#receipt_number', receiptNumber.toLowerCase());
        await type(page, '#dob_month', '9');
        await type(page, '#dob_day', '17');
        await type(page, '#dob_year', '1984');
        await press(page, '#criterion', 'Space'); // the first criterion: severe financial loss
        await type(page, '#given_name', 'Marta');
        await type(page, '#family_name', 'Ruiz');
        await press(page, '#requester_role', 'Space');
        await type(page, '#email', email);
        await press(page, `button:has-text("${text.send}")`, 'Enter', true);
        await expect(page.locator('#error-summary a').allTextContents()).resolves.toEqual([text.missing]);
        await expectNoAxeViolations(page, 'expedite form with an error');
        await press(page, '#error-summary a', 'Enter');
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('description');
        await page.keyboard.type(text.explanation);
        await press(page, `button:has-text("${text.send}")`, 'Enter', true);

        await page.waitForURL('**/e-request/sent');
        expect(await h1(page)).toBe(text.sent);
        const number = (await page.locator('#service-item-number').textContent())?.trim() ?? '';
        expect(number).toMatch(/^\d+$/);
        await expectNoAxeViolations(page, 'confirmation');

        await press(page, `main a:has-text("${text.statusLink}")`, 'Enter', true);
        await page.waitForURL('**/e-request/status');
        await expectNoAxeViolations(page, 'status page');
        await type(page, '#number', number);
        await type(page, '#email', email);
        await press(page, `button:has-text("${text.check}")`, 'Enter', true);
        await expect(page.locator('main').textContent()).resolves.toContain(text.working);
        await expectNoAxeViolations(page, 'status result');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
      const item = await rig()
        .t.deps.database.db.selectFrom('service_items')
        .select(['queue', 'language', 'type'])
        .where('contact_email', '=', email)
        .executeTakeFirstOrThrow();
      expect(item).toEqual({ queue: 'office:VSC', language: lang, type: 'expedite_request' });
    });
  }

  it('works with JavaScript off', async () => {
    const receiptNumber = await newCase();
    const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
    try {
      await page.goto('/e-request?lang=en');
      await page.locator('label[for="type-typo-correction"]').click();
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continue' }).click()]);
      await page.waitForURL('**/e-request/typo-correction');
      await page.locator('#receipt_number').fill(receiptNumber);
      await page.locator('#dob_month').fill('9');
      await page.locator('#dob_day').fill('17');
      await page.locator('#dob_year').fill('1984');
      await page.locator('#form_number').selectOption('I-140');
      await page.locator('#filed_month').fill('5');
      await page.locator('#filed_day').fill('2');
      await page.locator('#filed_year').fill('2025');
      await page.locator('#error_item').fill('Receipt notice: family name');
      await page.locator('#correct_value').fill('Ruiz');
      await page.locator('#given_name').fill('Marta');
      await page.locator('#family_name').fill('Ruiz');
      await page.locator('label[for="requester_role"]').click();
      await page.locator('#email').fill('typo-nojs@example.com');
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Send request' }).click()]);
      await page.waitForURL('**/e-request/sent');
      expect(await page.locator('#service-item-number').textContent()).toMatch(/^\d+$/);
      // (axe needs JavaScript in the page: the journeys above check these pages with it.)
      await expect(page.locator('h1').textContent()).resolves.toBe('We received your request');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
