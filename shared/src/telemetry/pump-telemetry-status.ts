// What telemetry says about one pump now: the facts the dashboard shows and the alert rules read.

/** Alarm codes a pump or its gateway reports (catalog with sources in clinical-config when telemetry lands). */
export const PUMP_ALARM_CODES = [
  'low_reservoir', 'empty_reservoir', 'motor_stall', 'low_battery_reset', 'eri', 'end_of_service', 'memory_error', 'pump_stopped',
] as const;
export type PumpAlarmCode = (typeof PUMP_ALARM_CODES)[number];

export const BATTERY_STATUSES = ['ok', 'eri', 'end_of_service'] as const;
export type BatteryStatus = (typeof BATTERY_STATUSES)[number];

export interface ProgramMismatch { reportedDoseMcgPerDay: number; programDoseMcgPerDay: number; recordedAt: string }
export interface ConcentrationMismatch { keyedConcentrationMcgPerMl: number; fillConcentrationMcgPerMl: number; recordedAt: string }

/** The latest reservoir reconciliation at a fill that recorded the aspirated residual. */
export interface ReconciliationDiscrepancy {
  fillId: string;
  filledAt: string;
  expectedResidualMl: number;
  aspiratedResidualMl: number;
  /** aspirated - expected: negative suggests over-infusion, positive under-delivery, stall or a catheter problem. */
  differenceMl: number;
}

export interface PumpTelemetryStatus {
  pumpId: string;
  lastContactAt: string | null;
  /** Readings in the last 7 days (a pump with fewer than 2 is not monitored and never stale). */
  readingsLast7Days: number;
  stale: boolean;
  batteryStatus: BatteryStatus | null;
  /** Alarm codes of the latest reading that reported alarms, while no later reading cleared them. */
  activeAlarms: PumpAlarmCode[];
  /** An active alarm interrupts delivery (empty reservoir, motor stall, ...): withdrawal risk. */
  deliveryInterrupted: boolean;
  programMismatch: ProgramMismatch | null;
  concentrationMismatch: ConcentrationMismatch | null;
  /** Outside tolerance at the latest reconciled fill, else null. */
  reconciliationDiscrepancy: ReconciliationDiscrepancy | null;
  /** When a replacement must be booked by (ERI + expected stop - the clinic's margin, or the estimate from implant date). */
  replacementDueBy: string | null;
  /** True when the replacement date is an estimate from the implant date and the model's typical battery life. */
  replacementEstimated: boolean;
  /** An MRI was recorded and no clinician has cleared the post-MRI pump check yet. */
  mriCheckPending: boolean;
}
