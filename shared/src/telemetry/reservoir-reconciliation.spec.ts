// Hand-computed reservoir reconciliations on both sides of each threshold (2 mL; SynchroMed II 14.5% of the expected delivery).
import { reconcileReservoir, ReconciliationInput, reconciliationTrend } from './reservoir-reconciliation';

const SYNCHROMED = 0.145;
const base = (over: Partial<ReconciliationInput>): ReconciliationInput => ({
  previousFillVolumeMl: 20,
  nominalResidualMl: 4,
  worstCaseResidualMl: 4,
  recordedPatientBolusMl: 0,
  aspiratedResidualMl: 4,
  flowAccuracyFraction: SYNCHROMED,
  ...over,
});

describe('reconcileReservoir', () => {
  it.each([
    // Expected 4 mL, delivered 16 mL: accuracy 14.5% x 16 = 2.32 mL, so the 2 mL rule decides.
    {
      name: '+1.9 mL: inside both thresholds',
      input: base({ aspiratedResidualMl: 5.9 }),
      flagged: false,
      reasons: [],
      differenceMl: 1.9,
      direction: 'under_delivery',
    },
    {
      name: '+2.1 mL: over 2 mL, inside 2.32 mL accuracy',
      input: base({ aspiratedResidualMl: 6.1 }),
      flagged: true,
      reasons: ['over_max_difference'],
      differenceMl: 2.1,
      direction: 'under_delivery',
    },
    {
      name: '-2.1 mL: over 2 mL the other way (over-infusion)',
      input: base({ aspiratedResidualMl: 1.9 }),
      flagged: true,
      reasons: ['over_max_difference'],
      differenceMl: -2.1,
      direction: 'over_infusion',
    },
    {
      name: '+2.4 mL: over both',
      input: base({ aspiratedResidualMl: 6.4 }),
      flagged: true,
      reasons: ['over_max_difference', 'outside_flow_accuracy'],
      differenceMl: 2.4,
      direction: 'under_delivery',
    },
    // Expected 10 mL, delivered 10 mL: accuracy 1.45 mL decides before 2 mL.
    {
      name: '+1.4 mL of 10 delivered: inside 1.45 mL',
      input: base({ nominalResidualMl: 10, worstCaseResidualMl: 10, aspiratedResidualMl: 11.4 }),
      flagged: false,
      reasons: [],
      differenceMl: 1.4,
      direction: 'under_delivery',
    },
    {
      name: '+1.5 mL of 10 delivered: outside 1.45 mL accuracy',
      input: base({ nominalResidualMl: 10, worstCaseResidualMl: 10, aspiratedResidualMl: 11.5 }),
      flagged: true,
      reasons: ['outside_flow_accuracy'],
      differenceMl: 1.5,
      direction: 'under_delivery',
    },
    {
      name: '-1.5 mL of 10 delivered: outside accuracy (over-infusion)',
      input: base({ nominalResidualMl: 10, worstCaseResidualMl: 10, aspiratedResidualMl: 8.5 }),
      flagged: true,
      reasons: ['outside_flow_accuracy'],
      differenceMl: -1.5,
      direction: 'over_infusion',
    },
    {
      name: 'exactly 2 mL is not more than 2 mL',
      input: base({ aspiratedResidualMl: 6 }),
      flagged: false,
      reasons: [],
      differenceMl: 2,
      direction: 'under_delivery',
    },
    {
      name: 'no accuracy figure (Prometra): only the 2 mL rule',
      input: base({ nominalResidualMl: 10, worstCaseResidualMl: 10, aspiratedResidualMl: 11.5, flowAccuracyFraction: null }),
      flagged: false,
      reasons: [],
      differenceMl: 1.5,
      direction: 'under_delivery',
    },
  ])('$name', ({ input, flagged, reasons, differenceMl, direction }) => {
    const result = reconcileReservoir(input);
    expect(result).toMatchObject({ flagged, reasons, direction });
    expect(result.differenceMl).toBeCloseTo(differenceMl, 9);
  });

  it('subtracts the recorded patient boluses from the nominal residual: a point expectation', () => {
    // Nominal 10 mL, 1 mL of boluses recorded: expected 9; aspirated 9 -> no difference.
    expect(
      reconcileReservoir(base({ nominalResidualMl: 10, worstCaseResidualMl: 6, recordedPatientBolusMl: 1, aspiratedResidualMl: 9 })),
    ).toMatchObject({
      expectedMinMl: 9,
      expectedMaxMl: 9,
      expectedResidualMl: 9,
      expectedDeliveredMl: 11,
      differenceMl: 0,
      flagged: false,
      direction: null,
    });
  });

  it('with no boluses recorded expects the range worst case..nominal and counts only a difference outside it', () => {
    // Nominal 10, worst 6 (every allotted bolus). Inside: nothing. 3.9 is 2.1 below 6 (delivered 14: accuracy 2.03) -> both reasons.
    const range = { nominalResidualMl: 10, worstCaseResidualMl: 6, recordedPatientBolusMl: null };
    expect(reconcileReservoir(base({ ...range, aspiratedResidualMl: 7 }))).toMatchObject({
      expectedMinMl: 6,
      expectedMaxMl: 10,
      expectedResidualMl: 7,
      differenceMl: 0,
      flagged: false,
    });
    const below = reconcileReservoir(base({ ...range, aspiratedResidualMl: 3.9 }));
    expect(below).toMatchObject({
      expectedResidualMl: 6,
      expectedDeliveredMl: 14,
      flagged: true,
      reasons: ['over_max_difference', 'outside_flow_accuracy'],
      direction: 'over_infusion',
    });
    expect(below.differenceMl).toBeCloseTo(-2.1, 9);
    expect(below.flowAccuracyToleranceMl).toBeCloseTo(2.03, 9);
    // 11.9 is 1.9 above 10 (delivered 10: accuracy 1.45) -> accuracy only.
    expect(reconcileReservoir(base({ ...range, aspiratedResidualMl: 11.9 }))).toMatchObject({
      expectedResidualMl: 10,
      flagged: true,
      reasons: ['outside_flow_accuracy'],
      direction: 'under_delivery',
    });
  });

  it('never expects less than an empty reservoir', () => {
    expect(
      reconcileReservoir(base({ nominalResidualMl: 0.5, worstCaseResidualMl: 0.5, recordedPatientBolusMl: 1, aspiratedResidualMl: 0 })),
    ).toMatchObject({ expectedResidualMl: 0, differenceMl: 0, flagged: false });
  });
});

