// Hand-computed telemetry status cases: staleness, alarms, battery and replacement, program and concentration mismatch, MRI.
import { deriveTelemetryStatus, programDoseMismatch, PumpTelemetryFacts } from './telemetry-status';
import { DEFAULT_CLINIC_TELEMETRY_SETTINGS } from './telemetry-config';

const NOW = new Date('2026-06-01T12:00:00Z');
const facts = (over: Partial<PumpTelemetryFacts> = {}): PumpTelemetryFacts => ({
  pumpId: 'pump-1',
  modelId: 'synchromed-ii-20',
  implantDate: '2024-03-15',
  timeZone: 'Europe/Paris',
  settings: DEFAULT_CLINIC_TELEMETRY_SETTINGS,
  lastContactAt: null,
  readingsLast7Days: 0,
  readingsInWindowBeforeLastContact: 0,
  latestBatteryStatus: null,
  latestAlarms: null,
  latestProgramDoseMcgPerDay: null,
  latestProgramConcentrationMcgPerMl: null,
  latestReservoirVolumeMl: null,
  firstEriAt: null,
  firstEndOfServiceAt: null,
  programInForce: null,
  fillInForce: null,
  reconciliations: [],
  pendingMriEventIds: [],
  ...over,
});
const at = (iso: string) => ({ recordedAt: iso });

describe('deriveTelemetryStatus: contact and staleness (clinic default 24 h)', () => {
  it.each([
    { name: 'never reported: not monitored, never stale', over: {}, monitored: false, stale: false },
    {
      name: 'two readings in the week, last 25 h ago: stale',
      over: { lastContactAt: '2026-05-31T11:00:00Z', readingsInWindowBeforeLastContact: 2, readingsLast7Days: 2 },
      monitored: true,
      stale: true,
    },
    {
      name: 'two readings in the week, last 23 h ago: not stale',
      over: { lastContactAt: '2026-05-31T13:00:00Z', readingsInWindowBeforeLastContact: 2, readingsLast7Days: 2 },
      monitored: true,
      stale: false,
    },
    {
      name: 'exactly 24 h ago is not longer than 24 h',
      over: { lastContactAt: '2026-05-31T12:00:00Z', readingsInWindowBeforeLastContact: 2, readingsLast7Days: 2 },
      monitored: true,
      stale: false,
    },
    {
      name: 'a single reading: not monitored, not stale',
      over: { lastContactAt: '2026-05-20T12:00:00Z', readingsInWindowBeforeLastContact: 1, readingsLast7Days: 0 },
      monitored: false,
      stale: false,
    },
    {
      name: 'a monitored pump silent for 10 days stays stale',
      over: { lastContactAt: '2026-05-22T12:00:00Z', readingsInWindowBeforeLastContact: 7, readingsLast7Days: 0 },
      monitored: true,
      stale: true,
    },
    {
      name: 'a clinic setting of 48 h: 25 h is not stale',
      over: {
        lastContactAt: '2026-05-31T11:00:00Z',
        readingsInWindowBeforeLastContact: 2,
        settings: { ...DEFAULT_CLINIC_TELEMETRY_SETTINGS, staleAfterHours: 48 },
      },
      monitored: true,
      stale: false,
    },
  ])('$name', ({ over, monitored, stale }) => {
    expect(deriveTelemetryStatus(facts(over), NOW)).toMatchObject({ monitored, stale });
  });
});

describe('deriveTelemetryStatus: alarms', () => {
  it('marks delivery interrupted by a motor stall, not by a low reservoir or ERI', () => {
    expect(deriveTelemetryStatus(facts({ latestAlarms: { value: ['motor_stall'], ...at('2026-06-01T10:00:00Z') } }), NOW)).toMatchObject({
      activeAlarms: ['motor_stall'],
      deliveryInterrupted: true,
    });
    expect(
      deriveTelemetryStatus(
        facts({ latestAlarms: { value: ['low_reservoir', 'eri', 'low_reservoir'], ...at('2026-06-01T10:00:00Z') } }),
        NOW,
      ),
    ).toMatchObject({ activeAlarms: ['low_reservoir', 'eri'], deliveryInterrupted: false });
    expect(deriveTelemetryStatus(facts({ latestAlarms: { value: [], ...at('2026-06-01T10:00:00Z') } }), NOW)).toMatchObject({
      activeAlarms: [],
      deliveryInterrupted: false,
    });
  });
});

