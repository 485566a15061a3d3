import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp } from '../harness.js';
import { browserSuite, expectNoAxeViolations, openPage, type BrowserRig } from './support.js';

/**
 * Passkeys end to end, in English and Spanish: sign up choosing a passkey (Chromium's virtual authenticator,
 * through the DevTools protocol, plays the device), save the backup codes, then sign in again with the passkey.
 * axe on every page; no console errors or CSP violations. Without JavaScript the passkey button stays hidden and
 * the other ways remain.
 *
 * WebAuthn refuses IP addresses as relying-party ids, so this suite runs its own app at http://localhost:<port>,
 * with that address as the configured public URL (the RP id and origin come from it).
 */

const PASSWORD = 'seven unrelated words make passphrases 2026';

const TEXT = {
  en: {
    email: 'Email address',
    cont: 'Continue',
    confirm: 'Confirm and continue',
    methods: 'Set up two-step verification',
    create: 'Create a passkey',
    backup: 'Save your backup codes',
    saved: 'I saved my backup codes',
    home: 'My account',
    signIn: 'Sign in',
    usePasskey: 'Use your passkey',
    useButton: 'Use my passkey',
  },
  es: {
    email: 'Correo electrónico',
    cont: 'Continuar',
    confirm: 'Confirmar y continuar',
    methods: 'Configure la verificación en dos pasos',
    create: 'Crear una llave de acceso',
    backup: 'Guarde sus códigos de respaldo',
    saved: 'Ya guardé mis códigos de respaldo',
    home: 'Mi cuenta',
    signIn: 'Iniciar sesión',
    usePasskey: 'Use su llave de acceso',
    useButton: 'Usar mi llave de acceso',
  },
} as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').textContent())?.trim() ?? '';
}

async function clickAndLoad(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

browserSuite('Passkeys in a browser', (rig) => {
  let local: BrowserRig | undefined;
  beforeAll(async () => {
    const port = await freePort();
    const t = await createTestApp({ env: { CASEDESK_PUBLIC_URL: `http://localhost:${port}` } });
    await t.app.listen({ host: '127.0.0.1', port });
    local = { t, browser: rig().browser, origin: `http://localhost:${port}` };
  });
  afterAll(async () => local?.t.close());

  async function verificationLink(email: string): Promise<string> {
    const message = await local!.t.deps.database.db
      .selectFrom('notification_messages')
      .select('body')
      .where('recipient', '=', email)
      .where('template', '=', 'verify_email')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    return /\/account\/sign-up\/confirm\?token=\S+/.exec(message.body)![0];
  }

  for (const lang of ['en', 'es'] as const) {
    it(`signs up with a passkey and signs in with it, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const text = TEXT[lang];
      const email = `passkey-${lang}@example.com`;
      const { context, page, problems } = await openPage(local!);
      try {
        const cdp = await context.newCDPSession(page);
        await cdp.send('WebAuthn.enable');
        const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
          options: {
            protocol: 'ctap2',
            transport: 'internal',
            hasResidentKey: true,
            hasUserVerification: true,
            isUserVerified: true,
            automaticPresenceSimulation: true,
          },
        });

        await page.goto(`/account/sign-up?lang=${lang}`);
        await page.getByLabel(text.email).fill(email);
        await clickAndLoad(page, text.cont);
        await page.goto(await verificationLink(email));
        await clickAndLoad(page, text.confirm);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('#password_confirmation').fill(PASSWORD);
        await clickAndLoad(page, text.cont);

        expect(await h1(page)).toBe(text.methods);
        // With JavaScript and WebAuthn, the passkey comes first.
        await expect.poll(() => page.getByRole('button', { name: text.create }).isVisible()).toBe(true);
        await expectNoAxeViolations(page, 'choose a verification method');
        await Promise.all([
          page.waitForURL('**/account/sign-up/passkey'),
          page.getByRole('button', { name: text.create }).click(),
        ]);
        expect(await h1(page)).toBe(text.backup);
        await expectNoAxeViolations(page, 'backup codes after a passkey');
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
        expect(credentials).toHaveLength(1);
        expect(credentials[0]!.isResidentCredential).toBe(true);
        await clickAndLoad(page, text.saved);
        expect(await h1(page)).toBe(text.home);

        // A new sign-in in the same browser (the virtual authenticator keeps the passkey).
        await context.clearCookies();
        await page.goto(`/account/sign-in?lang=${lang}`);
        expect(await h1(page)).toBe(text.signIn);
        await page.locator('#email').fill(email);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
        await page.waitForURL('**/account/sign-in/code');
        expect(await h1(page)).toBe(text.usePasskey);
        await expect.poll(() => page.getByRole('button', { name: text.useButton }).isVisible()).toBe(true);
        await expect(page.locator('[data-passkey-nojs]').isVisible()).resolves.toBe(false);
        await expectNoAxeViolations(page, 'use your passkey');
        await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: text.useButton }).click()]);
        expect(await h1(page)).toBe(text.home);
        const passkey = await local!.t.deps.database.db
          .selectFrom('account_passkeys')
          .innerJoin('accounts', 'accounts.id', 'account_passkeys.account_id')
          .select(['account_passkeys.counter', 'account_passkeys.last_used_at'])
          .where('accounts.email', '=', email)
          .executeTakeFirstOrThrow();
        expect(passkey.last_used_at).not.toBeNull();
        expect(problems, 'console errors, CSP violations or failed requests').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('without JavaScript hides the passkey button and leaves the other ways (uses the account of the English journey)', async () => {
    const { context, page, problems } = await openPage(local!, { javaScriptEnabled: false });
    try {
      await page.goto('/account/sign-in');
      await page.locator('#email').fill('passkey-en@example.com');
      await page.locator('#password').fill(PASSWORD);
      await page.locator('form[action="/account/sign-in"]').getByRole('button').click();
      await page.waitForURL('**/account/sign-in/code');
      expect(await h1(page)).toBe('Use your passkey');
      await expect(page.getByRole('button', { name: 'Use my passkey' }).isVisible()).resolves.toBe(false);
      await expect(page.locator('[data-passkey-nojs]').isVisible()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: 'Use a backup code' }).isVisible()).resolves.toBe(true);
      // (axe runs as a script in the page, so it cannot run here; the same markup was checked with JavaScript above.)
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
