import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCases, SANDBOX_RECEIPTS } from '../src/modules/cases/demo-data.js';
import {
  bulkLoadDemoCases,
  caseTimelines,
  casesForDemoItems,
  MILESTONE_STATUSES,
  MY_PROGRESS_FORMS,
  sampleCaseToAddByReceiptNumber,
} from '../src/modules/cases/index.js';
import { sql } from 'kysely';
import { seedContactCenterDemo, slaCheckJob } from '../src/modules/service-items/index.js';
import { seedSurveyDemo } from '../src/modules/surveys/index.js';
import { signUpApplicant } from './accounts-support.js';
import { createTestApp, type TestApp } from './harness.js';
import { createStaffMember } from './staff-support.js';
import { TEST_AS_OF, TEST_SEED, TEST_SEED_COUNT } from './constants.js';

/** Issue 15 point 14: the demo data lets a newcomer try every walkthrough of the README. */

const asOf = new Date('2026-11-01T00:00:00Z');

describe('demo cases', () => {
  it('give legacy paper cases an applicant (family name, date of birth, ZIP, A-Number), the same for the same seed', () => {
    const cases = [...generateDemoCases({ seed: 11, count: 400, asOf })];
    const legacy = cases.filter((c) => !c.receiptNumber.startsWith('IOE') && !isSandbox(c.receiptNumber));
    expect(legacy.length).toBeGreaterThan(50);
    for (const c of legacy) {
      expect(c.applicant?.familyName, c.receiptNumber).toMatch(/\S/);
      expect(c.applicant?.dateOfBirth, c.receiptNumber).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(c.applicant?.zip, c.receiptNumber).toMatch(/^\d{5}$/);
      expect(c.applicant?.aNumber, c.receiptNumber).toMatch(/^A\d{9}$/);
      const born = new Date(`${c.applicant!.dateOfBirth}T00:00:00Z`);
      const age = (c.receivedAt.getTime() - born.getTime()) / (365.25 * 86_400_000);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThan(80);
    }
    // Online (IOE) cases are added with an Online Access Code; the sandbox cases stay as the agency publishes them.
    const withoutApplicant = cases.filter((c) => c.receiptNumber.startsWith('IOE') || isSandbox(c.receiptNumber));
    expect(withoutApplicant.filter((c) => c.applicant !== undefined)).toEqual([]);
    expect([...generateDemoCases({ seed: 11, count: 400, asOf })]).toEqual(cases);
  });
});

function isSandbox(receipt: string): boolean {
  return ([...SANDBOX_RECEIPTS.withHistory, ...SANDBOX_RECEIPTS.withoutHistory] as string[]).includes(receipt);
}

describe('the case the first start prints to add by receipt number', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('is added to a new account with the receipt number, family name and date of birth printed', async () => {
    const sample = await sampleCaseToAddByReceiptNumber(t.deps.database.db);
    expect(sample).toBeDefined();
    const { receiptNumber, familyName, dateOfBirth } = sample!;
    expect(familyName).toMatch(/^[A-Za-z]+$/);
    const applicant = await signUpApplicant(t, 'demo.add.case@example.com', '10.93.0.1');
    await applicant.agent.get('/account/cases/add');
    const [year, month, day] = dateOfBirth.split('-');
    const res = await applicant.agent.post('/account/cases/add/receipt-number', {
      receipt_number: receiptNumber,
      family_name: familyName,
      rdob_month: month!,
      rdob_day: day!,
      rdob_year: year!,
    });
    expect(res.statusCode).toBe(303);
    expect((await applicant.agent.get('/account/cases')).body).toContain(receiptNumber);
  });

  it('the bulk loader (COPY on PostgreSQL) stores the applicants and categories of the cases it loads', async () => {
    const db = t.deps.database.db;
    const applicants = async () =>
      Number(
        (
          await db
            .selectFrom('case_applicants')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await applicants();
    const categories = async () =>
      new Map(
        (await db.selectFrom('cases').select(['receipt_number', 'form_category']).execute()).map((r) => [
          r.receipt_number,
          r.form_category,
        ]),
      );
    const existing = new Set(
      (await db.selectFrom('cases').select('receipt_number').execute()).map((r) => r.receipt_number),
    );
    const options = { seed: 77, count: 60, asOf, withoutSandbox: true };
    const generated = [...generateDemoCases({ ...options, exclude: new Set(existing) })];
    const expected = generated.filter((c) => c.applicant);
    expect(expected.length).toBeGreaterThan(5);
    expect((await bulkLoadDemoCases(t.deps.database, options)).inserted).toBe(60);
    expect((await applicants()) - before).toBe(expected.length);
    // Each case's category (null for forms published per form) is stored as generated.
    const stored = await categories();
    expect(generated.map((c) => [c.receiptNumber, stored.get(c.receiptNumber)])).toEqual(
      generated.map((c) => [c.receiptNumber, c.formCategory]),
    );
    expect(generated.some((c) => c.formCategory === null)).toBe(true);
    expect(generated.some((c) => c.formCategory !== null)).toBe(true);
    const one = expected[0]!;
    expect(
      await db
        .selectFrom('case_applicants as a')
        .innerJoin('cases as c', 'c.id', 'a.case_id')
        .select(['a.family_name', 'a.date_of_birth', 'a.zip', 'a.a_number'])
        .where('c.receipt_number', '=', one.receiptNumber)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      family_name: one.applicant!.familyName,
      date_of_birth: one.applicant!.dateOfBirth,
      zip: one.applicant!.zip,
      a_number: one.applicant!.aNumber,
    });
  });
});

