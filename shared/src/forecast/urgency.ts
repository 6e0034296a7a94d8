// Urgency of a pump in the fleet: every open problem (interrupted delivery, the refill deadline, a missing forecast), one level.
import { URGENCY_CONFIG } from '../clinical-config';
import type { ForecastStatus, Urgency, UrgencyReason, UrgencyReasonKind } from '../contracts';
import type { AlertSeverity } from '../alerts/alert-contracts';
import { DAY_MS, HOUR_MS } from '../time-units';

export interface UrgencyAssessment {
  urgency: Urgency;
  daysLeft: number | null;
}

/** Days are exact multiples of 24 h; a pump without a forecast ranks first because nobody knows its deadline. */
export function assessUrgency(status: ForecastStatus, refillDeadlineMs: number | null, nowMs: number): UrgencyAssessment {
  if (status !== 'ok' || refillDeadlineMs === null) return { urgency: 'no_forecast', daysLeft: null };
  const daysLeft = (refillDeadlineMs - nowMs) / DAY_MS;
  if (daysLeft < 0) return { urgency: 'overdue', daysLeft };
  if (daysLeft <= URGENCY_CONFIG.criticalDays) return { urgency: 'critical', daysLeft };
  if (daysLeft <= URGENCY_CONFIG.urgentDays) return { urgency: 'urgent', daysLeft };
  if (daysLeft <= URGENCY_CONFIG.warningDays) return { urgency: 'warning', daysLeft };
  return { urgency: 'ok', daysLeft };
}

/** Reasons that put a pump in the 'delivery_interrupted' level: delivery has stopped or may have (withdrawal within hours). */
export const DELIVERY_INTERRUPTING_REASON_KINDS: ReadonlySet<UrgencyReasonKind> = new Set<UrgencyReasonKind>([
  'delivery_interrupted',
  'battery_end_of_service',
  'concentration_mismatch',
  'withdrawal_risk_alert',
]);

/** Reasons that do not move with the clock: the server finds them (telemetry, open alerts); the deadline reasons are derived here. */
const TIME_DERIVED_REASON_KINDS: ReadonlySet<UrgencyReasonKind> = new Set<UrgencyReasonKind>(['overdue', 'refill_deadline', 'no_forecast']);

export interface FleetUrgencyInput {
  status: ForecastStatus;
  refillDeadline: string | null;
  /** The later of implant and registration, for a pump without a forecast; null otherwise. */
  noForecastSince: string | null;
  /** Problems found by the server (telemetry, open alerts, a failed forecast); reasons derived from the deadline are ignored. */
  urgencyReasons: readonly UrgencyReason[];
}

export interface FleetUrgencyAssessment extends UrgencyAssessment {
  urgencyReasons: UrgencyReason[];
}

const SEVERITY_ORDER: Record<AlertSeverity, number> = { critical: 0, urgent: 1, warning: 2 };

function daysText(days: number): string {
  const whole = Math.abs(days) < 1 ? `${Math.round(Math.abs(days) * 24)} h` : `${Math.floor(Math.abs(days))} d`;
  return whole;
}

/**
 * One urgency for a fleet row at `nowMs`: interrupted delivery above everything, then the refill deadline bands; a pump without a
 * forecast for more than `URGENCY_CONFIG.noForecastCriticalAfterHours` ranks with the critical ones. Pure: the dashboard re-runs it
 * every minute with the row the server sent.
 */
export function assessFleetUrgency(row: FleetUrgencyInput, nowMs: number): FleetUrgencyAssessment {
  const base = assessUrgency(row.status, row.refillDeadline ? Date.parse(row.refillDeadline) : null, nowMs);
  const reasons = row.urgencyReasons.filter((r) => !TIME_DERIVED_REASON_KINDS.has(r.kind));
  if (base.urgency === 'no_forecast') {
    if (row.status === 'no_fill' || row.status === 'no_program') {
      const missing = row.status === 'no_fill' ? 'no fill recorded' : 'no program set';
      reasons.push({
        kind: 'no_forecast',
        severity: noForecastIsCritical(row, nowMs) ? 'critical' : 'warning',
        text: `No forecast: ${missing}`,
      });
    }
  } else if (base.urgency === 'overdue') {
    reasons.push({ kind: 'overdue', severity: 'critical', text: `Refill overdue by ${daysText(base.daysLeft as number)}` });
  } else if (base.urgency !== 'ok') {
    const severity: AlertSeverity = base.urgency === 'critical' ? 'critical' : base.urgency === 'urgent' ? 'urgent' : 'warning';
    reasons.push({ kind: 'refill_deadline', severity, text: `Refill deadline in ${daysText(base.daysLeft as number)}` });
  }
  reasons.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const interrupted = reasons.some((r) => DELIVERY_INTERRUPTING_REASON_KINDS.has(r.kind));
  return { urgency: interrupted ? 'delivery_interrupted' : base.urgency, daysLeft: base.daysLeft, urgencyReasons: reasons };
}

/** A pump without a forecast for more than the configured hours since implant or registration: nobody knows when it runs dry. */
export function noForecastIsCritical(row: Pick<FleetUrgencyInput, 'noForecastSince'>, nowMs: number): boolean {
  return row.noForecastSince !== null && nowMs - Date.parse(row.noForecastSince) > URGENCY_CONFIG.noForecastCriticalAfterHours * HOUR_MS;
}

/** Sort rank of a row: a pump long without a forecast sits with the critical ones, a new one with the pumps due soon. */
function urgencyRank(row: { urgency: Urgency; noForecastSince?: string | null }, nowMs: number): number {
  switch (row.urgency) {
    case 'delivery_interrupted':
      return 0;
    case 'overdue':
      return 1;
    case 'critical':
      return 2;
    case 'no_forecast':
      return noForecastIsCritical({ noForecastSince: row.noForecastSince ?? null }, nowMs) ? 2 : 4;
    case 'urgent':
      return 3;
    case 'warning':
      return 4;
    case 'ok':
      return 5;
  }
}

/**
 * Most urgent first; within a level the earliest deadline first, a row without a deadline (nobody knows) before the others.
 * `nowMs` decides whether a pump without a forecast is past its 24 h; omitted, every such pump counts as critical.
 */
export function compareByUrgency(
  a: { urgency: Urgency; refillDeadline: string | null; noForecastSince?: string | null },
  b: { urgency: Urgency; refillDeadline: string | null; noForecastSince?: string | null },
  nowMs: number = Number.POSITIVE_INFINITY,
): number {
  const rank = urgencyRank(a, nowMs) - urgencyRank(b, nowMs);
  if (rank !== 0) return rank;
  const deadline = (r: { refillDeadline: string | null }) => (r.refillDeadline ? Date.parse(r.refillDeadline) : Number.NEGATIVE_INFINITY);
  const da = deadline(a);
  const db = deadline(b);
  return da === db ? 0 : da < db ? -1 : 1;
}
