// Rule: the refill deadline approaches and no refill appointment is booked early enough (warning, urgent, critical, overdue).
import { URGENCY_CONFIG } from '../clinical-config';
import type { DeadlineReason, ForecastStatus } from '../contracts';
import type { AlertFinding, AlertSeverity } from './alert-contracts';
import { clinicTime } from './alert-format';
import { DAY_MS } from '../time-units';

/** Per-clinic alert settings (columns of `clinics`; defaults in ALERT_CONFIG). */
export interface ClinicAlertSettings {
  /** First warning this many days before the refill deadline. */
  warningHorizonDays: number;
  /** An appointment must start at least this many days before the deadline to count as booked. */
  bookingMarginDays: number;
}

export interface RefillDeadlineRuleInput {
  now: string;
  timeZone: string;
  forecast: { status: ForecastStatus; refillDeadline: string | null; deadlineReason: DeadlineReason | null };
  settings: ClinicAlertSettings;
  /**
   * Start of the pump's earliest active refill appointment (the scheduling issue supplies it). Absent or null: unbooked,
   * which is every pump until appointments exist.
   */
  appointmentStartsAt?: string | null;
}

const REASON_TEXT: Record<DeadlineReason, string> = {
  low_reservoir: 'worst-case low-reservoir alarm',
  drug_stability: 'end of drug stability',
  reported_reservoir: 'worst-case low-reservoir alarm from the lower volume the pump reports',
  calibrated_flow: "worst-case low-reservoir alarm at the pump's measured flow (it runs fast at its refills)",
};

/** Day counts are exact multiples of 24 h; each band includes its limit (exactly 7 days left is urgent). */
export function refillDeadlineFinding(input: RefillDeadlineRuleInput): AlertFinding | null {
  const { forecast, settings, timeZone } = input;
  if (forecast.status !== 'ok' || forecast.refillDeadline === null || forecast.deadlineReason === null) return null;
  const deadlineMs = Date.parse(forecast.refillDeadline);
  const msLeft = deadlineMs - Date.parse(input.now);
  const deadline = clinicTime(forecast.refillDeadline, timeZone);
  const reason = REASON_TEXT[forecast.deadlineReason];
  const bookBy = new Date(deadlineMs - settings.bookingMarginDays * DAY_MS).toISOString();
  const facts = { refillDeadline: forecast.refillDeadline, deadlineReason: forecast.deadlineReason, bookBy, overdue: msLeft < 0 };

  // Past the deadline a booking no longer helps: the pump is overdue whatever the calendar says.
  if (msLeft < 0) {
    return {
      kind: 'refill_due',
      severity: 'critical',
      title: 'Refill overdue',
      facts,
      message: `The refill deadline (${reason}) passed at ${deadline} and no refill has been recorded since. Refill now.`,
    };
  }
  const appointment = input.appointmentStartsAt ?? null;
  if (appointment !== null && Date.parse(appointment) <= Date.parse(bookBy)) return null;

  let severity: AlertSeverity;
  let days: number;
  if (msLeft <= URGENCY_CONFIG.criticalDays * DAY_MS) [severity, days] = ['critical', URGENCY_CONFIG.criticalDays];
  else if (msLeft <= URGENCY_CONFIG.urgentDays * DAY_MS) [severity, days] = ['urgent', URGENCY_CONFIG.urgentDays];
  else if (msLeft <= settings.warningHorizonDays * DAY_MS) [severity, days] = ['warning', settings.warningHorizonDays];
  else return null;
  const lastSafeBooking = clinicTime(bookBy, timeZone);
  const booking =
    appointment !== null
      ? `The appointment at ${clinicTime(appointment, timeZone)} is later than ${lastSafeBooking}, the last safe booking.`
      : Date.parse(bookBy) <= Date.parse(input.now)
        ? `No refill appointment was booked by ${lastSafeBooking}, the last safe booking.`
        : `No refill appointment is booked before ${lastSafeBooking}.`;
  return {
    kind: 'refill_due',
    severity,
    title: `Refill due within ${days} days`,
    facts,
    message: `Refill by ${deadline} (${reason}). ${booking}`,
  };
}
