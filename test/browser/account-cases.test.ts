import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signUpApplicant, totpAt, PASSWORD } from '../accounts-support.js';
import { apiToken } from '../harness.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage } from './support.js';

/**
 * Adding a paper case with its Online Access Code, in a real browser, in English and in Spanish (issue 4): sign in,
 * My cases (empty), Add a case, a wrong date of birth first, then the right one, the case card and its history,
 * then reading a notice from the Documents tab (PDF).
 * axe at every step; no console errors.
 */

const TEXT = {
  en: {
    verify: 'Verify',
    myCases: 'My cases',
    add: 'Add a case',
    submit: 'Add case',
    noMatch: 'The details do not match our records. Check them and try again.',
    added: 'was added to your account',
    history: 'Case history',
    documents: 'Documents',
    notice: 'Account acceptance notice',
  },
  es: {
    verify: 'Verificar',
    myCases: 'Mis casos',
    add: 'Agregar un caso',
    submit: 'Agregar el caso',
    noMatch: 'Los datos no coinciden con nuestros registros. Revíselos e inténtelo de nuevo.',
    added: 'se agregó a su cuenta',
    history: 'Historial del caso',
    documents: 'Documentos',
    notice: 'Aviso de aceptación de cuenta',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).first().click()]);
  await page.waitForLoadState('load');
}

browserSuite('Adding a case in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`adds an IOE paper case with its Online Access Code, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { t } = rig();
      const text = TEXT[lang];
      const person = await signUpApplicant(
        t,
        `oac-journey-${lang}@example.com`,
        `10.88.0.${lang === 'en' ? 1 : 2}`,
        lang,
      );
      const receipt = lang === 'en' ? 'IOE0977777771' : 'IOE0977777772';
      const code = lang === 'en' ? 'JRNEY-2026-ENGL1' : 'JRNEY-2026-ESPA1';
      const token = (await apiToken(t, ['case_events:write'])).token;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/case-events',
        headers: { authorization: `Bearer ${token}` },
        payload: [
          {
            id: `journey-${lang}-1`,
            receiptNumber: receipt,
            type: 'case_received',
            occurredAt: '2026-10-01T15:00:00Z',
            payload: { formCode: 'I-765', applicant: { dateOfBirth: '1992-03-14' } },
          },
          {
            id: `journey-${lang}-2`,
            receiptNumber: receipt,
            type: 'account_acceptance_notice',
            occurredAt: '2026-10-03T15:00:00Z',
            payload: { onlineAccessCode: code },
          },
        ],
      });
      expect(res.statusCode).toBe(200);

      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/account/sign-in?lang=${lang}`);
        await page.locator('#email').fill(person.email);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
        await page.waitForURL('**/account/sign-in/code**');
        t.clock.advance(31_000);
        await page.locator('#code').fill(totpAt(t, person.secret));
        await submit(page, text.verify);
        await page.getByRole('link', { name: text.myCases, exact: true }).first().click();
        await page.waitForURL('**/account/cases');
        expect(await h1(page)).toBe(text.myCases);
        await expectNoAxeViolations(page, 'my cases, empty');

        await page.getByRole('navigation').getByRole('link', { name: text.add, exact: true }).click();
        await page.waitForURL('**/account/cases/add');
        expect(await h1(page)).toBe(text.add);
        await expectNoAxeViolations(page, 'add a case');
        await expectReflowAt320(page, 'add a case');
        await page.locator('#code').fill(code.toLowerCase());
        await page.locator('#dob_month').fill('3');
        await page.locator('#dob_day').fill('15');
        await page.locator('#dob_year').fill('1992');
        await submit(page, text.submit);
        await expect(page.locator('#error-summary a').textContent()).resolves.toBe(text.noMatch);
        await expectNoAxeViolations(page, 'add a case with an error');
        await page.locator('#dob_day').fill('14');
        await submit(page, text.submit);
        await page.waitForURL('**/account/cases?added=*');
        await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain(text.added);
        await expectNoAxeViolations(page, 'my cases with the new case');

        await page.getByRole('link', { name: receipt }).click();
        await page.waitForURL(`**/account/cases/${receipt}`);
        expect(await h1(page)).toContain(receipt);
        await expectNoAxeViolations(page, 'case card');
        await page.getByRole('link', { name: text.history }).click();
        await page.waitForURL(`**/account/cases/${receipt}/history`);
        await expect(page.locator('.casedesk-history li').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, 'case history');

        // Reading a notice: the agency issues one; the Documents tab lists it and opens the PDF.
        const caseId = (
          await t.deps.database.db
            .selectFrom('cases')
            .select('id')
            .where('receipt_number', '=', receipt)
            .executeTakeFirstOrThrow()
        ).id;
        await t.deps.database.db.transaction().execute((trx) =>
          t.services.notices.issueAccountAcceptance(trx, {
            caseId,
            receiptNumber: receipt,
            formCode: 'I-765',
            language: lang,
            code: 'NOTIC2345ABCDE',
            expiresAt: new Date('2027-02-01T00:00:00Z'),
          }),
        );
        await page.reload();
        await page.getByRole('link', { name: text.documents }).click();
        await page.waitForURL(`**/account/cases/${receipt}/documents`);
        await expectNoAxeViolations(page, 'documents');
        const href = await page.getByRole('link', { name: text.notice }).getAttribute('href');
        const pdf = await page.request.get(href!);
        expect(pdf.headers()['content-type']).toBe('application/pdf');
        expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
