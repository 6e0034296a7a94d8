// Telemetry numbers PumpWatch relies on: the pump alarm catalog, ingest limits, staleness, battery and reconciliation thresholds.
import type { PumpAlarmCode } from './pump-telemetry-status';

export interface PumpAlarmDefinition {
  code: PumpAlarmCode;
  label: string;
  /** The pump no longer delivers drug while this alarm is active: withdrawal risk. */
  interruptsDelivery: boolean;
  /** About the reservoir's content: a fill recorded after the reading answers it (issue 12), so it no longer counts as active. */
  clearedByRefill: boolean;
  source: string;
}

/** Every alarm code a gateway may report; `interruptsDelivery` drives `deliveryInterrupted` and the critical alert rules. */
export const PUMP_ALARM_CATALOG: Record<PumpAlarmCode, PumpAlarmDefinition> = {
  // Calculated from the programmed rate, not measured: an over-infusing pump can run dry with no alarm (Medtronic FSN FA596, 2016).
  low_reservoir: {
    code: 'low_reservoir',
    label: 'Low reservoir',
    interruptsDelivery: false,
    clearedByRefill: true,
    source: 'Medtronic field safety notice FA596 (2016)',
  },
  // Nothing left to deliver (ISO/IEEE 11073 MDC_EVT_EMPTY).
  empty_reservoir: {
    code: 'empty_reservoir',
    label: 'Empty reservoir',
    interruptsDelivery: true,
    clearedByRefill: true,
    source: 'ISO/IEEE 11073 MDC_EVT_EMPTY; PumpWatch issue 4 alarm list',
  },
  // Motor stall is a critical error: the pump stops delivering (Medtronic SynchroMed II labeling).
  motor_stall: {
    code: 'motor_stall',
    label: 'Motor stall',
    interruptsDelivery: true,
    clearedByRefill: false,
    source: 'Medtronic SynchroMed II labeling: motor stall is a critical error',
  },
  // Low-battery reset is a critical alarm: the pump resets and stops (VA patient safety alert AL09-24, 2009).
  low_battery_reset: {
    code: 'low_battery_reset',
    label: 'Low battery reset',
    interruptsDelivery: true,
    clearedByRefill: false,
    source: 'VA patient safety alert AL09-24 (2009)',
  },
  // Elective replacement indicator: non-critical, the pump keeps running and stops about 90 days later (VA AL09-24; Medtronic).
  eri: {
    code: 'eri',
    label: 'Elective replacement indicator',
    interruptsDelivery: false,
    clearedByRefill: false,
    source: 'VA patient safety alert AL09-24 (2009); Medtronic drug pump replacement page',
  },
  // Battery depleted: the pump has stopped (ISO/IEEE 11073 MDC_EVT_DEPLET).
  end_of_service: {
    code: 'end_of_service',
    label: 'End of service',
    interruptsDelivery: true,
    clearedByRefill: false,
    source: 'ISO/IEEE 11073 MDC_EVT_DEPLET; PumpWatch issue 4 alarm list',
  },
  // Delivery-interrupting per the list; the device manual's full alarm list is unverified (no public SynchroMed II alarm list found).
  memory_error: {
    code: 'memory_error',
    label: 'Memory error',
    interruptsDelivery: true,
    clearedByRefill: false,
    source: 'PumpWatch issue 4 alarm list (device alarm list unverified)',
  },
  // Delivery-interrupting per the list; the device manual's full alarm list is unverified (no public SynchroMed II alarm list found).
  pump_stopped: {
    code: 'pump_stopped',
    label: 'Pump stopped',
    interruptsDelivery: true,
    clearedByRefill: false,
    source: 'PumpWatch issue 4 alarm list (device alarm list unverified)',
  },
};

export const DELIVERY_INTERRUPTING_ALARMS: readonly PumpAlarmCode[] = (Object.values(PUMP_ALARM_CATALOG) as PumpAlarmDefinition[])
  .filter((alarm) => alarm.interruptsDelivery)
  .map((alarm) => alarm.code);

