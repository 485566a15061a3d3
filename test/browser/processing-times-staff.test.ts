import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { caseEvent, postCaseEvents } from '../harness.js';
import { createStaffMember } from '../staff-support.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage, signInStaffInBrowser } from './support.js';

/**
 * Processing times for administrators in a real browser (issue 18 points 1-2), axe at every step: compute a run, its
 * review table, a reject without a reason refused, approve; the inquiry date overrides (a missing reason refused,
 * then saved); the pages in Spanish.
 */

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

browserSuite('Processing times for administrators in a browser', (rig) => {
  it('computes, reviews and publishes a run, then overrides an inquiry date, in English and Spanish', async () => {
    const { t } = rig();
    const admin = await createStaffMember(t, {
      email: 'pia.admin@agency.example',
      name: 'Pia Admin',
      roles: ['administrator'],
    });
    const events = [1, 2, 3].flatMap((n) => [
      caseEvent(`ptb-${n}-r`, `IOE318900000${n}`, 'case_received', `2026-0${n}-05T15:00:00Z`, {
        formCode: 'N-400',
        officeCode: 'FO-MIA',
      }),
      caseEvent(`ptb-${n}-a`, `IOE318900000${n}`, 'approved', '2026-10-05T15:00:00Z'),
    ]);
    expect((await postCaseEvents(t, events)).statusCode).toBe(200);

    const { context, page, problems } = await openPage(rig());
    try {
      await signInStaffInBrowser(page, t, admin);
      await page
        .getByRole('navigation', { name: 'Staff workspace' })
        .getByRole('link', { name: 'Processing times', exact: true })
        .click();
      await page.waitForURL('**/staff/processing-times');
      await expectNoAxeViolations(page, 'runs, none yet');

      await submit(page, 'Compute now');
      await page.waitForURL(/\/staff\/processing-times\/runs\/\d+/);
      await expect(page.locator('h1').textContent()).resolves.toMatch(/^Review run \d+$/);
      await expect(page.getByRole('table').locator('caption').textContent()).resolves.toContain('Figures of run');
      await expectNoAxeViolations(page, 'review');
      await expectReflowAt320(page, 'review');

      await submit(page, 'Reject run');
      await expect(page.locator('.usa-error-message').first().textContent()).resolves.toContain(
        'Enter why you are rejecting the run',
      );
      await expectNoAxeViolations(page, 'reject without a reason');

      await submit(page, 'Approve and publish');
      await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain('The run is published.');
      await expectNoAxeViolations(page, 'published');
      expect((await t.services.processingTimes.current())?.figures.length).toBeGreaterThan(0);

      await page.goto('/staff/inquiry-dates');
      await expectNoAxeViolations(page, 'inquiry dates');
      await page.selectOption('#form_code', 'N-400');
      await page.selectOption('#office_code', 'FO-MIA');
      await page.fill('#inquiry_month', '3');
      await page.fill('#inquiry_day', '1');
      await page.fill('#inquiry_year', '2026');
      await submit(page, 'Save override');
      await expect(page.locator('.usa-error-message').first().textContent()).resolves.toContain(
        'Enter the reason for the override',
      );
      await expectNoAxeViolations(page, 'override without a reason');
      await page.fill('#reason', 'Office closed for repairs');
      await submit(page, 'Save override');
      await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain('The override is saved.');
      await expectNoAxeViolations(page, 'override saved');
      await expectReflowAt320(page, 'inquiry dates');

      await page.goto('/staff/inquiry-dates?lang=es');
      await expect(page.locator('h1').textContent()).resolves.toBe('Fechas de recibo para consultas sobre casos');
      await expectNoAxeViolations(page, 'inquiry dates in Spanish');
      await page.goto('/staff/processing-times');
      await expect(page.locator('h1').textContent()).resolves.toBe('Tiempos de procesamiento');
      await expectNoAxeViolations(page, 'runs in Spanish');
      expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });
});
