import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiGet, apiToken, caseEvent, createTestApp, type TestApp } from '../../../test/harness.js';
import { onlineAccountNumber, signUpApplicant } from '../../../test/accounts-support.js';
import { findWithHistoryByReceiptNumber } from '../cases/index.js';
import { factsFromEvents } from './service.js';
import { openRequestForEvidence, unknownStatusTitles } from './types.js';

let t: TestApp;
let writer: string;
let reader: string;
let clients: { writer: { clientId: string; clientSecret: string }; reader: { clientId: string; clientSecret: string } };
beforeAll(async () => {
  t = await createTestApp();
  const w = await apiToken(t, ['case_events:write']);
  const r = await apiToken(t, ['case_status:read']);
  clients = { writer: w, reader: r };
  writer = w.token;
  reader = r.token;
});

/** Moves the clock on, with new access tokens for the same clients (tokens last 30 minutes). */
async function advance(ms: number) {
  t.clock.advance(ms);
  writer = (await t.services.apiClients.issueToken(clients.writer.clientId, clients.writer.clientSecret)).accessToken;
  reader = (await t.services.apiClients.issueToken(clients.reader.clientId, clients.reader.clientSecret)).accessToken;
}
afterAll(async () => t?.close());

const post = (events: unknown, token = writer, contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    payload: typeof events === 'string' ? events : JSON.stringify(events),
  });

let serial = 0;
/** A receipt number nobody used yet (IOE: electronic cases). */
const freshReceipt = () => `IOE${String(8_100_000_000 + serial++).padStart(10, '0')}`;

const NO_COUNTS = {
  received: 0,
  accepted: 0,
  duplicates: 0,
  pending: 0,
  pendingApplied: 0,
  pendingDropped: 0,
  casesCreated: 0,
  statusChanged: 0,
  notifications: 0,
};
/** A batch's whole answer: the counts given, every other count 0. */
const batchAnswer = (counts: Partial<typeof NO_COUNTS>) => ({ ...NO_COUNTS, ...counts });

