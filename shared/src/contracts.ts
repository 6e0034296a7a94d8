// Request schemas (zod) and response shapes shared by the API and the dashboard: the public contract.
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { PUMP_MODEL_IDS, PumpModelId } from './clinical-config';
import { isoDate, isoInstant } from './date-fields';
import { clinicText, identifier } from './text-fields';
import { clinicLocaleField } from './clinic-settings';
import type { PumpTelemetryStatus } from './telemetry/pump-telemetry-status';
import type { AlertRaisedEvent, AlertSeverity, AlertUpdatedEvent } from './alerts/alert-contracts';
import type { PageSentEvent } from './paging/paging-contracts';
import {
  doseChangeContextFields,
  doseChangeReasonFields,
  doseChangeReasonSchema,
  spasticityOriginFields,
} from './clinical-safety/request-fields';
import { DOSE_REQUEST_MAXIMA } from './clinical-safety/drug-library-config';
import type { DoseChangeContext } from './clinical-safety/dose-guard';
import type { DrugLibraryViolation } from './clinical-safety/drug-library';
import type { SpasticityOrigin } from './clinical-safety/request-fields';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

// Strict calendar dates and instants within 1900-2200 (issue 14), one definition for the server and the forms.
export { isoDate, isoInstant } from './date-fields';
export const wallClockTime = z.string().regex(HH_MM, "must be a wall-clock time 'HH:MM' (00:00-23:59)");
const uuid = z.uuid({ message: 'must be a UUID' });

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];
export const EXPLANT_REASONS = ['replacement', 'infection', 'therapy_ended', 'deceased', 'other'] as const;
export type ExplantReason = (typeof EXPLANT_REASONS)[number];
export const DRUGS = ['baclofen'] as const;
export type Drug = (typeof DRUGS)[number];

export const createClinicSchema = z.object({
  name: clinicText(200, { min: 1 }),
  timeZone: identifier(64).refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone, e.g. Europe/Paris'),
  /** Optional: the locale its date fields are written in; absent or null follows the time zone (settings PATCH changes it later). */
  locale: clinicLocaleField,
});
export type CreateClinicRequest = z.infer<typeof createClinicSchema>;

/** Patients at higher risk of severe withdrawal (FDA label); shown on withdrawal-risk alerts. */
const withdrawalRiskFactorFields = {
  spinalCordInjuryT6OrAbove: z.boolean().nullable().optional(),
  communicationDifficulty: z.boolean().nullable().optional(),
  previousWithdrawal: z.boolean().nullable().optional(),
};

export const createPatientSchema = z.object({
  clinicId: uuid,
  mrn: identifier(64, { min: 1 }),
  displayName: clinicText(200, { min: 1 }),
  birthDate: isoDate,
  sex: z.enum(SEXES, { message: `must be one of ${SEXES.join(', ')}` }),
  weightKg: z.number().positive('must be above 0').max(400).optional(),
  ...withdrawalRiskFactorFields,
  // Clinical safety (issue 7): height for the children's eGFR (bedside Schwartz), origin for the escalation limits.
  heightCm: z.number().positive('must be above 0').max(250, 'must be at most 250').optional(),
  ...spasticityOriginFields,
});
export type CreatePatientRequest = z.infer<typeof createPatientSchema>;

/** Clinical-safety fields of PATCH /api/patients/:id (null clears one: not recorded). */
const clinicalPatientFields = {
  weightKg: z.number().positive('must be above 0').max(400, 'must be at most 400').nullable().optional(),
  heightCm: z.number().positive('must be above 0').max(250, 'must be at most 250').nullable().optional(),
  ...spasticityOriginFields,
};

/** Identity fields of PATCH /api/patients/:id (issue 16): a typo in the name, MRN, birth date or sex is corrected, never cleared. */
const patientIdentityFields = {
  mrn: identifier(64, { min: 1 }).optional(),
  displayName: clinicText(200, { min: 1 }).optional(),
  birthDate: isoDate.optional(),
  sex: z.enum(SEXES, { message: `must be one of ${SEXES.join(', ')}` }).optional(),
};

