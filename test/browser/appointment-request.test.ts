import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { seedAppointmentSites } from '../../src/modules/appointments/index.js';
import { createStaffMember } from '../staff-support.js';
import {
  type BrowserRig,
  browserSuite,
  clickAndLoad,
  expectNoAxeViolations,
  expectReflowAt320,
  openPage,
} from './support.js';

/**
 * The online appointment request in a real browser (issue 17 point 3), in English and in Spanish, with axe and
 * reflow at 320 px at every step: the reasons ("other" sends to the Contact Center), the form with an error summary,
 * the reference number; an agent books a field office slot; then "View your appointment" with the reference number
 * and date of birth shows it, with the letter and the calendar file.
 */

const TEXT = {
  en: {
    startTitle: 'Request an appointment at a field office',
    other: 'Something else',
    reason: 'Emergency advance parole (urgent travel)',
    cont: 'Continue',
    otherTitle: 'Contact the Contact Center',
    send: 'Send request',
    nickname: 'without a nickname',
    sent: 'We received your appointment request',
    viewTitle: 'View your appointment',
    view: 'View',
    booked: 'Appointment booked',
    letter: 'Download your confirmation letter (PDF)',
  },
  es: {
    startTitle: 'Solicitar una cita en una oficina local',
    other: 'Otro motivo',
    reason: 'Permiso adelantado de emergencia (viaje urgente)',
    cont: 'Continuar',
    otherTitle: 'Comuníquese con el Centro de Contacto',
    send: 'Enviar solicitud',
    nickname: 'sin apodos',
    sent: 'Recibimos su solicitud de cita',
    viewTitle: 'Ver su cita',
    view: 'Ver',
    booked: 'Cita reservada',
    letter: 'Descargar su carta de confirmación (PDF)',
  },
} as const;

async function check(page: Page, step: string): Promise<void> {
  await expectNoAxeViolations(page, step);
  await expectReflowAt320(page, step);
}

/** Books the request's first free slot at its nearest field office, as the Tier 2 agent's page does. */
async function bookAsAgent(rig: BrowserRig, number: number, agentId: string): Promise<void> {
  const { t } = rig;
  const row = await t.deps.database.db
    .selectFrom('appointment_requests')
    .selectAll()
    .where('item_number', '=', number)
    .executeTakeFirstOrThrow();
  const [option] = await t.services.appointmentRequests.options(row, 'en');
  const slot = option!.slots[0]!.slot;
  const done = await t.services.appointmentRequests.book({ accountId: agentId, roles: ['tier2'] }, row, slot.id);
  expect(done).toEqual({ ok: true });
}

browserSuite('Online appointment request in a browser (issue 17 point 3)', (rig) => {
  let agentId = '';
  beforeAll(async () => {
    const { t } = rig();
    agentId = (
      await createStaffMember(t, {
        email: 'appt.journey@agency.example',
        name: 'Tina Tier2',
        roles: ['tier2'],
        ip: '10.92.0.1',
      })
    ).accountId;
    await seedAppointmentSites(t.deps.database.db, { clock: t.clock, random: t.deps.random });
    await t.services.appointments.generateSlots();
  });

  for (const lang of ['en', 'es'] as const) {
    it(`requests an appointment and views it, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/appointments/request?lang=${lang}`);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.startTitle);
        await check(page, 'reasons');

        // "Other" takes no request.
        await page.locator('label[for="reason-other"]').click();
        await clickAndLoad(page, text.cont);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.otherTitle);
        await expect(page.locator('main').textContent()).resolves.toContain('800-375-5283');
        await check(page, 'other: the Contact Center');
        await page.goto(`/appointments/request?lang=${lang}`);

        await page.locator('label[for="reason-emergency_advance_parole"]').click();
        await expect(page.locator('label[for="reason-emergency_advance_parole"]').textContent()).resolves.toContain(
          text.reason,
        );
        await clickAndLoad(page, text.cont);
        await page.waitForURL('**/appointments/request/emergency_advance_parole');
        await check(page, 'the form');
        await page.locator('#first_name').fill('Ana "Anita"');
        await page.locator('#last_name').fill('Pérez');
        await page.locator('#dob_month').fill('3');
        await page.locator('#dob_day').fill('5');
        await page.locator('#dob_year').fill('1980');
        await page.locator('#country_of_birth').fill('Guatemala');
        await page.locator('#zip').fill('10001');
        await page.locator('#email').fill(`journey-${lang}@example.com`);
        await page.locator('#phone').fill('202-555-0111');
        await page.locator('#a_number').fill('A123456789');
        await page.locator('label[for="weekdays-2"]').click();
        await clickAndLoad(page, text.send);
        await expect(page.locator('#error-summary').textContent()).resolves.toContain(text.nickname);
        await check(page, 'the form with an error');
        await page.locator('#error-summary a[href="#first_name"]').click();
        await expect(page.locator('#first_name:focus').count()).resolves.toBe(1);
        await page.locator('#first_name').fill('Ana');
        await clickAndLoad(page, text.send);
        await page.waitForURL('**/appointments/request/sent');
        await expect(page.locator('h1').textContent()).resolves.toBe(text.sent);
        const number = Number((await page.locator('[data-reference]').textContent())?.trim());
        expect(number).toBeGreaterThan(0);
        await check(page, 'the reference number');

        await bookAsAgent(rig(), number, agentId);

        await page.goto(`/appointments/view?lang=${lang}`);
        await expect(page.locator('h1').textContent()).resolves.toBe(text.viewTitle);
        await check(page, 'view: the lookup');
        await page.locator('#reference').fill(String(number));
        await page.locator('#dob_month').fill('03');
        await page.locator('#dob_day').fill('05');
        await page.locator('#dob_year').fill('1980');
        await clickAndLoad(page, text.view);
        await expect(page.locator('main table').textContent()).resolves.toContain(text.booked);
        await expect(page.getByRole('link', { name: text.letter }).count()).resolves.toBe(1);
        await check(page, 'view: the appointment');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
