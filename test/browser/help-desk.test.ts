import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signIn, signUpApplicant } from '../accounts-support.js';
import { TestAgent } from '../agent.js';
import { createStaffMember } from '../staff-support.js';
import { browserSuite, expectNoAxeViolations, expectReflowAt320, openPage, signInStaffInBrowser } from './support.js';

/**
 * A Technical Help Desk agent unlocks a locked-out applicant, in a real browser, in English and in Spanish (ACC-6):
 * sign in with password and authenticator code, find the account, see the lockout, unlock with a reason.
 * axe at every step; no console errors. Then the applicant signs in at once.
 */

const TEXT = {
  en: {
    workspace: 'Staff workspace',
    helpDesk: 'Technical Help Desk',
    find: 'Find',
    locked: 'This account is locked',
    unlock: 'Unlock and email the person',
    unlocked: 'The account is unlocked and the person was emailed.',
    notLocked: 'This account is not locked.',
    reason: 'Caller verified by phone; locked after typos',
  },
  es: {
    workspace: 'Espacio de trabajo del personal',
    helpDesk: 'Mesa de Ayuda Técnica',
    find: 'Buscar',
    locked: 'Esta cuenta está bloqueada',
    unlock: 'Desbloquear y avisar por correo',
    unlocked: 'La cuenta está desbloqueada y se avisó a la persona por correo.',
    notLocked: 'Esta cuenta no está bloqueada.',
    reason: 'Persona verificada por teléfono; bloqueada por errores',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

async function submit(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

browserSuite('Technical Help Desk in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`a help-desk agent unlocks a locked-out account, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { t } = rig();
      const text = TEXT[lang];
      const agent = await createStaffMember(t, {
        email: `desk-${lang}@agency.example`,
        name: lang === 'en' ? 'Dana Desk' : 'Dolores Mesa',
        roles: ['help_desk'],
        ip: '10.66.0.1',
      });
      const person = await signUpApplicant(t, `locked-${lang}@example.com`, '10.66.0.2', lang);
      const attacker = new TestAgent(t.app, '10.66.0.3');
      await attacker.get('/account/sign-in');
      for (let i = 0; i < 6; i++) {
        await attacker.post('/account/sign-in', { email: person.email, password: 'a wrong password, again' });
      }
      expect(attacker.last!.statusCode).toBe(429);

      const { context, page, problems } = await openPage(rig());
      try {
        await signInStaffInBrowser(page, t, agent, lang);
        expect(await h1(page)).toBe(text.workspace);
        await expectNoAxeViolations(page, 'staff workspace');

        await page.getByRole('navigation', { name: text.workspace }).getByRole('link', { name: text.helpDesk }).click();
        await page.waitForURL('**/staff/help-desk');
        expect(await h1(page)).toBe(text.helpDesk);
        await expectNoAxeViolations(page, 'help desk home');
        await page.locator('#q').fill(person.email);
        await submit(page, text.find);
        await page.getByRole('link', { name: person.email }).click();
        await page.waitForURL('**/staff/help-desk/accounts/**');
        await expect(page.locator('.usa-alert--warning .usa-alert__heading').first().textContent()).resolves.toBe(
          text.locked,
        );
        await expectNoAxeViolations(page, 'locked account');
        await expectReflowAt320(page, 'locked account');

        await page.locator('#reason').fill(text.reason);
        await submit(page, text.unlock);
        await expect(page.locator('.usa-alert--success').textContent()).resolves.toContain(text.unlocked);
        await expect(page.locator('main').textContent()).resolves.toContain(text.notLocked);
        await expectNoAxeViolations(page, 'unlocked account');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
      // The person signs in at once, and was told by email.
      const back = await signIn(t, new TestAgent(t.app, '10.66.0.4'), person.email, person.secret);
      expect(back.headers.location).toBe('/account');
      const unlockedEmail = await t.deps.database.db
        .selectFrom('notification_messages')
        .select('language')
        .where('recipient', '=', person.email)
        .where('template', '=', 'account_unlocked')
        .executeTakeFirstOrThrow();
      expect(unlockedEmail.language).toBe(lang);
    });
  }
});
