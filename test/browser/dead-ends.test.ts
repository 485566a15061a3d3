import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { choosePasswordAndApp, lastMessage, linkIn } from '../accounts-support.js';
import { TestAgent } from '../agent.js';
import { browserSuite, expectNoAxeViolations, openPage } from './support.js';

/**
 * No dead ends (issue 15 item 6), in a real browser, in English and in Spanish, at a phone's width (390 px) and a
 * desktop's (1280 px), with axe: a form whose token expired says so and offers the form again with what was typed
 * (never the password); a spent password reset link offers a new one and signing in; a spent invitation link says
 * to ask an administrator.
 */

const TEXT = {
  en: {
    expired: 'This form has expired',
    again: 'Open the form again',
    signIn: 'Sign in',
    linkInvalid: 'This link cannot be used',
    newReset: 'Get a new reset link',
    administrator: 'ask your administrator',
    setUp: 'Your account is set up',
    newCodes: 'Show new backup codes',
    backup: 'Save your backup codes',
  },
  es: {
    expired: 'Este formulario venció',
    again: 'Abrir el formulario de nuevo',
    signIn: 'Iniciar sesión',
    linkInvalid: 'Este enlace no se puede usar',
    newReset: 'Obtener un enlace nuevo para restablecer',
    administrator: 'pida a su administrador',
    setUp: 'Su cuenta está configurada',
    newCodes: 'Mostrar códigos de respaldo nuevos',
    backup: 'Guarde sus códigos de respaldo',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

/** axe at a phone's width and at a desktop's. */
async function checkAtBothWidths(page: Page, step: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoAxeViolations(page, `${step} at ${width}px`);
  }
}

/** The pages answered 403 and 410 on purpose: Chromium logs their loading as errors; anything else is a problem. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of 4(03|10)/.test(p));

browserSuite('No dead ends in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    const text = TEXT[lang];
    const name = lang === 'en' ? 'English' : 'Spanish';

    it(`a form whose token expired says so and offers it again, in ${name}`, async () => {
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/account/sign-in?lang=${lang}`);
        await page.locator('#email').fill('kept.typed@example.com');
        await page.locator('#password').fill('never shown again 42');
        // The form's cookie expired while the page stayed open.
        const kept = (await context.cookies()).filter((c) => !c.name.includes('csrf'));
        await context.clearCookies();
        await context.addCookies(kept);
        await Promise.all([
          page.waitForLoadState('load'),
          page.locator('form[action="/account/sign-in"]').getByRole('button').click(),
        ]);
        await page.waitForLoadState('load');
        expect(await h1(page)).toBe(text.expired);
        const main = (await page.locator('main').textContent()) ?? '';
        expect(main).toContain('kept.typed@example.com');
        expect(main).not.toContain('never shown again 42');
        await checkAtBothWidths(page, 'form expired');
        await Promise.all([
          page.waitForURL('**/account/sign-in'),
          page.getByRole('link', { name: text.again }).click(),
        ]);
        expect(await h1(page)).toBe(text.signIn);
        expect(unexpected(problems)).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`back at sign-up after the second step: no new key, new backup codes on request, in ${name}`, async () => {
      const { t, origin } = rig();
      // The sign-up up to the backup codes' page, in-process; then the browser carries on with its cookies.
      const email = `left-at-codes-${lang}@example.com`;
      const agent = new TestAgent(t.app, lang === 'en' ? '10.77.0.1' : '10.77.0.2');
      await agent.get(`/account/sign-up?lang=${lang}`);
      await agent.post('/account/sign-up', { email, kind: 'applicant' });
      await agent.get(linkIn((await lastMessage(t, email, 'verify_email'))!.body, '/account/sign-up/confirm?token='));
      await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
      await choosePasswordAndApp(t, agent);
      const { context, page, problems } = await openPage(rig());
      try {
        await context.addCookies(
          [...agent.cookies].map(([cookie, value]) => ({
            name: cookie,
            value,
            domain: new URL(origin).hostname,
            path: '/',
            secure: true,
            httpOnly: true,
            sameSite: 'Lax' as const,
          })),
        );
        await page.goto('/account/sign-up/authenticator');
        await page.waitForURL('**/account/sign-up/backup-codes');
        expect(await h1(page)).toBe(text.setUp);
        await expect(page.locator('.casedesk-secret').count()).resolves.toBe(0);
        await checkAtBothWidths(page, 'account set up');
        await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: text.newCodes }).click()]);
        await page.waitForLoadState('load');
        expect(await h1(page)).toBe(text.backup);
        await expect(page.locator('.casedesk-codes code').count()).resolves.toBe(10);
        expect(unexpected(problems)).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`a spent reset link offers a new one and signing in; a spent invitation says to ask an administrator, in ${name}`, async () => {
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/account/reset-password?token=${'s'.repeat(43)}&lang=${lang}`);
        expect(await h1(page)).toBe(text.linkInvalid);
        await expect(page.getByRole('link', { name: text.newReset }).getAttribute('href')).resolves.toBe(
          '/account/forgot-password',
        );
        await expect(page.locator('main a[href="/account/sign-up"]').count()).resolves.toBe(0);
        await checkAtBothWidths(page, 'spent reset link');
        await page.goto(`/staff/invitation?token=${'i'.repeat(43)}&lang=${lang}`);
        expect(await h1(page)).toBe(text.linkInvalid);
        await expect(page.locator('main').textContent()).resolves.toContain(text.administrator);
        await expect(page.getByRole('link', { name: text.signIn, exact: true }).count()).resolves.toBeGreaterThan(0);
        await checkAtBothWidths(page, 'spent invitation link');
        expect(unexpected(problems)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

browserSuite('Forms in a browser (issue 15 item 7)', (rig) => {
  it('moves the focus to the error summary after a failed submit, with no inline script', async () => {
    const { context, page, problems } = await openPage(rig());
    try {
      await page.goto('/account/sign-in');
      await Promise.all([
        page.waitForLoadState('load'),
        page.locator('form[action="/account/sign-in"]').getByRole('button').click(),
      ]);
      await page.waitForLoadState('load');
      await expect(page.locator('#error-summary').count()).resolves.toBe(1);
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('error-summary');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