describe('deriveTelemetryStatus: a fill recorded after a reading answers its reservoir alarms and volume (issue 12)', () => {
  const fill = (filledAt: string) => ({ fillInForce: { concentrationMcgPerMl: 500, filledAt } });
  it.each([
    {
      name: 'low reservoir at 08:00, fill at 09:00: no longer active, answered by the refill',
      over: { latestAlarms: { value: ['low_reservoir' as const], ...at('2026-06-01T08:00:00Z') }, ...fill('2026-06-01T09:00:00Z') },
      activeAlarms: [],
      deliveryInterrupted: false,
      answered: { codes: ['low_reservoir'], recordedAt: '2026-06-01T08:00:00.000Z', filledAt: '2026-06-01T09:00:00.000Z' },
    },
    {
      name: 'empty reservoir and motor stall at 08:00, fill at 09:00: the motor stall stays and still interrupts delivery',
      over: {
        latestAlarms: { value: ['empty_reservoir' as const, 'motor_stall' as const], ...at('2026-06-01T08:00:00Z') },
        ...fill('2026-06-01T09:00:00Z'),
      },
      activeAlarms: ['motor_stall'],
      deliveryInterrupted: true,
      answered: { codes: ['empty_reservoir'], recordedAt: '2026-06-01T08:00:00.000Z', filledAt: '2026-06-01T09:00:00.000Z' },
    },
    {
      name: 'empty reservoir at 08:00, fill at 09:00: delivery no longer interrupted',
      over: { latestAlarms: { value: ['empty_reservoir' as const], ...at('2026-06-01T08:00:00Z') }, ...fill('2026-06-01T09:00:00Z') },
      activeAlarms: [],
      deliveryInterrupted: false,
      answered: { codes: ['empty_reservoir'], recordedAt: '2026-06-01T08:00:00.000Z', filledAt: '2026-06-01T09:00:00.000Z' },
    },
    {
      name: 'low reservoir at 10:00, after the fill at 09:00: still active',
      over: { latestAlarms: { value: ['low_reservoir' as const], ...at('2026-06-01T10:00:00Z') }, ...fill('2026-06-01T09:00:00Z') },
      activeAlarms: ['low_reservoir'],
      deliveryInterrupted: false,
      answered: null,
    },
    {
      name: 'a reading at the very instant of the fill counts as before it',
      over: { latestAlarms: { value: ['low_reservoir' as const], ...at('2026-06-01T09:00:00Z') }, ...fill('2026-06-01T09:00:00Z') },
      activeAlarms: [],
      deliveryInterrupted: false,
      answered: { codes: ['low_reservoir'], recordedAt: '2026-06-01T09:00:00.000Z', filledAt: '2026-06-01T09:00:00.000Z' },
    },
    {
      name: 'no fill on record: the alarm stands',
      over: { latestAlarms: { value: ['low_reservoir' as const], ...at('2026-06-01T08:00:00Z') } },
      activeAlarms: ['low_reservoir'],
      deliveryInterrupted: false,
      answered: null,
    },
  ])('$name', ({ over, activeAlarms, deliveryInterrupted, answered }) => {
    const status = deriveTelemetryStatus(facts(over), NOW);
    expect(status).toMatchObject({ activeAlarms, deliveryInterrupted });
    expect(status.alarmsAnsweredByRefill).toEqual(answered);
  });

  it('drops a reported volume recorded before the fill and keeps one recorded after it', () => {
    expect(
      deriveTelemetryStatus(
        facts({ latestReservoirVolumeMl: { value: 1.5, ...at('2026-06-01T08:00:00Z') }, ...fill('2026-06-01T09:00:00Z') }),
        NOW,
      ),
    ).toMatchObject({ reportedReservoirVolumeMl: null, reportedReservoirVolumeAt: null });
    expect(
      deriveTelemetryStatus(
        facts({ latestReservoirVolumeMl: { value: 19.5, ...at('2026-06-01T10:00:00Z') }, ...fill('2026-06-01T09:00:00Z') }),
        NOW,
      ),
    ).toMatchObject({ reportedReservoirVolumeMl: 19.5, reportedReservoirVolumeAt: '2026-06-01T10:00:00.000Z' });
  });
});

