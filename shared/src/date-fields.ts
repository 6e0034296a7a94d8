// Calendar dates and instants of every request: dates that exist, instants within a window PostgreSQL and luxon both handle.
import { z } from 'zod';

/** Inclusive lower bound and exclusive upper bound of every date and instant a request may carry. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE_EXCLUSIVE = '2200-01-01';
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const LATEST_MS = Date.parse(`${LATEST_DATE_EXCLUSIVE}T00:00:00Z`);
const WINDOW_MESSAGE = `must be from ${EARLIEST_DATE} and before ${LATEST_DATE_EXCLUSIVE}`;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for 'YYYY-MM-DD' naming a day of the proleptic Gregorian calendar (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}

/** True for an instant from 1900-01-01T00:00Z and before 2200-01-01T00:00Z. */
export function isInstantInWindow(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

/** A calendar date 'YYYY-MM-DD' that exists, from 1900-01-01 and before 2200-01-01. */
export const isoDate = z.string({ message: 'must be a date YYYY-MM-DD' }).superRefine((text, ctx) => {
  if (!ISO_DATE.test(text)) ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD' });
  else if (!isCalendarDate(text)) ctx.addIssue({ code: 'custom', message: 'must be a real calendar date' });
  else if (text < EARLIEST_DATE || text >= LATEST_DATE_EXCLUSIVE) ctx.addIssue({ code: 'custom', message: WINDOW_MESSAGE });
});

const INSTANT_MESSAGE = 'must be an ISO-8601 instant with offset, e.g. 2026-11-25T08:00:00Z';
const instantFormat = z.iso.datetime({ offset: true, message: INSTANT_MESSAGE });

/** An ISO-8601 instant with an explicit offset or Z, e.g. 2026-11-25T08:00:00Z, on a day that exists, within the window. */
export const isoInstant = z.iso.datetime({ offset: true, message: INSTANT_MESSAGE }).superRefine((text, ctx) => {
  if (!instantFormat.safeParse(text).success) return; // the format issue is already there
  if (!isCalendarDate(text.slice(0, 10))) ctx.addIssue({ code: 'custom', message: 'must be on a real calendar date' });
  else if (!isInstantInWindow(Date.parse(text))) ctx.addIssue({ code: 'custom', message: WINDOW_MESSAGE });
});
