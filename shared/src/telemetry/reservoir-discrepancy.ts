// Compares the pump's own reservoir estimate with PumpWatch's forecast at the same instant (issue 12): pure, numbers only.
import { TELEMETRY_CONFIG } from './telemetry-config';

/** Per-clinic tolerance (columns `reservoir_discrepancy_tolerance_ml` and `_percent` of `clinics`): the larger of the two applies. */
export interface ReservoirDiscrepancyTolerance {
  toleranceMl: number;
  tolerancePercent: number;
}

export const DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE: ReservoirDiscrepancyTolerance = {
  toleranceMl: TELEMETRY_CONFIG.defaultReservoirDiscrepancyToleranceMl,
  tolerancePercent: TELEMETRY_CONFIG.defaultReservoirDiscrepancyTolerancePercent,
};

export interface ReservoirComparison {
  reportedVolumeMl: number;
  forecastVolumeMl: number;
  /** reported - forecast: negative, the pump holds less than the record says (over-infusion, or boluses or a fill not as recorded). */
  differenceMl: number;
  /** The difference allowed: max(toleranceMl, tolerancePercent% of the forecast volume). */
  allowedDifferenceMl: number;
  discrepancy: boolean;
}

/** Whether the pump's estimate differs from the forecast by more than the larger of the clinic's mL and % of the forecast volume. */
export function compareReportedReservoir(
  reportedVolumeMl: number,
  forecastVolumeMl: number,
  tolerance: ReservoirDiscrepancyTolerance,
): ReservoirComparison {
  const differenceMl = reportedVolumeMl - forecastVolumeMl;
  const allowedDifferenceMl = Math.max(tolerance.toleranceMl, (Math.max(0, forecastVolumeMl) * tolerance.tolerancePercent) / 100);
  // 1e-9 absorbs floating-point noise (a difference of exactly the tolerance is within it).
  return {
    reportedVolumeMl,
    forecastVolumeMl,
    differenceMl,
    allowedDifferenceMl,
    discrepancy: Math.abs(differenceMl) > allowedDifferenceMl + 1e-9,
  };
}
