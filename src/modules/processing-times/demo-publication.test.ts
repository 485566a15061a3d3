import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("the demo's first publication (embedded default, casedesk seed)", () => {
  it('publishes the times of the demo cases once, with no reviewer, audited as the seeding', async () => {
    expect(await t.services.processingTimes.current()).toBeNull();
    const summary = await t.services.processingTimes.publishDemo();
    expect(summary?.figures).toBeGreaterThan(0);
    const publication = await t.services.processingTimes.current();
    expect(publication?.id).toBe(summary!.runId);
    // Every figure is a real median..p80 of completed demo cases.
    for (const f of publication!.figures) {
      expect(f.completedCount).toBeGreaterThan(0);
      expect(f.medianDays).toBeGreaterThan(0);
      expect(f.p80Days).toBeGreaterThanOrEqual(f.medianDays);
    }
    const audit = await t.deps.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'subject_id'])
      .where('action', '=', 'processing_times.run_approved')
      .execute();
    expect(audit).toEqual([{ actor_id: null, subject_id: String(summary!.runId) }]);
    // Once published (by anyone), the seeding publishes nothing more.
    expect(await t.services.processingTimes.publishDemo()).toBeUndefined();
    const runs = await t.deps.database.db.selectFrom('processing_time_runs').select('state').execute();
    expect(runs).toEqual([{ state: 'published' }]);
    // The public API answers the demo's figures.
    const f = publication!.figures[0]!;
    const res = await t.app.inject(`/processing-times/api/processingtime/${f.formCode}/${f.officeCode}`);
    expect(res.statusCode).toBe(200);
  });
});
