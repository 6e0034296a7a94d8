// An alert's life: what an evaluation changes on the open alerts of a subject, which user actions a state allows, snoozes, order.
import { ALERT_CONFIG } from '../clinical-config';
import { clinicTime } from './alert-format';
import { ALERT_KIND_INFO, ALERT_SEVERITIES, AlertFinding, AlertKind, AlertSeverity, AlertStatus } from './alert-contracts';
import type { PumpAlertEvaluation } from './evaluate-pump';

export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/** An alert not yet resolved, as an evaluation sees it. */
export interface OpenAlertState {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  status: Exclude<AlertStatus, 'resolved'>;
  conditionClearedAt: string | null;
  /** When a rule last found the condition (raised or found again); a refill after it answers a `resolvedByRefill` kind. */
  lastSeenAt?: string;
}

/** The pump's fill in force when the rules ran (issue 12): when it was made and when it was recorded, and the clinic's zone. */
export interface RefillInForce {
  filledAt: string;
  recordedAt: string;
  timeZone: string;
}

/**
 * Why the rules ran: after a change to the subject's data (a fill, a program, a reading) a finding that still holds has fired
 * again; the periodic sweep only looks for deadlines that passed, so it re-fires nothing.
 */
export type EvaluationTrigger = 'data_changed' | 'sweep';

export type PlannedAlertChange =
  | { type: 'raise'; finding: AlertFinding }
  | { type: 'refire'; alertId: string; finding: AlertFinding }
  /**
   * The rule says something else now: another severity, or another title at the same severity (a refill due within 2 days is now
   * overdue). `reopen`: unless it became less severe, an acknowledged alert goes back to open so it reaches a person again.
   */
  | { type: 'restate'; alertId: string; finding: AlertFinding; reopen: boolean }
  /** A withdrawal-risk alert whose condition had cleared fires again: reopened, a new episode. */
  | { type: 'condition_returned'; alertId: string; finding: AlertFinding }
  /** The condition cleared on a kind that resolves by itself (a refill recorded, an appointment booked); `note` says why when known. */
  | { type: 'resolve'; alertId: string; note?: string }
  /** The condition cleared on a withdrawal-risk alert: it stays until a clinician resolves it with a note. */
  | { type: 'clear_condition'; alertId: string };

export function planAlertChanges(
  open: readonly OpenAlertState[],
  evaluation: PumpAlertEvaluation,
  trigger: EvaluationTrigger,
  refill: RefillInForce | null = null,
): PlannedAlertChange[] {
  const changes: PlannedAlertChange[] = [];
  const openByKind = new Map(open.map((alert) => [alert.kind, alert]));
  for (const finding of evaluation.findings) {
    const alert = openByKind.get(finding.kind);
    if (!alert) changes.push({ type: 'raise', finding });
    else if (alert.conditionClearedAt !== null) changes.push({ type: 'condition_returned', alertId: alert.id, finding });
    else if (alert.severity !== finding.severity || alert.title !== finding.title) {
      const reopen = alert.status === 'acknowledged' && severityRank(finding.severity) >= severityRank(alert.severity);
      changes.push({ type: 'restate', alertId: alert.id, finding, reopen });
    } else if (trigger === 'data_changed') changes.push({ type: 'refire', alertId: alert.id, finding });
  }
  const firing = new Set(evaluation.findings.map((f) => f.kind));
  for (const kind of evaluation.evaluatedKinds) {
    const alert = openByKind.get(kind);
    if (!alert || firing.has(kind)) continue;
    if (refill && ALERT_KIND_INFO[kind].resolvedByRefill && answeredByRefill(alert, refill)) {
      changes.push({
        type: 'resolve',
        alertId: alert.id,
        note: `Resolved automatically: refill recorded at ${clinicTime(refill.filledAt, refill.timeZone)}.`,
      });
    } else if (!ALERT_KIND_INFO[kind].withdrawalRisk) changes.push({ type: 'resolve', alertId: alert.id });
    else if (alert.conditionClearedAt === null) changes.push({ type: 'clear_condition', alertId: alert.id });
  }
  return changes;
}

/**
 * The fill was made or recorded after the rule last found the alert's condition: it is news the alert did not know. A fill the rule
 * saw and still fired on (too small a fill) answers nothing, however the condition ends later.
 */
function answeredByRefill(alert: OpenAlertState, refill: RefillInForce): boolean {
  if (alert.lastSeenAt === undefined) return false;
  return Math.max(Date.parse(refill.filledAt), Date.parse(refill.recordedAt)) > Date.parse(alert.lastSeenAt);
}

/** A refusal of a user action: the field at fault and why (the server answers 409 for a state, 422 for a rule). */
export interface LifecycleRefusal {
  field: string;
  message: string;
}

export function acknowledgeRefusal(status: AlertStatus): LifecycleRefusal | null {
  if (status === 'acknowledged') return { field: 'status', message: 'is already acknowledged' };
  if (status === 'resolved') return { field: 'status', message: 'is resolved: nothing to acknowledge' };
  return null;
}

/** Resolving needs a note (the request schema requires one); a resolved alert stays resolved, a new episode is a new alert. */
export function resolveRefusal(status: AlertStatus): LifecycleRefusal | null {
  return status === 'resolved' ? { field: 'status', message: 'is already resolved' } : null;
}

export function snoozeStateRefusal(status: AlertStatus): LifecycleRefusal | null {
  return status === 'resolved' ? { field: 'status', message: 'is resolved: nothing to snooze' } : null;
}

/** Critical alerts may be hidden for at most an hour: someone must look at them again soon. */
export function snoozeRuleRefusal(severity: AlertSeverity, minutes: number): LifecycleRefusal | null {
  if (severity === 'critical' && minutes > ALERT_CONFIG.criticalSnoozeMaxMinutes) {
    return { field: 'minutes', message: `must be at most ${ALERT_CONFIG.criticalSnoozeMaxMinutes} for a critical alert` };
  }
  return null;
}

export interface UserSnooze {
  snoozedUntil: string;
  severityAtSnooze: AlertSeverity;
}

/** Hidden from this user until the snooze ends, or sooner when the alert became more severe than when it was snoozed. */
export function hiddenBySnooze(snooze: UserSnooze | null, severity: AlertSeverity, now: string): boolean {
  if (!snooze) return false;
  return Date.parse(snooze.snoozedUntil) > Date.parse(now) && severityRank(severity) <= severityRank(snooze.severityAtSnooze);
}

/**
 * Alert lists (GET /api/alerts and the dashboard's store): most severe first, then the most recent raise or re-raise (the alert became
 * open again or more severe) first, so a new danger is never eighth behind older ones.
 */
export function compareAlertsForList(
  a: { severity: AlertSeverity; lastRaisedAt: string; id: string },
  b: { severity: AlertSeverity; lastRaisedAt: string; id: string },
): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Date.parse(b.lastRaisedAt) - Date.parse(a.lastRaisedAt) ||
    a.id.localeCompare(b.id)
  );
}

/** A change that makes an alert need a person again (raised, its condition returned, more severe, or reopened after an acknowledgement). */
export function isReRaise(
  before: { severity: AlertSeverity; status: AlertStatus } | null,
  after: { severity: AlertSeverity; status: AlertStatus },
): boolean {
  if (before === null) return after.status !== 'resolved';
  if (after.status === 'resolved') return false;
  return severityRank(after.severity) > severityRank(before.severity) || (before.status !== 'open' && after.status === 'open');
}
