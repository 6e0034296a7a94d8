// Rule: a booked refill appointment now starts after the booking deadline (the deadline moved: a new program, telemetry).
import type { ForecastStatus } from '../contracts';
import type { AlertFinding } from './alert-contracts';
import { clinicTime } from './alert-format';
import type { ClinicAlertSettings } from './refill-deadline-rule';
import { DAY_MS } from '../time-units';

export interface BookedRefill {
  id: string;
  startsAt: string;
  /** Booked late on purpose, with a reason: the scheduler knew; the refill-deadline alert still stands. */
  overrideReason: string | null;
}

export interface AppointmentRuleInput {
  timeZone: string;
  forecast: { status: ForecastStatus; refillDeadline: string | null };
  settings: ClinicAlertSettings;
  appointment: BookedRefill | null;
}

/** Urgent when the appointment is after the refill deadline itself, a warning when it is only inside the booking margin. */
export function appointmentTooLateFinding(input: AppointmentRuleInput): AlertFinding | null {
  const { appointment, forecast, settings, timeZone } = input;
  if (appointment === null || appointment.overrideReason !== null) return null;
  if (forecast.status !== 'ok' || forecast.refillDeadline === null) return null;
  const deadlineMs = Date.parse(forecast.refillDeadline);
  const bookByMs = deadlineMs - settings.bookingMarginDays * DAY_MS;
  const startsMs = Date.parse(appointment.startsAt);
  if (startsMs <= bookByMs) return null;
  const afterDeadline = startsMs > deadlineMs;
  const facts = {
    appointmentId: appointment.id,
    appointmentStartsAt: appointment.startsAt,
    refillDeadline: forecast.refillDeadline,
    bookBy: new Date(bookByMs).toISOString(),
  };
  return {
    kind: 'appointment_too_late',
    severity: afterDeadline ? 'urgent' : 'warning',
    facts,
    title: afterDeadline ? 'Booked refill is after the deadline' : 'Booked refill is inside the safety margin',
    message: `The refill booked for ${clinicTime(appointment.startsAt, timeZone)} is later than ${afterDeadline ? `the refill deadline ${clinicTime(forecast.refillDeadline, timeZone)}` : `${clinicTime(new Date(bookByMs).toISOString(), timeZone)}, the last safe booking (${settings.bookingMarginDays} days before the deadline)`}. The deadline moved since it was booked: reschedule it earlier.`,
  };
}
