// The booking rules every write of an appointment passes (book, reschedule, confirm a plan), and the refusals they give.
import {
  availabilityWindows,
  bookingDeadlineMs,
  bookingTiming,
  BookingTiming,
  closureOverlapping,
  DomainError,
  Interval,
  slotPlacement,
} from '@pumpwatch/shared';
import { DateTime } from 'luxon';
import { QueryFailedError } from 'typeorm';
import { DAY_MS, zoneAbbreviation } from '@pumpwatch/shared';
import type { AvailabilityRow, ClinicBookingSettings, ClosureRow } from './scheduling.repository';

type FieldError = { field: string; message: string };

export interface BookingCandidate {
  startsAtMs: number;
  endsAtMs: number;
  clinicianName: string;
  availability: AvailabilityRow | null;
  refillDeadlineMs: number | null;
  overrideReason: string | null;
  nowMs: number;
  /** The clinic's closures around the booking (issue 16). */
  closures?: readonly ClosureRow[];
}

/** The clinic's wall clock, for messages: schedulers think in local time. */
export function clinicTime(ms: number, timeZone: string): string {
  // The zone as the dashboard writes it (CET), not luxon's default-locale 'GMT+1'.
  return `${DateTime.fromMillis(ms, { zone: timeZone }).toFormat('ccc d LLL yyyy HH:mm')} ${zoneAbbreviation(timeZone, ms)}`;
}

/** Windows around one booking: a day either side covers any session it may sit in. */
export function windowsAround(availability: AvailabilityRow | null, timeZone: string, startsAtMs: number, endsAtMs: number): Interval[] {
  if (!availability) return [];
  return availabilityWindows(availability, timeZone, startsAtMs - DAY_MS, endsAtMs + DAY_MS);
}

/**
 * 422 refusals of a booking: never in the past; not on a clinic closure, inside the clinician's availability on the clinic's slot
 * grid, and before the booking deadline (refill deadline minus the clinic's margin), unless the scheduler gives an override reason
 * (an urgent refill on a holiday is the scheduler's call, recorded with its reason).
 */
export function bookingRefusals(candidate: BookingCandidate, settings: ClinicBookingSettings): FieldError[] {
  const fields: FieldError[] = [];
  const { startsAtMs, endsAtMs, overrideReason } = candidate;
  // Refused at once: nothing else is judged (nor any availability computed) for a start in the past.
  if (startsAtMs < candidate.nowMs) return [{ field: 'startsAt', message: 'is in the past' }];
  if (overrideReason === null) {
    const step = settings.refillDurationMinutes + settings.bufferMinutes;
    const closure = closureOverlapping(candidate.closures ?? [], settings.timeZone, startsAtMs, endsAtMs);
    const placement = closure
      ? 'closed'
      : slotPlacement({
          windows: windowsAround(candidate.availability, settings.timeZone, startsAtMs, endsAtMs),
          startsAtMs,
          endsAtMs,
          slotStepMinutes: step,
        });
    if (closure) {
      const dates = closure.startDate === closure.endDate ? closure.startDate : `${closure.startDate} to ${closure.endDate}`;
      fields.push({
        field: 'startsAt',
        message: `falls on a clinic closure: ${closure.label} (${dates}, the clinic is closed; give overrideReason to book anyway)`,
      });
    } else if (placement === 'outside_availability') {
      fields.push({
        field: 'startsAt',
        message: `is outside ${candidate.clinicianName}'s availability (give overrideReason to book anyway)`,
      });
    } else if (placement === 'off_grid') {
      fields.push({
        field: 'startsAt',
        message: `is not the start of a whole slot (every ${step} minutes from the session start; give overrideReason to book anyway)`,
      });
    }
    if (candidate.refillDeadlineMs !== null) {
      const timing = bookingTiming(startsAtMs, candidate.refillDeadlineMs, settings.bookingMarginDays);
      if (timing !== 'on_time') {
        const bookBy = clinicTime(bookingDeadlineMs(candidate.refillDeadlineMs, settings.bookingMarginDays), settings.timeZone);
        const deadline = clinicTime(candidate.refillDeadlineMs, settings.timeZone);
        fields.push({
          field: 'overrideReason',
          message:
            timing === 'after_deadline'
              ? `is required: the appointment starts after the pump's refill deadline (${deadline}); the reservoir may reach its alarm volume first`
              : `is required: the appointment starts after the booking deadline (${bookBy}, ${settings.bookingMarginDays} days before the refill deadline ${deadline})`,
        });
      }
    }
  }
  return fields;
}

export function refuse(fields: FieldError[]): never {
  throw new DomainError('rule_violated', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
}

export function timingOf(startsAtMs: number, refillDeadlineMs: number | null, marginDays: number): BookingTiming | null {
  return refillDeadlineMs === null ? null : bookingTiming(startsAtMs, refillDeadlineMs, marginDays);
}

/** Which scheduling constraint a refused INSERT/UPDATE hit, if any. */
export function violatedConstraint(error: unknown): 'clinician_overlap' | 'room_overlap' | 'pump_booked' | null {
  const driverError =
    error instanceof QueryFailedError
      ? (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError
      : undefined;
  if (driverError?.code === '23P01' && driverError.constraint === 'appointments_no_clinician_overlap') return 'clinician_overlap';
  if (driverError?.code === '23P01' && driverError.constraint === 'appointments_no_room_overlap') return 'room_overlap';
  if (driverError?.code === '23505' && driverError.constraint === 'appointments_one_booked_per_pump') return 'pump_booked';
  return null;
}
