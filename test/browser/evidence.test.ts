import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { renderCaseNotice } from '../../src/modules/notices/pdf.js';
import { PASSWORD, signUpApplicant, totpAt } from '../accounts-support.js';
import { apiToken } from '../harness.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage } from './support.js';

/**
 * Answering a Request for Evidence in a real browser, in English and Spanish (issue 4): the case card shows the
 * request and its deadline, the response is uploaded as a PDF, each file shows its state. axe at every step.
 */

const TEXT = {
  en: {
    verify: 'Verify',
    evidence: 'Evidence and responses',
    heading: 'Respond to the Request for Evidence',
    submit: 'Send response',
    done: 'We received your response',
    checking: 'Being checked',
  },
  es: {
    verify: 'Verificar',
    evidence: 'Evidencia y respuestas',
    heading: 'Responder a la Solicitud de Evidencia',
    submit: 'Enviar la respuesta',
    done: 'Recibimos su respuesta',
    checking: 'En revisión',
  },
} as const;

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).first().click()]);
  await page.waitForLoadState('load');
}

browserSuite('Answering a Request for Evidence in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`uploads a response to an RFE and shows each file's state, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { t } = rig();
      const text = TEXT[lang];
      const person = await signUpApplicant(
        t,
        `rfe-journey-${lang}@example.com`,
        `10.89.0.${lang === 'en' ? 1 : 2}`,
        lang,
      );
      const oan = (
        await t.deps.database.db
          .selectFrom('accounts')
          .select('online_account_number')
          .where('id', '=', person.accountId)
          .executeTakeFirstOrThrow()
      ).online_account_number;
      const receipt = lang === 'en' ? 'IOE0955500011' : 'IOE0955500012';
      const token = (await apiToken(t, ['case_events:write'])).token;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/case-events',
        headers: { authorization: `Bearer ${token}` },
        payload: [
          {
            id: `rfe-journey-${lang}-1`,
            receiptNumber: receipt,
            type: 'case_received',
            occurredAt: '2026-09-01T15:00:00Z',
            payload: { formCode: 'I-485', channel: 'online', onlineAccountNumber: oan },
          },
          {
            id: `rfe-journey-${lang}-2`,
            receiptNumber: receipt,
            type: 'rfe_sent',
            occurredAt: '2026-11-10T15:00:00Z',
            payload: { responseDue: '2027-01-31' },
          },
        ],
      });
      expect(res.statusCode).toBe(200);
      const pdf = await renderCaseNotice({
        agency: 'Me',
        title: 'Response',
        issuedOn: 'today',
        facts: [],
        paragraphs: ['Here is the evidence.'],
        createdAt: new Date('2026-11-20T00:00:00Z'),
      });

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
        await page.goto(`/account/cases/${receipt}`);
        await expect(page.locator('.usa-alert--warning').textContent()).resolves.toContain(
          lang === 'en' ? 'January 31, 2027' : '31 de enero de 2027',
        );
        await expectNoAxeViolations(page, 'case card with an open RFE');
        await page.getByRole('link', { name: text.evidence }).click();
        await page.waitForURL(`**/account/cases/${receipt}/evidence`);
        await expect(page.locator('#rfe-heading').textContent()).resolves.toBe(text.heading);
        await expectNoAxeViolations(page, 'evidence page');
        await expectReflowAt320(page, 'evidence page');
        await page
          .locator('#files-rfe_response')
          .setInputFiles({ name: 'response.pdf', mimeType: 'application/pdf', buffer: pdf });
        await submit(page, text.submit);
        await page.waitForURL(`**/account/cases/${receipt}/evidence?done=rfe_response`);
        await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain(text.done);
        await expect(page.locator('.usa-tag').first().textContent()).resolves.toBe(text.checking);
        await expect(page.locator('#rfe-heading').count()).resolves.toBe(0);
        await expectNoAxeViolations(page, 'evidence page after the response');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
