import { expect, it } from 'vitest';
import { signUpApplicant, type Applicant } from '../accounts-support.js';
import { apiToken } from '../harness.js';
import { seedAppointmentSites } from '../../src/modules/appointments/index.js';
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
 * Reschedule a biometrics appointment in a real browser (issue 17 point 2), in English and in Spanish, with axe at
 * every step and reflow at 320 px: from the case card to the biometrics page, the rules before the form, a missing
 * reason refused with the error summary, "first available" at the nearest center, and the request listed as done.
 */

const TEXT = {
  en: {
    verify: 'Verify',
    link: 'Your appointment notice, the rules and how to reschedule',
    title: 'Biometrics appointment',
    rules: 'Before you reschedule',
    submit: 'Reschedule my appointment',
    reasonError: 'Choose why you need to reschedule',
    reason: 'An illness, a medical appointment or a hospital stay',
    done: 'Your appointment was rescheduled',
  },
  es: {
    verify: 'Verificar',
    link: 'Su aviso de cita, las reglas y cómo reprogramar',
    title: 'Cita de datos biométricos',
    rules: 'Antes de reprogramar',
    submit: 'Reprogramar mi cita',
    reasonError: 'Elija por qué necesita reprogramar',
    reason: 'Una enfermedad, una cita médica o una hospitalización',
    done: 'Su cita se reprogramó',
  },
} as const;

const receiptOf = (lang: 'en' | 'es') => (lang === 'en' ? 'IOE0917400001' : 'IOE0917400002');

async function personFor(rig: BrowserRig, lang: 'en' | 'es'): Promise<Applicant> {
  const { t } = rig;
  await seedAppointmentSites(t.deps.database.db, { clock: t.clock, random: t.deps.random });
  const person = await signUpApplicant(t, `bio-journey-${lang}@example.com`, `10.92.0.${lang === 'en' ? 1 : 2}`, lang);
  const { online_account_number: oan } = await t.deps.database.db
    .selectFrom('accounts')
    .select('online_account_number')
    .where('id', '=', person.accountId)
    .executeTakeFirstOrThrow();
  const token = (await apiToken(t, ['case_events:write'])).token;
  const receiptNumber = receiptOf(lang);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        id: `bio-journey-${lang}-1`,
        receiptNumber,
        type: 'case_received',
        occurredAt: '2026-09-01T15:00:00Z',
        payload: {
          formCode: 'I-485',
          channel: 'online',
          onlineAccountNumber: oan,
          applicant: { dateOfBirth: '1985-04-12', familyName: 'Ruiz', zip: '60605' },
        },
      },
      {
        id: `bio-journey-${lang}-2`,
        receiptNumber,
        type: 'biometrics_required',
        occurredAt: '2026-11-20T15:00:00Z',
        payload: {},
      },
    ],
  });
  expect(res.statusCode).toBe(200);
  const request = await t.deps.database.db
    .selectFrom('biometrics_requests')
    .select('id')
    .where('event_id', '=', `bio-journey-${lang}-2`)
    .executeTakeFirstOrThrow();
  expect(await t.services.biometrics.schedule(request.id)).toMatchObject({ status: 'scheduled' });
  rig.t.clock.advance(60_000);
  return person;
}

browserSuite('Reschedule biometrics in a browser (issue 17 point 2)', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`reschedules a biometrics appointment end to end, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const person = await personFor(rig(), lang);
      const receipt = receiptOf(lang);
      const { context, page, problems } = await openPage(rig());
      try {
        await signInApplicantInBrowser(page, rig().t, person, lang);
        await page.goto(`/account/cases/${receipt}`);
        await Promise.all([
          page.waitForURL(`**/account/cases/${receipt}/biometrics`),
          page.getByRole('link', { name: text.link }).click(),
        ]);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.title);
        await expect(page.locator('#rules-heading').textContent()).resolves.toBe(text.rules);
        const before = await page.locator('#appointment time').getAttribute('datetime');
        await expectNoAxeViolations(page, 'biometrics page');
        await expectReflowAt320(page, 'biometrics page');

        await clickAndLoad(page, text.submit);
        await expect(page.locator('#error-summary').textContent()).resolves.toContain(text.reasonError);
        await expectNoAxeViolations(page, 'biometrics form with errors');

        await page.getByText(text.reason, { exact: true }).click();
        await page.locator('label[for=slot]').click();
        await clickAndLoad(page, text.submit);
        await page.waitForURL('**/biometrics?done=1');
        await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain(text.done);
        await expect(page.locator('#appointment time').getAttribute('datetime')).resolves.not.toBe(before);
        await expect(page.locator('#reschedule-requests [data-state=done]').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, 'rescheduled');
        await expectReflowAt320(page, 'rescheduled');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
