/**
 * NCRONTAB schedules as the Functions timer trigger reads them: six fields
 * `{second} {minute} {hour} {day} {month} {day-of-week}` (a five-field expression is read with
 * second 0), or a TimeSpan `hh:mm:ss` meaning "every interval". Times are UTC.
 */
export interface Schedule {
  /** First occurrence strictly after `after` (epoch ms). */
  next(after: number): number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function parseField(field: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> {
  const values = new Set<number>();
  const value = (text: string): number => {
    const upper = text.toUpperCase();
    const named = names ? names.indexOf(upper.slice(0, 3)) : -1;
    const n = named >= 0 && /^[A-Z]/.test(upper) ? named + nameBase : Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`'${text}' is out of range ${min}-${max} in schedule field '${field}'`);
    }
    return n;
  };
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`Bad step in schedule field '${field}'`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (from > to) throw new Error(`Bad range '${range}' in schedule field '${field}'`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text);
  if (timeSpan) {
    const [, d = '0', h = '0', m = '0', s = '0'] = timeSpan;
    const period = (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (period <= 0) throw new Error(`TimeSpan schedule '${expression}' must be positive`);
    return { next: (after) => (Math.floor(after / period) + 1) * period };
  }
  let fields = text.split(/\s+/);
  if (fields.length === 5) fields = ['0', ...fields];
  if (fields.length !== 6) {
    throw new Error(`Schedule '${expression}' is not a six-field NCRONTAB expression or a TimeSpan`);
  }
  const [sec = '', min = '', hour = '', day = '', month = '', dow = ''] = fields;
  const seconds = parseField(sec, 0, 59);
  const minutes = parseField(min, 0, 59);
  const hours = parseField(hour, 0, 23);
  const days = parseField(day, 1, 31);
  const months = parseField(month, 1, 12, MONTHS, 1);
  const weekdays = new Set([...parseField(dow, 0, 7, DAYS)].map((d) => d % 7));
  const anyDay = day === '*';
  const anyWeekday = dow === '*';
  const dayMatches = (date: Date): boolean => {
    const dom = days.has(date.getUTCDate());
    const wd = weekdays.has(date.getUTCDay());
    if (anyDay && anyWeekday) return true;
    if (anyDay) return wd;
    if (anyWeekday) return dom;
    return dom && wd;
  };

  return {
    next(after: number): number {
      const d = new Date(Math.floor(after / 1000) * 1000 + 1000);
      const limit = after + 5 * 366 * 24 * 3600 * 1000;
      while (d.getTime() <= limit) {
        if (!months.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0);
          continue;
        }
        if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0);
          continue;
        }
        if (!hours.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0);
          continue;
        }
        if (!minutes.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0);
          continue;
        }
        if (!seconds.has(d.getUTCSeconds())) {
          d.setUTCSeconds(d.getUTCSeconds() + 1);
          continue;
        }
        return d.getTime();
      }
      throw new Error(`Schedule '${expression}' has no occurrence in the next five years`);
    },
  };
}
