import * as cheerio from 'cheerio';
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_TYPES } from '../src/modules/agent-console/service.js';
import { REQUEST_TYPES } from '../src/modules/e-request/schema.js';
import { HELP_TOPICS } from '../src/modules/help-desk/service.js';
import { STAFF_ROLES, type StaffRole } from '../src/modules/staff/roles.js';
import {
  createI18n,
  LANGUAGES,
  loadCatalogs,
  type I18n,
  type Language,
  type Translate,
} from '../src/platform/i18n/index.js';
import { signUpApplicant, type Applicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { apiToken, createTestApp, type TestApp } from './harness.js';
import { createStaffMember } from './staff-support.js';

/**
 * Issue 15 point 13: no page shows an i18n key instead of its text. Every GET route that answers HTML is rendered in
 * English and Spanish as a visitor, an applicant (with a case) and staff of every role, and fails on
 * - a key looked up that neither catalog of that language has (i18next would show the key, or a raw defaultValue
 *   such as "locked_out"), and
 * - text on the page that looks like a key path of the catalogs ("staff.tool_intro", "agent:types.x"): i18next returns
 *   the key without its namespace when it is missing.
 */

const catalogs = loadCatalogs();
const checker = i18next.createInstance();
void checker.init({
  initAsync: false,
  resources: catalogs,
  lng: 'en',
  fallbackLng: false,
  ns: Object.keys(catalogs.en),
  defaultNS: 'common',
  returnNull: false,
});

/** Where the requests are: the page whose rendering asked for a missing key. */
let current = '(outside a request)';
const missing = new Set<string>();

/** The real i18n, noting every key that does not resolve in the language asked (plurals and contexts included). */
function recordingI18n(): I18n {
  const real = createI18n();
  return {
    t(lang: Language): Translate {
      const t = real.t(lang);
      return ((key: string | string[], options?: Record<string, unknown>) => {
        const keys = Array.isArray(key) ? key : [key];
        const resolves = keys.some((k) => checker.exists(k, { ...options, lng: lang }));
        if (!resolves) missing.add(`${current}: ${lang} ${keys.join(' | ')}`);
        return (t as (k: unknown, o?: unknown) => string)(key, options);
      }) as unknown as Translate;
    },
  };
}

/** Every object path of every catalog ("tools", "staff", "types.x"), per namespace: a key's parent sections. */
const sections = new Set<string>();
const keyPaths = new Set<string>();
function walk(value: unknown, prefix: string): void {
  if (value === null || typeof value !== 'object') {
    keyPaths.add(prefix);
    return;
  }
  if (prefix) sections.add(prefix);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, prefix ? `${prefix}.${k}` : k);
}
for (const lang of LANGUAGES) for (const tree of Object.values(catalogs[lang])) walk(tree, '');
const namespaces = new Set(Object.keys(catalogs.en));

const KEY_LIKE = /(?<![\w@/.-])(?:([a-z][a-z0-9_]*):)?([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?![\w@/-])/g;

/** Text of the page that reads like a key path: a namespace prefix, a known key, or a key under a known section. */
function keyLikeTexts(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(KEY_LIKE)) {
    const [whole, ns, path] = m;
    const parent = path!.slice(0, path!.lastIndexOf('.'));
    if ((ns && namespaces.has(ns)) || keyPaths.has(path!) || sections.has(parent)) found.push(whole);
  }
  return found;
}

/** What a person reads on a page: the text (without scripts and styles) and the texts of labelling attributes. */
function readableText(body: string): string {
  const $ = cheerio.load(body.replace(/</g, ' <'));
  $('script, style').remove();
  const attributes = $('[aria-label], [title], [placeholder], [alt]')
    .map((_, el) => ['aria-label', 'title', 'placeholder', 'alt'].map((a) => $(el).attr(a) ?? '').join(' '))
    .get()
    .join(' ');
  return `${$('title').text()} ${$('body').text()} ${attributes}`;
}

