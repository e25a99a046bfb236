/**
 * Timer-trigger schedules as the Functions host reads them: an NCRONTAB expression with six fields
 * `{second} {minute} {hour} {day} {month} {day-of-week}` (a five-field expression is read with second 0), or a
 * TimeSpan `hh:mm:ss` meaning "every interval". Times are UTC.
 *
 * The cron part is the `croner` library (the app validates its schedule settings with the same library, on its own
 * side). NCRONTAB matches a day only when both the day-of-month and the day-of-week fields match, where Vixie cron
 * takes either: `domAndDow` asks croner for that. An expression with no occurrence in the next five years is refused.
 */
import { Cron } from 'croner';

export interface Schedule {
  /** First occurrence strictly after `after` (epoch ms). */
  next(after: number): number;
}

const FIVE_YEARS_MS = 5 * 366 * 24 * 3600 * 1000;

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  if (timeSpan) {
    const [, d = '0', h = '0', m = '0', s = '0'] = timeSpan;
    const period = (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (period <= 0) throw new Error(`TimeSpan schedule '${expression}' must be positive`);
    return { next: (after) => (Math.floor(after / period) + 1) * period };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(`Schedule '${expression}' is not a six-field NCRONTAB expression or a TimeSpan`);
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { timezone: 'UTC', mode: '5-or-6-parts', domAndDow: true, paused: true });
  } catch (error) {
    throw new Error(`Schedule '${expression}': ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    next(after: number): number {
      const next = cron.nextRun(new Date(after));
      if (!next || next.getTime() - after > FIVE_YEARS_MS) {
        throw new Error(`Schedule '${expression}' has no occurrence in the next five years`);
      }
      return next.getTime();
    },
  };
}
