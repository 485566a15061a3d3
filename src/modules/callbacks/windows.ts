import { BusinessCalendar, localTimeOf, nextLocalWindow } from '../service-items/index.js';

/**
 * The calling window policy (CB-1, issue 16): 8 a.m. to 9 p.m. in the customer's own time zone, on business days
 * (Monday to Friday, federal holidays and their observed days excepted, as the project's BusinessCalendar says, read
 * for the customer's local date); every day, weekends and federal holidays included, while an administrator has
 * high-volume mode on. Callbacks are placed only inside it.
 *
 * Holidays in high-volume mode (decision): CB-1 lets callbacks come "outside business hours, weekends included, when
 * volume is high"; a federal holiday is a day outside business hours like a weekend day, and the administrator's one
 * switch is what says the agency calls outside business days now. So high-volume mode opens holidays as it opens
 * weekends; without it, a holiday has no window.
 */
export const CALLING_WINDOW = { openMinutes: 8 * 60, closeMinutes: 21 * 60 } as const;
/**
 * A first attempt starts no later than 90 minutes before the window closes, so that the voicemail's promise (a second
 * attempt within 60-90 minutes, CB-3) can be kept inside the window: a callback asked for at 8:30 p.m. local waits
 * for 8 a.m. The last attempt may use the whole window.
 */
export const LAST_FIRST_ATTEMPT_MINUTES = CALLING_WINDOW.closeMinutes - 90;
const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6] as const;

export interface CallingWindow {
  /** The first moment the call may be placed (from `from` when the window is already open). */
  start: Date;
  /** When the window closes. */
  end: Date;
}

/**
 * The first calling window, in `timeZone`, that is open at `from` or opens after it; for a first attempt (`attempts`
 * 0) it closes at 7:30 p.m. (LAST_FIRST_ATTEMPT_MINUTES).
 */
export function callingWindow(from: Date, timeZone: string, highVolume: boolean, attempts = 1): CallingWindow {
  const calendar = BusinessCalendar.for(timeZone);
  let after = from;
  // A window on a federal holiday (local date) is skipped: the search goes on from the next local midnight. At most
  // a few holidays follow one another (a holiday, its observed day), so this ends quickly.
  for (let i = 0; i < 8; i++) {
    const w = nextLocalWindow(after, timeZone, {
      openMinutes: CALLING_WINDOW.openMinutes,
      closeMinutes: attempts === 0 ? LAST_FIRST_ATTEMPT_MINUTES : CALLING_WINDOW.closeMinutes,
      weekdays: highVolume ? EVERY_DAY : WEEKDAYS,
    });
    if (!w) break;
    if (highVolume || !calendar.isHoliday(w.start)) return w;
    after = new Date(calendar.endOfDay(w.start).getTime() + 1);
  }
  throw new Error('no calling window');
}

/** Whether a call may be placed at `at` in `timeZone` (the same policy, asked of one instant). */
export function isInsideWindow(at: Date, timeZone: string, highVolume: boolean): boolean {
  const local = localTimeOf(at, timeZone);
  if (!highVolume && !BusinessCalendar.for(timeZone).isBusinessDay(at)) return false;
  return local.minutes >= CALLING_WINDOW.openMinutes && local.minutes < CALLING_WINDOW.closeMinutes;
}

/** A second attempt comes 60 to 90 minutes after an unanswered first one (CB-3), inside a window. */
export const SECOND_ATTEMPT_AFTER_MS = 60 * 60_000;
export const SECOND_ATTEMPT_WITHIN_MS = 90 * 60_000;
/** How long a Text Ahead ask waits for its reply (CB-6). */
export const TEXT_AHEAD_WAIT_MS = 60 * 60_000;
