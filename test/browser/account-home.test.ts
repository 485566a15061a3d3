import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signUpApplicant, type Applicant } from '../accounts-support.js';
import { apiToken } from '../harness.js';
import { createStaffMember } from '../staff-support.js';
import {
  type BrowserRig,
  browserSuite,
  expectNoAxeViolations,
  expectReflowAt320,
  openPage,
  signInApplicantInBrowser,
  signInStaffInBrowser,
} from './support.js';

/**
 * The account home as a dashboard and phones first (issue 15 items 1 and 2), in a real browser at a phone's width
 * (390 px) and a desktop's (1280 px), in English and in Spanish, with axe: the greeting by name, "Action needed"
 * first, the cases; the account menu collapsed on the phone and beside the content on the desktop; the case card's
 * tabs on one line on the phone; the phone header's Menu and the "Here's how you know" banner without JavaScript
 * (axe runs in the journeys with JavaScript: it cannot run in a page without it).
 *
 * With CASEDESK_SCREENSHOTS=1 the English phone journey writes docs/screenshots/account-home-phone.png and
 * case-card-phone.png (the README shows them).
 */

const TEXT = {
  en: {
    verify: 'Verify',
    home: 'My account',
    greeting: 'Welcome, Rosa',
    action: 'Action needed',
    rfe: 'Respond to a Request for Evidence',
    menu: 'Account menu',
    myCases: 'My cases',
    how: 'Here’s how you know',
    caseStatus: 'Case status',
    menuButton: 'Menu',
    close: 'Close',
  },
  es: {
    verify: 'Verificar',
    home: 'Mi cuenta',
    greeting: 'Le damos la bienvenida, Rosa',
    action: 'Acción requerida',
    rfe: 'Responda a una Solicitud de Evidencia',
    menu: 'Menú de la cuenta',
    myCases: 'Mis casos',
    how: 'Así es como usted puede verificarlo',
    caseStatus: 'Estado del caso',
    menuButton: 'Menú',
    close: 'Cerrar',
  },
} as const;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = process.env.CASEDESK_SCREENSHOTS === '1';
const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../docs/screenshots');

const receiptsOf = (lang: 'en' | 'es') =>
  lang === 'en' ? (['IOE0944444441', 'IOE0944444442'] as const) : (['IOE0944444443', 'IOE0944444444'] as const);

const people = new Map<string, Applicant>();

/** One applicant per language, with a case waiting on a Request for Evidence and a case just received. */
async function personFor(rig: BrowserRig, lang: 'en' | 'es'): Promise<Applicant> {
  const known = people.get(lang);
  if (known) return known;
  const { t } = rig;
  const person = await signUpApplicant(t, `home-journey-${lang}@example.com`, `10.89.0.${lang === 'en' ? 1 : 2}`, lang);
  const db = t.deps.database.db;
  await db
    .updateTable('accounts')
    .set({ given_name: 'Rosa', family_name: 'Núñez' })
    .where('id', '=', person.accountId)
    .execute();
  const { online_account_number: oan } = await db
    .selectFrom('accounts')
    .select('online_account_number')
    .where('id', '=', person.accountId)
    .executeTakeFirstOrThrow();
  const [withRfe, plain] = receiptsOf(lang);
  const token = (await apiToken(t, ['case_events:write'])).token;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        id: `home-${lang}-1`,
        receiptNumber: withRfe,
        type: 'case_received',
        occurredAt: '2026-08-03T15:00:00Z',
        payload: { formCode: 'I-485', channel: 'online', onlineAccountNumber: oan },
      },
      {
        id: `home-${lang}-2`,
        receiptNumber: withRfe,
        type: 'rfe_sent',
        occurredAt: '2026-11-02T15:00:00Z',
        payload: { responseDue: '2027-01-30' },
      },
      {
        id: `home-${lang}-3`,
        receiptNumber: plain,
        type: 'case_received',
        occurredAt: '2026-10-01T15:00:00Z',
        payload: { formCode: 'I-765', channel: 'online', onlineAccountNumber: oan },
      },
    ],
  });
  expect(res.statusCode, res.body).toBe(200);
  people.set(lang, person);
  return person;
}

/** The distinct top edges of the case card's tabs: one line is one value. */
async function tabLines(page: Page): Promise<number> {
  const tops = await page
    .locator('.casedesk-tabs li')
    .evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
  return new Set(tops).size;
}

