// Urgency band of a pump in the fleet from its refill deadline: what the dashboard sorts and colours by.
import { URGENCY_CONFIG } from '../clinical-config';
import type { ForecastStatus, Urgency } from '../contracts';
import { DAY_MS } from '../time-units';

export interface UrgencyAssessment { urgency: Urgency; daysLeft: number | null }

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

const URGENCY_RANK: Record<Urgency, number> = { no_forecast: 0, overdue: 1, critical: 2, urgent: 3, warning: 4, ok: 5 };

/** Most urgent first: no forecast, then by deadline ascending. */
export function compareByUrgency(
  a: { urgency: Urgency; refillDeadline: string | null },
  b: { urgency: Urgency; refillDeadline: string | null },
): number {
  const rank = URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency];
  if (rank !== 0) return rank;
  return (a.refillDeadline ? Date.parse(a.refillDeadline) : 0) - (b.refillDeadline ? Date.parse(b.refillDeadline) : 0);
}
