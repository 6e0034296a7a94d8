// Hand-computed cases of the pump's reservoir estimate against the forecast: the larger of 2 mL and 10% (clinic defaults) applies.
import { compareReportedReservoir, DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE } from './reservoir-discrepancy';

describe('compareReportedReservoir', () => {
  it.each([
    // 10% of 9.8 = 0.98 < 2 mL: 2 mL allowed; 4.8 - 9.8 = -5.0 is beyond it.
    { reported: 4.8, forecast: 9.8, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: -5, allowed: 2, discrepancy: true },
    // -1.5 mL within 2 mL.
    { reported: 8.3, forecast: 9.8, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: -1.5, allowed: 2, discrepancy: false },
    // Exactly 2 mL is within the tolerance.
    { reported: 11.8, forecast: 9.8, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: 2, allowed: 2, discrepancy: false },
    // 10% of 30 = 3 mL > 2 mL: 3 mL allowed; -3 within, -3.1 beyond.
    { reported: 27, forecast: 30, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: -3, allowed: 3, discrepancy: false },
    { reported: 26.9, forecast: 30, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: -3.1, allowed: 3, discrepancy: true },
    // More than forecast (under-delivery) counts the same way: +2.5 beyond 2 mL.
    { reported: 12.3, forecast: 9.8, tolerance: DEFAULT_RESERVOIR_DISCREPANCY_TOLERANCE, difference: 2.5, allowed: 2, discrepancy: true },
    // A clinic at 6 mL / 10%: -5 mL within.
    { reported: 4.8, forecast: 9.8, tolerance: { toleranceMl: 6, tolerancePercent: 10 }, difference: -5, allowed: 6, discrepancy: false },
    // A clinic at 0.5 mL / 1%: max(0.5, 0.098) = 0.5; -0.6 beyond.
    {
      reported: 9.2,
      forecast: 9.8,
      tolerance: { toleranceMl: 0.5, tolerancePercent: 1 },
      difference: -0.6,
      allowed: 0.5,
      discrepancy: true,
    },
  ])(
    '$reported mL reported against $forecast mL forecast: difference $difference, allowed $allowed, discrepancy $discrepancy',
    ({ reported, forecast, tolerance, difference, allowed, discrepancy }) => {
      const result = compareReportedReservoir(reported, forecast, tolerance);
      expect(result.differenceMl).toBeCloseTo(difference, 9);
      expect(result.allowedDifferenceMl).toBeCloseTo(allowed, 9);
      expect(result.discrepancy).toBe(discrepancy);
    },
  );
});
