// Hand-computed flow factors from reconciled refill intervals, and the calibrated alarm and deadline they give.
import { forecastPump, ForecastInput, ForecastProgramInput } from './forecast';
import { estimateFlowFactor, ReconciledInterval } from './flow-calibration';

const AT = Date.parse('2026-06-01T00:00:00Z');
const interval = (
  previousFillVolumeMl: number | null,
  expectedResidualMl: number | null,
  aspiratedResidualMl: number | null,
  over: Partial<ReconciledInterval> = {},
): ReconciledInterval => ({
  filledAt: '2026-05-01T00:00:00Z',
  superseded: false,
  previousFillVolumeMl,
  expectedResidualMl,
  aspiratedResidualMl,
  ...over,
});
const SYNCHROMED = { flowAccuracyFraction: 0.145 };

describe('estimateFlowFactor (prior weight 0.5 interval, SynchroMed II +/-14.5%)', () => {
  const cases: {
    name: string;
    intervals: ReconciledInterval[];
    options?: Parameters<typeof estimateFlowFactor>[2];
    expected: { flowFactor: number; intervals: number } | null;
  }[] = [
    { name: 'no interval: no calibration', intervals: [], expected: null },
    // 20 - 3.5 = 16.5 delivered of 20 - 5 = 15 programmed: 1.1 each. (2 x 1.1 + 0.5) / 2.5 = 1.08.
    {
      name: 'two intervals 10% fast',
      intervals: [interval(20, 5, 3.5), interval(20, 5, 3.5)],
      expected: { flowFactor: 1.08, intervals: 2 },
    },
    // (1 x 1.1 + 0.5) / 1.5 = 1.0666667: one interval is trusted less.
    { name: 'one interval 10% fast, shrunk more', intervals: [interval(20, 5, 3.5)], expected: { flowFactor: 1.066667, intervals: 1 } },
    // 33 of 30 (1.1) and 10 of 10 (1.0): (33 + 10) / (30 + 10) = 1.075, not the plain mean 1.05; (2 x 1.075 + 0.5) / 2.5 = 1.06.
    {
      name: 'weighted by programmed volume',
      intervals: [interval(40, 10, 7), interval(20, 10, 10)],
      expected: { flowFactor: 1.06, intervals: 2 },
    },
    // 15 of 15: exactly as programmed.
    { name: 'as programmed: 1', intervals: [interval(20, 5, 5), interval(20, 5, 5)], expected: { flowFactor: 1, intervals: 2 } },
    // 13.5 of 15 = 0.9 each: (1.8 + 0.5) / 2.5 = 0.92.
    {
      name: 'two intervals 10% slow',
      intervals: [interval(20, 5, 6.5), interval(20, 5, 6.5)],
      expected: { flowFactor: 0.92, intervals: 2 },
    },
    // 14 of 10 = 1.4 each: (10 x 1.4 + 0.5) / 10.5 = 1.381, above 1.145: bounded.
    {
      name: 'bounded above by the flow accuracy',
      intervals: Array.from({ length: 10 }, () => interval(20, 10, 6)),
      expected: { flowFactor: 1.145, intervals: 10 },
    },
    // 2 of 10 = 0.2 each: (4 x 0.2 + 0.5) / 4.5 = 0.289, below 0.855: bounded.
    {
      name: 'bounded below by the flow accuracy',
      intervals: Array.from({ length: 4 }, () => interval(20, 10, 18)),
      expected: { flowFactor: 0.855, intervals: 4 },
    },
    // Prometra has no labeled accuracy: the default bound 0.145.
    {
      name: 'no labeled accuracy: default bound',
      intervals: Array.from({ length: 10 }, () => interval(20, 10, 6)),
      options: { flowAccuracyFraction: null },
      expected: { flowFactor: 1.145, intervals: 10 },
    },
    {
      name: 'a model bound of 5%',
      intervals: [interval(20, 5, 3.5), interval(20, 5, 3.5)],
      options: { flowAccuracyFraction: 0.05 },
      expected: { flowFactor: 1.05, intervals: 2 },
    },
    // Without a prior the ratio itself: 33 / 30.
    {
      name: 'prior weight 0: the measured ratio',
      intervals: [interval(20, 5, 3.5), interval(20, 5, 3.5)],
      options: { flowAccuracyFraction: 0.145, priorWeightIntervals: 0 },
      expected: { flowFactor: 1.1, intervals: 2 },
    },
    {
      // Only the first counts: 1.0666667 as one interval.
      name: 'skips superseded, missing, empty-expected, later and impossible intervals',
      intervals: [
        interval(20, 5, 3.5),
        interval(20, 5, 0, { superseded: true }),
        interval(20, 5, null),
        interval(null, 5, 3.5),
        interval(20, null, 3.5),
        interval(20, 0, 0), // the program could have emptied it: the programmed volume past empty is unknown
        interval(20, 20, 20), // nothing programmed
        interval(20, 5, 25), // more aspirated than filled
        interval(20, 5, 0, { filledAt: '2026-06-01T00:00:01Z' }), // after `at`
      ],
      expected: { flowFactor: 1.066667, intervals: 1 },
    },
    // A refill exactly at `at` has been reconciled by then.
    {
      name: 'an interval closed exactly at `at` counts',
      intervals: [interval(20, 5, 3.5, { filledAt: '2026-06-01T00:00:00Z' })],
      expected: { flowFactor: 1.066667, intervals: 1 },
    },
  ];
  it.each(cases)('$name', ({ intervals, options, expected }) => {
    expect(estimateFlowFactor(intervals, AT, options ?? SYNCHROMED)).toEqual(expected);
  });
});

