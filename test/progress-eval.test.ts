import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseHistoriesCsv } from '../bench/progress/histories-csv.js';
import { backtest, publishedAt } from '../src/modules/my-progress/backtest.js';

/** The myProgress backtest (issue 18 point 6): the CSV of histories, the scores, and the command on a file. */

describe('the CSV of histories', () => {
  it('reads quoted fields, CRLF and a byte order mark, with the line each record starts on', () => {
    const records = [...csvRecords('\uFEFFa,b\r\n"x, ""y""",2\n\n"multi\nline",3\n')];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', '2'] },
      { line: 4, fields: ['multi\nline', '3'] },
    ]);
  });

  it('takes event types and status titles, keeps the first time of each milestone, reports bad rows by line', () => {
    const csv = [
      'Receipt_Number,Form,Category,Office,Event_Date,Event',
      'IOE0900000001,I-765,c09,NSC,2025-01-06,case_received',
      'IOE0900000001,I-765,c09,NSC,2025-02-03,Case Was Updated To Show Fingerprints Were Taken',
      'IOE0900000001,I-765,c09,NSC,2025-06-01T10:00:00-04:00,approved',
      'IOE0900000001,I-765,c09,NSC,2025-06-09,Case Was Approved',
      'IOE0900000002,I-765,,NSC,2025-03-01,Case Was Received',
      'IOE0900000002,I-765,,NSC,2025-03-02,notice_issued',
      'IOE09,I-765,,NSC,2025-03-01,case_received',
      'IOE0900000003,I-999,,NSC,2025-03-01,case_received',
      'IOE0900000003,I-765,zz,NSC,2025-03-01,case_received',
      'IOE0900000003,I-765,,XXX,2025-03-01,case_received',
      'IOE0900000003,I-765,,NSC,2025-02-30,case_received',
      'IOE0900000003,I-765,,NSC,2025-03-01,Case Was Teleported',
      'IOE0900000001,N-400,,NSC,2025-03-01,approved',
      'IOE0900000004,I-765,,NSC,2025-03-01,approved',
      'IOE0900000005,I-765,c09',
    ].join('\n');
    const { cases, problems, rows } = parseHistoriesCsv(csv);
    expect(rows).toBe(15);
    expect(cases).toEqual([
      {
        receiptNumber: 'IOE0900000001',
        formCode: 'I-765',
        formCategory: 'c09',
        officeCode: 'NSC',
        receivedAt: new Date('2025-01-06T00:00:00Z'),
        at: { biometrics_taken: new Date('2025-02-03T00:00:00Z'), decided: new Date('2025-06-01T14:00:00Z') },
      },
      {
        receiptNumber: 'IOE0900000002',
        formCode: 'I-765',
        formCategory: 'other', // no category: the form's fallback
        officeCode: 'NSC',
        receivedAt: new Date('2025-03-01T00:00:00Z'),
        at: {},
      },
    ]);
    expect(problems.map((p) => p.line)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(problems[0]!.message).toContain('receipt_number "IOE09"');
    expect(problems[1]!.message).toContain('form "I-999"');
    expect(problems[2]!.message).toContain('category "zz"');
    expect(problems[3]!.message).toContain('office "XXX"');
    expect(problems[4]!.message).toContain('event_date "2025-02-30"');
    expect(problems[5]!.message).toContain('"Case Was Teleported" is neither');
    expect(problems[6]!.message).toContain('form N-400 differs from I-765 on line 2');
    expect(problems[7]!.message).toContain('IOE0900000004 has no receipt event');
    expect(problems[8]!.message).toContain('3 fields');
  });

  it('says what the header lacks', () => {
    const { problems } = parseHistoriesCsv('receipt_number,form,office\n');
    expect(problems.map((p) => p.line)).toEqual([1]);
    expect(problems[0]!.message).toContain('the header lacks category, event_date, event');
  });
});

describe('the backtest', () => {
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  it('computes the naive published figure at the cut-off from the six months before it', () => {
    const c = (received: string, decided?: string) => ({
      formCode: 'I-90',
      formCategory: null,
      officeCode: 'NSC',
      receivedAt: day(received),
      at: decided ? { decided: day(decided) } : {},
    });
    const fig = publishedAt(
      [
        c('2025-01-01', '2025-03-01'), // decided before the six months: left out
        c('2025-03-01', '2025-07-30'), // 151 days
        c('2025-04-01', '2025-08-09'), // 130 days
        c('2025-05-01', '2025-09-18'), // 140 days
        c('2025-06-01', '2025-11-28'), // 180 days
        c('2025-06-01', '2026-01-10'), // after the cut-off: left out
        c('2025-07-01'),
      ],
      day('2025-12-01'),
    );
    expect(fig.get('I-90||NSC')).toEqual({ median: 140, p80: 180 }); // nearest rank: the 4th of 4;
    expect(fig.get('I-90||*')).toEqual({ median: 140, p80: 180 }); // nearest rank: the 4th of 4;
  });

  it('never lets what happened after the cut-off into training, and scores decided and still-open cases', () => {
    const cases = Array.from({ length: 400 }, (_, i) => {
      const receivedAt = new Date(day('2024-01-01').getTime() + i * 2 * 86_400_000);
      const decided = new Date(receivedAt.getTime() + (100 + (i % 50)) * 86_400_000);
      return { formCode: 'I-90', formCategory: null, officeCode: 'NSC', receivedAt, at: { decided } };
    });
    const result = backtest(cases, { cutoff: day('2025-06-01'), dataEnd: day('2026-01-01') });
    // Cases received by the cut-off and not decided then: about 125 days' worth of receipts, every other day.
    expect(result.total.open).toBeGreaterThan(50);
    expect(result.total.open).toBe(result.byForm[0]!.open);
    expect(result.total.ours.decided + result.total.undecided).toBe(result.total.open);
    // A stationary process: the conditional estimate beats received + p80 and covers about 80%.
    expect(result.total.ours.maeDays!).toBeLessThan(result.total.naive.maeDays!);
    expect(result.total.ours.coverageDecided!).toBeGreaterThan(0.7);
  });
});

describe('npm run eval:progress', () => {
  it('runs on a CSV file and writes its markdown', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'progress-eval-'));
    const csv = path.join(dir, 'histories.csv');
    const out = path.join(dir, 'result.md');
    writeFileSync(
      csv,
      execFileSync('node', ['--import', 'tsx', 'bench/progress/synthetic.ts', '--cases', '3000'], { encoding: 'utf8' }),
    );
    const stdout = execFileSync('node', ['--import', 'tsx', 'bench/progress/eval.ts', '--csv', csv, '--out', out], {
      encoding: 'utf8',
    });
    expect(stdout).toContain('All forms');
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('| Form | Open at cut-off |');
    expect(md).toMatch(/\| All forms \| \d+ \|/);
    expect(md).toContain('Cut-off 2025-11-29');
  }, 120_000);
});
