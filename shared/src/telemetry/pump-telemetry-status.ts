// What telemetry says about one pump now: the facts the dashboard shows and the alert rules read.

/** Alarm codes a pump or its gateway reports (catalog with sources: PUMP_ALARM_CATALOG in ./telemetry-config). */
export const PUMP_ALARM_CODES = [
  'low_reservoir',
  'empty_reservoir',
  'motor_stall',
  'low_battery_reset',
  'eri',
  'end_of_service',
  'memory_error',
  'pump_stopped',
] as const;
export type PumpAlarmCode = (typeof PUMP_ALARM_CODES)[number];

export const BATTERY_STATUSES = ['ok', 'eri', 'end_of_service'] as const;
export type BatteryStatus = (typeof BATTERY_STATUSES)[number];

export interface ProgramMismatch {
  reportedDoseMcgPerDay: number;
  programDoseMcgPerDay: number;
  recordedAt: string;
}
export interface ConcentrationMismatch {
  keyedConcentrationMcgPerMl: number;
  fillConcentrationMcgPerMl: number;
  recordedAt: string;
}

/** The latest reservoir reconciliation at a fill that recorded the aspirated residual. */
export interface ReconciliationDiscrepancy {
  fillId: string;
  filledAt: string;
  expectedResidualMl: number;
  aspiratedResidualMl: number;
  /** aspirated - expected: negative suggests over-infusion, positive under-delivery, stall or a catheter problem. */
  differenceMl: number;
  /** What the sign of the difference suggests. */
  direction: ReconciliationDirection;
  /** Which thresholds the difference exceeds (more than 2 mL; more than the model's flow accuracy of the expected delivery). */
  reasons: ReconciliationFlagReason[];
}

export type ReconciliationDirection = 'over_infusion' | 'under_delivery';
export type ReconciliationFlagReason = 'over_max_difference' | 'outside_flow_accuracy';

export interface PumpTelemetryStatus {
  pumpId: string;
  lastContactAt: string | null;
  /** Readings in the 7 days up to now. */
  readingsLast7Days: number;
  /**
   * At least 2 readings within the 7 days up to the last contact: the pump reports regularly, so silence means something.
   * A monitored pump that falls silent stays stale however long the silence lasts; a pump that never reported regularly is never stale.
   */
  monitored: boolean;
  /** Monitored and no reading for longer than the clinic's setting (default 24 h). */
  stale: boolean;
  /** The clinic's setting the staleness was judged with. */
  staleAfterHours: number;
  batteryStatus: BatteryStatus | null;
  /**
   * Alarm codes of the latest reading that reported alarms, while no later reading cleared them; reservoir alarms
   * (`clearedByRefill` in PUMP_ALARM_CATALOG) of a reading recorded at or before the fill in force are left out (issue 12).
   */
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
  /** First reading reporting the elective replacement indicator (battery or alarm), null without one. */
  eriAt: string | null;
  /** When the pump is expected to stop: ERI + 90 days, an end-of-service reading, or the estimate from the implant date. */
  expectedStopAt: string | null;
  /** From when a replacement warning is due: at ERI, or 3 months before an estimated battery end. */
  replacementWarningAt: string | null;
  /** An MRI was recorded and no clinician has cleared the post-MRI pump check yet. */
  mriCheckPending: boolean;
  /** The uncleared MRI events, oldest first (ids for POST /api/pumps/:id/events/:eventId/clear). */
  pendingMriEventIds: string[];
  /**
   * The pump's own latest reservoir estimate (a calculation from its programmed rate, not a measurement); null when it was
   * reported at or before the fill in force (issue 12).
   */
  reportedReservoirVolumeMl: number | null;
  reportedReservoirVolumeAt: string | null;
  /** The same direction of discrepancy at the latest consecutive reconciled refills (repeated drift), else null. */
  reconciliationDrift: ReconciliationDirection | null;
  /** Reservoir alarms of the latest alarm reading that the fill in force answered (no longer active), else null (issue 12). */
  alarmsAnsweredByRefill: { codes: PumpAlarmCode[]; recordedAt: string; filledAt: string } | null;
  /**
   * What the pump itself reports it is programmed with (issue 13, checked against the drug library): the latest reported daily dose
   * and keyed concentration, each null when none was reported since the program or fill on record took effect. Absent: not derived.
   */
  reportedProgram?: {
    doseMcgPerDay: { value: number; recordedAt: string } | null;
    concentrationMcgPerMl: { value: number; recordedAt: string } | null;
  };
}
