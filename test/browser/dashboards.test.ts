import { expect, it } from 'vitest';
import { createStaffMember } from '../staff-support.js';
import type { TestApp } from '../harness.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage, signInStaffInBrowser } from './support.js';

/**
 * Contact Center dashboards in a real browser (issue 5 item 8): a Tier 2 supervisor opens the dashboards from the
 * workspace menu, changes the period and channel, in English and Spanish and with JavaScript off; axe at every
 * step, no CSP violation from the SVG charts, no sideways scrolling at 320 pixels.
 */

async function someItems(t: TestApp): Promise<void> {
  const at = [
    '2026-11-02T15:00:00Z',
    '2026-11-09T15:00:00Z',
    '2026-11-10T15:00:00Z',
    '2026-11-17T03:30:00Z',
    '2026-11-20T20:00:00Z',
  ];
  for (const [i, moment] of at.entries()) {
    t.clock.set(moment);
    await t.services.serviceItems.createRouted({
      channel: i % 2 ? 'chat' : 'phone',
      type: 'case_inquiry',
      urgent: i === 0,
      contact: { name: 'Ana Caller', email: 'ana@example.com' },
      language: 'en',
      subject: 'Where is my case?',
      description: 'Please check.',
    });
  }
  t.clock.set('2026-11-23T15:00:00Z');
}

browserSuite('Contact Center dashboards in a browser', (rig) => {
  it('a Tier 2 supervisor reads the dashboards, filters them, in English and Spanish', async () => {
    const { t } = rig();
    await someItems(t);
    const lead = await createStaffMember(t, {
      email: 'lena.lead@agency.example',
      name: 'Lena Lead',
      roles: ['tier2'],
      ip: '10.68.0.1',
    });
    const { context, page, problems } = await openPage(rig());
    try {
      await signInStaffInBrowser(page, t, lead);
      await page
        .getByRole('navigation', { name: 'Staff workspace' })
        .getByRole('link', { name: 'Contact Center dashboards' })
        .click();
      await page.waitForURL('**/staff/dashboards');
      expect(await page.locator('h1').textContent()).toBe('Contact Center dashboards');
      await expect(page.getByRole('img', { name: 'Items created by weekday' }).count()).resolves.toBe(1);
      await expectNoAxeViolations(page, 'dashboards');
      await expectReflowAt320(page, 'dashboards');

      await page.locator('#days').selectOption('90');
      await page.locator('#channel').selectOption('chat');
      await Promise.all([
        page.waitForURL('**/staff/dashboards?days=90&channel=chat'),
        page.getByRole('button', { name: 'Show', exact: true }).click(),
      ]);
      await expect(page.locator('#channels-summary').textContent()).resolves.toBe(
        'Chat brought the most items: 2 of 2 (100%).',
      );
      await expectNoAxeViolations(page, 'dashboards for chat, 90 days');

      await page.goto('/staff/dashboards?lang=es');
      expect(await page.locator('h1').textContent()).toBe('Tableros del Centro de Contacto');
      await expectNoAxeViolations(page, 'dashboards in Spanish');
      await page.goto('/staff/dashboards?days=14');
      await expect(page.locator('#error-summary a').allTextContents()).resolves.toEqual([
        'Elija un período de la lista.',
      ]);
      await expectNoAxeViolations(page, 'dashboards with a bad period');
      expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works with JavaScript off', async () => {
    const { t } = rig();
    const lead = await createStaffMember(t, {
      email: 'otto.lead@agency.example',
      name: 'Otto Lead',
      roles: ['tier3'],
      ip: '10.68.0.2',
    });
    const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
    try {
      await signInStaffInBrowser(page, t, lead);
      await page.goto('/staff/dashboards?lang=en');
      await page.locator('#days').selectOption('90');
      await Promise.all([
        page.waitForURL('**/staff/dashboards?days=90&channel='),
        page.getByRole('button', { name: 'Show', exact: true }).click(),
      ]);
      await expect(page.locator('#period').textContent()).resolves.toContain('From Aug 26, 2026 to Nov 23, 2026');
      await expect(page.locator('svg[role=img]').count()).resolves.toBeGreaterThanOrEqual(6);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
