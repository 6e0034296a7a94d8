// One incident per subject per cause: alerts that one action answers (a refill answers "near empty", "refill due" and "booked too
// late") show as one card with every reason, not as several cards competing for the top of the list.
import type { AlertKind, AlertSeverity, AlertStatus } from './alert-contracts';
import { severityRank } from './alert-lifecycle';

/** 'reservoir': the drug in the pump runs out or its end is unknown; every other kind is its own cause. */
export type AlertCause = 'reservoir' | AlertKind;

const RESERVOIR_KINDS: readonly AlertKind[] = ['reservoir_near_empty', 'refill_due', 'appointment_too_late', 'no_forecast'];

export function alertCause(kind: AlertKind): AlertCause {
  return RESERVOIR_KINDS.includes(kind) ? 'reservoir' : kind;
}

interface IncidentMember {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  pumpId: string | null;
  patientId: string;
  withdrawalRisk: boolean;
}

export interface AlertIncident<A extends IncidentMember> {
  /** `<pump or patient id>:<cause>`. */
  key: string;
  cause: AlertCause;
  /**
   * The card's severity and title: the most severe member, a withdrawal-risk one first among equals ("Withdrawal risk: reservoir
   * nearly empty" says more than "Refill overdue"), then the first in list order (the most recent raise).
   */
  lead: A;
  /** Every alert of the incident, in list order. */
  alerts: A[];
}

function leadsOver(a: IncidentMember, b: IncidentMember): boolean {
  return severityRank(a.severity) - severityRank(b.severity) > 0 || (a.severity === b.severity && a.withdrawalRisk && !b.withdrawalRisk);
}

/** Groups alerts already in list order (compareAlertsForList) into incidents, in the order of their first alert in that list. */
export function groupAlertIncidents<A extends IncidentMember>(alerts: readonly A[]): AlertIncident<A>[] {
  const byKey = new Map<string, AlertIncident<A>>();
  for (const alert of alerts) {
    const cause = alertCause(alert.kind);
    const key = `${alert.pumpId ?? alert.patientId}:${cause}`;
    const incident = byKey.get(key);
    if (incident) {
      incident.alerts.push(alert);
      if (leadsOver(alert, incident.lead)) incident.lead = alert;
    } else byKey.set(key, { key, cause, lead: alert, alerts: [alert] });
  }
  return [...byKey.values()];
}
