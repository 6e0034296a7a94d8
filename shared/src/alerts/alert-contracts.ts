// Alert kinds, severities and states, the Alert response shapes and the request schemas of the alert routes.
import { z } from 'zod';
import { clinicText, identifier } from '../text-fields';

/** What an alert is about; one open alert per (subject, kind). */
export const ALERT_KINDS = [
  'refill_due',
  'reservoir_near_empty',
  'delivery_interrupted',
  'concentration_mismatch',
  'telemetry_stale',
  'program_mismatch',
  'reconciliation_discrepancy',
  'replacement_due',
  'mri_check_pending',
  // A booked refill that now starts too late (scheduling, issue 6).
  'appointment_too_late',
  // Issue 12: a pump long without a forecast (what is missing named), and the pump's own reservoir estimate far from the forecast.
  'no_forecast',
  'reservoir_discrepancy',
  // Issue 13: the pump reports a daily dose or a concentration outside the clinic's drug library (hard limits).
  'outside_drug_library',
  // About a patient (clinical safety, issue 7).
  'renal_dose_review',
  'renal_function_fall',
  'labs_due',
  'mental_status_change',
  'clinical_review_overdue',
  'tolerance_suspected',
  'escalation_above_range',
  'abrupt_dose_reduction',
  // Issue 13: the first days after re-introduction following a drug holiday (overdose signs named).
  'overdose_watch',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Lowest to highest. Warnings never page (escalation issue); critical alerts page at once. */
export const ALERT_SEVERITIES = ['warning', 'urgent', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An alert is about a pump (its patient named too) or, for later rules such as kidney function, about a patient. */
export type AlertSubject = 'pump' | 'patient';

export interface AlertKindInfo {
  subject: AlertSubject;
  /** Withdrawal-risk alerts carry the checklist and are resolved only by a clinician with a note, never automatically. */
  withdrawalRisk: boolean;
  /** Needs the pump's telemetry status: not evaluated (so never resolved) while no telemetry is known. */
  fromTelemetry: boolean;
  /**
   * A refill answers it (issue 12): once its condition no longer holds and the fill in force was made or recorded after the rule
   * last found it, it is resolved by the system with "Refill recorded at ...", withdrawal risk or not.
   */
  resolvedByRefill?: boolean;
}

export const ALERT_KIND_INFO: Record<AlertKind, AlertKindInfo> = {
  refill_due: { subject: 'pump', withdrawalRisk: false, fromTelemetry: false, resolvedByRefill: true },
  // A refill answers a nearly empty reservoir; a withdrawal-risk alert from an alarm that stopped delivery still waits for a clinician.
  reservoir_near_empty: { subject: 'pump', withdrawalRisk: true, fromTelemetry: false, resolvedByRefill: true },
  delivery_interrupted: { subject: 'pump', withdrawalRisk: true, fromTelemetry: true },
  concentration_mismatch: { subject: 'pump', withdrawalRisk: true, fromTelemetry: true },
  telemetry_stale: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  program_mismatch: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  reconciliation_discrepancy: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  replacement_due: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  mri_check_pending: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  appointment_too_late: { subject: 'pump', withdrawalRisk: false, fromTelemetry: false },
  no_forecast: { subject: 'pump', withdrawalRisk: false, fromTelemetry: false },
  reservoir_discrepancy: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  // Cleared by the rule once the pump reports values inside the library again.
  outside_drug_library: { subject: 'pump', withdrawalRisk: false, fromTelemetry: true },
  // Patient kinds (issue 7). The pump sweep never judges them (evaluatePumpAlerts keeps to subject 'pump'). The renal, labs and
  // review kinds are re-judged when a lab or check-up is recorded and by the minute sweep, so they resolve by themselves; the others
  // are raised by one write (a report, a program change) and wait for a clinician.
  renal_dose_review: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  renal_function_fall: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  labs_due: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  mental_status_change: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  clinical_review_overdue: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  tolerance_suspected: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  escalation_above_range: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
  // Withdrawal risk (FDA boxed warning on abrupt discontinuation): carries the checklist; no rule ever clears it, a clinician
  // resolves it with a note once the patient was checked.
  abrupt_dose_reduction: { subject: 'patient', withdrawalRisk: true, fromTelemetry: false },
  // Raised by the re-introducing program change; no rule clears it, a clinician resolves it once the watch days passed uneventfully.
  overdose_watch: { subject: 'patient', withdrawalRisk: false, fromTelemetry: false },
};

/** The facts a rule saw, for the dashboard to show beside the message (instants ISO-8601, units in the names). */
export type AlertFacts = Record<string, string | number | boolean | null | string[]>;

/** What a rule returns when its condition holds. */
export interface AlertFinding {
  kind: AlertKind;
  severity: AlertSeverity;
  title: string;
  message: string;
  facts: AlertFacts;
}

/** Patient fields that raise the risk of severe withdrawal; null: not recorded. */
export interface WithdrawalRiskFactors {
  spinalCordInjuryT6OrAbove: boolean | null;
  communicationDifficulty: boolean | null;
  previousWithdrawal: boolean | null;
}

export interface WithdrawalChecklist {
  /** Signs to look for, earliest first. */
  earlySigns: string[];
  /** Every risk factor with its label; `present` null when the patient's record does not say. */
  riskFactors: { factor: keyof WithdrawalRiskFactors; label: string; present: boolean | null }[];
}

/** Who changed an alert: a user, or the alert engine ('system'). */
export interface AlertActor {
  type: 'user' | 'system';
  userId: string | null;
  label: string;
}

export interface Alert {
  id: string;
  clinicId: string;
  patientId: string;
  /** null for an alert about a patient. */
  pumpId: string | null;
  subject: AlertSubject;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  withdrawalRisk: boolean;
  title: string;
  message: string;
  facts: AlertFacts;
  patient: { id: string; mrn: string; displayName: string };
  pump: { id: string; serialNumber: string; modelId: string } | null;
  firstRaisedAt: string;
  /** The latest raise or re-raise: raised, its condition returned, more severe, or open again after an acknowledgement (lists sort on it). */
  lastRaisedAt: string;
  /** When the rule last fired (raised, or found again after a change to the pump's data). */
  lastSeenAt: string;
  fireCount: number;
  /** A withdrawal-risk alert whose condition no longer holds: it still waits for a clinician's resolution. */
  conditionClearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: AlertActor | null;
  acknowledgementNote: string | null;
  resolvedAt: string | null;
  resolvedBy: AlertActor | null;
  resolutionNote: string | null;
  /** Withdrawal-risk alerts only. */
  withdrawal: WithdrawalChecklist | null;
  /** Until when the calling user snoozed it (REST answers only; null in socket events, snoozes are per user). */
  snoozedUntil: string | null;
  /** Event id of the alert's latest change: a socket event with an id at or below it is already reflected here. */
  lastEventId: number;
  updatedAt: string;
}

export const ALERT_HISTORY_ACTIONS = [
  'raised',
  'severity_changed',
  'restated',
  'acknowledged',
  'resolved',
  'snoozed',
  'condition_cleared',
  'condition_returned',
] as const;
export type AlertHistoryAction = (typeof ALERT_HISTORY_ACTIONS)[number];

/** One stored state change of an alert, with who and when. */
export interface AlertHistoryEntry {
  id: number;
  at: string;
  action: AlertHistoryAction;
  actor: AlertActor;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus;
  fromSeverity: AlertSeverity | null;
  toSeverity: AlertSeverity;
  note: string | null;
  snoozedUntil: string | null;
  /** The socket event of this change; null for a snooze (per user, not pushed to the clinic). */
  eventId: number | null;
}

/** GET /api/alerts/:id */
export interface AlertDetail extends Alert {
  history: AlertHistoryEntry[];
}

/** What an `alert.updated` event changed. */
export type AlertChange =
  'refired' | 'severity_changed' | 'restated' | 'acknowledged' | 'resolved' | 'condition_cleared' | 'condition_returned';

// ---- Requests ----

/** Snooze lengths the dashboard offers; critical alerts only up to ALERT_CONFIG.criticalSnoozeMaxMinutes. */
export const SNOOZE_MINUTES = [15, 30, 60, 120, 240, 480, 1440] as const;
export type SnoozeMinutes = (typeof SNOOZE_MINUTES)[number];

const note = clinicText(2000);

export const acknowledgeAlertSchema = z.strictObject({ note: note.optional() });
export type AcknowledgeAlertRequest = z.infer<typeof acknowledgeAlertSchema>;

export const resolveAlertSchema = z.strictObject({ note: note.min(1, 'is required: say what was checked and found') });
export type ResolveAlertRequest = z.infer<typeof resolveAlertSchema>;

export const snoozeAlertSchema = z.strictObject({
  minutes: z.literal(SNOOZE_MINUTES, { message: `must be one of ${SNOOZE_MINUTES.join(', ')} (minutes)` }),
});
export type SnoozeAlertRequest = z.infer<typeof snoozeAlertSchema>;

const queryBoolean = z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).transform((v) => v === 'true');

/** Ids that name nothing visible answer 404 in the service, as the other lists do. */
export const alertQuerySchema = z.object({
  clinicId: identifier(64).optional(),
  /** Default: open and acknowledged. */
  status: z.enum(ALERT_STATUSES).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  pumpId: identifier(64).optional(),
  patientId: identifier(64).optional(),
  includeSnoozed: queryBoolean.optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(500),
  /** The `x-next-cursor` of the previous page (opaque); absent: the first page. */
  cursor: z.string().min(1, 'must not be empty').max(512, 'is not a cursor this list gave out').optional(),
});
export type AlertQuery = z.output<typeof alertQuerySchema>;

// GET /api/alerts answer headers (issue 15): the body stays a bare Alert[] so existing clients keep working.
/** Alerts matching every filter of the request, on every page together. */
export const ALERT_TOTAL_COUNT_HEADER = 'x-total-count';
/** JSON {"critical":n,"urgent":n,"warning":n}: alerts matching every filter except `severity`. */
export const ALERT_SEVERITY_COUNTS_HEADER = 'x-severity-counts';
/** The `cursor` of the next page; absent on the last page (a `link: <...>; rel="next"` header carries the same). */
export const ALERT_NEXT_CURSOR_HEADER = 'x-next-cursor';
export type AlertSeverityCounts = Record<AlertSeverity, number>;

// ---- Socket events ----

/**
 * `sentAhead`: this alert was sent before events with lower ids of the same delivery (the pump.changed of the batch that raised it),
 * so that it reaches every dashboard after one fan-out, not behind that event's. Such an event does not move a client's resume point
 * (the handshake `lastEventId`): resume from the highest id received without the flag. A replay may then send the same event again
 * (same eventId, without the flag): a client drops what it already had.
 */
export interface AlertRaisedEvent {
  eventId: number;
  alert: Alert;
  sentAhead?: true;
}
export interface AlertUpdatedEvent {
  eventId: number;
  change: AlertChange;
  alert: Alert;
  sentAhead?: true;
}
