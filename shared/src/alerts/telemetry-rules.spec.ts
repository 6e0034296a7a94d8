// Telemetry-based rules: each fires on its fact of the status and nothing fires on a quiet pump.
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import {
  concentrationMismatchFinding,
  deliveryInterruptedFinding,
  mriCheckFinding,
  programMismatchFinding,
  reconciliationDiscrepancyFinding,
  replacementDueFinding,
  TELEMETRY_RULES,
  telemetryStaleFinding,
  TelemetryRuleInput,
} from './telemetry-rules';

const NOW = '2026-08-01T12:00:00.000Z';
const quiet: PumpTelemetryStatus = {
  pumpId: 'p1',
  lastContactAt: '2026-08-01T11:00:00.000Z',
  readingsLast7Days: 7,
  monitored: true,
  stale: false,
  staleAfterHours: 24,
  batteryStatus: 'ok',
  activeAlarms: [],
  deliveryInterrupted: false,
  programMismatch: null,
  concentrationMismatch: null,
  reconciliationDiscrepancy: null,
  replacementDueBy: '2030-01-01T00:00:00.000Z',
  replacementEstimated: true,
  eriAt: null,
  expectedStopAt: '2030-02-01T00:00:00.000Z',
  replacementWarningAt: '2029-11-01T00:00:00.000Z',
  mriCheckPending: false,
  pendingMriEventIds: [],
  reportedReservoirVolumeMl: 12,
  reportedReservoirVolumeAt: '2026-08-01T11:00:00.000Z',
  reconciliationDrift: null,
  alarmsAnsweredByRefill: null,
};
const input = (overrides: Partial<PumpTelemetryStatus>): TelemetryRuleInput => ({
  now: NOW,
  timeZone: 'UTC',
  telemetry: { ...quiet, ...overrides },
});

describe('telemetry rules', () => {
  it('raise nothing on a quiet pump', () => {
    expect(TELEMETRY_RULES.map((rule) => rule(input({})))).toEqual(TELEMETRY_RULES.map(() => null));
  });

  it('delivery interrupted: critical withdrawal risk naming only the interrupting alarms', () => {
    const finding = deliveryInterruptedFinding(input({ activeAlarms: ['motor_stall', 'eri'], deliveryInterrupted: true }));
    expect(finding).toMatchObject({
      kind: 'delivery_interrupted',
      severity: 'critical',
      title: 'Withdrawal risk: pump delivery interrupted',
    });
    expect(finding?.message).toBe(
      'The pump reports motor stall: baclofen delivery has stopped. Contact the patient now and check for early withdrawal signs.',
    );
    expect(finding?.facts.activeAlarms).toEqual(['motor_stall', 'eri']);
  });

  it.each([
    // keyed 2000, filled 500: the pump pushes a quarter of the volume it should: 500/2000 = 25% of the dose.
    [2000, 500, 25, 'too little baclofen: withdrawal'],
    // keyed 500, filled 2000: four times the volume-equivalent dose: 2000/500 = 400%.
    [500, 2000, 400, 'too much baclofen: overdose'],
  ])(
    'concentration keyed %s, filled %s: critical, %s%% of the dose, names both withdrawal and overdose',
    (keyed, filled, percent, likely) => {
      const finding = concentrationMismatchFinding(
        input({ concentrationMismatch: { keyedConcentrationMcgPerMl: keyed, fillConcentrationMcgPerMl: filled, recordedAt: NOW } }),
      );
      expect(finding).toMatchObject({ kind: 'concentration_mismatch', severity: 'critical', facts: { percentOfPrescribedDose: percent } });
      expect(finding?.message).toContain(`about ${percent}% of the prescribed dose (${likely})`);
      expect(finding?.message).toContain('can cause withdrawal (underdose) or overdose');
    },
  );

  it('stale telemetry: a warning with the last contact', () => {
    const finding = telemetryStaleFinding(input({ stale: true, lastContactAt: '2026-07-30T08:00:00.000Z' }));
    expect(finding).toMatchObject({ kind: 'telemetry_stale', severity: 'warning' });
    expect(finding?.message).toContain('No reading since 2026-07-30 08:00 UTC (more than 24 h)');
  });

  it('program mismatch: urgent, both doses named', () => {
    const finding = programMismatchFinding(
      input({ programMismatch: { reportedDoseMcgPerDay: 150, programDoseMcgPerDay: 100, recordedAt: NOW } }),
    );
    expect(finding).toMatchObject({ kind: 'program_mismatch', severity: 'urgent' });
    expect(finding?.message).toContain('reports 150 mcg/day; the program on record is 100 mcg/day');
  });

  it.each([
    [-2.5, 'over-infusion'],
    [3, 'under-delivery, a stalled pump or a catheter problem'],
  ])('reconciliation difference %s mL: urgent, says it suggests %s', (differenceMl, suggests) => {
    const finding = reconciliationDiscrepancyFinding(
      input({
        reconciliationDiscrepancy: {
          fillId: 'f1',
          filledAt: '2026-07-01T09:00:00.000Z',
          expectedResidualMl: 4,
          aspiratedResidualMl: 4 + differenceMl,
          differenceMl,
          direction: differenceMl < 0 ? 'over_infusion' : 'under_delivery',
          reasons: ['over_max_difference'],
        },
      }),
    );
    expect(finding).toMatchObject({ kind: 'reconciliation_discrepancy', severity: 'urgent' });
    expect(finding?.message).toContain(suggests);
  });

  describe('replacement due', () => {
    it.each([
      // [overrides, severity]
      [{ replacementWarningAt: '2026-08-01T12:00:01.000Z' }, null], // warning date 1 s ahead
      [{ replacementWarningAt: '2026-08-01T12:00:00.000Z' }, 'warning'], // at the warning date (estimate)
      [{ replacementWarningAt: '2026-06-01T00:00:00.000Z', replacementDueBy: '2026-08-01T12:00:00.000Z' }, 'urgent'], // booking date reached
      [{ batteryStatus: 'eri' as const, eriAt: '2026-07-20T00:00:00.000Z', replacementEstimated: false }, 'urgent'], // ERI reported
      [{ batteryStatus: null, replacementWarningAt: null, replacementDueBy: null }, null], // nothing known
    ])('%j: %s', (overrides, severity) => {
      const finding = replacementDueFinding(input(overrides));
      expect(finding === null ? null : finding.severity).toBe(severity);
    });

    it('says when the battery end is only an estimate', () => {
      expect(replacementDueFinding(input({ replacementWarningAt: '2026-07-01T00:00:00.000Z' }))?.message).toBe(
        "The battery end is estimated from the implant date and the model's typical battery life (unverified). It is expected to stop by 2030-02-01 00:00 UTC. Book the replacement by 2030-01-01 00:00 UTC.",
      );
    });
  });

  it('MRI check pending: urgent', () => {
    expect(mriCheckFinding(input({ mriCheckPending: true, pendingMriEventIds: ['e1'] }))).toMatchObject({
      kind: 'mri_check_pending',
      severity: 'urgent',
      facts: { pendingMriEventIds: ['e1'] },
    });
  });
});
