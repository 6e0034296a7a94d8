// Reservoir reconciliation at a refill: the aspirated residual against what the previous fill should have left, and the trend.
import { TELEMETRY_CONFIG } from './telemetry-config';
import type { ReconciliationDirection, ReconciliationFlagReason } from './pump-telemetry-status';

/** Where the patient boluses since the previous fill come from. */
export const PATIENT_BOLUS_SOURCES = ['entered', 'telemetry', 'none_recorded', 'not_allowed'] as const;
/**
 * `entered`: counted from the patient programmer's log at refill; `telemetry`: the pump's cumulative counter;
 * `none_recorded`: allowed but not counted (the expectation is the range worst case..nominal); `not_allowed`: the program has none.
 */
export type PatientBolusSource = (typeof PATIENT_BOLUS_SOURCES)[number];

export interface ReconciliationInput {
  /** Volume put in at the previous fill. */
  previousFillVolumeMl: number;
  /** What the previous fill should have left by the programmed delivery alone (no patient boluses), 0 at least. */
  nominalResidualMl: number;
  /** What it should have left had every allotted patient bolus been delivered (equal to nominal when none are allowed). */
  worstCaseResidualMl: number;
  /** Volume of the patient boluses recorded since the previous fill; null when none were recorded. */
  recordedPatientBolusMl: number | null;
  aspiratedResidualMl: number;
  /** The model's labeled flow accuracy (fraction); null when unknown: only the mL rule applies. */
  flowAccuracyFraction: number | null;
  /** Default TELEMETRY_CONFIG.reconciliationMaxDifferenceMl (2 mL). */
  maxDifferenceMl?: number;
}

export interface ReconciliationResult {
  /** The expectation: a single value (min = max) when boluses are recorded or none allowed, else worst case..nominal. */
  expectedMinMl: number;
  expectedMaxMl: number;
  /** The expected value nearest the aspirated residual (the bound it fell outside, or itself inside the range). */
  expectedResidualMl: number;
  /** Previous fill volume - expected residual: the base of the flow-accuracy tolerance. */
  expectedDeliveredMl: number;
  /** aspirated - expected, 0 inside the range: negative suggests over-infusion, positive under-delivery, stall or catheter problem. */
  differenceMl: number;
  /** Flow accuracy x expected delivery; null when the model has no accuracy figure. */
  flowAccuracyToleranceMl: number | null;
  maxDifferenceMl: number;
  flagged: boolean;
  reasons: ReconciliationFlagReason[];
  direction: ReconciliationDirection | null;
}

/** Volumes are kept to the microlitre; comparisons allow for floating-point noise below that. */
const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
const EPSILON_ML = 1e-9;

/**
 * Flags the refill when the aspirated residual differs from the expectation by more than 2 mL or by more than the device's
 * flow accuracy of the volume expected to have been delivered (ASRA 2017): either threshold is enough.
 */
export function reconcileReservoir(input: ReconciliationInput): ReconciliationResult {
  const maxDifferenceMl = input.maxDifferenceMl ?? TELEMETRY_CONFIG.reconciliationMaxDifferenceMl;
  const nominal = Math.max(0, input.nominalResidualMl);
  let expectedMinMl: number;
  let expectedMaxMl: number;
  if (input.recordedPatientBolusMl !== null) {
    expectedMinMl = expectedMaxMl = Math.max(0, nominal - input.recordedPatientBolusMl);
  } else {
    expectedMaxMl = nominal;
    expectedMinMl = Math.min(nominal, Math.max(0, input.worstCaseResidualMl));
  }
  const aspirated = input.aspiratedResidualMl;
  const expectedResidualMl = Math.min(expectedMaxMl, Math.max(expectedMinMl, aspirated));
  const differenceMl = aspirated - expectedResidualMl;
  const expectedDeliveredMl = Math.max(0, input.previousFillVolumeMl - expectedResidualMl);
  const flowAccuracyToleranceMl = input.flowAccuracyFraction === null ? null : input.flowAccuracyFraction * expectedDeliveredMl;
  const reasons: ReconciliationFlagReason[] = [];
  if (Math.abs(differenceMl) > maxDifferenceMl + EPSILON_ML) reasons.push('over_max_difference');
  if (flowAccuracyToleranceMl !== null && Math.abs(differenceMl) > flowAccuracyToleranceMl + EPSILON_ML)
    reasons.push('outside_flow_accuracy');
  return {
    expectedMinMl: round6(expectedMinMl),
    expectedMaxMl: round6(expectedMaxMl),
    expectedResidualMl: round6(expectedResidualMl),
    expectedDeliveredMl: round6(expectedDeliveredMl),
    differenceMl: round6(differenceMl),
    flowAccuracyToleranceMl: flowAccuracyToleranceMl === null ? null : round6(flowAccuracyToleranceMl),
    maxDifferenceMl,
    flagged: reasons.length > 0,
    reasons,
    direction: Math.abs(differenceMl) <= EPSILON_ML ? null : differenceMl < 0 ? 'over_infusion' : 'under_delivery',
  };
}

export interface ReconciliationTrendPoint {
  filledAt: string;
  differenceMl: number;
  flagged: boolean;
  direction: ReconciliationDirection | null;
}

export interface ReconciliationTrend {
  count: number;
  flaggedCount: number;
  /** Latest consecutive refills whose difference points the same way (flagged or not), and that way. */
  consecutiveSameDirection: number;
  latestDirection: ReconciliationDirection | null;
  /** Mean aspirated - expected over every reconciled refill, null without any. */
  meanDifferenceMl: number | null;
  /** The direction when the latest `repeatedDriftRefills` refills (default 2) were all flagged the same way: a drift, not an outlier. */
  repeatedDrift: ReconciliationDirection | null;
}

/** The trend of a pump's reconciliations (any order; sorted by filledAt here). */
export function reconciliationTrend(
  points: readonly ReconciliationTrendPoint[],
  repeatedDriftRefills: number = TELEMETRY_CONFIG.repeatedDriftRefills,
): ReconciliationTrend {
  const sorted = [...points].sort((a, b) => Date.parse(a.filledAt) - Date.parse(b.filledAt));
  const latest = sorted.length > 0 ? sorted[sorted.length - 1] : null;
  const latestDirection = latest?.direction ?? null;
  let consecutiveSameDirection = 0;
  if (latestDirection !== null) {
    for (let i = sorted.length - 1; i >= 0 && sorted[i].direction === latestDirection; i--) consecutiveSameDirection++;
  }
  let flaggedSameWay = 0;
  if (latest?.flagged && latestDirection !== null) {
    for (let i = sorted.length - 1; i >= 0 && sorted[i].flagged && sorted[i].direction === latestDirection; i--) flaggedSameWay++;
  }
  return {
    count: sorted.length,
    flaggedCount: sorted.filter((p) => p.flagged).length,
    consecutiveSameDirection,
    latestDirection,
    meanDifferenceMl: sorted.length === 0 ? null : round6(sorted.reduce((sum, p) => sum + p.differenceMl, 0) / sorted.length),
    repeatedDrift: flaggedSameWay >= repeatedDriftRefills ? latestDirection : null,
  };
}
