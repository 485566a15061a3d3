import { expect, it } from 'vitest';
import { signUpApplicant, type Applicant } from '../accounts-support.js';
import { apiToken } from '../harness.js';
import {
  type BrowserRig,
  browserSuite,
  clickAndLoad,
  expectNoAxeViolations,
  expectReflowAt320,
  openPage,
  signInApplicantInBrowser,
} from './support.js';

/**
 * Change of address in a real browser (issue 17 point 4), in English and in Spanish, with axe at every step: from
 * the account menu to the form, a ZIP code of another state refused with the error summary, "Check your answers",
 * "Change" back to the form, sending, and the history with a status for each case.
 */

const TEXT = {
  en: {
    verify: 'Verify',
    menu: 'Change your address',
    title: 'Your addresses',
    formTitle: 'Change your address',
    cont: 'Continue',
    check: 'Check your answers',
    change: 'Change',
    mailing: 'Mailing address',
    send: 'Send the change',
    zipState: 'This ZIP code is not in the state you selected: check both',
    sent: 'Your change of address was sent',
    submitted: "Sent: waiting for the agency's systems",
  },
  es: {
    verify: 'Verificar',
    menu: 'Cambiar su dirección',
    title: 'Sus direcciones',
    formTitle: 'Cambiar su dirección',
    cont: 'Continuar',
    check: 'Revise sus respuestas',
    change: 'Cambiar',
    mailing: 'Dirección postal',
    send: 'Enviar el cambio',
    zipState: 'Este código postal no es del estado que seleccionó: revise ambos',
    sent: 'Se envió su cambio de dirección',
    submitted: 'Enviado: en espera de los sistemas de la agencia',
  },
} as const;

const receiptsOf = (lang: 'en' | 'es') =>
  lang === 'en' ? ['IOE0917100001', 'IOE0917100002'] : ['IOE0917100003', 'IOE0917100004'];

async function personFor(rig: BrowserRig, lang: 'en' | 'es'): Promise<Applicant> {
  const { t } = rig;
  const person = await signUpApplicant(t, `coa-journey-${lang}@example.com`, `10.91.0.${lang === 'en' ? 1 : 2}`, lang);
  const { online_account_number: oan } = await t.deps.database.db
    .selectFrom('accounts')
    .select('online_account_number')
    .where('id', '=', person.accountId)
    .executeTakeFirstOrThrow();
  const token = (await apiToken(t, ['case_events:write'])).token;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: receiptsOf(lang).map((receiptNumber, i) => ({
      id: `coa-journey-${lang}-${i}`,
      receiptNumber,
      type: 'case_received',
      occurredAt: '2026-09-01T15:00:00Z',
      payload: { formCode: i ? 'I-765' : 'I-485', channel: 'online', onlineAccountNumber: oan },
    })),
  });
  expect(res.statusCode, res.body).toBe(200);
  return person;
}

browserSuite('Change of address in a browser (issue 17 point 4)', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`changes an address end to end, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const person = await personFor(rig(), lang);
      const { context, page, problems } = await openPage(rig());
      try {
        await signInApplicantInBrowser(page, rig().t, person, lang);
        await Promise.all([
          page.waitForURL('**/account/address'),
          page.locator('main').getByRole('link', { name: text.menu, exact: true }).first().click(),
        ]);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.title);
        await expectNoAxeViolations(page, 'address overview');
        await expectReflowAt320(page, 'address overview');

        await Promise.all([
          page.waitForURL('**/account/address/change'),
          page.locator('#current-addresses').getByRole('link', { name: text.formTitle }).click(),
        ]);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.formTitle);
        await expectNoAxeViolations(page, 'address form');
        await page.locator('#m_in_care_of').fill('Ana Pérez');
        await page.locator('#m_street').fill('1600 Pennsylvania Ave NW');
        await page.locator('#m_city').fill('Washington');
        await page.locator('#m_state').selectOption('VA');
        await page.locator('#m_zip').fill('20500');
        await page.locator('label[for=same]').click();
        await clickAndLoad(page, text.cont);
        await expect(page.locator('#error-summary').textContent()).resolves.toContain(text.zipState);
        await expectNoAxeViolations(page, 'address form with an error');
        await page.locator('#m_state').selectOption('DC');
        await clickAndLoad(page, text.cont);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.check);
        await expect(page.locator('#check-mailing').textContent()).resolves.toContain('Washington, DC 20500');
        await expectNoAxeViolations(page, 'check your answers');
        await expectReflowAt320(page, 'check your answers');

        // "Change" goes back to the form, filled in.
        await Promise.all([
          page.waitForURL('**/account/address/confirm'),
          page.getByRole('button', { name: `${text.change} ${text.mailing}` }).click(),
        ]);
        await expect(page.locator('#m_zip').inputValue()).resolves.toBe('20500');
        await page.locator('#m_unit').fill('Suite 1');
        await clickAndLoad(page, text.cont);
        await expect(page.locator('#check-mailing').textContent()).resolves.toContain('Suite 1');
        await clickAndLoad(page, text.send);
        await page.waitForURL('**/account/address?sent=*');
        await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain(text.sent);
        for (const receipt of receiptsOf(lang))
          await expect(page.locator(`tr[data-receipt=${receipt}]`).textContent()).resolves.toContain(text.submitted);
        await expectNoAxeViolations(page, 'address history');
        await expectReflowAt320(page, 'address history');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