/** PATCH /api/patients/:id: the withdrawal risk factors, weight, height and spasticity origin (null: not recorded), and the identity fields; at least one field. */
export const updatePatientSchema = z
  .strictObject({ ...withdrawalRiskFactorFields, ...clinicalPatientFields, ...patientIdentityFields })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message:
      'needs at least one of spinalCordInjuryT6OrAbove, communicationDifficulty, previousWithdrawal, weightKg, heightCm, spasticityOrigin, mrn, displayName, birthDate, sex',
  });

/** GET /api/patients `q` (issue 16): words that must all appear in the patient's name or MRN, regardless of accents and case. */
export const patientListQuerySchema = z.object({
  clinicId: z.string().optional(),
  q: clinicText(200).optional(),
});
export type PatientListQuery = z.infer<typeof patientListQuerySchema>;
export type UpdatePatientRequest = z.infer<typeof updatePatientSchema>;

export const createPumpSchema = z.object({
  patientId: uuid,
  modelId: z.enum(PUMP_MODEL_IDS as [PumpModelId, ...PumpModelId[]], { message: `must be one of ${PUMP_MODEL_IDS.join(', ')}` }),
  serialNumber: identifier(64, { min: 1 }),
  implantDate: isoDate,
  /** Defaults from the model. */
  lowReservoirAlarmMl: z.number().min(0, 'must be 0 or more').optional(),
  /** Required for constant-flow pumps (device label); refused for others when it differs from the model. */
  reservoirCapacityMl: z.number().positive('must be above 0').max(100).optional(),
  /** Required for constant-flow pumps (device label). */
  flowRateMlPerDay: z.number().positive('must be above 0').max(10).optional(),
  /** The patient's active pump this one replaces; it is explanted in the same transaction. */
  replacesPumpId: uuid.optional(),
  explantReason: z.enum(EXPLANT_REASONS).optional(),
});
export type CreatePumpRequest = z.infer<typeof createPumpSchema>;

export const bridgeBolusSchema = z.object({
  volumeMl: z.number().positive('must be above 0'),
  durationMinutes: z
    .number()
    .int('must be whole minutes')
    .positive('must be above 0')
    .max(7 * 24 * 60),
});

export const createFillSchema = z.object({
  filledAt: isoInstant,
  drug: z.enum(DRUGS).default('baclofen'),
  concentrationMcgPerMl: z
    .number()
    .positive('must be above 0')
    .max(
      DOSE_REQUEST_MAXIMA.concentrationMcgPerMl,
      `must be at most ${DOSE_REQUEST_MAXIMA.concentrationMcgPerMl} mcg/mL (not a dose; the drug library refuses from its hard limit)`,
    ),
  volumeMl: z.number().positive('must be above 0'),
  aspiratedResidualMl: z.number().min(0, 'must be 0 or more').optional(),
  stabilityDays: z.number().int('must be whole days').positive('must be above 0').max(365).optional(),
  bridgeBolus: bridgeBolusSchema.optional(),
  /** Patient boluses delivered since the previous fill, from the patient programmer's log (reservoir reconciliation; wins over telemetry). */
  patientBolusCountSinceLastFill: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100000).optional(),
  /** Required (422) when a constant-flow pump's new concentration cuts or raises the daily dose past the dose guard (issue 7). */
  ...doseChangeReasonFields,
  /** Required (422) when the fill passes a soft limit of the clinic's drug library (issue 13); stored with the fill. */
  limitOverrideReason: doseChangeReasonSchema.optional(),
});
export type CreateFillRequest = z.input<typeof createFillSchema>;

const minutesOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const programStepSchema = z.object({
  startTime: wallClockTime,
  doseMcgPerDay: z
    .number()
    .min(0, 'must be 0 or more')
    .max(
      DOSE_REQUEST_MAXIMA.doseMcgPerDay,
      `must be at most ${DOSE_REQUEST_MAXIMA.doseMcgPerDay} mcg/day (not a dose; the drug library refuses from its hard limit)`,
    ),
});
export const periodicBolusSchema = z.object({
  time: wallClockTime,
  doseMcg: z
    .number()
    .positive('must be above 0')
    .max(
      DOSE_REQUEST_MAXIMA.periodicBolusMcg,
      `must be at most ${DOSE_REQUEST_MAXIMA.periodicBolusMcg} mcg (not a dose; the drug library refuses from its hard limit)`,
    ),
});
export const patientBolusSchema = z.object({
  doseMcg: z
    .number()
    .positive('must be above 0')
    .max(
      DOSE_REQUEST_MAXIMA.patientBolusDoseMcg,
      `must be at most ${DOSE_REQUEST_MAXIMA.patientBolusDoseMcg} mcg (not a dose; the drug library refuses from its hard limit)`,
    ),
  maxPerDay: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(
      DOSE_REQUEST_MAXIMA.patientBolusesPerDay,
      `must be at most ${DOSE_REQUEST_MAXIMA.patientBolusesPerDay} (not a dose; the drug library refuses from its hard limit)`,
    ),
});

export const createProgramSchema = z
  .object({
    effectiveFrom: isoInstant,
    steps: z.array(programStepSchema).min(1, 'needs at least one step starting at 00:00').max(48),
    periodicBoluses: z.array(periodicBolusSchema).max(48).default([]),
    patientBolus: patientBolusSchema.nullable().optional(),
    /** Required (422) when the dose guard finds an abrupt cut, a stop or a rise above range (issue 7). */
    ...doseChangeReasonFields,
    ...doseChangeContextFields,
  })
  .superRefine((program, ctx) => {
    if (program.steps.length > 0 && program.steps[0].startTime !== '00:00') {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', 0, 'startTime'],
        message: 'the first step must start at 00:00 so the steps cover the whole day',
      });
    }
    for (let i = 1; i < program.steps.length; i++) {
      if (
        HH_MM.test(program.steps[i].startTime) &&
        HH_MM.test(program.steps[i - 1].startTime) &&
        minutesOfDay(program.steps[i].startTime) <= minutesOfDay(program.steps[i - 1].startTime)
      ) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'startTime'], message: 'steps must be in increasing order of startTime' });
      }
    }
  });
export type CreateProgramRequest = z.input<typeof createProgramSchema>;

export const forecastQuerySchema = z.object({ at: isoInstant.optional() });

// ---- Response shapes ----

export interface Clinic {
  id: string;
  name: string;
  timeZone: string;
  /** Issue 16: the locale its date fields are written in (its chosen one, else the one its time zone suggests). */
  locale: string;
  createdAt: string;
}

export interface Patient {
  id: string;
  clinicId: string;
  mrn: string;
  displayName: string;
  birthDate: string;
  sex: Sex;
  weightKg: number | null;
  createdAt: string;
  /** Withdrawal risk factors; null: not recorded. */
  spinalCordInjuryT6OrAbove: boolean | null;
  communicationDifficulty: boolean | null;
  previousWithdrawal: boolean | null;
  /** Clinical safety (issue 7); null: not recorded. */
  heightCm: number | null;
  spasticityOrigin: SpasticityOrigin | null;
}

export interface Pump {
  id: string;
  patientId: string;
  clinicId: string;
  modelId: PumpModelId;
  serialNumber: string;
  implantDate: string;
  reservoirCapacityMl: number;
  lowReservoirAlarmMl: number;
  flowRateMlPerDay: number | null;
  explantedAt: string | null;
  explantReason: ExplantReason | null;
  replacesPumpId: string | null;
  createdAt: string;
}

export interface BridgeBolus {
  volumeMl: number;
  durationMinutes: number;
}

export interface Fill {
  id: string;
  pumpId: string;
  filledAt: string;
  drug: Drug;
  concentrationMcgPerMl: number;
  volumeMl: number;
  aspiratedResidualMl: number | null;
  stabilityDays: number;
  bridgeBolus: BridgeBolus | null;
  /** Volume the forecast of the previous fill expected at this refill (nominal), null for a first fill. */
  expectedResidualMl: number | null;
  /** Patient boluses since the previous fill as entered at refill, null when not entered. */
  patientBolusCountSinceLastFill: number | null;
  /** Why the dose changed, when the dose guard asked for it (issue 7); null otherwise. */
  doseChangeReason: string | null;
  /** Why the fill goes past a soft limit of the drug library (issue 13); null otherwise. */
  limitOverrideReason: string | null;
  /** The soft limits that reason overrides (empty: none). */
  limitOverrides: DrugLibraryViolation[];
  createdAt: string;
}

