import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// One owner per table (issue 14 item 3, docs/architecture.md "Who owns which table"): every table belongs to one
// module, which alone writes and queries it; other modules ask through its index.ts. This test reads the source of
// src/modules (tests left out) for the tables each module names in a query, and fails on a table of another module,
// unless the pair is listed in STILL_SHARED below (what is left to move, each with its reason).

const ROOT = path.resolve(import.meta.dirname, '..');
const MODULES = path.join(ROOT, 'src/modules');

/**
 * Table → the module that owns it (`platform`: tables of src/platform, no module's). Every table of `Tables`, each
 * declared in its owner's tables.ts (src/modules/<module>/tables.ts; the platform's in src/platform/db/tables.ts).
 */
const OWNERS: Record<string, string> = {
  // accounts: applicant and representative accounts, their sign-in, two-step methods, sessions and throttles
  accounts: 'accounts',
  account_tokens: 'accounts',
  account_totp: 'accounts',
  account_backup_codes: 'accounts',
  account_sessions: 'accounts',
  account_security_events: 'accounts',
  account_external_identities: 'accounts',
  external_sign_in_requests: 'accounts',
  representative_profiles: 'accounts',
  account_phones: 'accounts',
  account_email_otp: 'accounts',
  account_one_time_codes: 'accounts',
  account_passkeys: 'accounts',
  account_webauthn_challenges: 'accounts',
  sign_in_address_failures: 'accounts',
  sign_in_email_failures: 'accounts',
  // the cases of accounts: links and Online Access Codes
  account_cases: 'account-cases',
  online_access_codes: 'account-cases',
  // address-change
  address_changes: 'address-change',
  address_change_cases: 'address-change',
  // appointments: sites, templates, closures, slots and bookings (issue 17)
  appointment_sites: 'appointments',
  appointment_slot_templates: 'appointments',
  appointment_closures: 'appointments',
  appointment_slots: 'appointments',
  appointment_bookings: 'appointments',
  appointment_requests: 'appointment-requests',
  appointment_view_tries: 'appointment-requests',
  // biometrics: the lead time, the requests of case events and the reschedules asked (issue 17 point 2)
  biometrics_settings: 'biometrics',
  biometrics_requests: 'biometrics',
  biometrics_reschedules: 'biometrics',
  // processing times: runs, their figures, and the administrators' inquiry date overrides (issue 18)
  processing_time_runs: 'processing-times',
  processing_time_figures: 'processing-times',
  inquiry_date_overrides: 'processing-times',
  // my-progress: training runs and the precomputed estimates of the myProgress tab (issue 18 point 5)
  progress_models: 'my-progress',
  progress_estimates: 'my-progress',
  // api-clients
  api_clients: 'api-clients',
  api_access_tokens: 'api-clients',
  // agent-console: caller verification on phone and chat
  caller_verifications: 'agent-console',
  // cases: case storage, history, the applicant's identity details
  cases: 'cases',
  case_status_history: 'cases',
  case_applicants: 'cases',
  // case-events: the event log and the events waiting for their case
  case_events: 'case-events',
  case_events_pending: 'case-events',
  // case-subscriptions
  case_subscriptions: 'case-subscriptions',
  sms_opt_outs: 'case-subscriptions',
  // text-ahead: consents per item and number, the texts sent before a callback (issue 16)
  text_ahead_consents: 'text-ahead',
  text_ahead_asks: 'text-ahead',
  // e-request
  inquiry_dates: 'e-request',
  e_request_case_failures: 'e-request',
  // evidence
  case_submissions: 'evidence',
  case_files: 'evidence',
  // help-desk: verified recoveries
  account_recoveries: 'help-desk',
  // callbacks
  callbacks: 'callbacks',
  callback_attempts: 'callbacks',
  callback_settings: 'callbacks',
  // knowledge
  knowledge_articles: 'knowledge',
  knowledge_article_versions: 'knowledge',
  // notices
  case_documents: 'notices',
  mail_batches: 'notices',
  mail_items: 'notices',
  // notifications
  notification_messages: 'notifications',
  notification_status_events: 'notifications',
  // quality
  quality_reviews: 'quality',
  article_fix_tasks: 'quality',
  // service-items
  service_items: 'service-items',
  service_item_events: 'service-items',
  service_queues: 'service-items',
  routing_rules: 'service-items',
  service_item_sla_pauses: 'service-items',
  // staff
  staff_members: 'staff',
  staff_roles: 'staff',
  staff_invitations: 'staff',
  // surveys
  survey_responses: 'surveys',
  service_item_survey_invitations: 'surveys',
  // platform (src/platform): the audit log, one-time form tokens
  audit_log: 'platform',
  form_submissions: 'platform',
  // voice-assistant: the menu versions and the calls (issue 16)
  voice_menu_versions: 'voice-assistant',
  voice_calls: 'voice-assistant',
  voice_call_statuses: 'voice-assistant',
};

