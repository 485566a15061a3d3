import { expect, it } from 'vitest';
import { signUpApplicant } from '../accounts-support.js';
import { insertHistories, spreadOfCases } from '../progress-support.js';
import {
  browserSuite,
  expectNoAxeViolations,
  expectReflowAt320,
  openPage,
  signInApplicantInBrowser,
  type BrowserRig,
} from './support.js';

/**
 * The myProgress tab of the case card in a real browser (issue 18 point 5; CASE-9, PT-3), in English and Spanish:
 * from the case card to the tab, the decision and the next step said as sentences, what they are based on; axe and
 * reflow at 320 px; no console errors. Works without JavaScript too (it has none).
 */

const TEXT = {
  en: {
    tab: 'myProgress',
    decision: 'Your case will most likely be decided by',
    range: 'The 80% range is',
    basis: 'Based on',
  },
  es: {
    tab: 'myProgress',
    decision: 'Lo más probable es que su caso se decida a más tardar el',
    range: 'El intervalo del 80 % va del',
    basis: 'Basado en',
  },
} as const;

let seeded = false;
async function seed(rig: BrowserRig): Promise<void> {
  if (seeded) return;
  seeded = true;
  const { t } = rig;
  await insertHistories(t.deps.database.db, spreadOfCases('IOE0989', 120, 'I-765', 'c09', 'FO-HOU', t.clock.now()));
  await t.services.myProgress.train();
}

browserSuite('The myProgress tab in a browser (issue 18 point 5)', (rig) => {
  for (const lang of ['en', 'es'] as const) {
    it(`shows the estimate as sentences, in ${lang === 'en' ? 'English' : 'Spanish'}`, async () => {
      const { t } = rig();
      await seed(rig());
      const text = TEXT[lang];
      const person = await signUpApplicant(
        t,
        `progress-journey-${lang}@example.com`,
        `10.89.0.${lang === 'en' ? 1 : 2}`,
        lang,
      );
      // An open case of the spread (its decision would come after the test clock's today).
      const open = await t.deps.database.db
        .selectFrom('progress_estimates')
        .innerJoin('cases', 'cases.id', 'progress_estimates.case_id')
        .select(['cases.id', 'cases.receipt_number'])
        .where('cases.receipt_number', 'like', 'IOE0989%')
        .where('progress_estimates.decision_likely', 'is not', null)
        .where('progress_estimates.decision_high', 'is not', null)
        .orderBy('cases.id')
        .offset(lang === 'en' ? 0 : 1)
        .executeTakeFirstOrThrow();
      await t.deps.database.db
        .insertInto('account_cases')
        .values({
          account_id: person.accountId,
          case_id: open.id,
          relationship: 'applicant',
          added_via: 'online_access_code',
          added_at: t.clock.now(),
        })
        .execute();
      const { context, page, problems } = await openPage(rig());
      try {
        await signInApplicantInBrowser(page, t, person, lang);
        await page.goto(`/account/cases/${open.receipt_number}`);
        await Promise.all([
          page.waitForURL(`**/account/cases/${open.receipt_number}/progress`),
          page.getByRole('link', { name: text.tab, exact: true }).click(),
        ]);
        await expect(page.locator('a[aria-current=page]').textContent()).resolves.toBe(text.tab);
        const decision = (await page.locator('[data-progress=decision]').textContent()) ?? '';
        expect(decision).toContain(text.decision);
        expect(decision).toContain(text.range);
        await expect(page.locator('[data-progress=next]').count()).resolves.toBeLessThanOrEqual(1);
        await expect(page.locator('[data-progress=basis]').textContent()).resolves.toContain(text.basis);
        await expectNoAxeViolations(page, 'myProgress tab');
        await expectReflowAt320(page, 'myProgress tab');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
