import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { caseTimelines, type CaseTimeline } from './timelines.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function all(filter: Parameters<typeof caseTimelines>[1]): Promise<CaseTimeline[]> {
  const out: CaseTimeline[] = [];
  for await (const batch of caseTimelines(t.deps.database.db, filter)) out.push(...batch);
  return out;
}

describe('case timelines (issue 18): milestones from the event log', () => {
  it('reads history rows of demo data: the sandbox I-765 was fingerprinted and approved', async () => {
    const rows = await all({ formCodes: ['I-765'] });
    const approved = rows.filter((r) => r.at.decided);
    expect(approved.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.formCode).toBe('I-765');
      if (r.at.decided) expect(r.at.decided.getTime()).toBeGreaterThanOrEqual(r.receivedAt.getTime());
    }
  });

  it('reads events, keeps the first time of each milestone, and sees the log as of a moment', async () => {
    const receipt = 'IOE0977000001';
    const res = await postCaseEvents(t, [
      caseEvent('tl-1', receipt, 'case_received', '2026-01-05T15:00:00Z', { formCode: 'N-400', officeCode: 'FO-MIA' }),
      caseEvent('tl-2', receipt, 'biometrics_scheduled', '2026-01-20T15:00:00Z', {
        appointmentAt: '2026-02-01T15:00:00Z',
      }),
      caseEvent('tl-3', receipt, 'fingerprints_taken', '2026-02-01T16:00:00Z'),
      caseEvent('tl-4', receipt, 'interview_scheduled', '2026-05-01T15:00:00Z'),
      caseEvent('tl-5', receipt, 'approved', '2026-07-01T15:00:00Z'),
      caseEvent('tl-6', receipt, 'status_updated', '2026-07-02T15:00:00Z', { statusKey: 'case-was-approved' }),
    ]);
    expect(res.statusCode).toBeLessThan(300);
    const [now] = (await all({ formCodes: ['N-400'] })).filter((r) =>
      r.receivedAt.toISOString().startsWith('2026-01-05'),
    );
    expect(now).toMatchObject({ formCode: 'N-400', officeCode: 'FO-MIA', formCategory: null });
    expect(now!.at).toEqual({
      biometrics_scheduled: new Date('2026-01-20T15:00:00Z'),
      biometrics_taken: new Date('2026-02-01T16:00:00Z'),
      interview_scheduled: new Date('2026-05-01T15:00:00Z'),
      decided: new Date('2026-07-01T15:00:00Z'),
    });
    const [then] = (await all({ formCodes: ['N-400'], asOf: new Date('2026-03-01T00:00:00Z') })).filter((r) =>
      r.receivedAt.toISOString().startsWith('2026-01-05'),
    );
    expect(then!.at).toEqual({
      biometrics_scheduled: new Date('2026-01-20T15:00:00Z'),
      biometrics_taken: new Date('2026-02-01T16:00:00Z'),
    });
    expect(
      await all({
        formCodes: ['N-400'],
        asOf: new Date('2026-01-01T00:00:00Z'),
        receivedFrom: new Date('2026-01-01T00:00:00Z'),
      }),
    ).toEqual([]);
  });

  it('pages through every case in small batches without repeating one', async () => {
    const whole = await all({});
    const ids = (await all({ batchSize: 7 })).map((r) => r.caseId);
    expect(ids).toEqual(whole.map((r) => r.caseId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await all({ formCodes: [] })).toEqual([]);
  });
});
