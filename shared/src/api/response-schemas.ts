// Zod schemas of the API's response shapes, each checked by the compiler against its TypeScript type: the OpenAPI document's source.
import { z } from 'zod';
import { PUMP_MODEL_IDS } from '../clinical-config';
import type { PumpModelId } from '../clinical-config';
import { DRUGS, EXPLANT_REASONS, SEXES } from '../contracts';
import type {
  ApiErrorBody,
  BridgeBolus,
  CalibratedForecast,
  Clinic,
  Fill,
  FleetAppointment,
  FleetPage,
  FleetPump,
  ForecastCurvePoint,
  ForecastLevels,
  Patient,
  PeriodicBolus,
  PatientBolus,
  Program,
  ProgramStep,
  Pump,
  PumpDetail,
  PumpForecast,
  ReportedReservoirComparison,
  UrgencyReason,
} from '../contracts';
import { CLINIC_ROLES } from '../access/permissions';
import type {
  AuditEntry,
  CreatedMachineToken,
  LoginResponse,
  MachineToken,
  ResetPasswordResponse,
  Session,
  User,
} from '../access/auth-contracts';
import { ALERT_KINDS, ALERT_SEVERITIES, ALERT_STATUSES } from '../alerts/alert-contracts';
import type { Alert, AlertActor, AlertDetail, AlertHistoryEntry, WithdrawalChecklist } from '../alerts/alert-contracts';
import { CLINICIAN_PROFESSIONS, ESCALATION_TARGETS, ON_CALL_TIERS } from '../on-call/on-call-contracts';
import type { Clinician, EscalationPolicy, OnCallNow, OnCallShift } from '../on-call/on-call-contracts';
import { PAGE_NOTIFIERS, PAGE_STATUSES, ESCALATION_STOP_REASONS } from '../paging/paging-contracts';
import type { AcknowledgeLinkResult, AlertPages, CreatedWebhookEndpoint, Page, WebhookEndpoint } from '../paging/paging-contracts';
import { NOTIFICATION_CHANNEL_KINDS, smtpSettingsSchema } from '../paging/notification-channel-contracts';
import type { NotificationChannel, NotificationChannelSecret } from '../paging/notification-channel-contracts';
import { APPOINTMENT_STATUSES, BOOKING_TIMINGS, UNPLACED_REASONS } from '../scheduling/scheduling-contracts';
import type {
  AppointmentResponse,
  ClinicClosure,
  ClinicianAvailability,
  RefillPlanProposal,
  RefillSlot,
  RefillSlotsResponse,
  Room,
} from '../scheduling/scheduling-contracts';
import { PUMP_EVENT_KINDS } from '../telemetry/telemetry-contracts';
import { BATTERY_STATUSES, PUMP_ALARM_CODES } from '../telemetry/pump-telemetry-status';
import { PATIENT_BOLUS_SOURCES } from '../telemetry/reservoir-reconciliation';
import type {
  PumpEvent,
  PumpReconciliations,
  PumpTelemetryReadings,
  ReservoirReconciliation,
  TelemetryIngestResult,
  TelemetryReading,
} from '../telemetry/telemetry-contracts';
import type {
  ConcentrationMismatch,
  ProgramMismatch,
  PumpTelemetryStatus,
  ReconciliationDiscrepancy,
} from '../telemetry/pump-telemetry-status';
import type { ReconciliationTrend } from '../telemetry/reservoir-reconciliation';
import { CLINIC_SETTING_LIMITS, NULLABLE_CLINIC_SETTINGS } from '../clinic-settings';
import type { ClinicSettingName, ClinicSettings } from '../clinic-settings';
import { CREATININE_UNITS, LAB_KINDS } from '../clinical-safety/labs-contracts';
import type { LabResult } from '../clinical-safety/labs-contracts';
import { TAPER_PLAN_STATUSES } from '../clinical-safety/clinical-safety-contracts';
import type { CheckUp, ClinicalSafetySettings, ClinicalSummary, TaperPlanRecord } from '../clinical-safety/clinical-safety-contracts';
import { MODIFIED_ASHWORTH_SCORES } from '../clinical-safety/clinical-safety-config';
import { DOSE_CHANGE_CONTEXTS, SPASTICITY_ORIGINS } from '../clinical-safety/request-fields';
import type { DrugLibraryViolation, ClinicDrugLibrary } from '../clinical-safety/drug-library';
import { SIDE_EFFECT_KINDS, SIDE_EFFECT_REPORTERS, SIDE_EFFECT_SEVERITIES } from '../clinical-safety/side-effects';
import type { SideEffectReport } from '../clinical-safety/side-effects';
import type { ImportConfirmation, ImportDryRun, ImportRowResult, ImportSummary } from '../imports/import-contracts';
import { described, oneOf, responseObject } from './response-schema';

