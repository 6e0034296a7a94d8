// Hand-computed cases of the pump's reported reservoir against the forecast, and the deadline from the lower volume (issue 12).
import { forecastPump, ForecastInput } from './forecast';

// 500 mcg/mL, 100 mcg/day -> 0.2 mL/day from a 20 mL fill on 2026-01-05 10:00 UTC; alarm volume 2 mL.
// Record: alarm after 18 / 0.2 = 90 days (2026-04-05 10:00), empty after 100 days (2026-04-15 10:00).
// Reading on 2026-01-15 10:00 (10 days): the forecast then is 20 - 2 = 18 mL.
const base = (reportedReservoir: ForecastInput['reportedReservoir'], at = '2026-01-20T10:00:00Z'): ForecastInput => ({
  pump: { id: 'pump-1', modelId: 'synchromed-ii-20', lowReservoirAlarmMl: 2, reservoirCapacityMl: 20, flowRateMlPerDay: null },
  timeZone: 'UTC',
  at,
  withCurve: false,
  reportedReservoir,
  fills: [
    { id: 'fill-1', filledAt: '2026-01-05T10:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500, stabilityDays: 180, bridgeBolus: null },
  ],
  programs: [
    { effectiveFrom: '2026-01-05T10:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }], periodicBoluses: [], patientBolus: null },
  ],
});
const READ_AT = '2026-01-15T10:00:00Z';

describe("forecastPump with the pump's reported reservoir", () => {
  it('5 mL under the forecast: discrepancy, deadline from the lower volume', () => {
    // 13 against 18: -5 mL beyond max(2 mL, 10% x 18 = 1.8 mL) = 2 mL. As if filled with 15 mL: alarm after 13 / 0.2 = 65 days
    // (2026-03-11 10:00), empty after 75 days (2026-03-21 10:00); earlier than the record's 2026-04-05.
    const forecast = forecastPump(base({ recordedAt: READ_AT, volumeMl: 13 }));
    expect(forecast.reportedReservoir).toEqual({
      recordedAt: '2026-01-15T10:00:00.000Z',
      reportedVolumeMl: 13,
      forecastVolumeMl: 18,
      differenceMl: -5,
      allowedDifferenceMl: 2,
      discrepancy: true,
      lowerVolumeLevels: {
        nominal: { lowReservoirAlarmAt: '2026-03-11T10:00:00.000Z', emptyAt: '2026-03-21T10:00:00.000Z' },
        worstCase: { lowReservoirAlarmAt: '2026-03-11T10:00:00.000Z', emptyAt: '2026-03-21T10:00:00.000Z' },
      },
    });
    expect(forecast.refillDeadline).toBe('2026-03-11T10:00:00.000Z');
    expect(forecast.deadlineReason).toBe('reported_reservoir');
    // The record's own levels and volume now are unchanged: 20 - 15 days x 0.2 = 17 mL.
    expect(forecast.nominal).toEqual({ lowReservoirAlarmAt: '2026-04-05T10:00:00.000Z', emptyAt: '2026-04-15T10:00:00.000Z' });
    expect(forecast.volumeMl).toBeCloseTo(17, 9);
  });

  it.each([
    {
      name: '1.5 mL under (within 2 mL): no discrepancy',
      report: { recordedAt: READ_AT, volumeMl: 16.5 },
      differenceMl: -1.5,
      discrepancy: false,
    },
    {
      name: '2.5 mL over: a discrepancy, but the deadline stays (the lower volume is the forecast)',
      report: { recordedAt: READ_AT, volumeMl: 20.5 },
      differenceMl: 2.5,
      discrepancy: true,
    },
    {
      name: '5 mL under with a clinic tolerance of 6 mL: none',
      report: { recordedAt: READ_AT, volumeMl: 13, tolerance: { toleranceMl: 6, tolerancePercent: 10 } },
      differenceMl: -5,
      discrepancy: false,
    },
  ])('$name', ({ report, differenceMl, discrepancy }) => {
    const forecast = forecastPump(base(report));
    expect(forecast.reportedReservoir).toMatchObject({ forecastVolumeMl: 18, differenceMl, discrepancy, lowerVolumeLevels: null });
    expect(forecast.refillDeadline).toBe('2026-04-05T10:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });

  it.each([
    {
      name: 'recorded before the fill (it describes the reservoir before the refill)',
      recordedAt: '2026-01-05T09:00:00Z',
      at: '2026-01-20T10:00:00Z',
    },
    { name: 'recorded at the instant of the fill', recordedAt: '2026-01-05T10:00:00Z', at: '2026-01-20T10:00:00Z' },
    { name: 'recorded after `at` (not known then)', recordedAt: READ_AT, at: '2026-01-12T10:00:00Z' },
  ])('ignores a reading $name', ({ recordedAt, at }) => {
    const forecast = forecastPump(base({ recordedAt, volumeMl: 1 }, at));
    expect(forecast.reportedReservoir).toBeNull();
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });

  it("the issue's example: 4.8 mL reported against 9.8 mL forecast, 5.0 mL apart", () => {
    // 20 mL - 51 days x 0.2 = 9.8 mL on 2026-02-25 10:00. As if filled with 15 mL: alarm on 2026-03-11 10:00 (already computed above).
    const forecast = forecastPump(base({ recordedAt: '2026-02-25T10:00:00Z', volumeMl: 4.8 }, '2026-02-26T10:00:00Z'));
    expect(forecast.reportedReservoir).toMatchObject({
      reportedVolumeMl: 4.8,
      forecastVolumeMl: 9.8,
      differenceMl: -5,
      allowedDifferenceMl: 2,
      discrepancy: true,
    });
    expect(forecast.refillDeadline).toBe('2026-03-11T10:00:00.000Z');
  });
});
