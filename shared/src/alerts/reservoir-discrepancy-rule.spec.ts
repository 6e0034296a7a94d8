// The reservoir_discrepancy rule (issue 12): urgent, both volumes in mL, what a lower or higher reported volume suggests.
import type { ReportedReservoirComparison } from '../contracts';
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import { reservoirDiscrepancyFinding } from './telemetry-rules';

const comparison = (over: Partial<ReportedReservoirComparison>): ReportedReservoirComparison => ({
  recordedAt: '2026-08-01T09:00:00.000Z',
  reportedVolumeMl: 4.8,
  forecastVolumeMl: 9.8,
  differenceMl: -5,
  allowedDifferenceMl: 2,
  discrepancy: true,
  lowerVolumeLevels: null,
  ...over,
});
const input = (reportedReservoir: ReportedReservoirComparison | null) => ({
  now: '2026-08-01T12:00:00.000Z',
  timeZone: 'Europe/Paris',
  telemetry: {} as PumpTelemetryStatus,
  forecast: { reportedReservoir },
});

describe('reservoirDiscrepancyFinding', () => {
  it('raises an urgent alert naming both volumes when the pump reports 5 mL less (09:00 UTC = 11:00 in Paris, CEST)', () => {
    const finding = reservoirDiscrepancyFinding(input(comparison({})));
    expect(finding).toMatchObject({
      kind: 'reservoir_discrepancy',
      severity: 'urgent',
      facts: { reportedVolumeMl: 4.8, forecastVolumeMl: 9.8, differenceMl: -5 },
    });
    expect(finding?.message).toContain(
      'At 2026-08-01 11:00 CEST the pump reported 4.8 mL in its reservoir; PumpWatch forecast 9.8 mL for that moment (5 mL less, beyond the 2 mL allowed)',
    );
    expect(finding?.message).toContain('The record of programs, boluses or fills differs from what the pump does.');
    expect(finding?.message).toContain('the refill deadline counts from the lower volume');
  });

  it('says what a higher reported volume suggests', () => {
    const finding = reservoirDiscrepancyFinding(input(comparison({ reportedVolumeMl: 12.3, differenceMl: 2.5 })));
    expect(finding?.message).toContain('(2.5 mL more, beyond the 2 mL allowed)');
    expect(finding?.message).toContain('less delivered than on record');
  });

  it('raises nothing within tolerance or without a comparison', () => {
    expect(reservoirDiscrepancyFinding(input(comparison({ reportedVolumeMl: 8.3, differenceMl: -1.5, discrepancy: false })))).toBeNull();
    expect(reservoirDiscrepancyFinding(input(null))).toBeNull();
    expect(
      reservoirDiscrepancyFinding({ now: '2026-08-01T12:00:00.000Z', timeZone: 'UTC', telemetry: {} as PumpTelemetryStatus }),
    ).toBeNull();
  });
});
