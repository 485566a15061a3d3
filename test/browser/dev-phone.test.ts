import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { browserSuite, expectNoAxeViolations, openPage } from './support.js';

/**
 * /dev/phone in a real browser (issue 16 point 4), forms only (no script of its own): call the voice assistant,
 * choose English on the keypad, ask for the change of address by "speech", get the link by text, then answer the text
 * from the outbox list. axe at every step.
 */

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.locator(selector).first().click()]);
}

const said = async (page: Page) => (await page.locator('main').textContent())?.replace(/\s+/g, ' ') ?? '';

browserSuite('the development phone', (rig) => {
  it('plays a call and answers a text, accessibly, with forms only', async () => {
    const { context, page, problems } = await openPage(rig());
    page.setDefaultTimeout(10_000);
    await page.goto(`${rig().origin}/dev/phone`);
    await expectNoAxeViolations(page, 'phone');
    await page.fill('#from', '+12025550166');
    await submit(page, 'form[action="/dev/phone/call"] button[type=submit]');
    expect(await said(page)).toContain('For English, press 1');
    await expectNoAxeViolations(page, 'ringing');
    await submit(page, 'button[name=digits][value="1"]');
    expect(await said(page)).toContain('Main menu.');
    await page.fill('#speech', 'change of address');
    await submit(page, 'form:has(#speech) button[type=submit]');
    expect(await said(page)).toContain('change your address online');
    await expectNoAxeViolations(page, 'answer');
    await submit(page, 'button[name=digits][value="1"]');
    expect(await said(page)).toContain('We sent the link by text message');
    expect(await said(page)).toContain('The assistant ended the call.');
    await expectNoAxeViolations(page, 'ended, with the text');
    await page.fill('#reply-0', 'HELP');
    await submit(page, 'form:has(#reply-0) button[type=submit]');
    expect(await said(page)).toContain('replied "HELP"');
    await expectNoAxeViolations(page, 'reply');
    expect(problems).toEqual([]);
    await context.close();
  });
});
