import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Answers no sooner than `minimumMs` after the start, whatever the work took: forms whose work differs with a
 * secret (whether an email has an account) then take the same time for everyone, as long as the work stays under
 * the floor (bench/sign-in/enumeration.ts measures it). The wait is a timer, not CPU.
 */
export async function withMinimumDuration<T>(minimumMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const left = minimumMs - (performance.now() - started);
    if (left > 0) await sleep(left);
  }
}