export const TELEMETRY_CONFIG = {
  // One gateway upload at most (issue 4); a larger backlog is sent in several batches.
  maxReadingsPerBatch: 10_000,
  // Gateway clock skew: gateway and server clocks drift a little; a reading further ahead is implausible, refused with 400 (issue 4, 16).
  futureToleranceMinutes: 5,
  // A pump is monitored when it reported at least twice within 7 days (issue 4): only monitored pumps can go stale.
  monitoredWindowDays: 7,
  monitoredMinReadings: 2,
  // Clinic setting default: no reading for longer than this makes a monitored pump stale (issue 4).
  defaultStaleAfterHours: 24,
  // After ERI the pump keeps running but stops about 90 days later (Medtronic drug pump replacement page; VA AL09-24).
  eriToStopDays: 90,
  // Clinic setting default: book the replacement this long before the expected stop (issue 4).
  defaultReplacementMarginDays: 30,
  // Plan a replacement at least three months ahead (Saulino et al., Neuromodulation 2016;19:623): warning lead for an estimated battery end.
  estimatedReplacementWarningDays: 90,
  // Clinic setting defaults: the reported daily dose differs from the program on record by more than 1% or 1 mcg/day (issue 4).
  defaultProgramMismatchPercent: 1,
  defaultProgramMismatchMcgPerDay: 1,
  // Keyed and filled concentrations are exact label values (50, 500, 1000, 2000): only floating-point noise is tolerated.
  concentrationMismatchToleranceMcgPerMl: 1e-6,
  // Investigate when aspirated and expected residual differ by more than 2 mL or by more than the device accuracy (ASRA 2017 e-poster).
  reconciliationMaxDifferenceMl: 2,
  // Clinic setting defaults: the pump's own reservoir estimate may differ from the forecast by the larger of 2 mL (ASRA 2017 e-poster:
  // investigate beyond 2 mL) and 10% of the forecast volume (inside the SynchroMed flow accuracy of +/-14.5%, labeling) before
  // `reservoir_discrepancy`.
  defaultReservoirDiscrepancyToleranceMl: 2,
  defaultReservoirDiscrepancyTolerancePercent: 10,
  // A counter reading this long before the fill still serves as the baseline of the patient boluses since the fill (PumpWatch default:
  // gateways report daily; an older baseline would count the previous fill's boluses).
  patientBolusBaselineMaxGapHours: 24,
  // A drift repeated at this many consecutive refills in the same direction matters more than one outlier (Heetla, Spinal Cord 2009).
  repeatedDriftRefills: 2,
  // Readings returned by GET /api/pumps/:id/telemetry at most (one per hour over a year fits).
  maxReadingsPerQuery: 10_000,
  // Default window of GET /api/pumps/:id/telemetry: the longest refill interval (180 days, DRUG_CONFIG).
  defaultQueryWindowDays: 180,
} as const;

/** Per-clinic telemetry settings (columns of `clinics`, defaults above). */
export interface ClinicTelemetrySettings {
  staleAfterHours: number;
  replacementMarginDays: number;
  programMismatchTolerancePercent: number;
  programMismatchToleranceMcgPerDay: number;
  /** Raw readings older than this many days may be downsampled; null keeps every reading (default). */
  telemetryRetentionDays: number | null;
}

export const DEFAULT_CLINIC_TELEMETRY_SETTINGS: ClinicTelemetrySettings = {
  staleAfterHours: TELEMETRY_CONFIG.defaultStaleAfterHours,
  replacementMarginDays: TELEMETRY_CONFIG.defaultReplacementMarginDays,
  programMismatchTolerancePercent: TELEMETRY_CONFIG.defaultProgramMismatchPercent,
  programMismatchToleranceMcgPerDay: TELEMETRY_CONFIG.defaultProgramMismatchMcgPerDay,
  telemetryRetentionDays: null,
};