/** The pending report of an API client. */
async function pendingOf(token: string, query = '') {
  const res = await apiGet(t, `/api/v1/case-events/pending${query}`, token);
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** A case's whole visible state: what the API and the account show. */
async function stateOf(receipt: string) {
  const db = t.deps.database.db;
  const c = await db.selectFrom('cases').selectAll().where('receipt_number', '=', receipt).executeTakeFirst();
  if (!c) return undefined;
  const history = await db
    .selectFrom('case_events')
    .select(['status_key', 'occurred_at', 'status_params'])
    .where('receipt_number', '=', receipt)
    .where('status_key', 'is not', null)
    .orderBy('occurred_at')
    .orderBy('event_id')
    .execute();
  const { history: shown } = (await findWithHistoryByReceiptNumber(db, receipt))!;
  return {
    form: c.form_code,
    office: c.office_code,
    received: c.received_at.toISOString(),
    status: c.status_key,
    statusAt: c.status_at.toISOString(),
    params: c.status_params,
    history: history.map((h) => `${h.occurred_at.toISOString()} ${h.status_key} ${JSON.stringify(h.status_params)}`),
    // What the status API and the case card show: newest first, the current status first.
    shown: shown.map((h) => `${h.occurredAt.toISOString()} ${h.statusKey}`),
  };
}

/** The lifecycle of an I-485, one event per step, one day apart. */
function lifecycle(receipt: string, tag: string) {
  const day = (n: number) => new Date(Date.UTC(2026, 0, 5 + n, 14)).toISOString();
  return [
    caseEvent(`${tag}-1`, receipt, 'case_received', day(0), { formCode: 'I-485' }),
    caseEvent(`${tag}-2`, receipt, 'biometrics_scheduled', day(10), {
      appointmentAt: '2026-02-01T09:00:00-05:00',
      locationName: 'Boston ASC',
    }),
    caseEvent(`${tag}-3`, receipt, 'fingerprints_taken', day(27)),
    caseEvent(`${tag}-4`, receipt, 'rfe_sent', day(60), { responseDue: '2026-05-10' }),
    caseEvent(`${tag}-5`, receipt, 'rfe_response_received', day(90)),
    caseEvent(`${tag}-6`, receipt, 'transferred', day(100), { officeCode: 'NBC' }),
    caseEvent(`${tag}-7`, receipt, 'notice_issued', day(100), { noticeType: 'transfer' }),
    caseEvent(`${tag}-8`, receipt, 'approved', day(150)),
    caseEvent(`${tag}-9`, receipt, 'card_mailed', day(160), { trackingNumber: 'EJ123456789US' }),
  ];
}

describe('case events API (issue 4 item 1)', () => {
  it('maps every type to a status of the official catalog', () => {
    expect(unknownStatusTitles()).toEqual([]);
  });

  it('needs a client with the case_events:write scope', async () => {
    const events = lifecycle(freshReceipt(), 'scope');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/case-events', payload: events })).statusCode).toBe(401);
    const res = await post(events, reader);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ code: 403, message: 'Access to this resource is not allowed.' });
    // And the other way round: an events client cannot read case status.
    expect((await apiGet(t, '/case-status/EAC9999103403', writer)).statusCode).toBe(403);
  });

  it('creates an unknown case from its events, with its history, status and facts, and the status API shows it', async () => {
    const receipt = freshReceipt();
    const res = await post(lifecycle(receipt, 'a'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(batchAnswer({ received: 9, accepted: 9, casesCreated: 1, statusChanged: 1 }));
    const state = await stateOf(receipt);
    expect(state).toMatchObject({
      form: 'I-485',
      office: 'NBC',
      received: '2026-01-05T14:00:00.000Z',
      status: 'card-was-mailed-to-me',
      params: { tracking_number: 'EJ123456789US' },
    });
    expect(state!.history).toHaveLength(8); // notice_issued records no status
    const api = await apiGet(t, `/case-status/${receipt}`, reader);
    expect(api.statusCode).toBe(200);
    expect(api.json().case_status.current_case_status_text_en).toBe('Card Was Mailed To Me');
    expect(api.json().case_status.current_case_status_desc_en).toContain('June 14, 2026');
  });

  it('changes nothing for repeated ids, in another batch or the same one', async () => {
    const receipt = freshReceipt();
    const events = lifecycle(receipt, 'rep');
    await post(events);
    const before = await stateOf(receipt);
    const again = await post([...events, events[0]]);
    expect(again.json()).toEqual(batchAnswer({ received: 10, duplicates: 10 }));
    // Even with other content under the same id: the first version stays.
    const altered = await post([{ ...events[7], type: 'denied' }]);
    expect(altered.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await stateOf(receipt)).toEqual(before);
  });

  it('gives the same case whatever the order and batching of its events (fast-check)', async () => {
    const reference = freshReceipt();
    await post(lifecycle(reference, 'ref'));
    const expected = await stateOf(reference);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(lifecycle('X', 'x'), { minLength: 9, maxLength: 9 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 9, maxLength: 9 }),
        async (shuffled, sizes) => {
          const receipt = freshReceipt();
          const run = serial;
          const events = shuffled.map((e) => ({ ...e, id: `${e.id}-${run}`, receiptNumber: receipt }));
          // Here every event names the form, so the case exists from the first batch on (the next test sends it in one event only).
          const withForm = events.map((e) => ({ ...e, payload: { ...e.payload, formCode: 'I-485' } }));
          let i = 0;
          for (const size of sizes) {
            if (i >= withForm.length) break;
            const res = await post(withForm.slice(i, i + size));
            expect(res.statusCode).toBe(200);
            i += size;
          }
          if (i < withForm.length) await post(withForm.slice(i));
          expect(await stateOf(receipt)).toEqual({ ...expected, history: expected!.history });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('gives the same new case whatever the order and batching of its events, when only one gives the form (fast-check)', async () => {
    // An account the cases are filed online from, so every status change is also a notification to check.
    const holder = await signUpApplicant(t, `pending-holder-${serial}@example.com`, '203.0.113.77');
    const oan = await onlineAccountNumber(t, holder.accountId);
    // Only case_received gives the form (and files the case online); an applicant detail and the protection come later.
    const events = (receipt: string, tag: string) => {
      const list: {
        id: string;
        receiptNumber: string;
        type: string;
        occurredAt: string;
        payload: Record<string, unknown>;
      }[] = lifecycle(receipt, tag);
      list[0] = { ...list[0]!, payload: { formCode: 'I-485', channel: 'online', onlineAccountNumber: oan } };
      list[2] = { ...list[2]!, payload: { applicant: { dateOfBirth: '1990-04-01', familyName: 'Ordonez' } } };
      list.push({
        id: `${tag}-10`,
        receiptNumber: receipt,
        type: 'protection_updated',
        occurredAt: list[3]!.occurredAt,
        payload: { section1367: false },
      });
      return list;
    };
    const messagesOf = async (receipt: string) =>
      (
        await t.deps.database.db
          .selectFrom('notification_messages')
          .select(['channel', 'body'])
          .where('recipient', '=', holder.email)
          .where('template', '=', 'case_status_changed')
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).filter((m) => m.body.includes(receipt));
    const outcome = async (receipt: string) => {
      const db = t.deps.database.db;
      const c = await db
        .selectFrom('cases')
        .select(['id', 'filing_channel', 'section_1367'])
        .where('receipt_number', '=', receipt)
        .executeTakeFirstOrThrow();
      const applicant = await db
        .selectFrom('case_applicants')
        .select(['date_of_birth', 'family_name'])
        .where('case_id', '=', c.id)
        .executeTakeFirst();
      const links = await db
        .selectFrom('account_cases')
        .select(['account_id', 'added_via'])
        .where('case_id', '=', c.id)
        .execute();
      const waiting = await db
        .selectFrom('case_events_pending')
        .select('event_id')
        .where('receipt_number', '=', receipt)
        .execute();
      return {
        state: await stateOf(receipt),
        channel: c.filing_channel,
        section1367: c.section_1367,
        applicant: applicant && { ...applicant, date_of_birth: String(applicant.date_of_birth) },
        links,
        waiting,
      };
    };
    const reference = freshReceipt();
    expect((await post(events(reference, `nref-${serial}`))).statusCode).toBe(200);
    const expected = await outcome(reference);
    expect(expected).toMatchObject({
      channel: 'online',
      links: [{ account_id: holder.accountId, added_via: 'online_filing' }],
      waiting: [],
    });
    const finalTitle = 'Card Was Mailed To Me';
    expect((await messagesOf(reference)).at(-1)!.body).toContain(finalTitle);

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(events('X', 'x'), { minLength: 10, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 10, maxLength: 10 }),
        fc.option(fc.nat({ max: 9 }), { nil: undefined }),
        async (shuffled, sizes, replay) => {
          const receipt = freshReceipt();
          const run = serial;
          const sent = shuffled.map((e) => ({ ...e, id: `${e.id}-n${run}`, receiptNumber: receipt }));
          const batches: (typeof sent)[] = [];
          let i = 0;
          for (const size of sizes) {
            if (i >= sent.length) break;
            batches.push(sent.slice(i, i + size));
            i += size;
          }
          if (i < sent.length) batches.push(sent.slice(i));
          // Optionally one batch is sent twice in a row (a retry after a lost answer): nothing may apply twice.
          if (replay !== undefined && replay < batches.length) batches.splice(replay + 1, 0, batches[replay]!);
          for (const batch of batches) {
            t.clock.advance(1000); // messages of later batches are created later
            expect((await post(batch)).statusCode).toBe(200);
          }
          expect(await outcome(receipt)).toEqual(expected);
          // Notifications: never the same message twice, and the last one tells the final status.
          const messages = await messagesOf(receipt);
          expect(new Set(messages.map((m) => `${m.channel} ${m.body}`)).size).toBe(messages.length);
          expect(messages.at(-1)!.body).toContain(finalTitle);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('applies a batch all or nothing, saying what is wrong with each event', async () => {
    const count = async () =>
      Number(
        (
          await t.deps.database.db
            .selectFrom('case_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const receipt = freshReceipt();
    const good = lifecycle(receipt, 'bad')[0];
    const res = await post([
      good,
      { id: 'bad 2', receiptNumber: 'ABC12', type: 'teleported', occurredAt: 'yesterday' },
      caseEvent('bad-3', receipt, 'rfe_sent', '2026-03-01T00:00:00Z', { responseDue: '2026-02-30' }),
      caseEvent('bad-4', receipt, 'transferred', '2026-03-01T00:00:00Z', { officeCode: 'MARS' }),
    ]);
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.message).toMatch(/^Nothing was applied/);
    expect(body.errors.map((e: { index: number; field: string }) => `${e.index}:${e.field}`)).toEqual([
      '1:id',
      '1:type',
      '1:occurredAt',
      '2:payload.responseDue',
      '3:payload.officeCode',
    ]);
    expect(await count()).toBe(before);
    expect(await stateOf(receipt)).toBeUndefined();
  });

  it('names the field and says in words what is wrong in every problem, for bad values of every field', async () => {
    const receipt = freshReceipt();
    const at = '2026-03-01T00:00:00Z';
    const ev = (type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
      id: `words-${type}`,
      receiptNumber: receipt,
      type,
      occurredAt: at,
      payload,
      ...extra,
    });
    const cases: [unknown, string[]][] = [
      ['not an event', ['(event)']],
      [null, ['(event)']],
      [[1, 2], ['(event)']],
      [{}, ['id', 'receiptNumber', 'type', 'occurredAt']],
      [
        { id: 5, receiptNumber: {}, type: 7, occurredAt: { at }, payload: 'text' },
        ['id', 'receiptNumber', 'type', 'occurredAt', 'payload'],
      ],
      [
        { id: 'bad id', receiptNumber: 'x'.repeat(41), type: 'teleported', occurredAt: 'yesterday', payload: [1] },
        ['id', 'receiptNumber', 'type', 'occurredAt', 'payload'],
      ],
      [ev('approved', {}, { receiptNumber: 'EAC12' }), ['receiptNumber']],
      [ev('approved', {}, { receiptNumber: 'ABC1234567890' }), ['receiptNumber']],
      [ev('approved', {}, { receiptNumber: 'EAC#123456789' }), ['receiptNumber']],
      [ev('approved', {}, { receiptNumber: '1234567890123' }), ['receiptNumber']],
      [ev('approved', {}, { receiptNumber: ' - ' }), ['receiptNumber']],
      [
        ev('approved', { formCode: 'X-1', officeCode: 5, applicant: 'Ana' }),
        ['payload.formCode', 'payload.officeCode', 'payload.applicant'],
      ],
      [
        ev('approved', {
          applicant: { dateOfBirth: '1990-02-30', familyName: ' ', aNumber: '12', zip: 1234, email: 'nope' },
        }),
        [
          'payload.applicant.dateOfBirth',
          'payload.applicant.familyName',
          'payload.applicant.aNumber',
          'payload.applicant.zip',
          'payload.applicant.email',
        ],
      ],
      [
        ev('case_received', { channel: 'fax', onlineAccountNumber: '12' }),
        ['payload.channel', 'payload.onlineAccountNumber'],
      ],
      [
        ev('biometrics_scheduled', { appointmentAt: 'soon', locationName: 'x'.repeat(201) }),
        ['payload.appointmentAt', 'payload.locationName'],
      ],
      [ev('rfe_sent', {}), ['payload.responseDue']],
      [ev('rfe_sent', { responseDue: '2026-13-01' }), ['payload.responseDue']],
      [
        ev('interview_scheduled', { interviewAt: { at }, locationName: 5 }),
        ['payload.interviewAt', 'payload.locationName'],
      ],
      [ev('card_mailed', { trackingNumber: 'lower-case!' }), ['payload.trackingNumber']],
      [ev('transferred', {}), ['payload.officeCode']],
      [ev('notice_issued', { noticeType: '', language: 'fr' }), ['payload.noticeType', 'payload.language']],
      [ev('case_closed', { statusKey: 'nope' }), ['payload.statusKey']],
      [ev('status_updated', { statusKey: ['case-was-approved'] }), ['payload.statusKey']],
      [ev('account_acceptance_notice', { onlineAccessCode: 'short' }), ['payload.onlineAccessCode']],
      [ev('protection_updated', { section1367: 'yes' }), ['payload.section1367']],
      [ev('approved', { note: 'x'.repeat(10_001) }), ['payload']],
    ];
    const res = await post(cases.map(([event]) => event));
    expect(res.statusCode).toBe(422);
    const problems: { index: number; field: string; message: string }[] = res.json().errors;
    cases.forEach(([, fields], index) => {
      expect(
        problems.filter((p) => p.index === index).map((p) => p.field),
        `event ${index}`,
      ).toEqual(fields);
    });
    for (const p of problems) {
      expect(p.message).not.toMatch(/\[object |undefined|Invalid input|\bvalid$/);
      expect(p.message.startsWith(p.field), p.message).toBe(true);
    }
    const receiptProblem = (i: number) => problems.find((p) => p.index === i)!.message;
    expect(receiptProblem(6)).toBe(
      'receiptNumber: "EAC12" is not a receipt number: three letters and ten digits, e.g. EAC9999103403 (it has 5 characters, not 13)',
    );
    expect(receiptProblem(7)).toContain('no receipt number starts with ABC');
    expect(receiptProblem(8)).toContain('not: #');
    expect(problems.find((p) => p.index === 4 && p.field === 'receiptNumber')!.message).toBe(
      'receiptNumber: an object is not a receipt number: three letters and ten digits, e.g. EAC9999103403',
    );
    expect(problems.find((p) => p.index === 3 && p.field === 'occurredAt')!.message).toBe(
      'occurredAt is missing: a date and time with its offset, e.g. 2026-11-23T15:04:05Z',
    );
    expect(problems.find((p) => p.index === 15)!.message).toBe('payload.responseDue is missing: a date as YYYY-MM-DD');
    expect(problems.find((p) => p.index === 13 && p.field === 'payload.channel')!.message).toBe(
      'payload.channel: "fax" is not one of online, paper',
    );
  });

  it('keeps the events of an unknown receipt number waiting until an event gives the form, then applies them once', async () => {
    const receipt = freshReceipt();
    const tag = `wait-${serial}`;
    const delivered = {
      id: `${tag}-1`,
      receiptNumber: receipt,
      type: 'card_delivered',
      occurredAt: '2026-03-01T00:00:00Z',
    };
    const protectedLater = caseEvent(`${tag}-2`, receipt, 'protection_updated', '2026-02-01T00:00:00Z', {
      section1367: false,
    });
    const first = await post([delivered, protectedLater]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual(batchAnswer({ received: 2, pending: 2 }));
    expect(await stateOf(receipt)).toBeUndefined();
    // The report names them, as waiting until the limit (30 days by default).
    const report = await pendingOf(writer);
    expect(report.waitDays).toBe(30);
    expect(report.events.filter((e: { receiptNumber: string }) => e.receiptNumber === receipt)).toEqual([
      {
        id: `${tag}-1`,
        receiptNumber: receipt,
        type: 'card_delivered',
        occurredAt: '2026-03-01T00:00:00.000Z',
        receivedAt: t.clock.now().toISOString(),
        state: 'waiting',
        until: new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString(),
      },
      expect.objectContaining({ id: `${tag}-2`, state: 'waiting' }),
    ]);
    // Sent again while waiting: nothing new.
    expect((await post([delivered])).json()).toMatchObject({ accepted: 0, duplicates: 1, pending: 0 });
    // The event giving the form arrives (with the waiting one sent again): the case follows all of them, each applied once.
    const received = caseEvent(`${tag}-0`, receipt, 'case_received', '2026-01-05T00:00:00Z', { formCode: 'I-765' });
    const created = await post([received, delivered]);
    expect(created.json()).toEqual(
      batchAnswer({ received: 2, accepted: 1, duplicates: 1, pendingApplied: 2, casesCreated: 1, statusChanged: 1 }),
    );
    const state = (await stateOf(receipt))!;
    expect(state).toMatchObject({
      form: 'I-765',
      status: 'card-was-delivered-to-me-by-the-post-office',
      received: '2026-01-05T00:00:00.000Z',
    });
    expect(state.history).toHaveLength(2);
    const events = await t.deps.database.db
      .selectFrom('case_events')
      .select('event_id')
      .where('receipt_number', '=', receipt)
      .orderBy('event_id')
      .execute();
    expect(events.map((e) => e.event_id)).toEqual([`${tag}-0`, `${tag}-1`, `${tag}-2`]);
    expect(
      (await pendingOf(writer)).events.filter((e: { receiptNumber: string }) => e.receiptNumber === receipt),
    ).toEqual([]);
    // A waiting event that was applied answers like any applied one when sent again.
    expect((await post([delivered, protectedLater])).json()).toMatchObject({
      accepted: 0,
      duplicates: 2,
      pending: 0,
      pendingApplied: 0,
      statusChanged: 0,
    });
    expect(await stateOf(receipt)).toEqual(state);
  });

  it('drops events that waited longer than the limit, reports them, and takes them again when sent again', async () => {
    const receipt = freshReceipt();
    const tag = `late-${serial}`;
    const approved = { id: `${tag}-1`, receiptNumber: receipt, type: 'approved', occurredAt: '2026-03-01T00:00:00Z' };
    expect((await post([approved])).json()).toMatchObject({ pending: 1 });
    await advance(30 * 86_400_000 + 1000);
    const report = await pendingOf(writer);
    expect(report.events.find((e: { id: string }) => e.id === approved.id)).toMatchObject({ state: 'dropped' });
    expect(report.dropped).toBeGreaterThanOrEqual(1);
    // The case comes too late for it: created without it, and the answer says one waiting event was dropped.
    const received = caseEvent(`${tag}-0`, receipt, 'case_received', '2026-01-05T00:00:00Z', { formCode: 'I-765' });
    expect((await post([received])).json()).toMatchObject({
      accepted: 1,
      pendingApplied: 0,
      pendingDropped: 1,
      casesCreated: 1,
    });
    expect(await stateOf(receipt)).toMatchObject({
      status: 'case-was-received',
      history: [expect.stringContaining('case-was-received')],
    });
    expect((await pendingOf(writer)).events.find((e: { id: string }) => e.id === approved.id)).toBeUndefined();
    // Sent again now that the case exists, it is applied.
    expect((await post([approved])).json()).toMatchObject({ accepted: 1, statusChanged: 1 });
    expect(await stateOf(receipt)).toMatchObject({ status: 'case-was-approved' });

    // A dropped event of a receipt number still unknown waits again when sent again.
    const other = freshReceipt();
    const lonely = { id: `${tag}-lonely`, receiptNumber: other, type: 'denied', occurredAt: '2026-03-01T00:00:00Z' };
    expect((await post([lonely])).json()).toMatchObject({ pending: 1 });
    await advance(31 * 86_400_000);
    expect((await pendingOf(writer)).events.find((e: { id: string }) => e.id === lonely.id)).toMatchObject({
      state: 'dropped',
    });
    expect((await post([lonely])).json()).toMatchObject({ pending: 1, duplicates: 0 });
    expect((await pendingOf(writer)).events.find((e: { id: string }) => e.id === lonely.id)).toMatchObject({
      state: 'waiting',
      receivedAt: t.clock.now().toISOString(),
    });
    // Listed as dropped for as long again as it waited, then forgotten (when events are next stored to wait).
    await advance(61 * 86_400_000);
    await post([
      { id: `${tag}-later`, receiptNumber: freshReceipt(), type: 'denied', occurredAt: '2026-03-01T00:00:00Z' },
    ]);
    expect((await pendingOf(writer)).events.find((e: { id: string }) => e.id === lonely.id)).toBeUndefined();
  });

  it("reports only the calling client's waiting events, a page at a time, to clients with the case_events:write scope", async () => {
    const other = (await apiToken(t, ['case_events:write'])).token;
    const receipt = freshReceipt();
    const tag = `page-${serial}`;
    const mine = [1, 2, 3].map((n) => ({
      id: `${tag}-${n}`,
      receiptNumber: receipt,
      type: 'fingerprints_taken',
      occurredAt: `2026-03-0${n}T00:00:00Z`,
    }));
    expect((await post(mine, other)).json()).toMatchObject({ pending: 3 });
    const first = await pendingOf(other, '?limit=2');
    expect(first).toMatchObject({ waiting: 3, dropped: 0, next: `${tag}-2` });
    expect(first.events.map((e: { id: string }) => e.id)).toEqual([`${tag}-1`, `${tag}-2`]);
    const second = await pendingOf(other, `?limit=2&after=${tag}-2`);
    expect(second.events.map((e: { id: string }) => e.id)).toEqual([`${tag}-3`]);
    expect(second.next).toBeUndefined();
    expect((await pendingOf(writer)).events.some((e: { id: string }) => e.id.startsWith(tag))).toBe(false);
    // The operator's report (npx casedesk case-events pending) lists every client's, with the client.
    const all = await t.services.caseEvents.pendingReport();
    expect(all.events.filter((e) => e.id.startsWith(tag))).toHaveLength(3);
    expect(all.events.find((e) => e.id === `${tag}-1`)!.clientId).toEqual(expect.any(String));
    expect((await apiGet(t, '/api/v1/case-events/pending', reader)).statusCode).toBe(403);
    const bad = await apiGet(t, '/api/v1/case-events/pending?limit=0', writer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('limit');
  });

  it('takes NDJSON, and says which line is not JSON', async () => {
    const receipt = freshReceipt();
    const ndjson = lifecycle(receipt, 'nd')
      .map((e) => JSON.stringify(e))
      .join('\n');
    const res = await post(`${ndjson}\n`, writer, 'application/x-ndjson');
    expect(res.json()).toMatchObject({ accepted: 9, casesCreated: 1 });
    const broken = await post('{"id":"x"}\n{not json}\n', writer, 'application/x-ndjson');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().message).toContain('Line 2');
  });

  it('updates a case that came from other data: a newer event sets its status, an older one only adds history', async () => {
    const receipt = 'EAC9999103403'; // a sandbox case of the demo data
    const before = await stateOf(receipt);
    const older = await post([
      { id: 'sandbox-old', receiptNumber: receipt, type: 'fingerprints_taken', occurredAt: '2020-01-01T00:00:00Z' },
    ]);
    expect(older.json()).toMatchObject({ accepted: 1, statusChanged: 0 });
    expect((await stateOf(receipt))!.status).toBe(before!.status);
    expect((await stateOf(receipt))!.received).toBe(before!.received);
    const newer = await post([
      caseEvent('sandbox-new', receipt, 'transferred', '2026-11-20T00:00:00Z', { officeCode: 'NBC' }),
    ]);
    expect(newer.json()).toMatchObject({ accepted: 1, statusChanged: 1 });
    expect(await stateOf(receipt)).toMatchObject({
      status: 'case-was-transferred-and-a-new-office-has-jurisdiction',
      office: 'NBC',
      form: before!.form,
    });
  });

  it('breaks a tie of two events at the same moment by event id, for a new case and a known one, in any arrival', async () => {
    const at = '2026-03-01T12:00:00.000Z';
    const events = (receipt: string, tag: string) => ({
      received: {
        id: `${tag}-0`,
        receiptNumber: receipt,
        type: 'case_received',
        occurredAt: '2026-01-05T12:00:00Z',
        payload: { formCode: 'I-485' },
      },
      approved: caseEvent(`${tag}-tie-b`, receipt, 'approved', at),
      denied: caseEvent(`${tag}-tie-a`, receipt, 'denied', at),
    });
    // A new case whose first batch holds the tie.
    const fresh = freshReceipt();
    const a = events(fresh, `tie1-${serial}`);
    expect((await post([a.denied, a.approved, a.received])).statusCode).toBe(200);
    // A known case: the tie arrives later, in the other order.
    const known = freshReceipt();
    const b = events(known, `tie2-${serial}`);
    expect((await post([b.received])).statusCode).toBe(200);
    expect((await post([b.approved, b.denied])).json()).toMatchObject({ accepted: 2, statusChanged: 1 });
    // One at a time: the second of the tie changes the status only if its id is the greater one.
    const single = freshReceipt();
    const c = events(single, `tie3-${serial}`);
    await post([c.received]);
    await post([c.approved]);
    expect((await post([c.denied])).json()).toMatchObject({ accepted: 1, statusChanged: 0 });
    for (const receipt of [fresh, known, single]) {
      const state = (await stateOf(receipt))!;
      expect(state).toMatchObject({ status: 'case-was-approved', statusAt: at });
      expect(state.shown.slice(0, 2)).toEqual([`${at} case-was-approved`, `${at} case-was-denied`]); // the current status first
    }
  });

  it('applies batches in flight together about the same cases as if one came after the other (PostgreSQL runs them at once)', async () => {
    for (let round = 0; round < 3; round++) {
      const receipts = Array.from({ length: 25 }, () => freshReceipt());
      const tag = `together-${serial}`;
      const batch = (n: number, type: string, day: number) =>
        receipts.map((receiptNumber, i) => ({
          id: `${tag}-${n}-${i}`,
          receiptNumber,
          type,
          occurredAt: new Date(Date.UTC(2026, 0, day, 12)).toISOString(),
          payload: { formCode: 'I-485' },
        }));
      // Both find the receipt numbers unknown and create their cases: the one committing second is applied again.
      const created = await Promise.all([post(batch(1, 'case_received', 5)), post(batch(2, 'fingerprints_taken', 20))]);
      expect(created.map((r) => r.statusCode)).toEqual([200, 200]);
      // A later and an earlier status at once: the later one stands, whichever commits last.
      const updated = await Promise.all([post(batch(3, 'approved', 40)), post(batch(4, 'interview_completed', 30))]);
      expect(updated.map((r) => r.statusCode)).toEqual([200, 200]);
      for (const receipt of receipts) {
        expect(await stateOf(receipt)).toMatchObject({
          status: 'case-was-approved',
          statusAt: '2026-02-09T12:00:00.000Z',
        });
        expect((await stateOf(receipt))!.history).toHaveLength(4);
      }
    }
  });

  it('applies events of a new case whether they come in flight together with the event giving the form or not (PostgreSQL runs them at once)', async () => {
    for (let round = 0; round < 4; round++) {
      const receipts = Array.from({ length: 25 }, () => freshReceipt());
      const tag = `race-${serial}`;
      const waiting = receipts.map((receiptNumber, i) => ({
        id: `${tag}-w-${i}`,
        receiptNumber,
        type: 'card_delivered',
        occurredAt: '2026-03-01T12:00:00Z',
      }));
      const giving = receipts.map((receiptNumber, i) => ({
        id: `${tag}-g-${i}`,
        receiptNumber,
        type: 'case_received',
        occurredAt: '2026-01-05T12:00:00Z',
        payload: { formCode: 'I-485' },
      }));
      // Whichever commits first, the events without the form are applied, never left waiting for a case that exists.
      const answers = await Promise.all(round % 2 ? [post(waiting), post(giving)] : [post(giving), post(waiting)]);
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
      const applied = answers.reduce((n, r) => n + r.json().accepted + r.json().pendingApplied, 0);
      expect(applied).toBe(50);
      for (const receipt of receipts) {
        expect(await stateOf(receipt)).toMatchObject({
          status: 'card-was-delivered-to-me-by-the-post-office',
          history: [expect.any(String), expect.any(String)],
        });
      }
      expect(
        await t.deps.database.db
          .selectFrom('case_events_pending')
          .select('event_id')
          .where('receipt_number', 'in', receipts)
          .execute(),
      ).toEqual([]);
    }
  });

  it('costs batches about known cases nothing more, and batches creating cases one statement for waiting events (not one per event)', async () => {
    // Every statement the batches send (pg's client serves both databases: PGlite through its node-postgres adapter).
    const texts: string[] = [];
    const realQuery = pg.Client.prototype.query;
    const recording = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      if (text) texts.push(text);
      return (realQuery as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    try {
      const receipts = [freshReceipt(), freshReceipt(), freshReceipt()];
      const tag = `cost-${serial}`;
      const pendingQueries = () =>
        texts.filter((q) => /case_events_pending|case_events_take_pending|pg_advisory/.test(q));
      // New cases, each with several events: one statement (the lock, then the look for waiting events) for the whole batch.
      texts.length = 0;
      const created = await post(receipts.flatMap((r, i) => lifecycle(r, `${tag}-${i}`)));
      expect(created.json()).toMatchObject({ accepted: 27, casesCreated: 3 });
      expect(texts.length).toBeGreaterThan(5); // the recording sees the batch's statements
      expect(pendingQueries()).toEqual([expect.stringContaining('case_events_take_pending(')]);
      // The same cases again, known now: not a single statement more than before waiting events existed.
      texts.length = 0;
      const day = new Date(Date.UTC(2026, 7, 1)).toISOString();
      const known = await post(
        receipts.map((r, i) => ({
          id: `${tag}-later-${i}`,
          receiptNumber: r,
          type: 'card_delivered',
          occurredAt: day,
        })),
      );
      expect(known.json()).toMatchObject({ accepted: 3, statusChanged: 3 });
      expect(texts.length).toBeGreaterThan(3);
      expect(pendingQueries()).toEqual([]);
    } finally {
      recording.mockRestore();
    }
  });

  it("stores the category the case counts under: the latest event giving one, else the form's fallback; refuses a code the form does not have; a replay changes nothing", async () => {
    const db = t.deps.database.db;
    const categoryOf = async (receipt: string) =>
      (
        await db
          .selectFrom('cases')
          .select('form_category')
          .where('receipt_number', '=', receipt)
          .executeTakeFirstOrThrow()
      ).form_category;
    const day = (n: number) => new Date(Date.UTC(2026, 2, 2 + n, 14)).toISOString();

    // Given with the form: stored as given. Later events giving another category win, older ones do not.
    const a = freshReceipt();
    const first = [
      caseEvent('cat-a-1', a, 'case_received', day(0), { formCode: 'I-485', formCategory: 'employment' }),
      caseEvent('cat-a-2', a, 'fingerprints_taken', day(20)),
    ];
    expect((await post(first)).json()).toEqual(
      batchAnswer({ received: 2, accepted: 2, casesCreated: 1, statusChanged: 1 }),
    );
    expect(await categoryOf(a)).toBe('employment');
    await post([caseEvent('cat-a-4', a, 'interview_scheduled', day(40), { formCategory: 'family' })]);
    expect(await categoryOf(a)).toBe('family');
    // Written another way (capitals, spaces) or null: the same code, or nothing said.
    const e = freshReceipt();
    await post([
      caseEvent('cat-e-1', e, 'case_received', day(0), { formCode: 'I-485', formCategory: ' Employment ' }),
      caseEvent('cat-e-2', e, 'fingerprints_taken', day(20), { formCategory: null }),
    ]);
    expect(await categoryOf(e)).toBe('employment');
    await post([
      caseEvent('cat-a-3', a, 'rfe_sent', day(30), { responseDue: '2026-05-01', formCategory: 'asylee-refugee' }),
    ]);
    expect(await categoryOf(a)).toBe('family');

    // Sent again (even with another category under the same ids): nothing changes.
    const before = { state: await stateOf(a), category: await categoryOf(a) };
    const replay = await post([
      ...first,
      caseEvent('cat-a-4', a, 'interview_scheduled', day(40), { formCategory: 'other' }),
    ]);
    expect(replay.json()).toEqual(batchAnswer({ received: 3, duplicates: 3 }));
    expect({ state: await stateOf(a), category: await categoryOf(a) }).toEqual(before);

    // Without a category: the form's fallback; a form published per form: none.
    const b = freshReceipt();
    const c = freshReceipt();
    await post([
      caseEvent('cat-b-1', b, 'case_received', day(0), { formCode: 'I-130' }),
      caseEvent('cat-c-1', c, 'case_received', day(0), { formCode: 'N-400' }),
    ]);
    expect([await categoryOf(b), await categoryOf(c)]).toEqual(['usc-immediate', null]);

    // Waiting for the form with a code of another form: the case counts under its own form's fallback.
    const w = freshReceipt();
    expect((await post([caseEvent('cat-w-2', w, 'approved', day(9), { formCategory: 'c09' })])).json()).toMatchObject({
      pending: 1,
    });
    await post([caseEvent('cat-w-1', w, 'case_received', day(0), { formCode: 'I-131' })]);
    expect(await categoryOf(w)).toBe('advance-parole');

    // A demo case (not made by events) counts under its form's fallback until an event gives its category.
    const demo = 'LIN9999106498'; // a sandbox I-765
    expect(await categoryOf(demo)).toBe('other');
    await post([
      caseEvent('cat-demo-1', demo, 'status_updated', '2026-11-20T00:00:00Z', {
        statusKey: 'case-was-updated-to-show-fingerprints-were-taken',
        formCategory: 'c08',
      }),
    ]);
    expect(await categoryOf(demo)).toBe('c08');

    // A code the case's form does not have is a problem like any other: nothing of the batch is applied.
    const d = freshReceipt();
    const wrong = await post([
      caseEvent('cat-d-1', d, 'case_received', day(0), { formCode: 'I-130', formCategory: 'employment' }),
      caseEvent('cat-a-5', a, 'approved', day(50), { formCategory: 'c09' }),
      caseEvent('cat-c-2', c, 'approved', day(50), { formCategory: 'employment' }),
      caseEvent('cat-e-1', freshReceipt(), 'approved', day(50), { formCategory: 'nonsense' }),
      caseEvent('cat-b-2', b, 'approved', day(50), { formCategory: 'usc-other' }),
    ]);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<{ errors: unknown[] }>().errors).toEqual([
      {
        index: 0,
        id: 'cat-d-1',
        field: 'payload.formCategory',
        message:
          'payload.formCategory: "employment" is not a category of the form, e.g. employment (the categories of I-130 are usc-immediate, usc-other, lpr)',
      },
      {
        index: 3,
        id: 'cat-e-1',
        field: 'payload.formCategory',
        message: 'payload.formCategory: "nonsense" is not a category of the form, e.g. employment',
      },
    ]);
    // Once every event is right on its own, those without the form are checked against their case's form.
    const problems = await post([
      caseEvent('cat-d-1', d, 'case_received', day(0), { formCode: 'I-130' }),
      caseEvent('cat-a-5', a, 'approved', day(50), { formCategory: 'c09' }),
      caseEvent('cat-c-2', c, 'approved', day(50), { formCategory: 'employment' }),
      caseEvent('cat-d-2', d, 'approved', day(50), { formCategory: 'c08' }),
      caseEvent('cat-b-2', b, 'approved', day(50), { formCategory: 'usc-other' }),
    ]);
    expect(problems.statusCode).toBe(422);
    expect(
      problems.json<{ errors: { index: number; message: string }[] }>().errors.map((e) => `${e.index}: ${e.message}`),
    ).toEqual([
      '1: payload.formCategory: "c09" is not a category of the form, e.g. employment (the categories of I-485 are employment, family, asylee-refugee, other)',
      '2: payload.formCategory: "employment" is not a category of the form, e.g. employment (N-400 has no categories)',
      '3: payload.formCategory: "c08" is not a category of the form, e.g. employment (the categories of I-130 are usc-immediate, usc-other, lpr)',
    ]);
    expect(await stateOf(d)).toBeUndefined();
    expect([await categoryOf(a), await categoryOf(b), await categoryOf(c)]).toEqual(['family', 'usc-immediate', null]);
    // The right ones alone are applied.
    expect(
      (
        await post([
          caseEvent('cat-d-1', d, 'case_received', day(0), { formCode: 'I-130' }),
          caseEvent('cat-d-2', d, 'approved', day(50), { formCategory: 'usc-other' }),
          caseEvent('cat-b-2', b, 'approved', day(50), { formCategory: 'usc-immediate' }),
        ])
      ).statusCode,
    ).toBe(200);
    expect([await categoryOf(d), await categoryOf(b)]).toEqual(['usc-other', 'usc-immediate']);
  });

  it('refuses empty and oversized batches', async () => {
    expect((await post([])).statusCode).toBe(400);
    expect((await post({ nope: true })).statusCode).toBe(400);
    const many = Array.from({ length: 10_001 }, (_, i) => ({
      id: `big-${i}`,
      receiptNumber: 'EAC9999103403',
      type: 'approved',
      occurredAt: '2026-01-01T00:00:00Z',
    }));
    expect((await post(many)).statusCode).toBe(413);
  });
});

describe('facts from events', () => {
  it('takes the form from the first event naming it, the office from the last transfer, the received date from the received event, the category from the latest', () => {
    const at = (d: string) => new Date(`${d}T00:00:00Z`);
    const facts = factsFromEvents(
      [
        { id: 'b', type: 'transferred', occurredAt: at('2026-03-01'), payload: { officeCode: 'NBC' } },
        { id: 'a', type: 'approved', occurredAt: at('2026-01-01'), payload: { formCode: 'I-765' } },
        { id: 'c', type: 'case_received', occurredAt: at('2026-01-15'), payload: { formCode: 'I-485' } },
      ],
      'IOE',
    );
    expect(facts).toEqual({ formCode: 'I-765', officeCode: 'NBC', receivedAt: at('2026-01-15') });
    const categorised = factsFromEvents(
      [
        { id: 'b', type: 'approved', occurredAt: at('2026-03-01'), payload: { formCategory: 'family' } },
        { id: 'a', type: 'case_received', occurredAt: at('2026-01-01'), payload: { formCategory: 'employment' } },
        { id: 'c', type: 'rfe_sent', occurredAt: at('2026-02-01'), payload: { formCategory: 'other' } },
      ],
      'IOE',
    );
    expect(categorised.formCategory).toBe('family'); // the latest event giving one, whatever the order
    expect(
      factsFromEvents([{ id: 'x', type: 'approved', occurredAt: at('2026-01-01'), payload: {} }], 'LIN').officeCode,
    ).toBe('NSC');
  });
});

describe('the open Request for Evidence', () => {
  const at = (d: string) => new Date(`${d}T00:00:00Z`);
  const sent = (id: string, d: string, due: string) => ({
    id,
    type: 'rfe_sent',
    occurredAt: at(d),
    payload: { responseDue: due },
  });
  const answered = (id: string, d: string) => ({ id, type: 'rfe_response_received', occurredAt: at(d), payload: {} });

  it('is the latest one without a response after it, whatever the order of the events', () => {
    const events = [
      sent('a', '2026-01-01', '2026-03-01'),
      answered('b', '2026-02-01'),
      sent('c', '2026-05-01', '2026-07-01'),
    ];
    for (const order of [events, [...events].reverse(), [events[1]!, events[2]!, events[0]!]]) {
      expect(openRequestForEvidence(order)).toEqual({ sentAt: at('2026-05-01'), responseDue: '2026-07-01' });
    }
    expect(openRequestForEvidence([...events, answered('d', '2026-06-01')])).toBeUndefined();
    expect(openRequestForEvidence([])).toBeUndefined();
  });
});
