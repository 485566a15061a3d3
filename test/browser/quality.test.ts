import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createStaffMember } from '../staff-support.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage, signInStaffInBrowser } from './support.js';

/**
 * Quality review in a real browser, axe at every step: quality assurance draws a sample, reviews an interaction
 * (an error first), flags a wrong answer from an article, and finds the fix task and the scores.
 */

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

browserSuite('Quality review in a browser', (rig) => {
  it('quality assurance samples, reviews, flags a wrong answer and sees the task and the scores', async () => {
    const { t } = rig();
    const agent = await createStaffMember(t, {
      email: 'ari.agent@agency.example',
      name: 'Ari Agent',
      roles: ['tier1'],
      ip: '10.68.0.2',
    });
    const qa = await createStaffMember(t, {
      email: 'kim.qa@agency.example',
      name: 'Kim Quality',
      roles: ['quality_assurance'],
      ip: '10.68.0.1',
    });
    await t.services.knowledge.create(null, {
      slug: 'lost-card',
      audience: 'public',
      title_en: 'Replacing a lost green card',
      body_en: 'File Form I-90.',
      title_es: 'Reemplazar una tarjeta verde perdida',
      body_es: 'Presente el I-90.',
      tags: '',
      change_note: 'First.',
    });
    const worker = { accountId: agent.accountId, roles: ['tier1'] as const };
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'phone',
      type: 'case_inquiry',
      contact: { name: 'Ana', email: 'ana@example.com' },
      language: 'en',
      subject: 'Lost card',
      description: 'Lost my card.',
    });
    await t.services.serviceItems.claimNext({ ...worker, roles: [...worker.roles] });
    await t.services.serviceItems.note(item.id, { ...worker, roles: [...worker.roles] }, 'Internal note.');
    await t.services.serviceItems.resolve(item.id, { ...worker, roles: [...worker.roles] }, 'answered', 'Told them.');

    const { context, page, problems } = await openPage(rig());
    try {
      await signInStaffInBrowser(page, t, qa);

      await page
        .getByRole('navigation', { name: 'Staff workspace' })
        .getByRole('link', { name: 'Quality review' })
        .click();
      await page.waitForURL((u) => u.pathname === '/staff/quality' && u.searchParams.has('seed'));
      await expectNoAxeViolations(page, 'sample');
      await expectReflowAt320(page, 'sample');
      await page.getByRole('link', { name: `#${item.number}` }).click();
      await page.waitForURL((u) => u.pathname === `/staff/quality/items/${item.number}`);
      await expectNoAxeViolations(page, 'review form');

      await submit(page, 'Save the review');
      await expect(page.locator('#error-summary a').count()).resolves.toBe(6);
      await expectNoAxeViolations(page, 'review form with errors');

      for (const [name, level] of [
        ['greeting', '4'],
        ['verification', '4'],
        ['accuracy', '1'],
        ['resolution', '3'],
        ['courtesy', '4'],
      ] as const) {
        await page.locator(`label[for="${name}-${level}"]`).click(); // level 0's radio has the bare name as its id
      }
      await page.locator('label[for="wrong_answer-yes"]').click();
      await page.locator('#article').selectOption('lost-card');
      await page.locator('#comment').fill('The fee was wrong.');
      await submit(page, 'Save the review');
      await page.waitForURL((u) => u.searchParams.get('done') === 'saved');
      await expect(page.locator('#review-total').textContent()).resolves.toContain('80');
      await expectNoAxeViolations(page, 'saved review');

      await page.goto('/staff/quality/tasks');
      await expectNoAxeViolations(page, 'tasks');
      await page.getByRole('link', { name: 'See the task' }).click();
      await page.waitForURL('**/staff/quality/tasks/**');
      await expectNoAxeViolations(page, 'task');
      await page.goto('/staff/quality/scores?lang=es');
      await expect(page.locator('h1').textContent()).resolves.toBe('Puntajes de calidad');
      await expectNoAxeViolations(page, 'scores in Spanish');
      expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });
});
