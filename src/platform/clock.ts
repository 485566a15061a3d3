/** Time comes in through this interface so that rules about time are tested by moving a fake clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class FakeClock implements Clock {
  #now: number;
  constructor(start: Date | string = '2026-11-23T15:00:00Z') {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(at: Date | string): void {
    this.#now = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  advanceSeconds(s: number): void {
    this.advance(s * 1000);
  }
}
