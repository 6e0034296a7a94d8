// Calendar arithmetic in the clinic's zone: local dates, Monday-based weeks and their UTC bounds (DST days are 23 or 25 h long).
import { DAY_MS } from '@pumpwatch/shared';
import { formatLocalDate, localInputToInstant } from '../../lib/format';

/** `YYYY-MM-DD` + n calendar days (pure date arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 Monday .. 7 Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The calendar date of an instant in the clinic's zone. */
export function localDateOf(iso: string, timeZone: string): string {
  return formatLocalDate(iso, timeZone);
}

/** The instant local midnight of `date` begins in the clinic's zone. */
export function startOfLocalDay(date: string, timeZone: string): string {
  return localInputToInstant(`${date}T00:00`, timeZone);
}

export interface LocalWeek {
  /** The seven local dates, Monday first. */
  days: string[];
  /** [from, to): local Monday 00:00 to the next Monday 00:00, as instants. */
  from: string;
  to: string;
}

export function weekOf(monday: string, timeZone: string): LocalWeek {
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  return { days, from: startOfLocalDay(monday, timeZone), to: startOfLocalDay(addDays(monday, 7), timeZone) };
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();

/** `14:05` in the clinic's zone. */
export function formatLocalTime(iso: string, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormatters.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

const dayFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });

/** `Mon 23 Nov` for a calendar date. */
export function formatDayHeading(date: string): string {
  return dayFormatter.format(new Date(`${date}T12:00:00Z`));
}