browserSuite('The account home and phones first (issue 15 items 1 and 2)', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    for (const viewport of [PHONE, DESKTOP]) {
      const phone = viewport === PHONE;
      it(`the account home and a case card at ${viewport.width} px, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
        const text = TEXT[lang];
        const person = await personFor(rig(), lang);
        const [withRfe] = receiptsOf(lang);
        const { context, page, problems } = await openPage(rig());
        try {
          await page.setViewportSize(viewport);
          await signInApplicantInBrowser(page, rig().t, person, lang);
          await expect(page.locator('h1').textContent()).resolves.toBe(text.home);
          await expect(page.locator('#greeting').textContent()).resolves.toBe(text.greeting);
          await expect(page.locator('main h2').first().textContent()).resolves.toBe(text.action);
          await expect(page.locator('#action-needed h3').first().textContent()).resolves.toBe(text.rfe);
          await expect(page.locator('#home-cases li').count()).resolves.toBe(2);
          const menu = page.getByRole('navigation', { name: text.menu });
          const toggle = page.locator('.casedesk-sidenav__toggle');
          if (phone) {
            // The menu is one closed line; what needs doing is on the first screen.
            await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(false);
            await expect(toggle.isVisible()).resolves.toBe(true);
            const action = await page.locator('#action-needed h3').first().boundingBox();
            expect(action!.y + action!.height).toBeLessThan(PHONE.height);
            if (SCREENSHOTS && lang === 'en') {
              mkdirSync(SCREENSHOT_DIR, { recursive: true });
              await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'account-home-phone.png') });
            }
            await expectNoAxeViolations(page, `account home at ${viewport.width} px`);
            await toggle.click();
            await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(true);
          } else {
            await expect(toggle.isVisible()).resolves.toBe(false);
            await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(true);
            await expectNoAxeViolations(page, `account home at ${viewport.width} px`);
          }
          await expectReflowAt320(page, 'account home');

          // The Request for Evidence's case, from "Action needed".
          await Promise.all([
            page.waitForURL(`**/account/cases/${withRfe}`),
            page.locator('#action-needed').getByRole('link', { name: withRfe, exact: true }).click(),
          ]);
          await expect(page.locator('h1').textContent()).resolves.toContain(withRfe);
          expect(await tabLines(page)).toBe(1);
          if (phone) {
            const h1 = await page.locator('h1').boundingBox();
            expect(h1!.y + h1!.height).toBeLessThan(PHONE.height / 2);
            if (SCREENSHOTS && lang === 'en')
              await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'case-card-phone.png') });
          }
          await expectNoAxeViolations(page, `case card at ${viewport.width} px`);
          await expectReflowAt320(page, 'case card');
          expect(problems).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }

    it(`without JavaScript, the phone's Menu, the banner and the account menu work, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const person = await personFor(rig(), lang);
      const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
      page.setDefaultTimeout(10_000);
      try {
        await page.setViewportSize(PHONE);
        await page.goto(`/case-status?lang=${lang}`);
        const banner = page.locator('#gov-banner');
        await expect(banner.isVisible()).resolves.toBe(false);
        await page.locator('a.casedesk-nojs-banner').click();
        await expect(banner.isVisible()).resolves.toBe(true);
        const primary = page.getByRole('navigation', {
          name: lang === 'en' ? 'Primary navigation' : 'Navegación principal',
        });
        await expect(primary.getByRole('link', { name: text.caseStatus }).isVisible()).resolves.toBe(false);
        await page.getByRole('link', { name: text.menuButton, exact: true }).click();
        await expect(primary.getByRole('link', { name: text.caseStatus }).isVisible()).resolves.toBe(true);
        await page.getByRole('link', { name: text.close }).click();
        await expect(primary.getByRole('link', { name: text.caseStatus }).isVisible()).resolves.toBe(false);

        // Signed in: the account menu is a disclosure on the phone and the side navigation on the desktop.
        await signInApplicantInBrowser(page, rig().t, person, lang);
        const menu = page.getByRole('navigation', { name: text.menu });
        await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(false);
        await page.locator('.casedesk-sidenav__toggle').click();
        await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(true);
        await page.setViewportSize(DESKTOP);
        await page.reload();
        await expect(page.getByRole('link', { name: text.menuButton, exact: true }).isVisible()).resolves.toBe(false);
        await expect(primary.getByRole('link', { name: text.caseStatus }).isVisible()).resolves.toBe(true);
        await expect(menu.getByRole('link', { name: text.myCases, exact: true }).isVisible()).resolves.toBe(true);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('on a phone the dashboards show their tables for the charts and the staff menu is one closed line, in both languages', async () => {
    const { t } = rig();
    const lead = await createStaffMember(t, {
      email: 'phone.lead@agency.example',
      name: 'Pat Phone',
      roles: ['tier2'],
      ip: '10.89.0.9',
    });
    const { context, page, problems } = await openPage(rig());
    try {
      await page.setViewportSize(PHONE);
      await signInStaffInBrowser(page, t, lead);
      for (const lang of ['en', 'es'] as const) {
        await page.goto(`/staff/dashboards?lang=${lang}`);
        const staffMenu = page.getByRole('navigation', {
          name: lang === 'en' ? 'Staff workspace' : 'Espacio de trabajo del personal',
        });
        await expect(staffMenu.getByRole('link').first().isVisible()).resolves.toBe(false);
        await expect(page.locator('.casedesk-sidenav__toggle').isVisible()).resolves.toBe(true);
        // Charts scaled to a phone would have unreadable text: their tables (the same numbers) stand in.
        const charts = page.locator('svg.casedesk-chart');
        expect(await charts.count()).toBeGreaterThan(0);
        for (const chart of await charts.all()) await expect(chart.isVisible()).resolves.toBe(false);
        await expect(page.locator('#channels-heading ~ table').isVisible()).resolves.toBe(true);
        await expectNoAxeViolations(page, `dashboards at ${PHONE.width} px (${lang})`);
        await page.setViewportSize(DESKTOP);
        for (const chart of await charts.all()) await expect(chart.isVisible()).resolves.toBe(true);
        await expect(staffMenu.getByRole('link').first().isVisible()).resolves.toBe(true);
        await page.setViewportSize(PHONE);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