export interface ProgramStep {
  startTime: string;
  doseMcgPerDay: number;
}
export interface PeriodicBolus {
  time: string;
  doseMcg: number;
}
export interface PatientBolus {
  doseMcg: number;
  maxPerDay: number;
}

export interface Program {
  id: string;
  pumpId: string;
  effectiveFrom: string;
  steps: ProgramStep[];
  periodicBoluses: PeriodicBolus[];
  patientBolus: PatientBolus | null;
  /** Nominal dose of one pump day: steps weighted by their hours plus periodic boluses. */
  doseMcgPerDay: number;
  /** Why the dose changed, when given (required by the dose guard for abrupt cuts, stops and rises above range; issue 7). */
  doseChangeReason: string | null;
  /** The escalation limits the change was judged by (null for a program set before issue 7). */
  doseChangeContext: DoseChangeContext | null;
  /** The drug library's soft limits this program goes past, confirmed by doseChangeReason (issue 13; empty: none). */
  limitOverrides: DrugLibraryViolation[];
  createdAt: string;
}

/** 'forecast_error': the pump's history could not be forecast (its reason in the fleet row's `statusReason`); the others still show. */
export type ForecastStatus = 'ok' | 'no_fill' | 'no_program' | 'forecast_error';
/**
 * 'reported_reservoir' (issue 12): the pump reports less than the forecast, beyond tolerance; the deadline counts from its volume.
 * 'calibrated_flow' (issue 13): the pump's refills show it runs fast (flow factor above 1); the deadline is its calibrated alarm.
 */
export type DeadlineReason = 'low_reservoir' | 'drug_stability' | 'reported_reservoir' | 'calibrated_flow';

/**
 * The pump's own latest reservoir estimate (recorded after the fill in force) against the nominal forecast at the same instant
 * (issue 12). `discrepancy`: they differ by more than the clinic's tolerance, the larger of `toleranceMl` and `tolerancePercent`.
 */
export interface ReportedReservoirComparison {
  recordedAt: string;
  reportedVolumeMl: number;
  /** The nominal forecast volume at `recordedAt`. */
  forecastVolumeMl: number;
  /** reported - forecast. */
  differenceMl: number;
  /** The difference allowed at this forecast volume: max(toleranceMl, tolerancePercent% of forecastVolumeMl). */
  allowedDifferenceMl: number;
  discrepancy: boolean;
  /**
   * With a discrepancy and less reported than forecast: the levels as if the fill had been short by the difference (same
   * program); the refill deadline is the earlier of both. Otherwise null.
   */
  lowerVolumeLevels: { nominal: ForecastLevels; worstCase: ForecastLevels } | null;
}

export interface ForecastLevels {
  lowReservoirAlarmAt: string | null;
  emptyAt: string | null;
}
export interface ForecastCurvePoint {
  at: string;
  volumeMl: number;
  worstCaseVolumeMl: number;
}

export interface PumpForecast {
  pumpId: string;
  status: ForecastStatus;
  at: string;
  volumeMl: number | null;
  /** Volume at `at` had every allotted patient bolus been delivered since the last telemetry count (since the fill without one). */
  worstCaseVolumeMl: number | null;
  /** Patient boluses telemetry reported delivered since the fill (counted up to `countedUntil`), null without such a count. */
  reportedPatientBoluses: { countedUntil: string; deliveredMcg: number; volumeMl: number } | null;
  nominal: ForecastLevels;
  worstCase: ForecastLevels;
  drugExpiresAt: string | null;
  refillDeadline: string | null;
  deadlineReason: DeadlineReason | null;
  dailyVolumeMl: number | null;
  doseMcgPerDay: number | null;
  concentrationMcgPerMl: number | null;
  lowReservoirAlarmMl: number;
  fillId: string | null;
  /** Minutes the pump clock is ahead of the clinic's local time now (non-zero after a DST change). */
  pumpClockOffsetFromLocalMinutes: number;
  curve: ForecastCurvePoint[];
  /** The pump's latest reservoir estimate since the fill against the forecast then (issue 12); null without one. */
  reportedReservoir: ReportedReservoirComparison | null;
  /**
   * The pump's flow learnt from its reconciled refills up to `at` (issue 13): every drawn volume x `flowFactor`, worst case (every
   * allotted patient bolus). Above 1 the refill deadline is the calibrated alarm when earlier. Null without a reconciled interval.
   */
  calibrated: CalibratedForecast | null;
}