describe('reconciliationTrend', () => {
  const point = (filledAt: string, differenceMl: number, flagged: boolean) => ({
    filledAt,
    differenceMl,
    flagged,
    direction: differenceMl === 0 ? null : differenceMl < 0 ? ('over_infusion' as const) : ('under_delivery' as const),
  });

  it('calls two consecutive flagged refills the same way a repeated drift', () => {
    const trend = reconciliationTrend([
      point('2026-03-01T00:00:00Z', -2.5, true),
      point('2026-01-01T00:00:00Z', 0.3, false),
      point('2026-05-01T00:00:00Z', -3, true),
    ]);
    // Mean (0.3 - 2.5 - 3) / 3 = -1.733333.
    expect(trend).toMatchObject({
      count: 3,
      flaggedCount: 2,
      consecutiveSameDirection: 2,
      latestDirection: 'over_infusion',
      repeatedDrift: 'over_infusion',
    });
    expect(trend.meanDifferenceMl).toBeCloseTo(-1.733333, 6);
  });

  it('does not call one outlier a drift, nor two flags in opposite directions', () => {
    expect(
      reconciliationTrend([point('2026-01-01T00:00:00Z', -1, false), point('2026-03-01T00:00:00Z', -2.5, true)]).repeatedDrift,
    ).toBeNull();
    expect(
      reconciliationTrend([point('2026-01-01T00:00:00Z', 2.5, true), point('2026-03-01T00:00:00Z', -2.5, true)]).repeatedDrift,
    ).toBeNull();
    expect(reconciliationTrend([])).toEqual({
      count: 0,
      flaggedCount: 0,
      consecutiveSameDirection: 0,
      latestDirection: null,
      meanDifferenceMl: null,
      repeatedDrift: null,
    });
  });
});