describe('the seeded demo cases, as processing times and myProgress read them (issue 18 point 7)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it("give each case's timeline (category, decision) as generated, with decided and open cases of the myProgress forms", async () => {
    const generated = new Map(
      [...generateDemoCases({ seed: TEST_SEED, count: TEST_SEED_COUNT, asOf: new Date(TEST_AS_OF) })].map((c) => [
        c.receiptNumber,
        c,
      ]),
    );
    const receiptOf = new Map(
      (await t.deps.database.db.selectFrom('cases').select(['id', 'receipt_number']).execute()).map((r) => [
        r.id,
        r.receipt_number,
      ]),
    );
    const seen = { decided: new Set<string>(), open: new Set<string>() };
    let checked = 0;
    for await (const batch of caseTimelines(t.deps.database.db)) {
      for (const timeline of batch) {
        const c = generated.get(receiptOf.get(timeline.caseId)!);
        if (!c) continue; // a case a test of another file made (every file starts from the seeded data alone)
        checked++;
        const decision = c.history.find((h) => MILESTONE_STATUSES.decided.includes(h.statusKey));
        expect(timeline.formCategory, c.receiptNumber).toBe(c.formCategory);
        expect(timeline.at.decided?.getTime(), c.receiptNumber).toBe(decision?.occurredAt.getTime());
        (decision ? seen.decided : seen.open).add(c.formCode);
      }
    }
    expect(checked).toBe(generated.size);
    for (const form of MY_PROGRESS_FORMS) {
      expect(seen.decided, form).toContain(form);
      expect(seen.open, form).toContain(form);
    }
  });
});

describe('the demo Contact Center history', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('fills four weeks of items across channels, queues and tiers, resolved and open, and survey responses', async () => {
    const db = t.deps.database.db;
    const options = {
      seed: 5,
      asOf: t.clock.now(),
      timeZone: t.config.agencyTimeZone,
      cases: await casesForDemoItems(db, 500),
      jobs: t.deps.jobs,
    };
    const added = await seedContactCenterDemo(db, options);
    expect(added).toBeGreaterThan(150);
    // Only once: a database with items gets no more.
    expect(await seedContactCenterDemo(db, options)).toBe(0);
    const items = await db.selectFrom('service_items').selectAll().execute();
    expect(items).toHaveLength(added);
    const kinds = (pick: (i: (typeof items)[number]) => string) => new Set(items.map(pick));
    expect(kinds((i) => i.channel)).toEqual(
      new Set(['phone', 'chat', 'e_request', 'technical_help_form', 'secure_message', 'appointment_request']),
    );
    const queues = kinds((i) => i.queue);
    for (const q of ['tier1', 'tier2', 'help_desk']) expect(queues).toContain(q);
    expect([...queues].some((q) => q.startsWith('office:'))).toBe(true);
    const statuses = kinds((i) => i.status);
    for (const s of ['open', 'escalated', 'resolved']) expect(statuses).toContain(s);
    expect(kinds((i) => i.language)).toEqual(new Set(['en', 'es']));
    const oldest = Math.min(...items.map((i) => i.created_at.getTime()));
    expect(t.clock.now().getTime() - oldest).toBeGreaterThan(21 * 86_400_000);
    expect(items.every((i) => i.created_at <= t.clock.now())).toBe(true);
    expect(items.some((i) => i.breached_at)).toBe(true);
    for (const i of items.filter((x) => x.status === 'resolved')) {
      expect(i.resolution).not.toBeNull();
      expect(i.first_response_at!.getTime()).toBeLessThanOrEqual(i.resolved_at!.getTime());
    }
    // Every item has its clock, and each open one its SLA check at its due moment, as real items get them.
    expect(items.every((i) => i.sla_policy && i.sla_started_at)).toBe(true);
    expect(kinds((i) => (i.channel === 'technical_help_form' ? i.sla_policy! : 'other'))).toEqual(
      new Set(['other', 'technical_reset', 'technical_other']),
    );
    const checks = await sql<{ item_id: string; start_after: Date }>`
      SELECT data->>'itemId' AS item_id, start_after FROM pgboss.job WHERE name = ${slaCheckJob.name}`.execute(db);
    const open = items.filter((i) => i.status !== 'resolved');
    expect(open.length).toBeGreaterThan(5);
    expect(checks.rows.map((r) => r.item_id).sort()).toEqual(open.map((i) => i.id).sort());
    for (const r of checks.rows)
      expect(new Date(r.start_after).getTime()).toBe(open.find((i) => i.id === r.item_id)!.due_at.getTime());
    // Every item has its timeline, starting with its creation.
    const created = await db
      .selectFrom('service_item_events')
      .select('item_id')
      .where('kind', '=', 'created')
      .execute();
    expect(created).toHaveLength(added);
    expect(await seedSurveyDemo(db, { seed: 5, asOf: t.clock.now() })).toBeGreaterThan(100);

    // What a supervisor and an agent see: dashboards with numbers, queues with items, survey results.
    const staff = await createStaffMember(t, {
      email: 'demo.supervisor@agency.example',
      name: 'Demo Supervisor',
      roles: ['tier1', 'tier2', 'administrator'],
      ip: '10.93.1.1',
    });
    const dashboards = await staff.agent.get('/staff/dashboards');
    expect(dashboards.statusCode).toBe(200);
    const volume = await staff.agent.get('/staff/dashboards/channels.csv');
    const rows = volume.body.trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(3);
    const agent = await staff.agent.get('/agent');
    expect(agent.statusCode).toBe(200);
    // "My queues": each queue with the items waiting in it.
    const waiting = staff.agent
      .$('main table td')
      .map((_, td) => Number(staff.agent.$(td).text().trim()))
      .get()
      .filter((n: number) => Number.isInteger(n));
    expect(waiting.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(10);
    const surveys = await staff.agent.get('/staff/surveys');
    expect(surveys.statusCode).toBe(200);
  });
});
