// Free whole slots of one clinician, a booking's timing against the refill deadline, and slots ranked by suitability.
import { mergeIntervals } from './availability';
import { withoutClosed } from './clinic-closures';
import type { Interval } from './availability';
import type { BookingTiming } from './scheduling-contracts';
import { SCHEDULING_CONFIG } from './scheduling-config';
import { DAY_MS, MINUTE_MS } from '../time-units';

/** The latest on-time start: the refill deadline minus the clinic's margin in days of 24 h (same rule as the refill alert). */
export function bookingDeadlineMs(refillDeadlineMs: number, marginDays: number): number {
  return refillDeadlineMs - marginDays * DAY_MS;
}

/** on_time up to and including deadline - margin, after_margin up to and including the deadline, after_deadline beyond. */
export function bookingTiming(startsAtMs: number, refillDeadlineMs: number, marginDays: number): BookingTiming {
  if (startsAtMs <= bookingDeadlineMs(refillDeadlineMs, marginDays)) return 'on_time';
  return startsAtMs <= refillDeadlineMs ? 'after_margin' : 'after_deadline';
}

/**
 * The time existing appointments occupy for slot finding: each [startsAt, endsAt + buffer), merged. Pass raw appointment
 * intervals here and the result as `busy`: with the new slot's own buffer after it, two visits are always `buffer` apart.
 */
export function busyFromAppointments(appointments: readonly Interval[], bufferMinutes: number): Interval[] {
  return mergeIntervals(appointments.map((a) => ({ startMs: a.startMs, endMs: a.endMs + bufferMinutes * MINUTE_MS })));
}

export interface FreeSlotsInput {
  /** Availability (availabilityWindows output, unclipped); merged again here, so overlapping input cannot yield overlapping slots. */
  windows: readonly Interval[];
  /** Occupied time of this clinician: busyFromAppointments(appointments, bufferMinutes). */
  busy: readonly Interval[];
  durationMinutes: number;
  bufferMinutes: number;
  /** No slot starts before this (now, or the query's from when later). */
  notBeforeMs: number;
  /** No slot ends after this (the query's to). */
  notAfterMs?: number;
  /** The clinic's closed days (closedIntervals): no slot touches them. */
  closed?: readonly Interval[];
}

/**
 * Whole free slots, sorted by start. The grid starts at each window's start with a step of duration + buffer; a slot lies
 * entirely inside its window, and the slot plus its buffer [start, end + buffer) must not touch any busy interval.
 */
export function freeSlots(input: FreeSlotsInput): Interval[] {
  const durationMs = input.durationMinutes * MINUTE_MS;
  const stepMs = (input.durationMinutes + input.bufferMinutes) * MINUTE_MS;
  const bufferMs = input.bufferMinutes * MINUTE_MS;
  if (!(durationMs > 0) || !(bufferMs >= 0)) throw new RangeError('durationMinutes must be above 0 and bufferMinutes 0 or more');
  const notAfterMs = input.notAfterMs ?? Number.POSITIVE_INFINITY;
  const busy = mergeIntervals(input.busy);
  const slots: Interval[] = [];
  let b = 0;
  for (const window of withoutClosed(input.windows, input.closed ?? [])) {
    // First grid point at or after notBefore: skip whole steps rather than walking the past.
    const skip = input.notBeforeMs > window.startMs ? Math.ceil((input.notBeforeMs - window.startMs) / stepMs) : 0;
    for (let startMs = window.startMs + skip * stepMs; startMs + durationMs <= window.endMs; startMs += stepMs) {
      const endMs = startMs + durationMs;
      if (endMs > notAfterMs) return slots;
      while (b < busy.length && busy[b].endMs <= startMs) b++;
      if (b < busy.length && busy[b].startMs < endMs + bufferMs) continue;
      slots.push({ startMs, endMs });
    }
  }
  return slots;
}

export type SlotPlacement = 'in_slot' | 'outside_availability' | 'off_grid';

/**
 * Whether a booking [startsAtMs, endsAtMs) is a whole slot: inside one availability window and on that window's grid
 * (step = the clinic's refill duration + buffer). The booking itself may be longer or shorter than the clinic's duration.
 */
export function slotPlacement(input: {
  windows: readonly Interval[];
  startsAtMs: number;
  endsAtMs: number;
  slotStepMinutes: number;
}): SlotPlacement {
  const window = mergeIntervals(input.windows).find((w) => w.startMs <= input.startsAtMs && input.endsAtMs <= w.endMs);
  if (window === undefined) return 'outside_availability';
  return (input.startsAtMs - window.startMs) % (input.slotStepMinutes * MINUTE_MS) === 0 ? 'in_slot' : 'off_grid';
}

export type RankedSlot<T extends Interval> = T & { timing: BookingTiming; daysBeforeDeadline: number };

export interface RankOptions {
  refillDeadlineMs: number;
  marginDays: number;
  nowMs: number;
}

const TIMING_ORDER: Record<BookingTiming, number> = { on_time: 0, after_margin: 1, after_deadline: 2 };

/**
 * Slots ordered by suitability, slots in the past dropped. Normally: on-time slots latest first (closest to the booking
 * deadline: safe, and the least drug left unused), then after-margin earliest first, then after-deadline earliest first.
 * Once now is past the booking deadline (nearly due or overdue): earliest first overall. Equal starts keep the input order.
 */
export function rankRefillSlots<T extends Interval>(slots: readonly T[], options: RankOptions): RankedSlot<T>[] {
  const targetMs = bookingDeadlineMs(options.refillDeadlineMs, options.marginDays);
  const earliestFirst = options.nowMs > targetMs;
  const ranked = slots
    .filter((s) => s.startMs >= options.nowMs)
    .map((s) => ({
      ...s,
      timing: bookingTiming(s.startMs, options.refillDeadlineMs, options.marginDays),
      daysBeforeDeadline: Math.round(((options.refillDeadlineMs - s.startMs) / DAY_MS) * 100) / 100,
    }));
  return ranked.sort((a, b) => {
    if (earliestFirst) return a.startMs - b.startMs;
    if (a.timing !== b.timing) return TIMING_ORDER[a.timing] - TIMING_ORDER[b.timing];
    return a.timing === 'on_time' ? b.startMs - a.startMs : a.startMs - b.startMs;
  });
}

/**
 * The search range of refill-slots: from = max(query from, now); to = the query's, else the later of from + the default
 * horizon and the refill deadline + 1 day (so the best on-time slots are always searched), capped at slotsMaxDays.
 */
export function refillSlotsRange(
  query: { from?: string; to?: string },
  nowMs: number,
  refillDeadlineMs: number,
): { fromMs: number; toMs: number } {
  const fromMs = Math.max(query.from !== undefined ? Date.parse(query.from) : nowMs, nowMs);
  if (query.to !== undefined) return { fromMs, toMs: Date.parse(query.to) };
  const wanted = Math.max(fromMs + SCHEDULING_CONFIG.slotsDefaultHorizonDays * DAY_MS, refillDeadlineMs + DAY_MS);
  return { fromMs, toMs: Math.min(wanted, fromMs + SCHEDULING_CONFIG.slotsMaxDays * DAY_MS) };
}
