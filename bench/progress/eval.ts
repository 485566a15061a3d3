/**
 * The myProgress backtest (issue 18 point 6; docs/my-progress.md).
 *
 *   npm run eval:progress -- [--cutoff YYYY-MM-DD] [--csv FILE] [--window-months N] [--half-life-months N] [--out FILE]
 *
 * Reads case histories from a CSV file (--csv, format in docs/my-progress.md) or from the database of DATABASE_URL,
 * else the embedded one (CASEDESK_DATA_DIR, migrated and seeded with demo data on first use, as `casedesk serve`
 * does). Trains on the histories as they stood at the cut-off (default: 12 months before the latest event),
 * predicts the cases open then and scores against what happened after, next to the naive estimate (received date +
 * the processing time the agency would have published at the cut-off). Prints a table and writes markdown to
 * bench/results/progress-eval-<date>.md (or --out).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { MY_PROGRESS_FORMS, caseTimelines, countCases, seedDemoData } from '../../src/modules/cases/index.js';
import { backtest, type BacktestResult, type FormResult } from '../../src/modules/my-progress/backtest.js';
import type { ProgressCase } from '../../src/modules/my-progress/estimator.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { parseHistoriesCsv } from './histories-csv.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values } = parseArgs({
  options: {
    cutoff: { type: 'string' },
    csv: { type: 'string' },
    'window-months': { type: 'string' },
    'half-life-months': { type: 'string' },
    out: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`eval:progress: ${message}`);
  process.exit(2);
}

async function fromDatabase(): Promise<{ cases: ProgressCase[]; source: string }> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    if (config.database.kind === 'pglite') {
      await migrateToLatest(database.db);
      if ((await countCases(database.db)) === 0)
        await seedDemoData(database.db, {
          seed: config.seed.seed,
          count: config.seed.cases,
          asOf: new Date(new Date().toISOString().slice(0, 10)),
        });
    }
    const cases: ProgressCase[] = [];
    for await (const batch of caseTimelines(database.db)) cases.push(...batch);
    const source =
      config.database.kind === 'pglite'
        ? `embedded database (${config.database.dataDir})`
        : 'PostgreSQL (DATABASE_URL)';
    return { cases, source };
  } finally {
    await database.close();
  }
}

function fromCsv(file: string): { cases: ProgressCase[]; source: string; problems: string[] } {
  const { cases, problems, rows } = parseHistoriesCsv(readFileSync(file, 'utf8'));
  const shown = problems.slice(0, 20).map((p) => `line ${p.line}: ${p.message}`);
  if (problems.length > 20) shown.push(`... and ${problems.length - 20} more`);
  for (const line of shown) console.error(`${file}: ${line}`);
  if (!cases.length) fail(`${file}: no usable case histories (${rows} rows, ${problems.length} problems)`);
  return {
    cases,
    source: `${path.basename(file)} (${rows} rows, ${cases.length} cases, ${problems.length} rows or cases left out)`,
    problems: shown,
  };
}

const days = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const ratio = (r: FormResult) =>
  r.ours.maeDays !== null && r.naive.maeDays ? (r.ours.maeDays / r.naive.maeDays).toFixed(2) : 'n/a';

const HEADERS = [
  'Form',
  'Open at cut-off',
  'Decided after',
  'Still open',
  'Too few',
  'MAE ours (d)',
  'MAE naive (d)',
  'Ratio',
  'Coverage ours (decided)',
  'Coverage ours (all)',
  'Coverage naive (decided)',
  'Coverage naive (all)',
];

function row(r: FormResult): string[] {
  return [
    r.form,
    String(r.open),
    String(r.ours.decided),
    String(r.undecided),
    String(r.tooFew),
    days(r.ours.maeDays),
    days(r.naive.maeDays),
    ratio(r),
    pct(r.ours.coverageDecided),
    pct(r.ours.coverageAll),
    pct(r.naive.coverageDecided),
    pct(r.naive.coverageAll),
  ];
}

function markdown(
  result: BacktestResult,
  source: string,
  windowMonths: number,
  halfLifeMonths: number,
  problems: string[],
): string {
  const d = (x: Date) => x.toISOString().slice(0, 10);
  const rows = [...result.byForm, result.total].map(row);
  const t = result.total;
  const maeOk = t.ours.maeDays !== null && t.naive.maeDays !== null && t.ours.maeDays <= 0.7 * t.naive.maeDays;
  const cov = t.ours.coverageAll;
  const covOk = cov !== null && cov >= 0.75 && cov <= 0.85;
  return `# myProgress backtest, ${d(new Date())}

Source: ${source}. Cut-off ${d(result.cutoff)}, data end ${d(result.dataEnd)}; the estimator learnt from
${result.trainedCases} cases received in the ${windowMonths} months before the cut-off${halfLifeMonths ? ` (weights halving every ${halfLifeMonths} months of receipt age)` : ''}. Scored: the cases of the forms
myProgress covers (${MY_PROGRESS_FORMS.join(', ')}) open at the cut-off.
${result.noNaive ? `${result.noNaive} cases open at the cut-off had no published figure (no completion in the six months before it at their office or any office) and are left out of both scores.\n` : ''}
| ${HEADERS.join(' | ')} |
| ${HEADERS.map(() => '---').join(' | ')} |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Targets (all forms): MAE <= 0.7 x naive: ${maeOk ? 'met' : 'not met'} (ratio ${ratio(t)}); coverage of the 80% ranges
75-85%: ${covOk ? 'met' : 'not met'} (${pct(cov)} counting still-open cases, ${pct(t.ours.coverageDecided)} over decided cases only).

How to read it: MAE is over the cases decided between the cut-off and the data end (cases still open then have no
actual date). "Coverage (all)" counts a case still open at the data end as covered when its range ends after the
data end (it may still land inside), so it is an upper bound for those cases; "Coverage (decided)" leaves them out,
which favours quick decisions and so understates a range's upper end. "Too few": cases whose stratum had fewer than
30 decided cases at the office and across offices; myProgress shows the published time for them, so they are scored
with the naive estimate. Naive: received date + the 80th percentile of completion times in the six months before the
cut-off (per form, category and office, else across offices), range median to 80th percentile.
${problems.length ? `\nCSV rows left out (first ${problems.length}):\n\n${problems.map((p) => `- ${p}`).join('\n')}\n` : ''}`;
}

async function main(): Promise<void> {
  const windowMonths = values['window-months'] ? Number(values['window-months']) : 24;
  if (!Number.isInteger(windowMonths) || windowMonths < 1 || windowMonths > 120)
    fail('--window-months must be a whole number from 1 to 120');
  const halfLifeMonths = values['half-life-months'] ? Number(values['half-life-months']) : 0;
  if (!Number.isFinite(halfLifeMonths) || halfLifeMonths < 0) fail('--half-life-months must be a number, 0 or more');
  const loaded = values.csv ? fromCsv(values.csv) : { ...(await fromDatabase()), problems: [] };
  const { cases, source } = loaded;
  if (!cases.length) fail(`${source}: no cases`);
  let latest = 0;
  for (const c of cases) {
    latest = Math.max(latest, c.receivedAt.getTime());
    for (const d of Object.values(c.at)) latest = Math.max(latest, d.getTime());
  }
  const dataEnd = new Date(latest);
  let cutoff: Date;
  if (values.cutoff) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.cutoff)) fail('--cutoff must be YYYY-MM-DD');
    cutoff = new Date(`${values.cutoff}T00:00:00Z`);
    if (Number.isNaN(cutoff.getTime())) fail('--cutoff must be a real date');
  } else {
    cutoff = new Date(dataEnd);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 12);
  }
  if (cutoff >= dataEnd) fail(`the cut-off ${values.cutoff} is not before the latest event (${dataEnd.toISOString()})`);
  // The forms myProgress covers (PT-3); the naive figures and the curves use every case of those forms.
  const result = backtest(cases, {
    cutoff,
    dataEnd,
    estimator: { windowMonths, halfLifeMonths },
    forms: MY_PROGRESS_FORMS,
  });
  console.table([...result.byForm, result.total].map((r) => Object.fromEntries(HEADERS.map((h, i) => [h, row(r)[i]]))));
  const out =
    values.out ?? path.join(ROOT, 'bench/results', `progress-eval-${new Date().toISOString().slice(0, 10)}.md`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, markdown(result, source, windowMonths, halfLifeMonths, loaded.problems));
  console.log(`written ${path.relative(process.cwd(), out)}`);
}

await main();
