import { BusinessCalendar } from '../service-items/index.js';

/**
 * When agents answer the phone, and how long a caller would wait (issue 16 point 1).
 *
 * Estimated wait, in whole minutes (at least 1):
 *   median handling time (claim to resolution) of the queue's last resolved phone items (8 minutes when there are
 *   none yet) x (calls waiting + 1, this caller) / agents working the queue (at least 1).
 * The median resists the odd very long call; the +1 counts the caller's own turn.
 */
export const DEFAULT_HANDLING_MINUTES = 8;
export const HANDLING_SAMPLE = 50;

export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function estimatedWaitMinutes(p: {
  handlingMinutes: readonly number[];
  waiting: number;
  agents: number;
}): number {
  const handling = median(p.handlingMinutes) ?? DEFAULT_HANDLING_MINUTES;
  return Math.max(1, Math.ceil((handling * (Math.max(0, p.waiting) + 1)) / Math.max(1, p.agents)));
}

/** Opening hours of the live lines: 'HH:MM' local to the agency, on its business days (service-items/sla.ts). */
export interface LiveHours {
  open: string;
  close: string;
}

export function parseHours(value: string): LiveHours | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(value.trim());
  if (!m) return undefined;
  const open = `${m[1]}:${m[2]}`;
  const close = `${m[3]}:${m[4]}`;
  return open < close ? { open, close } : undefined;
}

function localClock(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.hour}:${parts.minute}`;
}

/** Whether the live lines are open at `at`: a business day (no weekend, no federal holiday) within the hours. */
export function isOpen(at: Date, timeZone: string, hours: LiveHours): boolean {
  if (!BusinessCalendar.for(timeZone).isBusinessDay(at)) return false;
  const now = localClock(at, timeZone);
  return now >= hours.open && now < hours.close;
}