const instant = z.string().meta({ format: 'date-time', description: 'ISO-8601 instant, UTC' });
const calendarDate = z.string().meta({ format: 'date', description: 'calendar date YYYY-MM-DD' });
const id = z.string().meta({ format: 'uuid' });
const hhmm = z.string().meta({ description: "wall-clock time 'HH:MM' in the clinic's zone", pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
const nullableInstant = instant.nullable();

// ---- Errors ----

export const apiErrorBodySchema = responseObject<ApiErrorBody>()({
  statusCode: z.number().int(),
  error: z.string().describe('a code: validation_failed, rule_violated, not_found, conflict, unauthenticated, forbidden, ...'),
  message: z.string(),
  fields: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe('the request fields at fault'),
});

// ---- Clinics, patients, pumps, fills, programs ----

export const clinicSchema = responseObject<Clinic>()({
  id,
  name: z.string(),
  timeZone: z.string().describe('IANA time zone'),
  locale: z.string().describe("BCP 47 locale of the clinic's date fields: its chosen one, else the one its time zone suggests"),
  createdAt: instant,
});

export const patientSchema = responseObject<Patient>()({
  id,
  clinicId: id,
  mrn: z.string(),
  displayName: z.string(),
  birthDate: calendarDate,
  sex: z.enum(SEXES),
  weightKg: z.number().nullable(),
  createdAt: instant,
  spinalCordInjuryT6OrAbove: z.boolean().nullable(),
  communicationDifficulty: z.boolean().nullable(),
  previousWithdrawal: z.boolean().nullable(),
  heightCm: z.number().nullable(),
  spasticityOrigin: z.enum(SPASTICITY_ORIGINS).nullable(),
});

const pumpModelId = oneOf<PumpModelId>(PUMP_MODEL_IDS as [PumpModelId, ...PumpModelId[]]);

export const pumpSchema = responseObject<Pump>()({
  id,
  patientId: id,
  clinicId: id,
  modelId: pumpModelId,
  serialNumber: z.string(),
  implantDate: calendarDate,
  reservoirCapacityMl: z.number(),
  lowReservoirAlarmMl: z.number(),
  flowRateMlPerDay: z.number().nullable(),
  explantedAt: nullableInstant,
  explantReason: z.enum(EXPLANT_REASONS).nullable(),
  replacesPumpId: id.nullable(),
  createdAt: instant,
});

const drugLibraryViolationSchema = responseObject<DrugLibraryViolation>()({
  level: z.enum(['soft', 'hard']),
  rule: z.enum(['concentration', 'daily_dose', 'periodic_bolus', 'patient_bolus_dose', 'patient_boluses_per_day', 'bolus_share']),
  field: z.string(),
  value: z.number(),
  limit: z.number(),
  unit: z.enum(['mcg/day', 'mcg', 'per day', 'mcg/mL', 'share']),
  message: z.string(),
});

const bridgeBolusSchema = responseObject<BridgeBolus>()({ volumeMl: z.number(), durationMinutes: z.number().int() });

export const fillSchema = responseObject<Fill>()({
  id,
  pumpId: id,
  filledAt: instant,
  drug: z.enum(DRUGS),
  concentrationMcgPerMl: z.number(),
  volumeMl: z.number(),
  aspiratedResidualMl: z.number().nullable(),
  stabilityDays: z.number().int(),
  bridgeBolus: bridgeBolusSchema.nullable(),
  expectedResidualMl: z.number().nullable(),
  patientBolusCountSinceLastFill: z.number().int().nullable(),
  doseChangeReason: z.string().nullable(),
  limitOverrideReason: z.string().nullable(),
  limitOverrides: z.array(drugLibraryViolationSchema),
  createdAt: instant,
});

export const programSchema = responseObject<Program>()({
  id,
  pumpId: id,
  effectiveFrom: instant,
  steps: z.array(responseObject<ProgramStep>()({ startTime: hhmm, doseMcgPerDay: z.number() })),
  periodicBoluses: z.array(responseObject<PeriodicBolus>()({ time: hhmm, doseMcg: z.number() })),
  patientBolus: responseObject<PatientBolus>()({ doseMcg: z.number(), maxPerDay: z.number().int() }).nullable(),
  doseMcgPerDay: z.number().describe('nominal dose of one pump day'),
  doseChangeReason: z.string().nullable(),
  doseChangeContext: z.enum(DOSE_CHANGE_CONTEXTS).nullable(),
  limitOverrides: z.array(drugLibraryViolationSchema),
  createdAt: instant,
});

const forecastLevelsSchema = responseObject<ForecastLevels>()({ lowReservoirAlarmAt: nullableInstant, emptyAt: nullableInstant });
const deadlineReason = z.enum(['low_reservoir', 'drug_stability', 'reported_reservoir', 'calibrated_flow']);
const forecastStatus = z.enum(['ok', 'no_fill', 'no_program', 'forecast_error']);

export const pumpForecastSchema = responseObject<PumpForecast>()({
  pumpId: id,
  status: forecastStatus,
  at: instant,
  volumeMl: z.number().nullable(),
  worstCaseVolumeMl: z.number().nullable(),
  reportedPatientBoluses: z.object({ countedUntil: instant, deliveredMcg: z.number(), volumeMl: z.number() }).nullable(),
  nominal: forecastLevelsSchema,
  worstCase: forecastLevelsSchema,
  drugExpiresAt: nullableInstant,
  refillDeadline: nullableInstant,
  deadlineReason: deadlineReason.nullable(),
  dailyVolumeMl: z.number().nullable(),
  doseMcgPerDay: z.number().nullable(),
  concentrationMcgPerMl: z.number().nullable(),
  lowReservoirAlarmMl: z.number(),
  fillId: id.nullable(),
  pumpClockOffsetFromLocalMinutes: z.number(),
  curve: z.array(responseObject<ForecastCurvePoint>()({ at: instant, volumeMl: z.number(), worstCaseVolumeMl: z.number() })),
  reportedReservoir: responseObject<ReportedReservoirComparison>()({
    recordedAt: instant,
    reportedVolumeMl: z.number(),
    forecastVolumeMl: z.number(),
    differenceMl: z.number(),
    allowedDifferenceMl: z.number(),
    discrepancy: z.boolean(),
    lowerVolumeLevels: z.object({ nominal: forecastLevelsSchema, worstCase: forecastLevelsSchema }).nullable(),
  }).nullable(),
  calibrated: responseObject<CalibratedForecast>()({
    flowFactor: z.number(),
    intervals: z.number().int(),
    lowReservoirAlarmAt: nullableInstant,
    emptyAt: nullableInstant,
  }).nullable(),
});

const reconciliationDirection = z.enum(['over_infusion', 'under_delivery']);
const reconciliationReasons = z.array(z.enum(['over_max_difference', 'outside_flow_accuracy']));
const reportedValue = z.object({ value: z.number(), recordedAt: instant }).nullable();

const telemetryStatusSchema = responseObject<PumpTelemetryStatus>()({
  pumpId: id,
  lastContactAt: nullableInstant,
  readingsLast7Days: z.number().int(),
  monitored: z.boolean().describe('reports regularly (2 readings or more within 7 days of its last contact): silence means something'),
  stale: z.boolean().describe('monitored and silent for longer than staleAfterHours'),
  staleAfterHours: z.number(),
  batteryStatus: z.enum(BATTERY_STATUSES).nullable(),
  activeAlarms: z.array(z.enum(PUMP_ALARM_CODES)),
  deliveryInterrupted: z.boolean().describe('an active alarm interrupts delivery: withdrawal risk'),
  programMismatch: responseObject<ProgramMismatch>()({
    reportedDoseMcgPerDay: z.number(),
    programDoseMcgPerDay: z.number(),
    recordedAt: instant,
  }).nullable(),
  concentrationMismatch: responseObject<ConcentrationMismatch>()({
    keyedConcentrationMcgPerMl: z.number(),
    fillConcentrationMcgPerMl: z.number(),
    recordedAt: instant,
  }).nullable(),
  reconciliationDiscrepancy: responseObject<ReconciliationDiscrepancy>()({
    fillId: id,
    filledAt: instant,
    expectedResidualMl: z.number(),
    aspiratedResidualMl: z.number(),
    differenceMl: z.number(),
    direction: reconciliationDirection,
    reasons: reconciliationReasons,
  }).nullable(),
  replacementDueBy: nullableInstant,
  replacementEstimated: z.boolean(),
  eriAt: nullableInstant,
  expectedStopAt: nullableInstant,
  replacementWarningAt: nullableInstant,
  mriCheckPending: z.boolean(),
  pendingMriEventIds: z.array(id),
  reportedReservoirVolumeMl: z.number().nullable().describe("the pump's own estimate from its programmed rate, not a measurement"),
  reportedReservoirVolumeAt: nullableInstant,
  reconciliationDrift: reconciliationDirection.nullable(),
  alarmsAnsweredByRefill: z.object({ codes: z.array(z.enum(PUMP_ALARM_CODES)), recordedAt: instant, filledAt: instant }).nullable(),
  reportedProgram: z.object({ doseMcgPerDay: reportedValue, concentrationMcgPerMl: reportedValue }).optional(),
});

const urgency = z.enum(['delivery_interrupted', 'no_forecast', 'overdue', 'critical', 'urgent', 'warning', 'ok']);
const patientRef = z.object({ id, mrn: z.string(), displayName: z.string() });
const clinicRef = z.object({ id, name: z.string(), timeZone: z.string() });

const urgencyReasonSchema = responseObject<UrgencyReason>()({
  kind: z.enum([
    'delivery_interrupted',
    'battery_end_of_service',
    'concentration_mismatch',
    'withdrawal_risk_alert',
    'overdue',
    'refill_deadline',
    'no_forecast',
    'forecast_error',
    'reservoir_discrepancy',
  ]),
  severity: z.enum(ALERT_SEVERITIES),
  text: z.string(),
  alertId: id.optional(),
});

export const fleetPumpSchema = responseObject<FleetPump>()({
  pump: pumpSchema,
  patient: patientRef,
  clinic: clinicRef,
  status: forecastStatus,
  statusReason: z.string().nullable(),
  urgency,
  urgencyReasons: z.array(urgencyReasonSchema),
  noForecastSince: nullableInstant,
  volumeMl: z.number().nullable(),
  refillDeadline: nullableInstant,
  deadlineReason: deadlineReason.nullable(),
  daysLeft: z.number().nullable().describe('exact days (24 h) to the refill deadline; negative when overdue'),
  concentrationMcgPerMl: z.number().nullable(),
  doseMcgPerDay: z.number().nullable(),
  lastFilledAt: nullableInstant,
  telemetry: telemetryStatusSchema.nullable(),
  nextAppointment: responseObject<FleetAppointment>()({
    id,
    startsAt: instant,
    clinicianId: id,
    overrideReason: z.string().nullable(),
    timing: z.enum(BOOKING_TIMINGS).nullable(),
  }).nullable(),
  fleetRowVersion: z.number().int().optional(),
});

export const fleetPageSchema = responseObject<FleetPage>()({
  rows: z.array(fleetPumpSchema),
  nextCursor: z.string().nullable(),
  counts: z.record(urgency, z.number().int()),
  total: z.number().int(),
  lastEventId: z.number().int(),
});

export const pumpDetailSchema = responseObject<PumpDetail>()({
  pump: pumpSchema,
  patient: patientSchema,
  clinic: clinicSchema,
  fills: z.array(fillSchema),
  programs: z.array(programSchema),
  forecast: pumpForecastSchema.nullable(),
  telemetry: telemetryStatusSchema.nullable(),
});

// ---- Sign-in, users, machine tokens, audit ----

export const userSchema = responseObject<User>()({
  id,
  email: z.string(),
  displayName: z.string(),
  administersAllClinics: z.boolean(),
  mustChangePassword: z.boolean(),
  clinicRoles: z.array(z.object({ clinicId: id, role: z.enum(CLINIC_ROLES) })),
  createdAt: instant,
  deactivatedAt: nullableInstant,
});
export const resetPasswordResponseSchema = responseObject<ResetPasswordResponse>()({
  ...userSchema.shape,
  initialPassword: z.string().optional().describe('the drawn initial password, shown this once'),
});
export const sessionSchema = responseObject<Session>()({
  accessToken: z.string().optional(),
  expiresAt: instant,
  user: userSchema,
  csrfToken: z.string().describe('send back in x-csrf-token on writes made with the session cookie'),
});
export const loginResponseSchema = responseObject<LoginResponse>()({
  ...sessionSchema.shape,
  accessToken: z.string().describe('the bearer token'),
});

export const machineTokenSchema = responseObject<MachineToken>()({
  id,
  clinicId: id,
  name: z.string(),
  createdAt: instant,
  createdByUserId: id,
  revokedAt: nullableInstant,
  lastUsedAt: nullableInstant,
});
export const createdMachineTokenSchema = responseObject<CreatedMachineToken>()({
  ...machineTokenSchema.shape,
  token: z.string().describe('the secret, shown this once'),
});

export const auditEntrySchema = responseObject<AuditEntry>()({
  id: z.number().int(),
  at: instant,
  actorType: z.enum(['user', 'machine', 'system']),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  clinicId: id.nullable(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  requestId: z.string().nullable(),
  entityLabel: z.string().nullable().optional().describe('what the entity is called now, e.g. the patient’s name and MRN'),
  labels: z.record(z.string(), z.string()).optional().describe('names of the ids among the changed fields, by id'),
});

// ---- Telemetry ----

export const telemetryIngestResultSchema = responseObject<TelemetryIngestResult>()({
  received: z.number().int(),
  new: z.number().int(),
  duplicates: z.number().int(),
  unknownSerials: z.array(z.object({ index: z.number().int(), serialNumber: z.string() })),
});

const telemetryReadingSchema = responseObject<TelemetryReading>()({
  recordedAt: instant,
  receivedAt: instant,
  reservoirVolumeMl: z.number().nullable(),
  alarms: z.array(z.enum(PUMP_ALARM_CODES)).nullable(),
  batteryStatus: z.enum(BATTERY_STATUSES).nullable(),
  programDoseMcgPerDay: z.number().nullable(),
  programConcentrationMcgPerMl: z.number().nullable(),
  patientBolusCountTotal: z.number().int().nullable(),
});
export const pumpTelemetryReadingsSchema = responseObject<PumpTelemetryReadings>()({
  pumpId: id,
  from: instant,
  to: instant,
  readings: z.array(telemetryReadingSchema),
  truncated: z.boolean(),
});

const reservoirReconciliationSchema = responseObject<ReservoirReconciliation>()({
  fillId: id,
  pumpId: id,
  filledAt: instant,
  previousFillId: id,
  previousFillVolumeMl: z.number(),
  nominalResidualMl: z.number(),
  worstCaseResidualMl: z.number(),
  patientBolusSource: z.enum(PATIENT_BOLUS_SOURCES),
  patientBolusCount: z.number().int().nullable(),
  patientBolusVolumeMl: z.number().nullable(),
  expectedMinMl: z.number(),
  expectedMaxMl: z.number(),
  expectedResidualMl: z.number(),
  expectedDeliveredMl: z.number(),
  aspiratedResidualMl: z.number(),
  differenceMl: z.number(),
  maxDifferenceMl: z.number(),
  flowAccuracyFraction: z.number().nullable(),
  flowAccuracyToleranceMl: z.number().nullable(),
  flagged: z.boolean(),
  reasons: reconciliationReasons,
  direction: reconciliationDirection.nullable(),
  createdAt: instant,
});
export const pumpReconciliationsSchema = responseObject<PumpReconciliations>()({
  pumpId: id,
  reconciliations: z.array(reservoirReconciliationSchema),
  trend: responseObject<ReconciliationTrend>()({
    count: z.number().int(),
    flaggedCount: z.number().int(),
    consecutiveSameDirection: z.number().int(),
    latestDirection: reconciliationDirection.nullable(),
    meanDifferenceMl: z.number().nullable(),
    repeatedDrift: reconciliationDirection.nullable(),
  }),
});

export const pumpEventSchema = responseObject<PumpEvent>()({
  id,
  pumpId: id,
  kind: z.enum(PUMP_EVENT_KINDS),
  at: instant,
  note: z.string().nullable(),
  recordedByLabel: z.string(),
  createdAt: instant,
  clearedAt: nullableInstant,
  clearedByLabel: z.string().nullable(),
  clearNote: z.string().nullable(),
});

// ---- Alerts and paging ----

const alertActorSchema = responseObject<AlertActor>()({ type: z.enum(['user', 'system']), userId: id.nullable(), label: z.string() });
const withdrawalChecklistSchema = described<WithdrawalChecklist>(
  "WithdrawalChecklist: the early withdrawal signs and the patient's risk factors",
);

export const alertSchema = responseObject<Alert>()({
  id,
  clinicId: id,
  patientId: id,
  pumpId: id.nullable(),
  subject: z.enum(['pump', 'patient']),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  withdrawalRisk: z.boolean(),
  title: z.string(),
  message: z.string(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  patient: patientRef,
  pump: z.object({ id, serialNumber: z.string(), modelId: z.string() }).nullable(),
  firstRaisedAt: instant,
  lastRaisedAt: instant,
  lastSeenAt: instant,
  fireCount: z.number().int(),
  conditionClearedAt: nullableInstant,
  acknowledgedAt: nullableInstant,
  acknowledgedBy: alertActorSchema.nullable(),
  acknowledgementNote: z.string().nullable(),
  resolvedAt: nullableInstant,
  resolvedBy: alertActorSchema.nullable(),
  resolutionNote: z.string().nullable(),
  withdrawal: withdrawalChecklistSchema.nullable(),
  snoozedUntil: nullableInstant,
  lastEventId: z.number().int(),
  updatedAt: instant,
});
const alertHistoryEntrySchema = responseObject<AlertHistoryEntry>()({
  id: z.number().int(),
  at: instant,
  action: z.string() as z.ZodType<AlertHistoryEntry['action']>,
  actor: alertActorSchema,
  fromStatus: z.enum(ALERT_STATUSES).nullable(),
  toStatus: z.enum(ALERT_STATUSES),
  fromSeverity: z.enum(ALERT_SEVERITIES).nullable(),
  toSeverity: z.enum(ALERT_SEVERITIES),
  note: z.string().nullable(),
  snoozedUntil: nullableInstant,
  eventId: z.number().int().nullable(),
});
export const alertDetailSchema = responseObject<AlertDetail>()({ ...alertSchema.shape, history: z.array(alertHistoryEntrySchema) });

const pageSchema = responseObject<Page>()({
  id,
  alertId: id,
  clinicId: id,
  episode: z.number().int(),
  step: z.number().int(),
  level: z.number().int().nullable(),
  levelTarget: z.enum(ESCALATION_TARGETS).nullable(),
  recipient: z.object({ clinicianId: id.nullable(), userId: id.nullable(), displayName: z.string() }).nullable(),
  notifier: z.enum(PAGE_NOTIFIERS),
  webhookEndpointId: id.nullable(),
  notificationChannelId: id.nullable(),
  status: z.enum(PAGE_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: nullableInstant,
  lastAttemptAt: nullableInstant,
  lastError: z.string().nullable(),
  sentAt: nullableInstant,
  createdAt: instant,
});
export const alertPagesSchema = responseObject<AlertPages>()({
  alertId: id,
  escalation: z
    .object({
      alertId: id,
      episode: z.number().int(),
      step: z.number().int(),
      pagingStartedAt: instant,
      nextDueAt: nullableInstant,
      lastPagedAt: nullableInstant,
      noOneOnCall: z.boolean(),
      stoppedAt: nullableInstant,
      stopReason: z.enum(ESCALATION_STOP_REASONS).nullable(),
    })
    .nullable(),
  pages: z.array(pageSchema),
});
export const acknowledgeLinkResultSchema = responseObject<AcknowledgeLinkResult>()({
  alertId: id,
  outcome: z.enum(['acknowledged', 'already_acknowledged', 'already_resolved']),
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  acknowledgedAt: nullableInstant,
  acknowledgedBy: z.string().nullable(),
});
export const webhookEndpointSchema = responseObject<WebhookEndpoint>()({
  id,
  clinicId: id,
  name: z.string(),
  url: z.string(),
  active: z.boolean(),
  createdAt: instant,
  createdByUserId: id.nullable(),
  disabledAt: nullableInstant,
});
export const createdWebhookEndpointSchema = responseObject<CreatedWebhookEndpoint>()({
  ...webhookEndpointSchema.shape,
  secret: z.string().describe('the signing secret, shown this once'),
});

export const notificationChannelSchema = responseObject<NotificationChannel>()({
  id,
  clinicId: id,
  kind: z.enum(NOTIFICATION_CHANNEL_KINDS),
  name: z.string(),
  levels: z.array(z.enum(ESCALATION_TARGETS)),
  smtp: smtpSettingsSchema.nullable(),
  secret: responseObject<NotificationChannelSecret>()({
    configured: z.boolean(),
    source: z.enum(['encrypted', 'environment']).nullable(),
    lastFour: z.string().nullable(),
    envName: z.string().nullable(),
  }).describe('whether a secret is set and where it lives; never the secret'),
  active: z.boolean(),
  createdAt: instant,
  createdByUserId: id.nullable(),
  updatedAt: instant,
  disabledAt: nullableInstant,
});

// ---- Clinicians and on-call ----

export const clinicianSchema = responseObject<Clinician>()({
  id,
  clinicId: id,
  displayName: z.string(),
  profession: z.enum(CLINICIAN_PROFESSIONS),
  userId: id.nullable(),
  pagerContact: z.string().nullable(),
  active: z.boolean(),
  createdAt: instant,
});
export const onCallShiftSchema = responseObject<OnCallShift>()({
  id,
  clinicId: id,
  clinicianId: id,
  tier: z.enum(ON_CALL_TIERS),
  startsAt: instant,
  endsAt: instant,
  cancelledAt: nullableInstant,
  createdAt: instant,
});
export const escalationPolicyResponseSchema = responseObject<EscalationPolicy>()({
  clinicId: id,
  levels: z.array(z.object({ target: z.enum(ESCALATION_TARGETS), afterMinutes: z.number().int() })),
  repeatTopLevelEveryMinutes: z.number().int(),
  urgentPageAfterMinutes: z.number().int(),
  isDefault: z.boolean(),
  updatedAt: nullableInstant,
});
export const onCallNowSchema = responseObject<OnCallNow>()({
  at: instant,
  primary: z.array(clinicianSchema),
  backup: z.array(clinicianSchema),
  noOneOnCall: z.boolean(),
});

// ---- Scheduling ----

export const roomSchema = responseObject<Room>()({ id, clinicId: id, name: z.string(), createdAt: instant });
export const clinicianAvailabilityResponseSchema = responseObject<ClinicianAvailability>()({
  clinicianId: id,
  timeZone: z.string(),
  weekly: z.array(z.object({ weekday: z.number().int().describe('1 Monday .. 7 Sunday'), start: hhmm, end: hhmm })),
  overrides: described<ClinicianAvailability['overrides']>('dated exceptions: a day off or extra hours on a date'),
  updatedAt: nullableInstant,
});
export const appointmentSchema = responseObject<AppointmentResponse>()({
  id,
  pumpId: id,
  patientId: id,
  clinicId: id,
  clinicianId: id,
  roomId: id.nullable(),
  startsAt: instant,
  endsAt: instant,
  status: z.enum(APPOINTMENT_STATUSES),
  bookedBy: z.string(),
  bookedByLabel: z.string(),
  overrideReason: z.string().nullable(),
  statusReason: z.string().nullable(),
  fillId: id.nullable(),
  refillDeadline: nullableInstant,
  bookingDeadline: nullableInstant,
  timing: z.enum(BOOKING_TIMINGS).nullable(),
  createdAt: instant,
});
export const refillSlotsResponseSchema = responseObject<RefillSlotsResponse>()({
  pumpId: id,
  refillDeadline: instant,
  bookingDeadline: instant,
  pastBookingDeadline: z.boolean(),
  slots: z.array(
    responseObject<RefillSlot>()({
      clinicianId: id,
      clinicianName: z.string(),
      startsAt: instant,
      endsAt: instant,
      timing: z.enum(BOOKING_TIMINGS),
      daysBeforeDeadline: z.number(),
    }),
  ),
});
export const refillPlanProposalSchema = responseObject<RefillPlanProposal>()({
  from: instant,
  to: instant,
  proposals: z.array(
    z.object({
      pumpId: id,
      clinicianId: id,
      startsAt: instant,
      endsAt: instant,
      timing: z.enum(BOOKING_TIMINGS),
      refillDeadline: instant,
      drugDaysWasted: z.number(),
    }),
  ),
  unplaced: z.array(z.object({ pumpId: id, refillDeadline: instant, reason: z.enum(UNPLACED_REASONS) })),
  summary: z.object({
    placed: z.number().int(),
    unplaced: z.number().int(),
    onTime: z.number().int(),
    afterMargin: z.number().int(),
    afterDeadline: z.number().int(),
    totalDrugDaysWasted: z.number(),
  }),
  emergencies: z.array(z.object({ pumpId: id, patient: patientRef, reasons: z.array(urgencyReasonSchema), alertId: id.nullable() })),
  outsideDrugLibrary: z.array(z.object({ pumpId: id, violations: z.array(drugLibraryViolationSchema) })),
});

export const clinicClosureSchema = responseObject<ClinicClosure>()({
  id,
  clinicId: id,
  startDate: calendarDate,
  endDate: calendarDate.describe('the last closed day, included'),
  label: z.string(),
  createdAt: instant,
});

/** A clinician's iCalendar feed (its type lives with the server's service, which checks it against this schema). */
export const calendarFeedSchema = z.object({
  id,
  clinicId: id,
  clinicianId: id,
  name: z.string(),
  createdAt: instant,
  revokedAt: nullableInstant,
  lastUsedAt: nullableInstant,
});
export const createdCalendarFeedSchema = calendarFeedSchema.extend({
  token: z.string().describe('the feed secret, shown this once'),
  path: z.string().describe('/api/calendar.ics?token=...'),
});
export const freeSlotSchema = z.object({ clinicianId: id, startsAt: instant, endsAt: instant });

// ---- Clinic settings and clinical safety ----

/**
 * Each clinic setting with its bounds (CLINIC_SETTING_LIMITS), so the document says what PATCH accepts. Built from the limits' keys,
 * which are exactly the setting names (the cast only restores the key types Object.fromEntries loses).
 */
const clinicSettingFields = Object.fromEntries(
  (Object.keys(CLINIC_SETTING_LIMITS) as ClinicSettingName[]).map((name) => {
    const { min, max } = CLINIC_SETTING_LIMITS[name];
    const value = z.number().min(min).max(max);
    return [name, NULLABLE_CLINIC_SETTINGS.includes(name) ? value.nullable() : value];
  }),
) as unknown as { [K in ClinicSettingName]: z.ZodType<ClinicSettings[K]> };
export const clinicSettingsSchema = responseObject<ClinicSettings>()({
  clinicId: id,
  timeZone: z.string(),
  locale: z.string().describe("BCP 47 locale of the clinic's date fields in force: the clinic's choice, else defaultLocale"),
  defaultLocale: z.string().describe("the locale the clinic's time zone suggests (en-US in the United States, fr-FR in Paris...)"),
  ...clinicSettingFields,
});
export const clinicalSafetySettingsSchema = responseObject<ClinicalSafetySettings>()({
  clinicId: id,
  labsIntervalMonths: z.number().int(),
  reviewIntervalMonths: z.number().int(),
  abruptReductionPercent: z.number(),
  taperStepMinSpacingHours: z.number(),
});
export const clinicDrugLibrarySchema = described<ClinicDrugLibrary>(
  "ClinicDrugLibrary: the library in force (defaults with the clinic's edits), the edits, and the code's defaults whose hard limits bound them",
);
export const labResultSchema = responseObject<LabResult>()({
  id,
  patientId: id,
  kind: z.enum(LAB_KINDS),
  value: z.number(),
  unit: z.enum(CREATININE_UNITS),
  takenAt: instant,
  weightKg: z.number().nullable(),
  heightCm: z.number().nullable(),
  createdAt: instant,
  serumCreatinineMgPerDl: z.number(),
  ageYears: z.number().int(),
  creatinineClearanceMlPerMin: z.number().nullable(),
  creatinineClearanceReason: z.string().nullable(),
  egfrMlPerMin173m2: z.number().nullable(),
  egfrMethod: z.enum(['ckd_epi_2021', 'bedside_schwartz']).nullable(),
  egfrReason: z.string().nullable(),
  kdigoStage: described<LabResult['kdigoStage']>('KDIGO GFR category G1-G5').nullable(),
  reliabilityNote: z.string(),
});
export const sideEffectReportSchema = responseObject<SideEffectReport>()({
  id,
  patientId: id,
  kind: z.enum(SIDE_EFFECT_KINDS),
  severity: z.enum(SIDE_EFFECT_SEVERITIES),
  reportedAt: instant,
  onsetOn: calendarDate.nullable(),
  reportedBy: z.enum(SIDE_EFFECT_REPORTERS),
  text: z.string().nullable(),
  createdAt: instant,
});
export const checkUpSchema = responseObject<CheckUp>()({
  id,
  patientId: id,
  at: instant,
  modifiedAshworth: z.enum(MODIFIED_ASHWORTH_SCORES),
  patientRating: z.number(),
  note: z.string().nullable(),
  createdAt: instant,
});
export const taperPlanRecordSchema = responseObject<TaperPlanRecord>()({
  id,
  patientId: id,
  status: z.enum(TAPER_PLAN_STATUSES),
  startsAt: instant,
  steps: described<TaperPlanRecord['steps']>('the planned reductions: at, doseMcgPerDay'),
  bridge: described<TaperPlanRecord['bridge']>('the oral bridge of the holiday'),
  reintroductionDoseMcgPerDay: z.number(),
  note: z.string().nullable(),
  bridgeAdvice: described<TaperPlanRecord['bridgeAdvice']>('the oral bridge dose the latest creatinine clearance calls for'),
  stepLimitFindings: described<TaperPlanRecord['stepLimitFindings']>("steps beyond the clinic's limits when the plan was created"),
  stepLimitOverrideReason: z.string().nullable(),
  withdrawalChecklist: withdrawalChecklistSchema.nullable(),
  endedAt: nullableInstant,
  endNote: z.string().nullable(),
  createdAt: instant,
});
export const clinicalSummarySchema = responseObject<ClinicalSummary>()({
  patient: patientSchema,
  clinic: clinicRef,
  now: instant,
  ageYears: z.number().int(),
  settings: clinicalSafetySettingsSchema,
  renal: described<ClinicalSummary['renal']>('lab results oldest first, the latest, renal flags, labs due date and thresholds'),
  neurotoxicity: described<ClinicalSummary['neurotoxicity']>('the neurotoxicity risk badge and its reasons'),
  doseHistory: described<ClinicalSummary['doseHistory']>('every change of the daily dose, oldest first'),
  currentDoseMcgPerDay: z.number().nullable(),
  taperPlan: taperPlanRecordSchema.nullable(),
  plannedDoseLine: z.array(z.object({ at: instant, doseMcgPerDay: z.number() })),
  taperTasks: described<ClinicalSummary['taperTasks']>('the steps of the active taper plan as tasks'),
  checkUps: described<ClinicalSummary['checkUps']>('check-ups oldest first, with the Ashworth value for the chart'),
  review: described<ClinicalSummary['review']>('when the next review is due and from what'),
  sideEffects: z.array(sideEffectReportSchema),
});

/** Health answers are Terminus' report (monitors read that shape) and the readiness checks. */
export const healthReportSchema = described<unknown>('Terminus health report: status, info, error, details per indicator');
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.string()),
  notReady: z.array(z.string()),
  message: z.string().optional(),
});

// ---- Spreadsheet import ----

export const importDryRunSchema = responseObject<ImportDryRun>()({
  importId: id,
  rows: z.array(
    responseObject<ImportRowResult>()({
      row: z.number().int().describe('the spreadsheet row (the header is row 1)'),
      outcome: z.enum(['create', 'update', 'unchanged', 'refused']),
      fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      mrn: z.string().nullable().optional(),
      displayName: z.string().nullable().optional(),
      serialNumber: z.string().nullable().optional(),
    }),
  ),
  summary: responseObject<ImportSummary>()({
    rows: z.number().int(),
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    refused: z.number().int(),
    dateOrder: z.enum(['day-first', 'month-first']),
    timeZone: z.string(),
    ignoredColumns: z.array(z.string()),
    expiresAt: instant,
  }),
});
export const importConfirmationSchema = responseObject<ImportConfirmation>()({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

/** A FHIR R4 resource (HL7's schema defines each type; the CapabilityStatement at /fhir/metadata lists the types served). */
export const fhirResourceSchema = z
  .looseObject({ resourceType: z.string(), id: z.string().optional() })
  .describe('a FHIR R4 resource as HL7 defines it (a Bundle for a search, an OperationOutcome for an error)');

/** The schemas listed as named components of the OpenAPI document (a field of one of these that is also listed is a $ref). */
export const RESPONSE_COMPONENTS = {
  ApiError: apiErrorBodySchema,
  Clinic: clinicSchema,
  Patient: patientSchema,
  Pump: pumpSchema,
  Fill: fillSchema,
  Program: programSchema,
  PumpForecast: pumpForecastSchema,
  FleetPump: fleetPumpSchema,
  FleetPage: fleetPageSchema,
  PumpDetail: pumpDetailSchema,
  User: userSchema,
  ResetPasswordResponse: resetPasswordResponseSchema,
  Session: sessionSchema,
  LoginResponse: loginResponseSchema,
  MachineToken: machineTokenSchema,
  CreatedMachineToken: createdMachineTokenSchema,
  AuditEntry: auditEntrySchema,
  TelemetryIngestResult: telemetryIngestResultSchema,
  PumpTelemetryReadings: pumpTelemetryReadingsSchema,
  PumpReconciliations: pumpReconciliationsSchema,
  PumpEvent: pumpEventSchema,
  Alert: alertSchema,
  AlertDetail: alertDetailSchema,
  AlertPages: alertPagesSchema,
  AcknowledgeLinkResult: acknowledgeLinkResultSchema,
  WebhookEndpoint: webhookEndpointSchema,
  CreatedWebhookEndpoint: createdWebhookEndpointSchema,
  NotificationChannel: notificationChannelSchema,
  Clinician: clinicianSchema,
  OnCallShift: onCallShiftSchema,
  EscalationPolicy: escalationPolicyResponseSchema,
  OnCallNow: onCallNowSchema,
  Room: roomSchema,
  ClinicianAvailability: clinicianAvailabilityResponseSchema,
  Appointment: appointmentSchema,
  RefillSlots: refillSlotsResponseSchema,
  CalendarFeed: calendarFeedSchema,
  CreatedCalendarFeed: createdCalendarFeedSchema,
  FreeSlot: freeSlotSchema,
  RefillPlanProposal: refillPlanProposalSchema,
  ClinicSettings: clinicSettingsSchema,
  ClinicalSafetySettings: clinicalSafetySettingsSchema,
  ClinicDrugLibrary: clinicDrugLibrarySchema,
  LabResult: labResultSchema,
  SideEffectReport: sideEffectReportSchema,
  CheckUp: checkUpSchema,
  TaperPlanRecord: taperPlanRecordSchema,
  ClinicalSummary: clinicalSummarySchema,
  HealthReport: healthReportSchema,
  Readiness: readinessSchema,
  FhirResource: fhirResourceSchema,
  ClinicClosure: clinicClosureSchema,
  ImportDryRun: importDryRunSchema,
  ImportConfirmation: importConfirmationSchema,
} as const;
export type ResponseComponentName = keyof typeof RESPONSE_COMPONENTS;
