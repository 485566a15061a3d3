import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpApplicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { createTestApp, type TestApp } from './harness.js';
import { createStaffMember } from './staff-support.js';
import { seedKnowledgeArticles } from '../src/modules/knowledge/index.js';

/**
 * Every form of the service, posted with arbitrary fields by a visitor, an applicant and staff of every role:
 * never a 5xx (module tests check, form by form, that bad input writes nothing).
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // Knowledge articles to edit, archive and restore (their forms take a slug).
  await seedKnowledgeArticles(t.deps.database.db, t.deps);
});
afterAll(async () => t?.close());

const FIELDS = [
  'email',
  'password',
  'password_confirmation',
  'code',
  'token',
  'kind',
  'reason',
  'roles',
  'display_name',
  'name',
  'phone',
  'topic',
  'description',
  'message',
  'note',
  'resolution',
  'answered',
  'identity_checks',
  'deliver_to',
  'item',
  'enabled',
  'resolve',
  'method',
  'id',
  'given_name',
  'middle_name',
  'family_name',
  'language',
  'notify_email',
  'notify_text',
  'rating',
  'comment',
  'about_form',
  'about_page',
  'response',
  'label',
  'next',
  'receipt_number',
  'representative_type',
  'bar_state',
  'bar_number',
  'organization',
  'street',
  'city',
  'state',
  'zip',
  'slug',
  'audience',
  'title_en',
  'body_en',
  'title_es',
  'body_es',
  'tags',
  'change_note',
  'base_version',
  // Quality review (src/modules/quality): the rubric, the wrong answer and its article, the sample, a dismissal's note.
  'greeting',
  'verification',
  'accuracy',
  'courtesy',
  'wrong_answer',
  'article',
  'article_version',
  'sample',
  // e-Request forms, their status page and the inquiry dates
  'number',
  'dob_month',
  'dob_day',
  'dob_year',
  'requester_role',
  'section_1367',
  'form_number',
  'form_sub_type',
  'filed_month',
  'filed_day',
  'filed_year',
  'a_number',
  'error_item',
  'correct_value',
  'mail_kind',
  'missing_item',
  'street2',
  'accommodation',
  'appointment_kind',
  'appointment_month',
  'appointment_day',
  'appointment_year',
  'criterion',
  'reschedule_kind',
  'form_code',
  'office_code',
  'inquiry_month',
  'inquiry_day',
  'inquiry_year',
  // the agent console
  'channel',
  'type',
  'flags',
  'subject',
  'caller_role',
  'answer_date_of_birth',
  'answer_family_name',
  'answer_zip',
  'answer_a_number',
  'to',
  'escalate_reason',
  'office',
  'route_reason',
  'code',
  'resolution_note',
  // the online appointment request, "View your appointment" and the agent's decision
  'first_name',
  'last_name',
  'country_of_birth',
  'weekdays',
  'time_of_day',
  'text_reminder',
  'reference',
  'confirm',
  'slot',
];
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'administrator',
    'help_desk',
    'true',
    'false',
    'yes',
    'no',
    '1',
    'x@example.com',
    '000000',
    '2026-02-30',
    '../../etc',
    '<script>',
    '\u0000',
    'é'.repeat(3000),
  ),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
);
const form = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 });

/** Routes that end the poster's own session would only make the rest of the run less useful. */
const SKIP = new Set(['/account/sign-out', '/account/sessions/sign-out-others', '/oauth/accesstoken']);

describe('every form, arbitrary input', () => {
  it('never answers 5xx, whoever posts', async () => {
    const admin = await createStaffMember(t, {
      email: 'fuzz.admin@agency.example',
      name: 'Fuzz Admin',
      roles: ['administrator', 'quality_assurance'],
      ip: '10.55.0.1',
    });
    const desk = await createStaffMember(t, {
      email: 'fuzz.desk@agency.example',
      name: 'Fuzz Desk',
      roles: ['help_desk', 'tier2'],
      ip: '10.55.0.2',
    });
    const person = await signUpApplicant(t, 'fuzz.person@example.com', '10.55.0.3');
    const visitor = new TestAgent(t.app, '10.55.0.4');
    const posters = [
      { who: 'visitor', agent: visitor, home: '/account/sign-in' },
      { who: 'applicant', agent: person.agent, home: '/account' },
      { who: 'administrator', agent: admin.agent, home: '/staff' },
      { who: 'help desk', agent: desk.agent, home: '/staff' },
    ];
    const routes = t.app.routeRecords.filter(
      (r) => r.method === 'POST' && !['api-client', 'webhook', 'platform'].includes(r.policy ?? '') && !SKIP.has(r.url),
    );
    expect(routes.length).toBeGreaterThan(40);
    const ids = {
      id: [person.accountId, admin.accountId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid'],
      number: ['30000001', '1', 'abc'],
      slug: ['check-your-case-status', 'caller-verification', 'no-such-article', 'NEW'],
    };
    let requests = 0;
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...posters),
          fc.constantFrom(...ids.id),
          fc.constantFrom(...ids.number),
          fc.constantFrom(...ids.slug),
          form,
          async (poster, id, number, slug, fields) => {
            const url = route.url.replace(':id', id).replace(':number', number).replace(':slug', slug);
            // A fresh page first, as a browser has one: its CSRF token goes with the post.
            await poster.agent.get(poster.home);
            const res = await poster.agent.post(url, fields);
            requests++;
            expect(res.statusCode, `${poster.who} POST ${url} ${JSON.stringify(fields).slice(0, 300)}`).toBeLessThan(
              500,
            );
          },
        ),
        { numRuns: 6 },
      );
      // Keep the sessions alive and the per-address limits out of the way between routes.
      t.clock.advance(61_000);
    }
    expect(requests).toBeGreaterThan(200);
  }, 300_000);
});
