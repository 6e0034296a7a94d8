// A clinician's availability as UTC intervals: weekly sessions and dated overrides laid on the clinic's local calendar.
import { DateTime, IANAZone } from 'luxon';
import type { AvailabilityOverride, WeeklyWindow } from './scheduling-contracts';
import { wallClockMinutes } from './scheduling-contracts';
import { DAY_MS } from '../time-units';
import { SCHEDULING_CONFIG } from './scheduling-config';

/** A half-open UTC interval [startMs, endMs). */
export interface Interval {
  startMs: number;
  endMs: number;
}

/** The availability as stored (overrides may be absent). Wall-clock times are in the clinic's zone. */
export interface AvailabilityRules {
  weekly: readonly WeeklyWindow[];
  overrides?: readonly AvailabilityOverride[];
}

type MinuteRange = [number, number];

/** Sorts and joins overlapping or touching intervals (a session 08:00-12:00 and one 12:00-14:00 become 08:00-14:00). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.endMs > i.startMs)
    .map((i) => ({ startMs: i.startMs, endMs: i.endMs }))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push(interval);
  }
  return merged;
}

function subtract(ranges: MinuteRange[], [offStart, offEnd]: MinuteRange): MinuteRange[] {
  const out: MinuteRange[] = [];
  for (const [start, end] of ranges) {
    if (offEnd <= start || offStart >= end) {
      out.push([start, end]);
      continue;
    }
    if (start < offStart) out.push([start, offStart]);
    if (offEnd < end) out.push([offEnd, end]);
  }
  return out;
}

/**
 * Local minute ranges of one calendar date. Order of the rules: a whole-day-off override cancels the weekly sessions of that
 * date, extra sessions (available:true) are added, then windows off (available:false with times) are removed from everything:
 * "off" always wins over the hours it names, and "day off + extra session" replaces a day's hours.
 */
function localRangesOfDate(weekly: readonly WeeklyWindow[], overrides: readonly AvailabilityOverride[], isoWeekday: number): MinuteRange[] {
  const wholeDayOff = overrides.some((o) => !o.available && o.start === undefined);
  let ranges: MinuteRange[] = wholeDayOff
    ? []
    : weekly.filter((w) => w.weekday === isoWeekday).map((w) => [wallClockMinutes(w.start), wallClockMinutes(w.end)]);
  for (const o of overrides) {
    if (o.available && o.start !== undefined && o.end !== undefined) ranges.push([wallClockMinutes(o.start), wallClockMinutes(o.end)]);
  }
  for (const o of overrides) {
    if (!o.available && o.start !== undefined && o.end !== undefined)
      ranges = subtract(ranges, [wallClockMinutes(o.start), wallClockMinutes(o.end)]);
  }
  return ranges;
}

/**
 * The instant of a wall-clock minute on a local date. DST: a time in the spring-forward gap is moved forward by the gap
 * (Paris 2026-03-29 02:30 -> 03:30 CEST = 01:30Z); an ambiguous autumn time takes the later occurrence, after the clocks go
 * back (Paris 2026-10-25 02:30 -> 02:30 CET = 01:30Z). Both are luxon's rules.
 */
/** UTC midnight of a proleptic Gregorian date; unlike Date.UTC, years 0-99 stay themselves (Date.UTC maps them to 1900-1999). */
function utcMidnightMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function localInstantMs(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  return DateTime.fromObject(
    { year, month, day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
    { zone: timeZone },
  ).toMillis();
}

/**
 * The clinician's available time that overlaps [fromUtcMs, toUtcMs), as merged UTC intervals sorted by start. Intervals are
 * returned whole, not clipped to the range, so the slot grid (anchored at each interval's start) does not depend on the query.
 * Each local date is converted on its own, so a DST day gets that day's offset.
 */
export function availabilityWindows(availability: AvailabilityRules, timeZone: string, fromUtcMs: number, toUtcMs: number): Interval[] {
  if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  if (!(toUtcMs > fromUtcMs)) return [];
  const overridesByDate = new Map<string, AvailabilityOverride[]>();
  for (const o of availability.overrides ?? []) {
    const list = overridesByDate.get(o.date);
    if (list) list.push(o);
    else overridesByDate.set(o.date, [o]);
  }
  // Local dates from the day before `from` to the day after `to`: sessions never cross midnight, so this covers every overlap.
  const first = DateTime.fromMillis(fromUtcMs, { zone: timeZone });
  const last = DateTime.fromMillis(toUtcMs, { zone: timeZone });
  const firstDayUtc = utcMidnightMs(first.year, first.month, first.day) - DAY_MS;
  const lastDayUtc = utcMidnightMs(last.year, last.month, last.day) + DAY_MS;
  // Callers refuse longer ranges before asking (400 naming the field); this guard keeps one request from walking centuries.
  if ((lastDayUtc - firstDayUtc) / DAY_MS > SCHEDULING_CONFIG.availabilityMaxDays + 2) {
    throw new RangeError(`availability range of more than ${SCHEDULING_CONFIG.availabilityMaxDays} days`);
  }

  const intervals: Interval[] = [];
  for (let dayUtc = firstDayUtc; dayUtc <= lastDayUtc; dayUtc += DAY_MS) {
    // A UTC-midnight Date is used only as a calendar: its y/m/d and weekday are the local date's.
    const date = new Date(dayUtc);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const key = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    for (const [startMinute, endMinute] of localRangesOfDate(availability.weekly, overridesByDate.get(key) ?? [], isoWeekday)) {
      const startMs = localInstantMs(year, month, day, startMinute, timeZone);
      const endMs = localInstantMs(year, month, day, endMinute, timeZone);
      if (endMs > startMs) intervals.push({ startMs, endMs });
    }
  }
  return mergeIntervals(intervals).filter((i) => i.endMs > fromUtcMs && i.startMs < toUtcMs);
}