export interface CalibratedForecast {
  /** Delivered over programmed volume, shrunk towards 1 with few intervals, within 1 +/- the model's flow accuracy. */
  flowFactor: number;
  /** Reconciled refill intervals it was learnt from. */
  intervals: number;
  lowReservoirAlarmAt: string | null;
  emptyAt: string | null;
}

/**
 * 'delivery_interrupted' (most urgent): a delivery-interrupting alarm, an end-of-service battery, a concentration mismatch or an
 * open withdrawal-risk alert. 'no_forecast' ranks with 'critical' once the pump has been without a forecast for more than 24 h.
 */
export type Urgency = 'delivery_interrupted' | 'no_forecast' | 'overdue' | 'critical' | 'urgent' | 'warning' | 'ok';

/** Why a fleet row has its urgency: every open problem of the pump, most severe first. */
export type UrgencyReasonKind =
  | 'delivery_interrupted'
  | 'battery_end_of_service'
  | 'concentration_mismatch'
  | 'withdrawal_risk_alert'
  | 'overdue'
  | 'refill_deadline'
  | 'no_forecast'
  | 'forecast_error'
  | 'reservoir_discrepancy';
export interface UrgencyReason {
  kind: UrgencyReasonKind;
  severity: AlertSeverity;
  text: string;
  /** The open or acknowledged alert this reason comes from (withdrawal risk, reservoir discrepancy), for a link to it. */
  alertId?: string;
}

export interface FleetPump {
  pump: Pump;
  patient: { id: string; mrn: string; displayName: string };
  clinic: { id: string; name: string; timeZone: string };
  status: ForecastStatus;
  /** Why the forecast is missing or failed ('no fill recorded', the error of a history that cannot be forecast); null when ok. */
  statusReason: string | null;
  urgency: Urgency;
  /** Every open problem behind `urgency`, most severe first (see assessFleetUrgency). */
  urgencyReasons: UrgencyReason[];
  /** Without a forecast: since when (the later of implant and registration); past 24 h the row ranks with the critical ones. */
  noForecastSince: string | null;
  volumeMl: number | null;
  refillDeadline: string | null;
  deadlineReason: DeadlineReason | null;
  /** Exact days (24 h) from now to the refill deadline; negative when overdue. */
  daysLeft: number | null;
  concentrationMcgPerMl: number | null;
  doseMcgPerDay: number | null;
  lastFilledAt: string | null;
  /** Telemetry facts (contact, battery, alarms, mismatches, replacement, MRI check). */
  telemetry: PumpTelemetryStatus | null;
  /** The booked refill appointment (scheduling), timed against the deadline now; null when none is booked. */
  nextAppointment: FleetAppointment | null;
  /**
   * The event id this row was last computed at (fleet read model): a client keeps the row with the highest version and ignores an
   * older one arriving late. Absent from servers before the read model.
   */
  fleetRowVersion?: number;
}

/** Sortable fleet columns (GET /api/pumps `sort`); ties always fall back to urgency, then patient name, then pump id. */
export type FleetSortKey = 'urgency' | 'patient' | 'daysLeft' | 'deadline' | 'reservoir';
export const FLEET_SORT_KEYS: readonly FleetSortKey[] = ['urgency', 'patient', 'daysLeft', 'deadline', 'reservoir'];
/** Fleet urgency levels, most urgent first (the chips' order). */
export const URGENCY_LEVELS: readonly Urgency[] = ['delivery_interrupted', 'overdue', 'critical', 'no_forecast', 'urgent', 'warning', 'ok'];