/**
 * Modules that still name a table of another module: [module, table, reason]. Sorted, one entry per line; take an
 * entry out when the module asks the owner instead (the test fails on an entry no longer needed).
 */
const STILL_SHARED: [module: string, table: string, reason: string][] = [
  [
    'account-cases',
    'case_applicants',
    'identity facts: the newest applicant case with an A-Number or ZIP, chosen by the join (LIMIT 1)',
  ],
  ['account-cases', 'cases', 'the case list and access codes order and filter by case columns in one statement'],
  ['cases', 'case_events', 'the history of a case (historyOf, ADR 13) reads the event log in the hot status statement'],
  ['dashboards', 'quality_reviews', 'report: scores per week aggregated in the database'],
  ['dashboards', 'service_items', 'report: volumes, SLA and response times aggregated in the database (GROUPING SETS)'],
  ['dashboards', 'service_queues', 'report: the backlog names its queues in the same aggregate'],
  ['knowledge', 'staff_members', 'article versions name their authors (a join for a display name)'],
  ['notices', 'cases', 'the waiting letters are locked FOR UPDATE with their case in one statement'],
  ['quality', 'knowledge_article_versions', 'closing fixed tasks is one concurrency-safe UPDATE with a LATERAL join'],
  ['quality', 'knowledge_articles', 'report: the task list names its articles'],
  [
    'quality',
    'service_items',
    'the seeded sample (md5 order) and scores count over all resolved items in one statement',
  ],
  ['quality', 'staff_members', 'report: reviews and scores name agents and reviewers'],
  ['service-items', 'staff_members', 'the timeline names its agents (a join for a display name)'],
];

interface TableReference {
  module: string;
  table: string;
  file: string;
  line: number;
  /** The Kysely call (`selectFrom`, `innerJoin`, ...) or `sql` for a raw SQL template. */
  how: string;
}

