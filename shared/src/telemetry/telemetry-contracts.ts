// Telemetry requests (zod) and responses: gateway ingest, a pump's readings, reconciliations and pump events (MRI).
import { z } from 'zod';
import { isoInstant } from '../contracts';
import { clinicText, identifier } from '../text-fields';
import {
  BATTERY_STATUSES,
  BatteryStatus,
  PUMP_ALARM_CODES,
  PumpAlarmCode,
  ReconciliationDirection,
  ReconciliationFlagReason,
} from './pump-telemetry-status';
import type { PatientBolusSource, ReconciliationTrend } from './reservoir-reconciliation';
import { TELEMETRY_CONFIG } from './telemetry-config';

/** Absent and null both mean "not reported in this reading". */
const reported = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** One reading as a gateway sends it; unknown keys are refused so a misspelt field is not silently dropped. */
export const telemetryReadingSchema = z.strictObject({
  serialNumber: identifier(64, { min: 1 }),
  recordedAt: isoInstant,
  /** The pump's own estimate: a calculation from its programmed rate, not a measurement. */
  reservoirVolumeMl: reported(z.number().min(0, 'must be 0 or more').max(100)),
  /** Active alarm codes; an empty list clears the alarms of earlier readings. */
  alarms: reported(
    z.array(z.enum(PUMP_ALARM_CODES, { message: `must be one of ${PUMP_ALARM_CODES.join(', ')}` })).max(PUMP_ALARM_CODES.length * 2),
  ),
  batteryStatus: reported(z.enum(BATTERY_STATUSES, { message: `must be one of ${BATTERY_STATUSES.join(', ')}` })),
  /** What is keyed into the pump. */
  programDoseMcgPerDay: reported(z.number().min(0, 'must be 0 or more').max(100000)),
  programConcentrationMcgPerMl: reported(z.number().positive('must be above 0').max(10000)),
  /** The pump's cumulative counter of delivered patient boluses: a lost or late reading loses nothing. */
  patientBolusCountTotal: reported(z.number().int('must be a whole number').min(0, 'must be 0 or more').max(2_147_483_647)),
});
export type TelemetryReadingRequest = z.input<typeof telemetryReadingSchema>;
export type ValidTelemetryReading = z.output<typeof telemetryReadingSchema>;

/** The batch envelope; each reading is validated on its own so every bad index and field is named. */
export const telemetryBatchSchema = z.strictObject({
  readings: z
    .array(z.unknown())
    .min(1, 'needs at least one reading')
    .max(
      TELEMETRY_CONFIG.maxReadingsPerBatch,
      `holds at most ${TELEMETRY_CONFIG.maxReadingsPerBatch} readings: send the rest in another batch`,
    ),
});
export interface TelemetryBatchRequest {
  readings: TelemetryReadingRequest[];
}

/** POST /api/telemetry: every accepted reading is committed when this answer arrives. */
export interface TelemetryIngestResult {
  /** Readings in the batch. */
  received: number;
  /** Stored now. */
  new: number;
  /** Already stored (same serial number and recordedAt, from an earlier batch or earlier in this one): stored once only. */
  duplicates: number;
  /** Readings whose serial number names no pump this caller may post for (unknown, or of another clinic). */
  unknownSerials: { index: number; serialNumber: string }[];
}

export const telemetryQuerySchema = z.object({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(TELEMETRY_CONFIG.maxReadingsPerQuery).optional(),
});
export type TelemetryQuery = z.infer<typeof telemetryQuerySchema>;

/** One stored reading; null fields were not reported in it. */
export interface TelemetryReading {
  recordedAt: string;
  receivedAt: string;
  reservoirVolumeMl: number | null;
  alarms: PumpAlarmCode[] | null;
  batteryStatus: BatteryStatus | null;
  programDoseMcgPerDay: number | null;
  programConcentrationMcgPerMl: number | null;
  patientBolusCountTotal: number | null;
}

/** GET /api/pumps/:id/telemetry: readings in time order within [from, to]; the latest `limit` when there are more. */
export interface PumpTelemetryReadings {
  pumpId: string;
  from: string;
  to: string;
  readings: TelemetryReading[];
  /** More readings fall in the window than were returned (the earliest were left out). */
  truncated: boolean;
}

/** A reconciliation at one refill that recorded the aspirated residual (append-only history). */
export interface ReservoirReconciliation {
  fillId: string;
  pumpId: string;
  filledAt: string;
  previousFillId: string;
  previousFillVolumeMl: number;
  nominalResidualMl: number;
  worstCaseResidualMl: number;
  patientBolusSource: PatientBolusSource;
  patientBolusCount: number | null;
  patientBolusVolumeMl: number | null;
  expectedMinMl: number;
  expectedMaxMl: number;
  expectedResidualMl: number;
  expectedDeliveredMl: number;
  aspiratedResidualMl: number;
  differenceMl: number;
  maxDifferenceMl: number;
  flowAccuracyFraction: number | null;
  flowAccuracyToleranceMl: number | null;
  flagged: boolean;
  reasons: ReconciliationFlagReason[];
  direction: ReconciliationDirection | null;
  createdAt: string;
}

/** GET /api/pumps/:id/reconciliations: oldest first, with the trend (a repeated drift matters more than one outlier). */
export interface PumpReconciliations {
  pumpId: string;
  reconciliations: ReservoirReconciliation[];
  trend: ReconciliationTrend;
}

export const PUMP_EVENT_KINDS = ['mri'] as const;
export type PumpEventKind = (typeof PUMP_EVENT_KINDS)[number];

export const createPumpEventSchema = z.strictObject({
  kind: z.enum(PUMP_EVENT_KINDS, { message: `must be one of ${PUMP_EVENT_KINDS.join(', ')}` }),
  at: isoInstant,
  note: clinicText(1000).optional(),
});
export type CreatePumpEventRequest = z.infer<typeof createPumpEventSchema>;

export const clearPumpEventSchema = z.strictObject({
  /** What the check found (e.g. "interrogated, valve reset, program intact"). */
  note: clinicText(1000).optional(),
});
export type ClearPumpEventRequest = z.infer<typeof clearPumpEventSchema>;

/** Something that happened to a pump outside a fill or program: an MRI flags "check the pump after MRI" until cleared. */
export interface PumpEvent {
  id: string;
  pumpId: string;
  kind: PumpEventKind;
  at: string;
  note: string | null;
  recordedByLabel: string;
  createdAt: string;
  clearedAt: string | null;
  clearedByLabel: string | null;
  clearNote: string | null;
}