describe('deriveTelemetryStatus: battery and replacement (margin 30 days)', () => {
  it('estimates from the implant date and 5 years of battery when the pump never reported ERI', () => {
    // Implanted 2021-03-15 in Paris (00:00+01:00 = 2021-03-14T23:00Z) + 5 years = 2026-03-14T23:00Z; -30 days = 2026-02-12T23:00Z;
    // warning 90 days before the end = 2025-12-14T23:00Z.
    expect(deriveTelemetryStatus(facts({ implantDate: '2021-03-15' }), NOW)).toMatchObject({
      expectedStopAt: '2026-03-14T23:00:00.000Z',
      replacementDueBy: '2026-02-12T23:00:00.000Z',
      replacementWarningAt: '2025-12-14T23:00:00.000Z',
      replacementEstimated: true,
      batteryStatus: null,
      eriAt: null,
    });
  });
  it('gives no estimate for a model without a known battery life (Prometra II, constant flow)', () => {
    expect(deriveTelemetryStatus(facts({ modelId: 'prometra-ii-20' }), NOW)).toMatchObject({
      replacementDueBy: null,
      expectedStopAt: null,
      replacementEstimated: false,
    });
    expect(deriveTelemetryStatus(facts({ modelId: 'constant-flow' }), NOW)).toMatchObject({
      replacementDueBy: null,
      replacementEstimated: false,
    });
  });
  it('expects the stop 90 days after ERI and the booking the clinic margin before', () => {
    // ERI 2026-05-01: +90 days = 2026-07-30; -30 days = 2026-06-30; with a 45-day margin 2026-06-15.
    const eri = { firstEriAt: '2026-05-01T00:00:00Z', latestBatteryStatus: { value: 'eri' as const, ...at('2026-05-31T00:00:00Z') } };
    expect(deriveTelemetryStatus(facts(eri), NOW)).toMatchObject({
      batteryStatus: 'eri',
      eriAt: '2026-05-01T00:00:00.000Z',
      expectedStopAt: '2026-07-30T00:00:00.000Z',
      replacementDueBy: '2026-06-30T00:00:00.000Z',
      replacementWarningAt: '2026-05-01T00:00:00.000Z',
      replacementEstimated: false,
    });
    expect(
      deriveTelemetryStatus(facts({ ...eri, settings: { ...DEFAULT_CLINIC_TELEMETRY_SETTINGS, replacementMarginDays: 45 } }), NOW)
        .replacementDueBy,
    ).toBe('2026-06-15T00:00:00.000Z');
  });
  it('takes an end of service as the stop, and keeps the worst battery state even if the latest reading says ok', () => {
    // ERI 2026-05-01, end of service 2026-06-01 00:00: stop then; due 30 days before = 2026-05-02.
    expect(
      deriveTelemetryStatus(
        facts({
          firstEriAt: '2026-05-01T00:00:00Z',
          firstEndOfServiceAt: '2026-06-01T00:00:00Z',
          latestBatteryStatus: { value: 'ok', ...at('2026-06-01T06:00:00Z') },
        }),
        NOW,
      ),
    ).toMatchObject({
      batteryStatus: 'end_of_service',
      expectedStopAt: '2026-06-01T00:00:00.000Z',
      replacementDueBy: '2026-05-02T00:00:00.000Z',
    });
  });
});

describe('programDoseMismatch: more than 1% or more than 1 mcg/day (either)', () => {
  it.each([
    { record: 100, reported: 101, mismatch: false }, // 1 mcg = 1%: neither exceeded
    { record: 100, reported: 101.01, mismatch: true },
    { record: 100, reported: 98.9, mismatch: true },
    { record: 500, reported: 501, mismatch: false }, // 1 mcg, 0.2%
    { record: 500, reported: 501.5, mismatch: true }, // 1.5 mcg > 1 mcg (0.3%)
    { record: 50, reported: 50.5, mismatch: false }, // 0.5 mcg = 1%
    { record: 50, reported: 50.6, mismatch: true }, // 1.2% > 1% (0.6 mcg)
  ])('$record mcg/day on record, $reported reported: $mismatch', ({ record, reported, mismatch }) => {
    expect(programDoseMismatch(reported, record, DEFAULT_CLINIC_TELEMETRY_SETTINGS)).toBe(mismatch);
  });
});