const BUILDER_CALL =
  /\b(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin|innerJoinLateral|leftJoinLateral|crossJoinLateral)\s*\(\s*/g;
const QUOTED = /(['"`])([A-Za-z_][A-Za-z0-9_.]*)(?:\s+as\s+[A-Za-z_][A-Za-z0-9_]*)?\1/y;
/** The start of a raw SQL template: sql`...`, sql<T>`...` (T may nest <>), sql.raw(`...`). */
const SQL_TEMPLATE = /\bsql(?:\s*<[^`;]*?>)?\s*`|\bsql\.raw\(\s*`/g;
const SQL_TABLE = /\b(from|join|into|update)\s+(?:only\s+)?([A-Za-z_][A-Za-z0-9_]*)\b/gi;

/** The literal text of the template starting at `start` (a backtick), each `${...}` replaced by a space. */
function templateText(src: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      text += src.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      return { text, end: i + 1 };
    } else if (c === '$' && src[i + 1] === '{') {
      i = skipExpression(src, i + 2);
      text += ' ';
    } else {
      text += c;
      i += 1;
    }
  }
  return { text, end: i };
}

/** The index after the `}` closing an expression that starts at `i` (nested braces, strings and templates skipped). */
function skipExpression(src: string, i: number): number {
  let depth = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '`') {
      i = templateText(src, i).end;
      continue;
    }
    if (c === "'" || c === '"') {
      i += 1;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
    } else if (c === '{') {
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return i;
}

/** The tables of `tables` that one source file of `module` names in a query builder call or a raw SQL template. */
function tableReferences(source: string, module: string, file: string, tables: ReadonlySet<string>): TableReference[] {
  const found: TableReference[] = [];
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  const add = (table: string, index: number, how: string) => {
    if (tables.has(table)) found.push({ module, table, file, line: lineAt(index), how });
  };
  for (const call of source.matchAll(BUILDER_CALL)) {
    let at = call.index + call[0].length;
    // selectFrom(['a', 'b as x']) names several tables.
    const list = source[at] === '[';
    if (list) at += 1;
    for (;;) {
      while (/\s/.test(source[at] ?? '')) at += 1;
      QUOTED.lastIndex = at;
      const name = QUOTED.exec(source);
      if (!name) break;
      add(name[2]!.split('.').at(-1)!, call.index, call[1]!);
      at = QUOTED.lastIndex;
      if (!list) break;
      while (/\s/.test(source[at] ?? '')) at += 1;
      if (source[at] !== ',') break;
      at += 1;
    }
  }
  for (const template of source.matchAll(SQL_TEMPLATE)) {
    const start = template.index + template[0].length - 1;
    const { text } = templateText(source, start);
    for (const ref of text.matchAll(SQL_TABLE)) add(ref[2]!.toLowerCase(), start, 'sql');
  }
  return found;
}

/** A table of `Tables` and the file whose `interface Tables` (or augmentation of it) declares it. */
interface TableDeclaration {
  table: string;
  file: string;
  /** `platform` for src/platform/db/tables.ts, the module for src/modules/<module>/tables.ts, else the file itself. */
  declaredBy: string;
}

/**
 * The tables of `Tables` where they are declared: the platform's in src/platform/db/tables.ts, each module's in its
 * tables.ts (`declare module '../../platform/db/tables.js' { interface Tables { ... } }`). Every file of src that
 * declares or augments `interface Tables` is read, so a table declared anywhere else shows up with its file.
 */
function tableDeclarations(): TableDeclaration[] {
  const found: TableDeclaration[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      if (!name.endsWith('.ts')) continue;
      // Comments left out: the platform file's header shows an augmentation as an example.
      const source = readFileSync(full, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const file = path.relative(ROOT, full).split(path.sep).join('/');
      const declaredBy =
        file === 'src/platform/db/tables.ts'
          ? 'platform'
          : (/^src\/modules\/([^/]+)\/tables\.ts$/.exec(file)?.[1] ?? file);
      for (const body of source.matchAll(/\binterface Tables \{([\s\S]*?)\n\s*\}/g)) {
        for (const m of body[1]!.matchAll(/^\s+([a-z_][a-z0-9_]*)\s*:/gm))
          found.push({ table: m[1]!, file, declaredBy });
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return found;
}

function moduleSources(): { module: string; file: string; source: string }[] {
  const files: { module: string; file: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
        const file = path.relative(ROOT, full);
        files.push({ module: file.split(path.sep)[2]!, file, source: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(MODULES);
  return files;
}

/** References to a table of another module that STILL_SHARED does not allow, as `module -> table (file:line how)`. */
function violations(
  references: TableReference[],
  owners: Record<string, string>,
  allowed: readonly (readonly [string, string, string])[],
): string[] {
  const shared = new Set(allowed.map(([m, t]) => `${m} ${t}`));
  return references
    .filter((r) => owners[r.table] !== r.module && !shared.has(`${r.module} ${r.table}`))
    .map((r) => `${r.module} -> ${r.table} (${r.file}:${r.line} ${r.how}; owner: ${owners[r.table] ?? 'none'})`);
}

/** The ownership table of docs/architecture.md ("Who owns which table"): module → its tables. */
function documentedOwners(): Record<string, string> {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = /## Who owns which table\n([\s\S]*?)(?=\n## )/.exec(doc)?.[1] ?? '';
  const owners: Record<string, string> = {};
  for (const row of section.matchAll(/^\| `([a-z-]+)` \| (.+) \|$/gm)) {
    for (const table of row[2]!.matchAll(/`([a-z_]+)`/g)) owners[table[1]!] = row[1]!;
  }
  return owners;
}

describe('one owner per table', () => {
  const declarations = tableDeclarations();
  const tables = declarations.map((d) => d.table);
  const tableSet = new Set(tables);
  const references = moduleSources().flatMap((f) => tableReferences(f.source, f.module, f.file, tableSet));

  it('names an owner for every table of Tables, and only for those, each a module or the platform', () => {
    expect(tables.length).toBeGreaterThan(40);
    expect(Object.keys(OWNERS).sort()).toEqual([...tables].sort());
    const modules = new Set(readdirSync(MODULES).filter((name) => statSync(path.join(MODULES, name)).isDirectory()));
    expect(Object.values(OWNERS).filter((owner) => owner !== 'platform' && !modules.has(owner))).toEqual([]);
  });

  it("declares each table once, in its owner's tables.ts (the platform's in src/platform/db/tables.ts)", () => {
    expect(tables.length).toBe(new Set(tables).size);
    expect(declarations.filter((d) => d.declaredBy !== OWNERS[d.table])).toEqual([]);
  });

  it('documents the same owners in docs/architecture.md', () => {
    expect(documentedOwners()).toEqual(OWNERS);
  });

  it('finds each module querying only its own tables, besides the pairs still shared', () => {
    // The scan sees something: the modules query their own tables.
    expect(references.filter((r) => OWNERS[r.table] === r.module).length).toBeGreaterThan(100);
    expect(violations(references, OWNERS, STILL_SHARED)).toEqual([]);
  });

  it('keeps STILL_SHARED sorted, with a reason each, and only entries still needed', () => {
    const keys = STILL_SHARED.map(([m, t]) => `${m} ${t}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    for (const [module, table, reason] of STILL_SHARED) {
      expect(OWNERS[table], `${module} ${table}`).toBeDefined();
      expect(OWNERS[table], `${module} ${table}: the module owns it`).not.toBe(module);
      expect(reason.trim().length, `${module} ${table}: a reason`).toBeGreaterThan(10);
    }
    const used = new Set(references.map((r) => `${r.module} ${r.table}`));
    expect(
      keys.filter((k) => !used.has(k)),
      'entries no longer needed: take them out',
    ).toEqual([]);
  });

  it("fails on a deliberate violation: builder calls, aliases, joins and raw SQL of another module's tables", () => {
    const fixture = [
      "import { sql } from 'kysely';",
      '// A comment naming accounts is not a query.',
      "const a = await db.selectFrom('accounts as a').innerJoin('account_phones as p', 'p.account_id', 'a.id').selectAll().execute();",
      "await db.updateTable('account_recoveries').set({ completed_at: now }).execute();",
      'await db.deleteFrom("account_totp").execute();',
      "const b = await db.selectFrom(['cases as c', 'case_applicants']).selectAll().execute();",
      'const c = await sql<{ n: number }>`select count(*) as n from account_passkeys p',
      '  join account_cases l on l.account_id = p.account_id where p.id = ${id}`.execute(db);',
      'await sql`INSERT INTO audit_log (x) SELECT ${sql`1`} FROM unnest(${ids}::int[]) AS f (x)`.execute(db);',
      "const ok = 'select * from accounts'; // a string that is not a sql template is not scanned",
    ].join('\n');
    const refs = tableReferences(fixture, 'help-desk', 'fixture.ts', tableSet);
    expect(refs.map((r) => `${r.table}:${r.line}:${r.how}`)).toEqual([
      'accounts:3:selectFrom',
      'account_phones:3:innerJoin',
      'account_recoveries:4:updateTable',
      'account_totp:5:deleteFrom',
      'cases:6:selectFrom',
      'case_applicants:6:selectFrom',
      'account_passkeys:7:sql',
      'account_cases:7:sql',
      'audit_log:9:sql',
    ]);
    expect(violations(refs, OWNERS, [])).toEqual([
      'help-desk -> accounts (fixture.ts:3 selectFrom; owner: accounts)',
      'help-desk -> account_phones (fixture.ts:3 innerJoin; owner: accounts)',
      'help-desk -> account_totp (fixture.ts:5 deleteFrom; owner: accounts)',
      'help-desk -> cases (fixture.ts:6 selectFrom; owner: cases)',
      'help-desk -> case_applicants (fixture.ts:6 selectFrom; owner: cases)',
      'help-desk -> account_passkeys (fixture.ts:7 sql; owner: accounts)',
      'help-desk -> account_cases (fixture.ts:7 sql; owner: account-cases)',
      'help-desk -> audit_log (fixture.ts:9 sql; owner: platform)',
    ]);
    // An allowed pair passes; the module's own table is never a violation.
    expect(violations(refs, OWNERS, [['help-desk', 'accounts', 'reason']])).not.toContain(
      'help-desk -> accounts (fixture.ts:3 selectFrom; owner: accounts)',
    );
    expect(violations(refs, OWNERS, []).some((v) => v.includes('account_recoveries'))).toBe(false);
  });
});