let t: TestApp;
let applicant: Applicant;
const staff: [string, TestAgent, string][] = [];
let receipt = 'EAC9999103403';
let itemNumber = '30000001';
let slug = 'x';
let staffAccountId = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await createTestApp({ i18n: recordingI18n() });
  applicant = await signUpApplicant(t, 'untranslated.keys@example.com', '10.91.0.1');
  // Staff of every role, alone (the protected-cases designation goes with the officer role).
  const roleSets: StaffRole[][] = STAFF_ROLES.map((r) => (r === 'protected_cases' ? ['officer', r] : [r]));
  for (const [i, roles] of roleSets.entries()) {
    const ip = `10.91.1.${i + 1}`;
    const person = await createStaffMember(t, {
      email: `keys.${roles.join('.')}@agency.example`,
      name: `Keys ${roles.join(' ')}`,
      roles,
      ip,
    });
    staff.push([`staff ${roles.join('+')}`, person.agent, ip]);
    staffAccountId = person.accountId;
  }
  // An online case in the applicant's account, so its pages render.
  const oan = (
    await t.deps.database.db
      .selectFrom('accounts')
      .select('online_account_number')
      .where('id', '=', applicant.accountId)
      .executeTakeFirstOrThrow()
  ).online_account_number;
  receipt = 'IOE0991100101';
  const { token } = await apiToken(t, ['case_events:write']);
  const events = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        id: 'keys-1',
        receiptNumber: receipt,
        type: 'case_received',
        occurredAt: '2026-09-01T15:00:00Z',
        payload: { formCode: 'I-765', channel: 'online', onlineAccountNumber: oan },
      },
    ],
  });
  expect(events.statusCode).toBeLessThan(300);
  // A technical-help request about a lockout: its item shows its type on staff pages.
  const visitor = new TestAgent(t.app, '10.91.2.1');
  await visitor.get('/help/technical');
  const sent = await visitor.post('/help/technical', {
    topic: 'locked_out',
    description: 'I typed my code wrong too many times.',
    name: 'Rosa Díaz',
    email: 'rosa.keys@example.com',
  });
  expect(sent.statusCode).toBe(303);
  itemNumber = /number=(\d+)/.exec(sent.headers.location as string)![1]!;
  const article = await t.deps.database.db.selectFrom('knowledge_articles').select('slug').executeTakeFirst();
  if (article) slug = article.slug;
}, 300_000);
afterAll(async () => t?.close());

function urlFor(path: string): string {
  return path
    .replace(/^\/staff\/help-desk\/accounts\/:id/, `/staff/help-desk/accounts/${applicant.accountId}`)
    .replace(/^\/staff\/admin\/staff\/:id/, `/staff/admin/staff/${staffAccountId}`)
    .replace(/:(receipt|receiptNumber)\b/g, receipt)
    .replace(/:number\b/g, itemNumber)
    .replace(/:slug\b/g, slug)
    .replace(/:n\b/g, '1')
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:[a-zA-Z]+/g, '1')
    .replace(/\*$/, 'x');
}

describe('untranslated keys', () => {
  it('reads like key paths in the test itself', () => {
    expect(keyLikeTexts('Type: locked_out. staff.tool_intro and tools.agent_intro; e_request:staff.tool')).toEqual([
      'staff.tool_intro',
      'tools.agent_intro',
      'e_request:staff.tool',
    ]);
    expect(keyLikeTexts('Write to help@agency.example or see www.uscis.gov and casedesk.openapi.json')).toEqual([]);
  });

  it('every type a service item can have is named on agent and quality pages, in both languages', () => {
    // Items come from calls and chats, e-Requests, the technical-help form and secure messages.
    const types = new Set<string>([...CONTACT_TYPES, ...REQUEST_TYPES, ...HELP_TOPICS, 'secure_message']);
    const unnamed = [...types].flatMap((type) =>
      LANGUAGES.flatMap((lng) =>
        ['agent', 'quality']
          .filter((ns) => !checker.exists(`${ns}:types.${type}`, { lng }))
          .map((ns) => `${lng} ${ns}:types.${type}`),
      ),
    );
    expect(unnamed).toEqual([]);
  });

  it('none on any HTML page, in English and Spanish, as a visitor, an applicant and staff of every role', async () => {
    const routes = t.app.routeRecords.filter((r) => r.method === 'GET' && !r.url.endsWith('.csv'));
    expect(routes.length).toBeGreaterThan(100);
    const who: [string, TestAgent | undefined, string][] = [
      ['visitor', undefined, '10.91.3.1'],
      ['applicant', applicant.agent, '10.91.0.1'],
      ...staff,
    ];
    const onPages: string[] = [];
    let pages = 0;
    for (const [name, agent, ip] of who) {
      for (const lang of LANGUAGES) {
        for (const route of routes) {
          const url = `${urlFor(route.url)}?lang=${lang}`;
          current = `${name} GET ${url}`;
          const res = await t.app.inject({
            method: 'GET',
            url,
            headers: { cookie: agent?.cookieHeader ?? '' },
            remoteAddress: name === 'visitor' ? `10.91.3.${lang === 'en' ? 1 : 2}` : ip,
          });
          if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
          pages++;
          for (const text of keyLikeTexts(readableText(res.body))) onPages.push(`${current}: "${text}"`);
        }
      }
    }
    current = '(outside a request)';
    expect(pages).toBeGreaterThan(1000);
    expect({ onPages: [...new Set(onPages)], missing: [...missing] }).toEqual({ onPages: [], missing: [] });
  }, 600_000);
});