describe('deriveTelemetryStatus: program and concentration mismatch', () => {
  const program = { programInForce: { doseMcgPerDay: 100, effectiveFrom: '2026-05-01T00:00:00Z' } };
  it('flags a reported dose differing from the program in force', () => {
    expect(
      deriveTelemetryStatus(facts({ ...program, latestProgramDoseMcgPerDay: { value: 120, ...at('2026-05-20T00:00:00Z') } }), NOW)
        .programMismatch,
    ).toEqual({ reportedDoseMcgPerDay: 120, programDoseMcgPerDay: 100, recordedAt: '2026-05-20T00:00:00Z' });
    expect(
      deriveTelemetryStatus(facts({ ...program, latestProgramDoseMcgPerDay: { value: 100.5, ...at('2026-05-20T00:00:00Z') } }), NOW)
        .programMismatch,
    ).toBeNull();
  });
  it('ignores a reading taken before the program on record took effect', () => {
    expect(
      deriveTelemetryStatus(facts({ ...program, latestProgramDoseMcgPerDay: { value: 120, ...at('2026-04-30T23:59:59Z') } }), NOW)
        .programMismatch,
    ).toBeNull();
  });
  it('flags 2000 mcg/mL keyed with 500 in the reservoir, and the reverse, but not a reading from before the fill', () => {
    const fill = { fillInForce: { concentrationMcgPerMl: 500, filledAt: '2026-05-10T09:00:00Z' } };
    expect(
      deriveTelemetryStatus(facts({ ...fill, latestProgramConcentrationMcgPerMl: { value: 2000, ...at('2026-05-10T09:30:00Z') } }), NOW)
        .concentrationMismatch,
    ).toEqual({ keyedConcentrationMcgPerMl: 2000, fillConcentrationMcgPerMl: 500, recordedAt: '2026-05-10T09:30:00Z' });
    expect(
      deriveTelemetryStatus(
        facts({
          fillInForce: { concentrationMcgPerMl: 2000, filledAt: '2026-05-10T09:00:00Z' },
          latestProgramConcentrationMcgPerMl: { value: 500, ...at('2026-05-11T00:00:00Z') },
        }),
        NOW,
      ).concentrationMismatch,
    ).toMatchObject({ keyedConcentrationMcgPerMl: 500, fillConcentrationMcgPerMl: 2000 });
    expect(
      deriveTelemetryStatus(facts({ ...fill, latestProgramConcentrationMcgPerMl: { value: 500, ...at('2026-05-11T00:00:00Z') } }), NOW)
        .concentrationMismatch,
    ).toBeNull();
    expect(
      deriveTelemetryStatus(facts({ ...fill, latestProgramConcentrationMcgPerMl: { value: 2000, ...at('2026-05-10T08:00:00Z') } }), NOW)
        .concentrationMismatch,
    ).toBeNull();
  });
});

describe('deriveTelemetryStatus: reconciliation and MRI', () => {
  const reconciliation = (filledAt: string, differenceMl: number, flagged: boolean) => ({
    fillId: `fill-${filledAt}`,
    filledAt,
    expectedResidualMl: 4,
    aspiratedResidualMl: 4 + differenceMl,
    differenceMl,
    flagged,
    direction: differenceMl < 0 ? ('over_infusion' as const) : ('under_delivery' as const),
    reasons: flagged ? ['over_max_difference' as const] : [],
  });
  it('reports the latest reconciliation when it is flagged, and a drift when the previous one was flagged the same way', () => {
    const status = deriveTelemetryStatus(
      facts({ reconciliations: [reconciliation('2026-05-01T00:00:00Z', -2.6, true), reconciliation('2026-02-01T00:00:00Z', -2.2, true)] }),
      NOW,
    );
    expect(status.reconciliationDiscrepancy).toMatchObject({
      fillId: 'fill-2026-05-01T00:00:00Z',
      differenceMl: -2.6,
      direction: 'over_infusion',
      reasons: ['over_max_difference'],
    });
    expect(status.reconciliationDrift).toBe('over_infusion');
  });
  it('reports nothing when the latest reconciliation is within tolerance', () => {
    const status = deriveTelemetryStatus(
      facts({ reconciliations: [reconciliation('2026-02-01T00:00:00Z', -2.2, true), reconciliation('2026-05-01T00:00:00Z', 0.5, false)] }),
      NOW,
    );
    expect([status.reconciliationDiscrepancy, status.reconciliationDrift]).toEqual([null, null]);
  });
  it('flags the post-MRI check while an MRI event is uncleared', () => {
    expect(deriveTelemetryStatus(facts({ pendingMriEventIds: ['e1'] }), NOW)).toMatchObject({
      mriCheckPending: true,
      pendingMriEventIds: ['e1'],
    });
    expect(deriveTelemetryStatus(facts(), NOW)).toMatchObject({ mriCheckPending: false, pendingMriEventIds: [] });
  });
});
