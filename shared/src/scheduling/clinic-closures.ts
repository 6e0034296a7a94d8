// Clinic closures (holidays, shutdowns): whole local days in the clinic's zone on which no refill slot is offered or booked.
import { DateTime } from 'luxon';
import type { Interval } from './availability';
import { mergeIntervals } from './availability';

/** A closure as stored: the clinic's local dates, both ends included. */
export interface ClosureDates {
  startDate: string;
  endDate: string;
  label: string;
}

/** The instant a local date's midnight begins in the zone (luxon moves a midnight inside a DST gap forward). */
function localMidnightMs(date: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return DateTime.fromObject({ year, month, day }, { zone: timeZone }).toMillis();
}

/** The local date after `date` (pure calendar arithmetic). */
function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).plus({ days: 1 }).toISODate() as string;
}

/** Each closure as the UTC interval [local midnight of startDate, local midnight after endDate), in the clinic's zone. */
export function closureInterval(closure: ClosureDates, timeZone: string): Interval {
  return { startMs: localMidnightMs(closure.startDate, timeZone), endMs: localMidnightMs(nextDate(closure.endDate), timeZone) };
}

/** The closed time of a clinic as merged UTC intervals (pass it as `closed` to freeSlots and planRefills). */
export function closedIntervals(closures: readonly ClosureDates[], timeZone: string): Interval[] {
  return mergeIntervals(closures.map((c) => closureInterval(c, timeZone)));
}

/** Availability with the closed time taken out; the slot grid then starts at what is left of each window. */
export function withoutClosed(windows: readonly Interval[], closed: readonly Interval[]): Interval[] {
  if (closed.length === 0) return mergeIntervals(windows);
  const blocked = mergeIntervals(closed);
  const open: Interval[] = [];
  for (const window of mergeIntervals(windows)) {
    let startMs = window.startMs;
    for (const c of blocked) {
      if (c.endMs <= startMs || c.startMs >= window.endMs) continue;
      if (c.startMs > startMs) open.push({ startMs, endMs: c.startMs });
      startMs = Math.max(startMs, c.endMs);
    }
    if (startMs < window.endMs) open.push({ startMs, endMs: window.endMs });
  }
  return open;
}

/** The first closure a visit [startsAtMs, endsAtMs) touches, if any (the booking rule names it). */
export function closureOverlapping<T extends ClosureDates>(
  closures: readonly T[],
  timeZone: string,
  startsAtMs: number,
  endsAtMs: number,
): T | undefined {
  return closures.find((c) => {
    const closed = closureInterval(c, timeZone);
    return closed.startMs < endsAtMs && startsAtMs < closed.endMs;
  });
}
