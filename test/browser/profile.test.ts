import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  type BrowserRig,
  browserSuite,
  clickAndLoad,
  expectNoAxeViolations,
  expectReflowAt320,
  openPage,
} from './support.js';

/**
 * Profile and settings in a real browser, in English and in Spanish: a representative signs up, is sent to complete
 * the representative profile (first with mistakes, then right), reaches the account home, and changes the email
 * address, confirming it from the link in the email (read from the developer outbox's storage). axe at every step.
 */

const PASSWORD = 'seven unrelated words make passphrases 2026';

const TEXT = {
  en: {
    cont: 'Continue',
    confirm: 'Confirm and continue',
    saved: 'I saved my backup codes',
    kind: 'Attorney or accredited representative',
    repTitle: 'Your representative details',
    required: 'Complete your profile to continue',
    save: 'Save',
    zipError: 'Enter a ZIP code with 5 digits, or 9 digits like 20529-2000.',
    accredited: 'Accredited representative',
    profile: 'Profile',
    home: 'My account',
    menu: 'Account menu',
    settings: 'Settings',
    changeEmail: 'Change your email address',
    send: 'Send the link',
    checkEmail: 'Check your email',
    confirmTitle: 'Confirm your new email address',
    confirmNew: 'Confirm the new email address',
    changed: 'Your email address was changed',
  },
  es: {
    cont: 'Continuar',
    confirm: 'Confirmar y continuar',
    saved: 'Ya guardé mis códigos de respaldo',
    kind: 'Abogado o representante acreditado',
    repTitle: 'Sus datos de representante',
    required: 'Complete su perfil para continuar',
    save: 'Guardar',
    zipError: 'Escriba un código postal de 5 dígitos, o de 9 dígitos como 20529-2000.',
    accredited: 'Representante acreditado',
    profile: 'Perfil',
    home: 'Mi cuenta',
    menu: 'Menú de la cuenta',
    settings: 'Configuración',
    changeEmail: 'Cambie su correo electrónico',
    send: 'Enviar el enlace',
    checkEmail: 'Revise su correo electrónico',
    confirmTitle: 'Confirme su nuevo correo electrónico',
    confirmNew: 'Confirmar el nuevo correo electrónico',
    changed: 'Se cambió su correo electrónico',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

/** The path of the link in the latest email of a template to an address. */
async function linkIn(rig: BrowserRig, email: string, template: string): Promise<string> {
  const message = await rig.t.deps.database.db
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return /\/account\/[a-z/-]+\?token=\S+/.exec(message.body)![0];
}

browserSuite('Profile and settings in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`a representative completes the profile, then changes the email address, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const email = `rep-profile-${lang}@example.com`;
      const newEmail = `rep-profile-${lang}-new@example.org`;
      const { context, page, problems } = await openPage(rig());
      try {
        // Sign-up as a representative (as in the accounts journey).
        await page.goto(`/account/sign-up?lang=${lang}`);
        await page.locator('#email').fill(email);
        await page.locator('label[for="kind-representative"]').click();
        await clickAndLoad(page, text.cont);
        await page.goto(await linkIn(rig(), email, 'verify_email'));
        await clickAndLoad(page, text.confirm);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('#password_confirmation').fill(PASSWORD);
        await clickAndLoad(page, text.cont);
        const secret = ((await page.locator('.casedesk-secret').textContent()) ?? '').replace(/\s/g, '');
        await page
          .locator('#code')
          .fill(authenticator.clone({ epoch: rig().t.clock.now().getTime() }).generate(secret));
        await clickAndLoad(page, text.cont);
        await clickAndLoad(page, text.saved);

        // The account home sends a representative without a profile to complete it.
        await page.waitForURL(/\/account\/profile\/representative\?required=missing$/);
        expect(await h1(page)).toBe(text.repTitle);
        await expect(page.locator('.usa-alert--info .usa-alert__heading').textContent()).resolves.toBe(text.required);
        await expect(page.getByRole('navigation', { name: text.menu }).locator('[aria-current]').count()).resolves.toBe(
          1,
        );
        await expectNoAxeViolations(page, 'representative profile to complete');

        await page.locator('#given_name').fill('Lucía');
        await page.locator('#family_name').fill('Fernández');
        await page.locator('label[for="role-accredited_representative"]').click();
        await page.locator('#recognized_organization').fill('Example Immigrant Legal Services');
        await page.locator('#accreditation_expires_month').fill('6');
        await page.locator('#accreditation_expires_day').fill('30');
        await page.locator('#accreditation_expires_year').fill('2028');
        await page.locator('#firm_name').fill('Example Immigrant Legal Services');
        await page.locator('#street1').fill('20 Massachusetts Avenue NW');
        await page.locator('#city').fill('Washington');
        await page.locator('#state').selectOption('DC');
        await page.locator('#zip').fill('2052');
        await page.locator('#phone').fill('(202) 555-0143');
        await clickAndLoad(page, text.save);
        await expect(page.locator('#error-summary a').allTextContents()).resolves.toEqual([text.zipError]);
        await expectNoAxeViolations(page, 'representative profile with an error');
        if (lang === 'en') await page.screenshot({ path: '/tmp/profile-representative-en.png', fullPage: true });
        // The error summary's link takes the focus to the field.
        await page.locator('#error-summary a').click();
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('zip');
        await page.locator('#zip').fill('20529-2000');
        await clickAndLoad(page, text.save);

        expect(await h1(page)).toBe(text.profile);
        await expect(page.locator('.usa-alert--success').count()).resolves.toBe(1);
        await expect(page.locator('main dl').nth(1).textContent()).resolves.toContain(text.accredited);
        await expectNoAxeViolations(page, 'profile');
        await expectReflowAt320(page, 'profile');

        await page
          .getByRole('navigation', { name: text.menu })
          .getByRole('link', { name: lang === 'en' ? 'Home' : 'Inicio' })
          .click();
        await page.waitForLoadState('load');
        expect(await h1(page)).toBe(text.home);

        // Settings: change the email address, confirmed from the link sent to the new address.
        await page.getByRole('navigation', { name: text.menu }).getByRole('link', { name: text.settings }).click();
        await page.waitForLoadState('load');
        expect(await h1(page)).toBe(text.settings);
        await expectNoAxeViolations(page, 'settings');
        if (lang === 'es') await page.screenshot({ path: '/tmp/profile-settings-es.png', fullPage: true });
        await expectReflowAt320(page, 'settings');
        await page.locator('main a[href="/account/settings/email"]').first().click();
        await page.waitForLoadState('load');
        expect(await h1(page)).toBe(text.changeEmail);
        await expectNoAxeViolations(page, 'change email');
        await page.locator('#email').fill(newEmail);
        await clickAndLoad(page, text.send);
        expect(await h1(page)).toBe(text.checkEmail);
        await expectNoAxeViolations(page, 'check the new address');

        await page.goto(await linkIn(rig(), newEmail, 'confirm_new_email'));
        expect(await h1(page)).toBe(text.confirmTitle);
        await expectNoAxeViolations(page, 'confirm the new address');
        await clickAndLoad(page, text.confirmNew);
        expect(await h1(page)).toBe(text.changed);
        await expectNoAxeViolations(page, 'email changed');

        await page.goto('/account/settings');
        await expect(page.locator('main dl').first().textContent()).resolves.toContain(newEmail);
        const old = await rig()
          .t.deps.database.db.selectFrom('notification_messages')
          .select('language')
          .where('recipient', '=', email)
          .where('template', '=', 'email_changed')
          .executeTakeFirstOrThrow();
        expect(old.language).toBe(lang);
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
