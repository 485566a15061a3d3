import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './case-events/common.js';

/**
 * Writes a benchmark's markdown to bench/results/<name>-<date>.md, or -2, -3... when the day already has one (earlier
 * results stay), unless BENCH_NO_WRITE=1; says where.
 */
export function writeResults(name: string, lines: readonly string[]): void {
  if (process.env.BENCH_NO_WRITE === '1') return;
  const day = new Date().toISOString().slice(0, 10);
  let file = path.join(ROOT, `bench/results/${name}-${day}.md`);
  for (let n = 2; existsSync(file); n++) file = path.join(ROOT, `bench/results/${name}-${day}-${n}.md`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  console.log(`Written to ${path.relative(ROOT, file)}`);
}
