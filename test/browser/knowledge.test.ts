import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createStaffMember } from '../staff-support.js';
import { seedKnowledgeArticles } from '../../src/modules/knowledge/index.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage, signInStaffInBrowser } from './support.js';

/**
 * Knowledge articles in a real browser, axe at every step: a visitor searches the help articles and reads one, in
 * English and Spanish (and with JavaScript off); quality assurance edits an article (an error first), and the history
 * shows both versions.
 */

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

browserSuite('Knowledge articles in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`a visitor searches and reads a help article, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { t } = rig();
      await seedKnowledgeArticles(t.deps.database.db, t.deps);
      const text =
        lang === 'en'
          ? {
              title: 'Help articles',
              query: 'evidence requests',
              search: 'Search',
              article: 'What a Request for Evidence (RFE) is and how to respond',
            }
          : {
              title: 'Artículos de ayuda',
              query: 'solicitud de evidencia',
              search: 'Buscar',
              article: 'Qué es una Solicitud de Evidencia (RFE) y cómo responder',
            };
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/help/articles?lang=${lang}`);
        expect(await h1(page)).toBe(text.title);
        await expectNoAxeViolations(page, 'help articles');
        await page.locator('#q').fill(text.query);
        await submit(page, text.search);
        await expectNoAxeViolations(page, 'search results');
        await page.getByRole('link', { name: text.article }).click();
        await page.waitForURL('**/help/articles/what-is-a-request-for-evidence');
        expect(await h1(page)).toBe(text.article);
        await expectNoAxeViolations(page, 'article');
        await expectReflowAt320(page, 'article');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('search and articles work with JavaScript off', async () => {
    const { t } = rig();
    await seedKnowledgeArticles(t.deps.database.db, t.deps);
    const { context, page, problems } = await openPage(rig(), { javaScriptEnabled: false });
    try {
      await page.goto('/help/articles?lang=en');
      await page.locator('#q').fill('online access code expired');
      await submit(page, 'Search');
      await page.getByRole('link', { name: 'How to request a new Online Access Code' }).click();
      await page.waitForURL('**/help/articles/request-a-new-online-access-code');
      expect(await h1(page)).toBe('How to request a new Online Access Code');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('quality assurance saves a new version of an article; the history lists both', async () => {
    const { t } = rig();
    await seedKnowledgeArticles(t.deps.database.db, t.deps);
    const qa = await createStaffMember(t, {
      email: 'kate.qa@agency.example',
      name: 'Kate Review',
      roles: ['quality_assurance'],
      ip: '10.67.0.1',
    });
    const { context, page, problems } = await openPage(rig());
    try {
      await signInStaffInBrowser(page, t, qa);

      await page
        .getByRole('navigation', { name: 'Staff workspace' })
        .getByRole('link', { name: 'Knowledge articles' })
        .click();
      await page.waitForURL('**/staff/knowledge');
      await expectNoAxeViolations(page, 'knowledge list');
      await page.getByRole('link', { name: 'Verifying a caller before sharing case information' }).click();
      await page.waitForURL('**/staff/knowledge/caller-verification');
      await expectNoAxeViolations(page, 'staff article');
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      await page.waitForURL('**/staff/knowledge/caller-verification/edit');
      await expectNoAxeViolations(page, 'edit form');

      await page.locator('#title_es').fill('');
      await submit(page, 'Save new version');
      await expect(page.locator('#error-summary a').allTextContents()).resolves.toEqual([
        'Enter the title in Spanish',
        'Say what changed in the change note',
      ]);
      await expectNoAxeViolations(page, 'edit form with errors');

      await page.locator('#title_es').fill('Verificar a quien llama antes de dar información del caso');
      await page.locator('#change_note').fill('Ask for the A-Number first.');
      await submit(page, 'Save new version');
      await page.waitForURL('**/staff/knowledge/caller-verification?done=saved');
      await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain('Saved as version 2.');
      await expect(page.locator('table').last().locator('tbody tr').count()).resolves.toBe(2);
      await expectNoAxeViolations(page, 'article with history');
      await page.getByRole('link', { name: 'Version 1' }).click();
      await page.waitForURL('**/staff/knowledge/caller-verification/versions/1');
      await expectNoAxeViolations(page, 'old version');
      expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
    } finally {
      await context.close();
    }
  });
});
