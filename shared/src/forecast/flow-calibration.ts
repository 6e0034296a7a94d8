// A pump's real flow, learnt from its reconciled refills: one factor on every volume the program draws (issue 13).
import { FLOW_CALIBRATION_CONFIG } from '../clinical-config';
import { floorToSecond, instantDrawn } from './refill-levels';

/** One refill interval as its reconciliation recorded it (reservoir_reconciliations). */
export interface ReconciledInterval {
  /** The refill that closed the interval (the reconciliation's fill). */
  filledAt: string;
  /** A row replaced by a later reconciliation of the same refill (a fill entered late) is history only. */
  superseded: boolean;
  previousFillVolumeMl: number | null;
  /** What the program should have left (the expected value nearest the aspirated residual). */
  expectedResidualMl: number | null;
  aspiratedResidualMl: number | null;
}

export interface FlowCalibration {
  /** Delivered over programmed volume, shrunk towards 1 and bounded by the model's accuracy. */
  flowFactor: number;
  /** Reconciled intervals it was learnt from. */
  intervals: number;
}

export interface FlowCalibrationOptions {
  /** The model's labeled flow accuracy (fraction); null: FLOW_CALIBRATION_CONFIG.defaultBoundFraction. */
  flowAccuracyFraction: number | null;
  priorWeightIntervals?: number;
}

/**
 * Per interval, delivered = previous fill - aspirated residual and programmed = previous fill - expected residual; the factor is
 * sum(delivered) / sum(programmed) (intervals weighted by programmed volume), shrunk towards 1 as (n x ratio + k) / (n + k) with k
 * the prior weight in intervals, then kept within 1 +/- the flow accuracy. Only intervals closed at or before `atMs` count;
 * superseded rows, missing figures and intervals that measure nothing (no programmed volume, an expected residual of 0 because
 * the program could have emptied the reservoir, more aspirated than filled) are skipped. Null without a usable interval.
 */
export function estimateFlowFactor(
  intervals: readonly ReconciledInterval[],
  atMs: number,
  options: FlowCalibrationOptions,
): FlowCalibration | null {
  let deliveredMl = 0;
  let programmedMl = 0;
  let count = 0;
  for (const interval of intervals) {
    if (interval.superseded || !(Date.parse(interval.filledAt) <= atMs)) continue;
    const { previousFillVolumeMl: filled, expectedResidualMl: expected, aspiratedResidualMl: aspirated } = interval;
    if (filled === null || expected === null || aspirated === null) continue;
    if (![filled, expected, aspirated].every(Number.isFinite)) continue;
    const programmed = filled - expected;
    const delivered = filled - aspirated;
    if (!(programmed > 0) || !(expected > 0) || delivered < 0) continue;
    deliveredMl += delivered;
    programmedMl += programmed;
    count++;
  }
  if (count === 0) return null;
  const priorWeight = options.priorWeightIntervals ?? FLOW_CALIBRATION_CONFIG.priorWeightIntervals;
  const shrunk = (count * (deliveredMl / programmedMl) + priorWeight) / (count + priorWeight);
  const bound = options.flowAccuracyFraction ?? FLOW_CALIBRATION_CONFIG.defaultBoundFraction;
  const flowFactor = Math.min(1 + bound, Math.max(1 - bound, shrunk));
  return { flowFactor: Math.round(flowFactor * 1e6) / 1e6, intervals: count };
}

/**
 * Alarm and empty instants when the pump draws `flowFactor` times every programmed volume, worst case (every allotted patient
 * bolus too): the instant at which volume / factor has been drawn by the program. `segments` and `fillMs` as computeRefillLevels.
 */
export function calibratedLevels(
  segments: Parameters<typeof instantDrawn>[0],
  fillMs: number,
  fillVolumeMl: number,
  lowReservoirAlarmMl: number,
  flowFactor: number,
): { lowReservoirAlarmMs: number | null; emptyMs: number | null } {
  const at = (volumeMl: number) => {
    const ms = instantDrawn(segments, fillMs, volumeMl / flowFactor, true);
    return ms === null ? null : floorToSecond(ms);
  };
  return { lowReservoirAlarmMs: at(fillVolumeMl - lowReservoirAlarmMl), emptyMs: at(fillVolumeMl) };
}