describe('forecastPump with reconciled intervals', () => {
  // 500 mcg/day at 500 mcg/mL = 1 mL/day; 20 mL, alarm 2 mL: nominal alarm after 18 days (01-19), empty after 20 (01-21).
  const program = (over: Partial<ForecastProgramInput> = {}): ForecastProgramInput => ({
    effectiveFrom: '2025-12-01T00:00:00Z',
    steps: [{ startTime: '00:00', doseMcgPerDay: 500 }],
    periodicBoluses: [],
    patientBolus: null,
    ...over,
  });
  const base = (over: Partial<ForecastInput> = {}): ForecastInput => ({
    pump: { id: 'pump-1', modelId: 'synchromed-ii-20', lowReservoirAlarmMl: 2, reservoirCapacityMl: 20, flowRateMlPerDay: null },
    fills: [
      { id: 'fill-1', filledAt: '2026-01-01T00:00:00Z', concentrationMcgPerMl: 500, volumeMl: 20, stabilityDays: 180, bridgeBolus: null },
    ],
    programs: [program()],
    timeZone: 'UTC',
    at: '2026-01-02T00:00:00Z',
    withCurve: false,
    ...over,
  });
  const fast = [interval(20, 5, 3.5, { filledAt: '2025-12-01T00:00:00Z' }), interval(20, 5, 3.5, { filledAt: '2026-01-01T00:00:00Z' })];

  it('without intervals: calibrated null, deadline at the worst-case alarm', () => {
    const forecast = forecastPump(base());
    expect(forecast.calibrated).toBeNull();
    expect(forecast.refillDeadline).toBe('2026-01-19T00:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });

  it('runs 8% fast: the calibrated alarm is the deadline, nominal and worst case unchanged', () => {
    const forecast = forecastPump(base({ reconciledIntervals: fast }));
    // 18 / 1.08 = 16.6667 days = 16 d 16 h; 20 / 1.08 = 18.518519 days = 18 d 12 h 26 min 40 s.
    expect(forecast.calibrated).toEqual({
      flowFactor: 1.08,
      intervals: 2,
      lowReservoirAlarmAt: '2026-01-17T16:00:00.000Z',
      emptyAt: '2026-01-19T12:26:40.000Z',
    });
    expect(forecast.refillDeadline).toBe('2026-01-17T16:00:00.000Z');
    expect(forecast.deadlineReason).toBe('calibrated_flow');
    expect(forecast.nominal).toEqual({ lowReservoirAlarmAt: '2026-01-19T00:00:00.000Z', emptyAt: '2026-01-21T00:00:00.000Z' });
    expect(forecast.worstCase).toEqual(forecast.nominal);
  });

  it('runs slow: the calibrated alarm is shown but the deadline keeps the worst case', () => {
    const slow = fast.map((i) => ({ ...i, aspiratedResidualMl: 6.5 }));
    const forecast = forecastPump(base({ reconciledIntervals: slow }));
    // 18 / 0.92 = 19.565217 days = 19 d 13 h 33 min 54.78 s (rounded down to the second).
    expect(forecast.calibrated).toMatchObject({ flowFactor: 0.92, intervals: 2, lowReservoirAlarmAt: '2026-01-20T13:33:54.000Z' });
    expect(forecast.refillDeadline).toBe('2026-01-19T00:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });

  it('drug stability earlier than the calibrated alarm stays the deadline', () => {
    const forecast = forecastPump(base({ reconciledIntervals: fast, fills: [{ ...base().fills[0], stabilityDays: 10 }] }));
    expect(forecast.refillDeadline).toBe('2026-01-11T00:00:00.000Z');
    expect(forecast.deadlineReason).toBe('drug_stability');
  });

  it('scales the worst case, patient boluses included', () => {
    // 500 + 50 mcg x 4 a day = 700 mcg/day = 1.4 mL/day worst case: 18 / 1.08 / 1.4 = 11.904762 days = 11 d 21 h 42 min 51.43 s.
    const forecast = forecastPump(
      base({ reconciledIntervals: fast, programs: [program({ patientBolus: { doseMcg: 50, maxPerDay: 4 } })] }),
    );
    expect(forecast.calibrated?.lowReservoirAlarmAt).toBe('2026-01-12T21:42:51.000Z');
    expect(forecast.refillDeadline).toBe('2026-01-12T21:42:51.000Z');
    expect(forecast.deadlineReason).toBe('calibrated_flow');
  });

  it('ignores refills reconciled after `at`', () => {
    const forecast = forecastPump(
      base({ at: '2026-01-02T00:00:00Z', reconciledIntervals: [interval(20, 5, 3.5, { filledAt: '2026-01-03T00:00:00Z' })] }),
    );
    expect(forecast.calibrated).toBeNull();
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });
});
