import { afterEach, describe, expect, it, vi } from 'vitest';
import { withMinimumDuration } from './timing.js';

describe('withMinimumDuration', () => {
  afterEach(() => vi.useRealTimers());

  it('answers only when the floor has passed, however quick the work', async () => {
    vi.useFakeTimers();
    let done = false;
    const answer = withMinimumDuration(250, async () => 'ok').then((v) => {
      done = true;
      return v;
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toBe('ok');
  });

  it('adds nothing after work that took longer, and keeps the floor for failures too', async () => {
    vi.useFakeTimers();
    let settled = false;
    const failing = withMinimumDuration(100, async () => {
      throw new Error('nope');
    }).catch((e: Error) => {
      settled = true;
      return e.message;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await failing).toBe('nope');
    const slow = withMinimumDuration(10, () => new Promise((resolve) => setTimeout(() => resolve('late'), 50)));
    await vi.advanceTimersByTimeAsync(50);
    expect(await slow).toBe('late');
  });
});
