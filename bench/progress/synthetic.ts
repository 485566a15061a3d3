/**
 * Synthetic case histories for the myProgress backtest (docs/my-progress.md), as a CSV of histories:
 *
 *   node --import tsx bench/progress/synthetic.ts [--cases 30000] [--seed 18] > /tmp/histories.csv
 *
 * Four years of receipts for four forms at three offices each. Each office's backlog grows and shrinks: the time
 * to a decision is log-normal around a median that follows a slow wave over the receipt date (so recent receipts
 * tell more than old ones). Biometrics come a few weeks after receipt; N-400 and I-485 have an interview.
 * Deterministic for a seed. Events after the end date (2026-11-30) are left out: those cases are still open.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { cases: { type: 'string' }, seed: { type: 'string' } } });
const COUNT = Number(values.cases ?? 30_000);
let state = Number(values.seed ?? 18) >>> 0;
function rand(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const DAY = 86_400_000;
const START = Date.UTC(2022, 11, 1);
const END = Date.UTC(2026, 10, 30);
const PLANS = [
  { form: 'I-765', category: 'c09', offices: ['NSC', 'TSC', 'PSC'], median: 120, interview: false },
  { form: 'I-130', category: 'usc-immediate', offices: ['CSC', 'NSC', 'VSC'], median: 330, interview: false },
  { form: 'N-400', category: '', offices: ['FO-MIA', 'FO-NYC', 'FO-HOU'], median: 240, interview: true },
  { form: 'I-485', category: 'employment', offices: ['FO-MIA', 'FO-LOS', 'FO-CHI'], median: 300, interview: true },
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const lines = ['receipt_number,form,category,office,event_date,event'];
for (let i = 0; i < COUNT; i++) {
  const plan = PLANS[i % PLANS.length]!;
  const o = Math.floor(rand() * plan.offices.length);
  const office = plan.offices[o]!;
  const received = START + rand() * (END - START);
  // The office's backlog: a wave over the receipt date (period about 2 years), each office its own phase and level.
  const phase = (received - START) / (730 * DAY) + o / 3;
  const median = plan.median * (1 + 0.08 * o) * (1 + 0.35 * Math.sin(2 * Math.PI * phase));
  const total = median * Math.exp(0.35 * normal());
  const receipt = `IOE09${String(i).padStart(8, '0')}`;
  const events: [number, string][] = [[received, 'case_received']];
  const bio = received + Math.max(7, 28 * Math.exp(0.3 * normal())) * DAY;
  events.push([bio - 14 * DAY, 'biometrics_scheduled'], [bio, 'fingerprints_taken']);
  const decided = received + Math.max(total * DAY, bio - received + 10 * DAY);
  if (plan.interview) {
    const interview = decided - Math.max(1, 20 * Math.exp(0.5 * normal())) * DAY;
    if (interview > bio) events.push([interview - 30 * DAY, 'interview_scheduled'], [interview, 'interview_completed']);
  }
  events.push([decided, rand() < 0.9 ? 'approved' : 'Case Was Denied']);
  for (const [at, event] of events) {
    if (at > END) continue;
    lines.push(`${receipt},${plan.form},${plan.category},${office},${day(at)},${event}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
