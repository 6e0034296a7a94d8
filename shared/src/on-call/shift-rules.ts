// Rules of one on-call shift: which instants it covers and how long it may be. Shifts are UTC instants: no wall-clock math.
import { ON_CALL_CONFIG } from './on-call-config';
import type { OnCallShift } from './on-call-contracts';
import { HOUR_MS } from '../time-units';

/** What the rules read of a shift (a stored row, a request, a test case). */
export type RosterShift = Pick<OnCallShift, 'clinicianId' | 'tier' | 'startsAt' | 'endsAt'> & { cancelledAt?: string | null };

/**
 * Start inclusive, end exclusive, so back-to-back shifts (08:00-20:00, 20:00-08:00) hand over without a gap or a double.
 * A cancelled shift covered its time until it was cancelled, and nothing after: "who was on call at 03:00" stays answerable.
 */
export function shiftCovers(shift: RosterShift, at: Date): boolean {
  const t = at.getTime();
  const endsAt = Date.parse(shift.endsAt);
  const coveredUntil = shift.cancelledAt ? Math.min(endsAt, Date.parse(shift.cancelledAt)) : endsAt;
  return Date.parse(shift.startsAt) <= t && t < coveredUntil;
}

/** Length in exact hours, so a shift across a daylight-saving change is measured as lived, not as the clock shows. */
export function shiftLengthHours(startsAt: string, endsAt: string): number {
  return (Date.parse(endsAt) - Date.parse(startsAt)) / HOUR_MS;
}

export function exceedsMaxShiftLength(startsAt: string, endsAt: string): boolean {
  return shiftLengthHours(startsAt, endsAt) > ON_CALL_CONFIG.maxShiftHours;
}

/** Two [start, end) ranges share an instant; touching ends do not overlap (the same rule as the database's exclusion constraint). */
export function shiftsOverlap(a: { startsAt: string; endsAt: string }, b: { startsAt: string; endsAt: string }): boolean {
  return Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(b.startsAt) < Date.parse(a.endsAt);
}
