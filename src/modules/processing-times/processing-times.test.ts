import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../test/agent.js';
import { caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { recomputeProcessingTimesJob } from './service.js';

/**
 * Processing times (issue 18 points 1-2): runs computed from the case history, nothing public before an
 * administrator approves, rejecting, the scheduled job, the administrators' pages and the inquiry date overrides.
 */

let t: TestApp;
let admin: StaffPerson;
let tier1: StaffPerson;
const actor = () => ({ accountId: admin.accountId, roles: ['administrator'] as const });
const db = () => t.deps.database.db;
const audit = (action: string) =>
  db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();

// Cases of I-131 (refugee travel document) at the Miami Field Office: the fake clock's now is 2026-11-23T15:00Z, so
// cases decided from 2026-05-23T15:00Z count. Durations in days: 100, 100, 120, 150, 200 (the 80th percentile: 150);
// one decided before the window (not counted), one still open (not counted).
const RECEIPTS = ['IOE3180000001', 'IOE3180000002', 'IOE3180000003', 'IOE3180000004', 'IOE3180000005'];
const DURATIONS = [100, 150, 120, 200, 100];
const OLD = 'IOE3180000006';
const OPEN = 'IOE3180000007';
const DECIDED = new Date('2026-10-01T15:00:00Z');

beforeAll(async () => {
  t = await createTestApp();
  admin = await createStaffMember(t, {
    email: 'pt.admin@agency.example',
    name: 'Pat Admin',
    roles: ['administrator'],
    ip: '10.41.0.1',
  });
  tier1 = await createStaffMember(t, {
    email: 'pt.tier1@agency.example',
    name: 'Tim Tier',
    roles: ['tier1'],
    ip: '10.41.0.2',
  });
  const received = (days: number, decided = DECIDED) => new Date(decided.getTime() - days * 86_400_000).toISOString();
  const events = RECEIPTS.flatMap((r, i) => [
    caseEvent(`pt-${i}-r`, r, 'case_received', received(DURATIONS[i]!), { formCode: 'I-131', officeCode: 'FO-MIA' }),
    caseEvent(`pt-${i}-a`, r, 'approved', DECIDED.toISOString()),
  ]);
  events.push(
    caseEvent('pt-old-r', OLD, 'case_received', '2025-01-01T15:00:00Z', { formCode: 'I-131', officeCode: 'FO-MIA' }),
    caseEvent('pt-old-a', OLD, 'approved', '2026-05-01T15:00:00Z'),
    caseEvent('pt-open-r', OPEN, 'case_received', '2024-01-01T15:00:00Z', { formCode: 'I-131', officeCode: 'FO-MIA' }),
  );
  expect((await postCaseEvents(t, events)).statusCode).toBe(200);
  // Their category (the case events of today carry none): refugee travel documents.
  await db()
    .updateTable('cases')
    .set({ form_category: 'refugee-travel' })
    .where('receipt_number', 'in', [...RECEIPTS, OLD, OPEN])
    .execute();
});
afterAll(async () => t?.close());

const figureOf = (figures: { formCode: string; categoryCode: string | null; officeCode: string }[]) =>
  figures.find((f) => f.formCode === 'I-131' && f.categoryCode === 'refugee-travel' && f.officeCode === 'FO-MIA');

describe('runs: computed, approved, published', () => {
  let firstRun: number;

  it('computes a run awaiting review: nothing is public before an administrator approves', async () => {
    expect(await t.services.processingTimes.current()).toBeNull();
    const summary = await t.services.processingTimes.recompute({ requestedBy: admin.accountId });
    firstRun = summary.runId;
    expect(summary.casesRead).toBeGreaterThanOrEqual(7);
    const run = (await t.services.processingTimes.run(firstRun))!;
    expect(run).toMatchObject({ state: 'pending_review', requested_by: admin.accountId, published_at: null });
    expect(run.window_start.toISOString()).toBe('2026-05-23T15:00:00.000Z');
    expect(run.window_end.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    const lines = (await t.services.processingTimes.review(firstRun))!;
    expect(figureOf(lines.map((l) => l.computed!))).toEqual({
      formCode: 'I-131',
      categoryCode: 'refugee-travel',
      officeCode: 'FO-MIA',
      completedCount: 5,
      medianDays: 120,
      p80Days: 150,
      flags: ['few_cases'],
    });
    expect(await t.services.processingTimes.current()).toBeNull();
    expect(await t.services.processingTimes.inquiryDate('I-131', 'refugee-travel', 'FO-MIA')).toBeNull();
  });

  it('approves: published now (the cache forgotten), audited; approving twice is refused', async () => {
    t.clock.advanceSeconds(60);
    expect(await t.services.processingTimes.approve(firstRun, actor(), '  First publication ')).toBe('ok');
    const publication = (await t.services.processingTimes.current())!;
    expect(publication.id).toBe(firstRun);
    expect(publication.publishedAt).toEqual(t.clock.now());
    expect(figureOf(publication.figures)).toMatchObject({ medianDays: 120, p80Days: 150, completedCount: 5 });
    // Today (2026-11-23 in New York) minus 150 days.
    expect(await t.services.processingTimes.inquiryDate('I-131', 'refugee-travel', 'FO-MIA')).toEqual({
      date: '2026-06-26',
      source: 'published',
    });
    expect((await audit('processing_times.run_approved'))[0]).toMatchObject({
      actor_id: admin.accountId,
      subject_type: 'processing_time_run',
      subject_id: String(firstRun),
    });
    expect((await audit('processing_times.run_approved'))[0]!.details).toMatchObject({ note: 'First publication' });
    expect(await t.services.processingTimes.approve(firstRun, actor())).toBe('not_pending');
    expect(await t.services.processingTimes.reject(firstRun, actor(), 'too late')).toBe('not_pending');
    expect(await t.services.processingTimes.approve(999_999, actor())).toBe('not_found');
    const notAdmin = { accountId: tier1.accountId, roles: ['tier1'] as const };
    expect(await t.services.processingTimes.approve(firstRun, notAdmin)).toBe('forbidden');
    expect(await t.services.processingTimes.reject(firstRun, notAdmin, 'no')).toBe('forbidden');
    expect(await audit('processing_times.run_approved')).toHaveLength(1);
  });

  it('rejects with a reason; a newer run supersedes one still awaiting review; the next approval supersedes the last', async () => {
    const a = await t.services.processingTimes.recompute();
    const b = await t.services.processingTimes.recompute();
    expect((await t.services.processingTimes.run(a.runId))!.state).toBe('superseded');
    expect(await t.services.processingTimes.approve(a.runId, actor())).toBe('not_pending');
    expect(await t.services.processingTimes.reject(b.runId, actor(), '   ')).toBe('note_required');
    expect(await t.services.processingTimes.reject(b.runId, actor(), 'Figures look wrong')).toBe('ok');
    expect((await t.services.processingTimes.run(b.runId))!).toMatchObject({
      state: 'rejected',
      review_note: 'Figures look wrong',
      reviewed_by: admin.accountId,
      published_at: null,
    });
    expect((await audit('processing_times.run_rejected'))[0]).toMatchObject({ subject_id: String(b.runId) });
    expect((await t.services.processingTimes.current())!.id).toBe(firstRun);

    // A longer case completes: the next run shows a jump against the publication.
    t.clock.advanceSeconds(60);
    const late = 'IOE3180000008';
    expect(
      (
        await postCaseEvents(t, [
          caseEvent('pt-late-r', late, 'case_received', '2025-01-01T15:00:00Z', {
            formCode: 'I-131',
            officeCode: 'FO-MIA',
          }),
          caseEvent('pt-late-a', late, 'approved', '2026-11-01T15:00:00Z'),
        ])
      ).statusCode,
    ).toBe(200);
    await db()
      .updateTable('cases')
      .set({ form_category: 'refugee-travel' })
      .where('receipt_number', '=', late)
      .execute();
    const c = await t.services.processingTimes.recompute();
    const lines = (await t.services.processingTimes.review(c.runId))!;
    const line = lines.find((l) => l.formCode === 'I-131' && l.categoryCode === 'refugee-travel')!;
    // Six cases now: 100, 100, 120, 150, 200, 669 days; 80% of 6 is 4.8, so the fifth: 200.
    expect(line.computed).toMatchObject({
      completedCount: 6,
      medianDays: 120,
      p80Days: 200,
      flags: ['jump', 'few_cases'],
    });
    expect(line.published).toMatchObject({ p80Days: 150 });
    expect(line.p80Change).toBe(50);
    // Jumps first, then new figures, then few cases, then the rest.
    const rank = (l: (typeof lines)[number]) => ['jump', 'new', 'few_cases', undefined].indexOf(l.computed?.flags[0]);
    const ranks = lines.filter((l) => l.computed).map(rank);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(lines[0]!.computed!.flags[0]).toBe('jump');

    expect(await t.services.processingTimes.approve(c.runId, actor())).toBe('ok');
    expect((await t.services.processingTimes.run(firstRun))!.state).toBe('superseded');
    expect((await t.services.processingTimes.current())!.id).toBe(c.runId);
  });

  it('the job recomputes monthly: nothing when a run was computed this month, a run on the 1st of the next', async () => {
    expect(recomputeProcessingTimesJob.repeatEverySeconds).toBe(86_400);
    expect(await t.services.processingTimes.recomputeIfDue()).toBeUndefined();
    const now = t.clock.now();
    t.clock.set('2026-12-01T10:00:00Z');
    try {
      const run = (await t.services.processingTimes.recomputeIfDue())!;
      expect(run.runId).toBeGreaterThan(0);
      expect((await t.services.processingTimes.run(run.runId))!).toMatchObject({
        state: 'pending_review',
        requested_by: null,
      });
      expect(await t.services.processingTimes.recomputeIfDue()).toBeUndefined();
    } finally {
      t.clock.set(now);
    }
  });
});

describe('administrators: /staff/processing-times', () => {
  it('is refused to other staff and to visitors', async () => {
    expect((await tier1.agent.get('/staff/processing-times')).statusCode).toBe(403);
    await tier1.agent.get('/staff');
    expect((await tier1.agent.post('/staff/processing-times/recompute', {})).statusCode).toBe(403);
    expect((await tier1.agent.post('/staff/processing-times/runs/1/approve', {})).statusCode).toBe(403);
    expect((await tier1.agent.post('/staff/processing-times/runs/1/reject', { reject_note: 'x' })).statusCode).toBe(
      403,
    );
    const visitor = new TestAgent(t.app, '10.41.9.9');
    expect((await visitor.get('/staff/processing-times')).headers.location).toBe('/account/sign-in');
  });

  it('lists runs, computes one on demand, reviews it in an accessible table, approves it once', async () => {
    const a = admin.agent;
    expect((await a.get('/staff/processing-times')).statusCode).toBe(200);
    expect(a.$('nav a[href="/staff/processing-times"]').attr('aria-current')).toBe('page');
    expect(a.$('table caption').text()).toBe('Processing time runs, newest first');
    expect(a.$('table tbody tr').length).toBeGreaterThanOrEqual(4);
    expect(a.$('table').text()).toContain('Published');

    let res = await a.post('/staff/processing-times/recompute', {});
    expect(res.statusCode).toBe(303);
    const url = res.headers.location as string;
    expect(url).toMatch(/^\/staff\/processing-times\/runs\/\d+\?done=computed$/);
    const runId = Number(/runs\/(\d+)/.exec(url)![1]);
    expect((await audit('processing_times.run_computed'))[0]).toMatchObject({ subject_id: String(runId) });
    expect((await a.get(url)).statusCode).toBe(200);
    expect(a.$('h1').text()).toBe(`Review run ${runId}`);
    expect(a.$('.usa-alert--success').text()).toContain('A new run is computed');
    expect(a.$('table caption').text()).toContain(`Figures of run ${runId}`);
    expect(a.$('table thead th[scope=col]').length).toBe(8);
    const row = a
      .$('table tbody tr')
      .filter((_, el) => a.$(el).text().includes('Refugee travel document') && a.$(el).text().includes('Miami'));
    expect(row.find('th[scope=row]').text()).toContain('I-131');
    expect(row.text().replace(/\s+/g, ' ')).toContain('120 to 200 days');
    expect(row.text()).toContain('Fewer than 20 cases');

    // Reject without a reason: told; the run still waits.
    res = await a.post(`/staff/processing-times/runs/${runId}/reject`, { reject_note: '' });
    expect(res.statusCode).toBe(400);
    expect(a.errorSummary()).toEqual(['Enter why you are rejecting the run']);

    res = await a.post(`/staff/processing-times/runs/${runId}/approve`, { approve_note: 'Looks right' });
    expect(res.headers.location).toBe(`/staff/processing-times/runs/${runId}?done=approved`);
    expect((await t.services.processingTimes.current())!.id).toBe(runId);
    // The same form posted again (a double submit): refused, nothing changes.
    await a.get(`/staff/processing-times/runs/${runId}`);
    expect(a.$('form[action$="/approve"]').length).toBe(0);
    res = await a.post(`/staff/processing-times/runs/${runId}/approve`, { approve_note: 'Looks right' });
    expect(res.statusCode).toBe(409);
    expect(a.errorSummary()[0]).toContain('already reviewed');
    expect((await a.get('/staff/processing-times/runs/999999')).statusCode).toBe(404);
    expect((await a.get('/staff/processing-times/runs/abc')).statusCode).toBe(404);
  });

  it('is in Spanish too', async () => {
    const a = admin.agent;
    await a.get('/staff/processing-times?lang=es');
    expect(a.$('h1').text()).toBe('Tiempos de procesamiento');
    expect(a.$('table caption').text()).toContain('Cálculos de tiempos de procesamiento');
    await a.get('/staff/processing-times?lang=en');
  });
});

describe('administrators: inquiry date overrides at /staff/inquiry-dates', () => {
  it('is refused to other staff and to visitors', async () => {
    expect((await tier1.agent.get('/staff/inquiry-dates')).statusCode).toBe(403);
    await tier1.agent.get('/staff');
    expect(
      (
        await tier1.agent.post('/staff/inquiry-dates', {
          form_code: 'I-90',
          category_code: '',
          office_code: 'NBC',
          inquiry_month: '1',
          inquiry_day: '1',
          inquiry_year: '2025',
          reason: 'x',
        })
      ).statusCode,
    ).toBe(403);
    expect((await new TestAgent(t.app, '10.41.9.8').get('/staff/inquiry-dates')).headers.location).toBe(
      '/account/sign-in',
    );
  });

  it('shows the computed dates, adds, changes and removes overrides with a reason, each change audited', async () => {
    const a = admin.agent;
    expect((await a.get('/staff/inquiry-dates')).statusCode).toBe(200);
    expect(a.$('nav a[href="/staff/inquiry-dates"]').attr('aria-current')).toBe('page');
    const current = (await t.services.processingTimes.inquiryDate('I-131', 'refugee-travel', 'FO-MIA'))!;
    expect(current.source).toBe('published');
    const line = () =>
      a
        .$('table tbody tr')
        .filter((_, el) => a.$(el).text().includes('Refugee travel document') && a.$(el).text().includes('Miami'));
    expect(line().text()).toContain('May 7, 2026'); // 2026-11-23 minus 200 days

    // "Override" fills the form with the line's form, category and office.
    await a.get('/staff/inquiry-dates?form=I-131&category=refugee-travel&office=FO-MIA');
    expect(a.$('#form_code').val()).toBe('I-131');
    expect(a.$('#category_code').val()).toBe('refugee-travel');
    let res = await a.post('/staff/inquiry-dates', {
      form_code: 'I-131',
      category_code: 'refugee-travel',
      office_code: 'FO-MIA',
      inquiry_month: '3',
      inquiry_day: '1',
      inquiry_year: '2026',
      reason: 'Office closed for two months',
    });
    expect(res.headers.location).toBe('/staff/inquiry-dates?done=saved');
    await a.get(res.headers.location as string);
    expect(a.$('.usa-alert--success').text()).toContain('The override is saved.');
    expect(line().text()).toContain('March 1, 2026');
    expect(line().text()).toContain('Office closed for two months');
    expect(await t.services.processingTimes.inquiryDate('I-131', 'refugee-travel', 'FO-MIA')).toEqual({
      date: '2026-03-01',
      source: 'override',
    });
    const saved = (await audit('processing_times.inquiry_override_saved'))[0]!;
    expect(saved).toMatchObject({
      actor_id: admin.accountId,
      subject_type: 'inquiry_date_override',
      subject_id: 'I-131/refugee-travel/FO-MIA',
      reason: 'Office closed for two months',
    });
    expect(saved.details).toMatchObject({ date: '2026-03-01', previous: null });

    res = await a.post('/staff/inquiry-dates', {
      form_code: 'I-131',
      category_code: 'refugee-travel',
      office_code: 'FO-MIA',
      inquiry_month: '4',
      inquiry_day: '15',
      inquiry_year: '2026',
      reason: 'Reopened',
    });
    expect(res.statusCode).toBe(303);
    expect((await audit('processing_times.inquiry_override_saved'))[0]!.details).toMatchObject({
      date: '2026-04-15',
      previous: '2026-03-01',
    });

    await a.get('/staff/inquiry-dates');
    res = await a.post('/staff/inquiry-dates/remove', {
      form_code: 'I-131',
      category_code: 'refugee-travel',
      office_code: 'FO-MIA',
    });
    expect(res.headers.location).toBe('/staff/inquiry-dates?done=removed');
    expect((await audit('processing_times.inquiry_override_removed'))[0]).toMatchObject({
      subject_id: 'I-131/refugee-travel/FO-MIA',
    });
    expect(await t.services.processingTimes.inquiryDate('I-131', 'refugee-travel', 'FO-MIA')).toEqual(current);
    await a.get('/staff/inquiry-dates');
    expect(
      (
        await a.post('/staff/inquiry-dates/remove', {
          form_code: 'I-131',
          category_code: 'refugee-travel',
          office_code: 'FO-MIA',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('checks its fields: a reason is required, in Spanish too', async () => {
    const a = admin.agent;
    await a.get('/staff/inquiry-dates?lang=es');
    let res = await a.post('/staff/inquiry-dates', {
      form_code: 'X',
      category_code: '',
      office_code: '',
      inquiry_month: '1',
      inquiry_day: '1',
      inquiry_year: '2030',
      reason: ' ',
    });
    expect(res.statusCode).toBe(400);
    expect(a.errorSummary()).toEqual([
      'Elija un formulario',
      'Elija una oficina',
      'Escriba una fecha de hoy o anterior',
      'Escriba el motivo',
    ]);
    await a.get('/staff/inquiry-dates?lang=en');
    res = await a.post('/staff/inquiry-dates', {
      form_code: 'N-400',
      category_code: 'employment',
      office_code: 'FO-MIA',
      inquiry_month: '1',
      inquiry_day: '1',
      inquiry_year: '2026',
      reason: 'x'.repeat(501),
    });
    expect(res.statusCode).toBe(400);
    expect(a.errorSummary()).toEqual([
      'Choose a category of this form, or the whole form',
      'Enter 500 characters or fewer',
    ]);
  });
});