/**
 * GET /api/pumps with `limit` (or `cursor`): one page of the fleet read model, ordered by `sort`/`dir` (default urgency,
 * ascending), filtered by `clinicId`, `q` and `urgency`. Without `limit` the route still answers the bare FleetPump[] (every row).
 */
export interface FleetPage {
  rows: FleetPump[];
  /** Opaque keyset cursor for the next page (`cursor=`); null on the last page. Stable while rows change. */
  nextCursor: string | null;
  /** Rows per urgency over the whole fleet the caller sees with `clinicId` and `q` applied (not `urgency`): the chips. */
  counts: Record<Urgency, number>;
  /** Rows matching every filter, `urgency` included. */
  total: number;
  /** The highest event id the page reflects (also the x-last-event-id header). */
  lastEventId: number;
}

/** A pump's booked refill as the fleet shows it: 'after_margin' and 'after_deadline' are shown in red. */
export interface FleetAppointment {
  id: string;
  startsAt: string;
  clinicianId: string;
  overrideReason: string | null;
  timing: 'on_time' | 'after_margin' | 'after_deadline' | null;
}

/** GET /api/pumps/:id: the pump with its patient, clinic, full fill and program history, and its forecast now (null when explanted). */
export interface PumpDetail {
  pump: Pump;
  patient: Patient;
  clinic: Clinic;
  fills: Fill[];
  programs: Program[];
  forecast: PumpForecast | null;
  /** Telemetry facts now; null when explanted. Readings: GET /api/pumps/:id/telemetry; reconciliations: GET /api/pumps/:id/reconciliations. */
  telemetry: PumpTelemetryStatus | null;
}

/** Every error answer: HTTP status, a code, a message, and the fields at fault. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: { field: string; message: string }[];
}

// ---- Live events (socket.io) ----
export const SOCKET_EVENTS = {
  pumpChanged: 'pump.changed',
  alertRaised: 'alert.raised',
  alertUpdated: 'alert.updated',
  pageSent: 'page.sent',
  onCallChanged: 'on_call.changed',
  alertSnoozed: 'alert.snoozed',
} as const;
export interface PumpChangedEvent {
  eventId: number;
  clinicId: string;
  pumpId: string;
  /**
   * The pump's fleet row after this change (a dashboard patches that one row, never refetches the fleet); null when the pump left
   * the fleet (explanted). Absent when the server could not compute it in time: fetch GET /api/pumps/:id/fleet-row.
   */
  fleetRow?: FleetPump | null;
}
/** An on-call shift of the clinic was added or changed: who is on call now may have changed (the "no one on call" banner). */
export interface OnCallChangedEvent {
  eventId: number;
  clinicId: string;
}
/** A user snoozed an alert: that user's other dashboards hide it too (others ignore it; a snooze is per user). */
export interface AlertSnoozedEvent {
  eventId: number;
  clinicId: string;
  alertId: string;
  userId: string;
  snoozedUntil: string;
  severityAtSnooze: AlertSeverity;
}
export interface ServerToClientEvents {
  'pump.changed': (event: PumpChangedEvent) => void;
  'alert.raised': (event: AlertRaisedEvent) => void;
  'alert.updated': (event: AlertUpdatedEvent) => void;
  'page.sent': (event: PageSentEvent) => void;
  'on_call.changed': (event: OnCallChangedEvent) => void;
  'alert.snoozed': (event: AlertSnoozedEvent) => void;
}
/** socket.io handshake `auth`: the access token (unless the session cookie is sent) and the last event id the client saw. */
export interface SocketHandshakeAuth {
  token?: string;
  lastEventId?: number;
}
/**
 * Response header of the first reads (GET /api/alerts, GET /api/pumps): the highest event id committed before the answer's data were
 * read; a socket opened afterwards with it as `lastEventId` receives every later event, so nothing falls between the read and the socket.
 */
export const LAST_EVENT_ID_HEADER = 'x-last-event-id';
