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
 * Creating an account and signing in, in a real browser, in English and in Spanish: sign-up with an
 * authenticator app (the test computes the codes from the key on the page, at the app's fake time), backup codes,
 * sign-out, sign-in with a backup code. axe at every step; no console errors.
 */

const PASSWORD = 'seven unrelated words make passphrases 2026';

const TEXT = {
  en: {
    signUp: 'Create an account',
    checkEmail: 'Check your email',
    confirm: 'Confirm and continue',
    password: 'Create a password',
    mismatch: 'The two passwords are not the same.',
    authenticator: 'Set up two-step verification',
    backup: 'Save your backup codes',
    saved: 'I saved my backup codes',
    home: 'My account',
    signOut: 'Sign out',
    signedOut: 'You are signed out',
    skipSurvey: 'No thanks, go to the sign-in page',
    signIn: 'Sign in',
    code: 'Enter your verification code',
    verify: 'Verify',
    cont: 'Continue',
  },
  es: {
    signUp: 'Crear una cuenta',
    checkEmail: 'Revise su correo electrónico',
    confirm: 'Confirmar y continuar',
    password: 'Cree una contraseña',
    mismatch: 'Las dos contraseñas no son iguales.',
    authenticator: 'Configure la verificación en dos pasos',
    backup: 'Guarde sus códigos de respaldo',
    saved: 'Ya guardé mis códigos de respaldo',
    home: 'Mi cuenta',
    signOut: 'Cerrar sesión',
    signedOut: 'Cerró su sesión',
    skipSurvey: 'No, gracias, ir a la página de inicio de sesión',
    signIn: 'Iniciar sesión',
    code: 'Escriba su código de verificación',
    verify: 'Verificar',
    cont: 'Continuar',
  },
} as const;

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

/** The path of the link in the latest email of a template (the developer outbox keeps them). */
async function linkIn(rig: BrowserRig, email: string, template: 'verify_email' | 'reset_password'): Promise<string> {
  const message = await rig.t.deps.database.db
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return /\/account\/[a-z/-]+\?token=\S+/.exec(message.body)![0];
}

browserSuite('Accounts in a browser', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`creates an account and signs in with a backup code, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const email = `journey-${lang}@example.com`;
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/account/sign-up?lang=${lang}`);
        expect(await h1(page)).toBe(text.signUp);
        await expectNoAxeViolations(page, 'sign-up');
        await page.getByLabel(lang === 'en' ? 'Email address' : 'Correo electrónico').fill(email);
        await clickAndLoad(page, text.cont);
        expect(await h1(page)).toBe(text.checkEmail);
        await expectNoAxeViolations(page, 'check your email');

        await page.goto(await linkIn(rig(), email, 'verify_email'));
        await clickAndLoad(page, text.confirm);
        expect(await h1(page)).toBe(text.password);
        await expectNoAxeViolations(page, 'password');
        await page.locator('#password').fill(PASSWORD);
        await page.locator('#password_confirmation').fill(`${PASSWORD}!`);
        await clickAndLoad(page, text.cont);
        await expect(page.locator('#error-summary a').textContent()).resolves.toBe(text.mismatch);
        await expectNoAxeViolations(page, 'password with an error');
        await page.locator('#password').fill(PASSWORD);
        await page.locator('#password_confirmation').fill(PASSWORD);
        await clickAndLoad(page, text.cont);

        expect(await h1(page)).toBe(text.authenticator);
        await expectNoAxeViolations(page, 'authenticator');
        await expectReflowAt320(page, 'authenticator');
        const secret = ((await page.locator('.casedesk-secret').textContent()) ?? '').replace(/\s/g, '');
        const code = authenticator.clone({ epoch: rig().t.clock.now().getTime() }).generate(secret);
        await page.locator('#code').fill(code);
        await clickAndLoad(page, text.cont);

        expect(await h1(page)).toBe(text.backup);
        await expectNoAxeViolations(page, 'backup codes');
        const backupCodes = await page.locator('.casedesk-codes code').allTextContents();
        expect(backupCodes).toHaveLength(10);
        if (lang === 'es') await page.screenshot({ path: '/tmp/accounts-backup-es.png', fullPage: true });
        await clickAndLoad(page, text.saved);

        expect(await h1(page)).toBe(text.home);
        // The in-session survey after account creation is offered on the first visit.
        await expect(page.locator('#survey-heading').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, 'account home with the welcome survey');
        await clickAndLoad(page, text.signOut);
        expect(await h1(page)).toBe(text.signedOut);
        await expectNoAxeViolations(page, 'exit survey');
        await page.getByRole('link', { name: text.skipSurvey }).click();
        await page.waitForURL('**/account/sign-in');
        expect(await h1(page)).toBe(text.signIn);
        await expectNoAxeViolations(page, 'sign-in');

        await page.locator('#email').fill(email);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
        await page.waitForURL('**/account/sign-in/code');
        expect(await h1(page)).toBe(text.code);
        await expectNoAxeViolations(page, 'verification code');
        await page.locator('#code').fill(backupCodes[0]!);
        await clickAndLoad(page, text.verify);
        expect(await h1(page)).toBe(text.home);
        await expect(page.locator('.usa-alert--warning').count()).resolves.toBe(1);
        await expectNoAxeViolations(page, 'account home after a backup code');

        // Idle for 13 minutes: the warning dialog opens two minutes before the end; "stay signed in" keeps the session.
        await page.clock.install();
        await page.reload();
        await expect(page.locator('#session-timeout').isVisible()).resolves.toBe(false);
        await page.clock.fastForward('13:01');
        await expect.poll(() => page.locator('#session-timeout').isVisible()).toBe(true);
        await expectNoAxeViolations(page, 'idle warning');
        const extended = page.waitForResponse('**/account/session/extend');
        await page.locator('#session-timeout-stay').click();
        expect((await extended).status()).toBe(204);
        await expect.poll(() => page.locator('#session-timeout').isVisible()).toBe(false);
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  const RESET = {
    en: {
      forgot: 'Forgot your password?',
      title: 'Reset your password',
      send: 'Send the reset link',
      check: 'Check your email',
      newTitle: 'Choose a new password',
      change: 'Change password',
      signIn: 'Sign in',
      done: 'Your password was changed',
      password: 'a new and long phrase to get in 2026',
    },
    es: {
      forgot: '¿Olvidó su contraseña?',
      title: 'Restablezca su contraseña',
      send: 'Enviar el enlace',
      check: 'Revise su correo electrónico',
      newTitle: 'Elija una contraseña nueva',
      change: 'Cambiar la contraseña',
      signIn: 'Iniciar sesión',
      done: 'Se cambió su contraseña',
      password: 'una frase nueva y larga para entrar 2026',
    },
  } as const;
  for (const lang of ['en', 'es'] as const) {
    it(`resets a forgotten password in ${lang === 'en' ? 'English' : 'Spanish'} and signs in with the new one`, async () => {
      const text = RESET[lang];
      const email = `journey-${lang}@example.com`; // created by the journey above
      const { context, page, problems } = await openPage(rig());
      try {
        await page.goto(`/account/sign-in?lang=${lang}`);
        await page.getByRole('link', { name: text.forgot }).click();
        expect(await h1(page)).toBe(text.title);
        await expectNoAxeViolations(page, 'forgot password');
        await page.locator('#email').fill(email);
        await clickAndLoad(page, text.send);
        expect(await h1(page)).toBe(text.check);
        await page.goto(await linkIn(rig(), email, 'reset_password'));
        expect(await h1(page)).toBe(text.newTitle);
        await expectNoAxeViolations(page, 'new password');
        await page.locator('#password').fill(text.password);
        await page.locator('#password_confirmation').fill(text.password);
        await clickAndLoad(page, text.change);
        expect(await h1(page)).toBe(text.signIn);
        await expect(page.locator('.usa-alert--info').textContent()).resolves.toContain(text.done);
        await expectNoAxeViolations(page, 'sign-in after a reset');
        await page.locator('#email').fill(email);
        await page.locator('#password').fill(text.password);
        await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
        await page.waitForURL('**/account/sign-in/code');
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
