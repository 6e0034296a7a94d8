// Hand-computed forecast cases: flex steps, boluses, worst case, program changes, bridge bolus, DST, stability cap.
import { DomainError } from '../domain-error';
import { forecastPump, ForecastInput, ForecastProgramInput, programDoseMcgPerDay } from './forecast';

const pump = (over: Partial<ForecastInput['pump']> = {}): ForecastInput['pump'] => ({
  id: 'pump-1',
  modelId: 'synchromed-ii-20',
  lowReservoirAlarmMl: 2,
  reservoirCapacityMl: 20,
  flowRateMlPerDay: null,
  ...over,
});
const fill = (filledAt: string, volumeMl: number, concentrationMcgPerMl: number, over: Partial<ForecastInput['fills'][0]> = {}) => ({
  id: `fill-${filledAt}`,
  filledAt,
  volumeMl,
  concentrationMcgPerMl,
  stabilityDays: 180,
  bridgeBolus: null,
  ...over,
});
const continuous = (effectiveFrom: string, doseMcgPerDay: number, over: Partial<ForecastProgramInput> = {}): ForecastProgramInput => ({
  effectiveFrom,
  steps: [{ startTime: '00:00', doseMcgPerDay }],
  periodicBoluses: [],
  patientBolus: null,
  ...over,
});

describe('forecastPump: simple continuous', () => {
  // 500 mcg/mL, 100 mcg/day -> 0.2 mL/day. 20 -> 2 mL: 18 mL = 90 days; empty 100 days; expiry 180 days.
  const input: ForecastInput = {
    pump: pump(),
    timeZone: 'Europe/Paris',
    at: '2026-01-15T10:00:00Z',
    fills: [fill('2026-01-05T10:00:00Z', 20, 500)],
    programs: [continuous('2026-01-05T10:00:00Z', 100)],
  };
  const forecast = forecastPump(input);

  it('reaches the alarm volume after 90 days and empties after 100', () => {
    expect(forecast.status).toBe('ok');
    expect(forecast.nominal).toEqual({ lowReservoirAlarmAt: '2026-04-05T10:00:00.000Z', emptyAt: '2026-04-15T10:00:00.000Z' });
    expect(forecast.worstCase).toEqual(forecast.nominal);
  });
  it('sets the deadline at the alarm, before the 180-day drug expiry', () => {
    expect(forecast.drugExpiresAt).toBe('2026-07-04T10:00:00.000Z');
    expect(forecast.refillDeadline).toBe('2026-04-05T10:00:00.000Z');
    expect(forecast.deadlineReason).toBe('low_reservoir');
  });
  it('reports 18 mL after 10 days and 0.2 mL per day', () => {
    expect(forecast.volumeMl).toBeCloseTo(18, 9);
    expect(forecast.dailyVolumeMl).toBe(0.2);
    expect(forecast.doseMcgPerDay).toBe(100);
  });
  it('draws a curve from the fill, falling, never below 0', () => {
    expect(forecast.curve[0]).toEqual({ at: '2026-01-05T10:00:00.000Z', volumeMl: 20, worstCaseVolumeMl: 20 });
    const last = forecast.curve[forecast.curve.length - 1];
    expect(last.at).toBe('2026-04-15T10:00:00.000Z');
    expect(last.volumeMl).toBe(0);
    for (let i = 1; i < forecast.curve.length; i++) expect(forecast.curve[i].volumeMl).toBeLessThanOrEqual(forecast.curve[i - 1].volumeMl);
  });
});

describe('forecastPump: hand-computed cases (zone UTC unless stated)', () => {
  const cases: { name: string; input: ForecastInput; expected: Record<string, unknown> }[] = [
    {
      // Day dose 240x6/24 + 480x12/24 + 240x6/24 = 360 mcg = 0.36 mL at 1000 mcg/mL. 18 mL = exactly 50 days.
      // Empty: 55 days = 19.8 mL; then 0.06 mL by 06:00, 0.14 mL at 0.02 mL/h = 7 h -> 13:00 on day 56.
      name: 'flex steps',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 1000)],
        programs: [
          {
            effectiveFrom: '2025-12-01T00:00:00Z',
            steps: [
              { startTime: '00:00', doseMcgPerDay: 240 },
              { startTime: '06:00', doseMcgPerDay: 480 },
              { startTime: '18:00', doseMcgPerDay: 240 },
            ],
            periodicBoluses: [],
            patientBolus: null,
          },
        ],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': '2026-02-20T00:00:00.000Z',
        'nominal.emptyAt': '2026-02-25T13:00:00.000Z',
        dailyVolumeMl: 0.36,
        doseMcgPerDay: 360,
      },
    },
    {
      // 200 mcg/day + 50 mcg at 08:00 = 0.5 mL/day at 500. 4.22 -> 2 mL needs 2.22 mL: 4 days = 2.0; day 5 by 08:00
      // 0.4 x 8/24 = 0.1333 (2.1333), the 0.1 mL bolus at 08:00 brings 2.2333 >= 2.22 -> at 08:00.
      name: 'periodic bolus crosses the alarm volume',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 4.22, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 200, { periodicBoluses: [{ time: '08:00', doseMcg: 50 }] })],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-01-05T08:00:00.000Z', dailyVolumeMl: 0.5, doseMcgPerDay: 250 },
    },
    {
      // Same program, 4.3 mL: after the bolus 2.2333, 0.0667 mL more at 0.01667 mL/h = 4 h -> 12:00.
      name: 'periodic bolus then the step rate',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 4.3, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 200, { periodicBoluses: [{ time: '08:00', doseMcg: 50 }] })],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-01-05T12:00:00.000Z' },
    },
    {
      // Nominal 0.2 mL/day; worst adds 10 mcg x 4 = 40 mcg/day: 0.28 mL/day. 18 / 0.28 = 64 d 6 h 51 min 25.7 s;
      // 20 / 0.28 = 71 d 10 h 17 min 8.6 s. Instants round down to the second.
      name: 'patient-bolus worst case',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 100, { patientBolus: { doseMcg: 10, maxPerDay: 4 } })],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': '2026-04-01T00:00:00.000Z',
        'worstCase.lowReservoirAlarmAt': '2026-03-06T06:51:25.000Z',
        'worstCase.emptyAt': '2026-03-13T10:17:08.000Z',
        refillDeadline: '2026-03-06T06:51:25.000Z',
        deadlineReason: 'low_reservoir',
        dailyVolumeMl: 0.2,
      },
    },
    {
      // 10 days at 0.2 mL/day = 2 mL, then 0.4 mL/day: 16 mL more in 40 days (alarm), 18 mL in 45 days (empty).
      name: 'program change mid-interval',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-20T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 100), continuous('2026-01-11T00:00:00Z', 200)],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': '2026-02-20T00:00:00.000Z',
        'nominal.emptyAt': '2026-02-25T00:00:00.000Z',
        volumeMl: 14.4,
        dailyVolumeMl: 0.4,
      },
    },
    {
      // 1 mL bridge over 2 h on top of 0.2 mL/day: 17 mL left for the program to the alarm = 85 days.
      // At 01:00: 20 - 0.5 (half the bridge) - 0.2/24 = 19.491667.
      name: 'bridge bolus',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T01:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 500, { bridgeBolus: { volumeMl: 1, durationMinutes: 120 } })],
        programs: [continuous('2025-12-01T00:00:00Z', 100)],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-03-27T00:00:00.000Z', volumeMl: 19.491667 },
    },
    {
      // Paris, programmed in winter (UTC+1): pump midnight stays 23:00Z after the 29 March change. Steps 100 / 300 mcg/day
      // from 00:00 / 12:00 at 500 mcg/mL. Fill at pump 01:00; to 10 April pump 12:00 (11:00Z): 40 days (16 mL) + 11 h x
      // 0.2/24 mL/h = 16.091667. Alarm 3.9 mL needs 16.1: 0.008333 mL more at 0.025 mL/h = 20 min -> 11:20Z.
      name: 'DST spring-forward inside the fill: steps do not move',
      input: {
        pump: pump({ lowReservoirAlarmMl: 3.9 }),
        timeZone: 'Europe/Paris',
        at: '2026-04-10T11:00:00Z',
        fills: [fill('2026-03-01T00:00:00Z', 20, 500)],
        programs: [
          {
            effectiveFrom: '2026-03-01T00:00:00Z',
            steps: [
              { startTime: '00:00', doseMcgPerDay: 100 },
              { startTime: '12:00', doseMcgPerDay: 300 },
            ],
            periodicBoluses: [],
            patientBolus: null,
          },
        ],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-04-10T11:20:00.000Z', volumeMl: 3.908333, pumpClockOffsetFromLocalMinutes: -60 },
    },
    {
      // New York, programmed in October (UTC-4): pump midnight stays 04:00Z after the 1 November fall-back. 480 mcg/day
      // from 12:00 only = 0.24 mL/day at 1000. Alarm 2.12 needs 17.88 mL = 74 days (17.76) + 0.12 mL = 6 h after pump
      // noon = pump 18:00 = 22:00Z (following local EST it would be 23:00Z).
      name: 'DST fall-back inside the fill: steps do not move',
      input: {
        pump: pump({ lowReservoirAlarmMl: 2.12 }),
        timeZone: 'America/New_York',
        at: '2026-11-20T00:00:00Z',
        fills: [fill('2026-10-01T04:00:00Z', 20, 1000)],
        programs: [
          {
            effectiveFrom: '2026-10-01T04:00:00Z',
            steps: [
              { startTime: '00:00', doseMcgPerDay: 0 },
              { startTime: '12:00', doseMcgPerDay: 480 },
            ],
            periodicBoluses: [],
            patientBolus: null,
          },
        ],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-12-14T22:00:00.000Z', pumpClockOffsetFromLocalMinutes: 60, dailyVolumeMl: 0.24 },
    },
    {
      // 2000 mcg/mL at 100 mcg/day = 0.05 mL/day: the alarm (360 days) comes after the 180-day stability limit.
      name: 'stability cap',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 2000)],
        programs: [continuous('2025-12-01T00:00:00Z', 100)],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': '2026-12-27T00:00:00.000Z',
        drugExpiresAt: '2026-06-30T00:00:00.000Z',
        refillDeadline: '2026-06-30T00:00:00.000Z',
        deadlineReason: 'drug_stability',
      },
    },
    {
      // Nothing is delivered: no level is ever reached, the deadline is the drug expiry.
      name: 'zero-rate program',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-02T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 0)],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': null,
        'nominal.emptyAt': null,
        'worstCase.emptyAt': null,
        refillDeadline: '2026-06-30T00:00:00.000Z',
        deadlineReason: 'drug_stability',
        volumeMl: 20,
      },
    },
    {
      // 1.0 mL/day from the label at 500 mcg/mL = 500 mcg/day; 30 -> 2 mL in 28 days. Programs are ignored.
      name: 'constant-flow pump',
      input: {
        pump: pump({ modelId: 'constant-flow', reservoirCapacityMl: 30, flowRateMlPerDay: 1 }),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 30, 500)],
        programs: [],
      },
      expected: {
        'nominal.lowReservoirAlarmAt': '2026-01-29T00:00:00.000Z',
        'nominal.emptyAt': '2026-01-31T00:00:00.000Z',
        doseMcgPerDay: 500,
        dailyVolumeMl: 1,
      },
    },
    {
      // A fill at or below the alarm volume is at the alarm from the start.
      name: 'fill below the alarm volume',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 1.5, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 100)],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-01-01T00:00:00.000Z', 'nominal.emptyAt': '2026-01-08T12:00:00.000Z' },
    },
    {
      // The fill in force at `at` is the latest before it: the second fill (10 mL on 1 Feb) resets the forecast.
      name: 'a later fill resets the forecast',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-02-02T00:00:00Z',
        fills: [fill('2026-02-01T00:00:00Z', 10, 500), fill('2026-01-01T00:00:00Z', 20, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 100)],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-03-13T00:00:00.000Z', volumeMl: 9.8, fillId: 'fill-2026-02-01T00:00:00Z' },
    },
  ];

  const pick = (object: unknown, path: string): unknown => path.split('.').reduce((o, key) => (o as Record<string, unknown>)[key], object);

  it.each(cases)('$name', ({ input, expected }) => {
    const forecast = forecastPump(input);
    expect(forecast.status).toBe('ok');
    for (const [path, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect([path, pick(forecast, path)]).toEqual([path, expect.closeTo(value, 6)]);
      else expect([path, pick(forecast, path)]).toEqual([path, value]);
    }
  });
});

describe('forecastPump: no forecast yet', () => {
  it('answers no_fill with null instants before any fill', () => {
    const forecast = forecastPump({
      pump: pump(),
      timeZone: 'UTC',
      at: '2026-01-01T00:00:00Z',
      fills: [],
      programs: [continuous('2025-12-01T00:00:00Z', 100)],
    });
    expect(forecast).toMatchObject({
      status: 'no_fill',
      volumeMl: null,
      refillDeadline: null,
      nominal: { lowReservoirAlarmAt: null, emptyAt: null },
    });
  });
  it('answers no_program when no program is in force at `at`', () => {
    const forecast = forecastPump({
      pump: pump(),
      timeZone: 'UTC',
      at: '2026-01-02T00:00:00Z',
      fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
      programs: [continuous('2026-02-01T00:00:00Z', 100)],
    });
    expect(forecast).toMatchObject({ status: 'no_program', refillDeadline: null, worstCase: { emptyAt: null } });
  });
  it('refuses an `at` before the first fill with a rule error naming `at`', () => {
    const call = () =>
      forecastPump({
        pump: pump(),
        timeZone: 'UTC',
        at: '2025-12-31T00:00:00Z',
        fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
        programs: [],
      });
    expect(call).toThrow(DomainError);
    try {
      call();
    } catch (error) {
      expect((error as DomainError).code).toBe('rule_violated');
      expect((error as DomainError).fields[0].field).toBe('at');
    }
  });
  it('counts no delivery before the first program takes effect inside the fill', () => {
    // Program from 11 Jan: nothing drawn for 10 days, then 0.2 mL/day: alarm 90 days after 11 Jan.
    const forecast = forecastPump({
      pump: pump(),
      timeZone: 'UTC',
      at: '2026-01-12T00:00:00Z',
      fills: [fill('2026-01-01T00:00:00Z', 20, 500)],
      programs: [continuous('2026-01-11T00:00:00Z', 100)],
    });
    expect(forecast.nominal.lowReservoirAlarmAt).toBe('2026-04-11T00:00:00.000Z');
    expect(forecast.volumeMl).toBeCloseTo(19.8, 9);
  });
});

describe('programDoseMcgPerDay', () => {
  it.each([
    { steps: [{ startTime: '00:00', doseMcgPerDay: 300 }], periodicBoluses: [], expected: 300 },
    // 6 h at 200 + 18 h at 400 = 50 + 300; plus 2 boluses of 25.
    {
      steps: [
        { startTime: '00:00', doseMcgPerDay: 200 },
        { startTime: '06:00', doseMcgPerDay: 400 },
      ],
      periodicBoluses: [
        { time: '07:00', doseMcg: 25 },
        { time: '19:00', doseMcg: 25 },
      ],
      expected: 400,
    },
  ])('weights steps by their hours and adds periodic boluses ($expected mcg/day)', ({ steps, periodicBoluses, expected }) => {
    expect(programDoseMcgPerDay({ steps, periodicBoluses })).toBeCloseTo(expected, 9);
  });
});

describe('forecastPump: patient boluses reported by telemetry (the count for the past, the worst case after it)', () => {
  // 500 mcg/mL, 100 mcg/day = 0.2 mL/day; allowance 10 mcg x 4 = 0.08 mL/day. Fill 20 mL on 1 Jan. The pump counted 20 boluses
  // (200 mcg = 0.4 mL) by 11 Jan: 17.6 mL then. Nominal: 15.6 mL to the alarm at 0.2 = 78 days (30 Mar), 17.6 to empty = 88 days (9 Apr).
  // Worst from 11 Jan at 0.28 mL/day: 15.6 / 0.28 = 55.714286 d = 55 d 17 h 8 min 34.3 s (7 Mar 17:08:34); 17.6 / 0.28 = 62 d 20 h 34 min 17.1 s.
  const fills = [fill('2026-01-01T00:00:00Z', 20, 500)];
  const bolusProgram = continuous('2025-12-01T00:00:00Z', 100, { patientBolus: { doseMcg: 10, maxPerDay: 4 } });
  const report = { fillId: 'fill-2026-01-01T00:00:00Z', countedUntil: '2026-01-11T00:00:00Z', deliveredMcg: 200 };
  const cases: { name: string; input: ForecastInput; expected: Record<string, unknown> }[] = [
    {
      name: 'at the count: the delivered boluses, no worst case yet',
      input: { pump: pump(), timeZone: 'UTC', at: '2026-01-11T00:00:00Z', fills, programs: [bolusProgram], reportedPatientBoluses: report },
      expected: {
        volumeMl: 17.6,
        worstCaseVolumeMl: 17.6,
        'nominal.lowReservoirAlarmAt': '2026-03-30T00:00:00.000Z',
        'nominal.emptyAt': '2026-04-09T00:00:00.000Z',
        'worstCase.lowReservoirAlarmAt': '2026-03-07T17:08:34.000Z',
        'worstCase.emptyAt': '2026-03-14T20:34:17.000Z',
        refillDeadline: '2026-03-07T17:08:34.000Z',
        'reportedPatientBoluses.volumeMl': 0.4,
        'reportedPatientBoluses.countedUntil': '2026-01-11T00:00:00.000Z',
      },
    },
    {
      // 10 days after the count: nominal 17.6 - 2 = 15.6; worst adds the allowance from the count only: 15.6 - 0.8 = 14.8.
      name: 'ten days after the count: the worst case starts at the count, not at the fill',
      input: { pump: pump(), timeZone: 'UTC', at: '2026-01-21T00:00:00Z', fills, programs: [bolusProgram], reportedPatientBoluses: report },
      expected: { volumeMl: 15.6, worstCaseVolumeMl: 14.8, 'worstCase.lowReservoirAlarmAt': '2026-03-07T17:08:34.000Z' },
    },
    {
      // Program doubled to 0.4 mL/day on 21 Jan: nominal 13.6 mL to the alarm at 0.4 = 34 days (24 Feb); worst 12.8 at 0.48 = 26 d 16 h.
      name: 'a program change after the count',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-21T00:00:00Z',
        fills,
        reportedPatientBoluses: report,
        programs: [bolusProgram, continuous('2026-01-21T00:00:00Z', 200, { patientBolus: { doseMcg: 10, maxPerDay: 4 } })],
      },
      expected: {
        volumeMl: 15.6,
        worstCaseVolumeMl: 14.8,
        'nominal.lowReservoirAlarmAt': '2026-02-24T00:00:00.000Z',
        'worstCase.lowReservoirAlarmAt': '2026-02-16T16:00:00.000Z',
      },
    },
    {
      // A count of another fill is ignored: the whole allowance from the fill, as in 'patient-bolus worst case' (18 and 20 - 2.8 mL).
      name: 'a count of another fill is ignored',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-11T00:00:00Z',
        fills,
        programs: [bolusProgram],
        reportedPatientBoluses: { ...report, fillId: 'fill-other' },
      },
      expected: {
        volumeMl: 18,
        worstCaseVolumeMl: 17.2,
        'worstCase.lowReservoirAlarmAt': '2026-03-06T06:51:25.000Z',
        reportedPatientBoluses: null,
      },
    },
    {
      name: 'a count after `at` is ignored',
      input: { pump: pump(), timeZone: 'UTC', at: '2026-01-10T00:00:00Z', fills, programs: [bolusProgram], reportedPatientBoluses: report },
      expected: { volumeMl: 18.2, 'worstCase.lowReservoirAlarmAt': '2026-03-06T06:51:25.000Z', reportedPatientBoluses: null },
    },
  ];

  const pick = (object: unknown, path: string): unknown => path.split('.').reduce((o, key) => (o as Record<string, unknown>)[key], object);

  it.each(cases)('$name', ({ input, expected }) => {
    const forecast = forecastPump(input);
    expect(forecast.status).toBe('ok');
    for (const [path, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect([path, pick(forecast, path)]).toEqual([path, expect.closeTo(value, 6)]);
      else expect([path, pick(forecast, path)]).toEqual([path, value]);
    }
  });

  it('spreads the counted volume evenly between the fill and the count on the chart curve', () => {
    const forecast = forecastPump({
      pump: pump(),
      timeZone: 'UTC',
      at: '2026-01-11T00:00:00Z',
      fills,
      programs: [bolusProgram],
      reportedPatientBoluses: report,
    });
    // Halfway (6 Jan): 20 - 1 (5 days at 0.2) - 0.2 (half the 0.4 mL counted).
    const volumeAt = (ms: number) => 20 - (0.2 + 0.04) * ((ms - Date.parse('2026-01-01T00:00:00Z')) / 86_400_000);
    for (const point of forecast.curve.filter((p) => Date.parse(p.at) <= Date.parse('2026-01-11T00:00:00Z'))) {
      expect(point.volumeMl).toBeCloseTo(volumeAt(Date.parse(point.at)), 5);
      expect(point.worstCaseVolumeMl).toBeCloseTo(point.volumeMl, 9);
    }
    expect(forecast.curve.some((p) => p.at === '2026-01-11T00:00:00.000Z')).toBe(true);
  });
});

describe('forecastPump: periodic boluses at a program change and at the fill (issue 13)', () => {
  const pick = (object: unknown, path: string): unknown => path.split('.').reduce((o, key) => (o as Record<string, unknown>)[key], object);
  const cases: { name: string; input: ForecastInput; expected: Record<string, unknown> }[] = [
    {
      // Paris, winter (UTC+1). Fill 6.5 mL at 500 mcg/mL at local midnight 12 Jan; 100 mcg/day = 0.2 mL/day for 20 days: 2.5 mL
      // left at the change on local midnight 1 Feb (31 Jan 23:00Z). The new program's 00:00 bolus of 300 mcg (0.6 mL) leaves 1.9 mL,
      // below the 2 mL alarm at once (it used to be dropped: the alarm came with the next day's bolus, 24 h late). Then
      // 20 mcg/day (0.04 mL/day) + 0.6 mL each pump midnight: 1.26 on 1 Feb 23:00Z, 0.62 on 2 Feb, empty at the 3 Feb bolus.
      name: 'a program that starts at local midnight with a 00:00 bolus reaches the alarm at that midnight, not 24 h late',
      input: {
        pump: pump(),
        timeZone: 'Europe/Paris',
        at: '2026-01-31T23:00:00Z',
        fills: [fill('2026-01-11T23:00:00Z', 6.5, 500)],
        programs: [
          continuous('2025-12-01T00:00:00Z', 100),
          continuous('2026-01-31T23:00:00Z', 20, { periodicBoluses: [{ time: '00:00', doseMcg: 300 }] }),
        ],
      },
      expected: { 'nominal.lowReservoirAlarmAt': '2026-01-31T23:00:00.000Z', 'nominal.emptyAt': '2026-02-03T23:00:00.000Z', volumeMl: 1.9 },
    },
    {
      // UTC. Boluses only: 100 mcg (0.2 mL at 500) at 00:00 on 2, 3 and 4 Jan; from 5 Jan 00:00 a program that draws nothing.
      // At the change only the new program's boluses count: 10 - 0.6 = 9.4 mL, and nothing is ever reached.
      name: "the old program's bolus at the change instant is not counted",
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-05T00:00:00Z',
        fills: [fill('2026-01-01T12:00:00Z', 10, 500)],
        programs: [
          continuous('2025-12-01T00:00:00Z', 0, { periodicBoluses: [{ time: '00:00', doseMcg: 100 }] }),
          continuous('2026-01-05T00:00:00Z', 0),
        ],
      },
      expected: { volumeMl: 9.4, 'nominal.lowReservoirAlarmAt': null, 'nominal.emptyAt': null },
    },
    {
      // A bolus at the fill instant draws on the new fill (the conservative reading): 50 mcg = 0.1 mL at 500 mcg/mL at 08:00.
      name: 'a periodic bolus at the fill instant counts',
      input: {
        pump: pump(),
        timeZone: 'UTC',
        at: '2026-01-01T08:00:00Z',
        fills: [fill('2026-01-01T08:00:00Z', 2.05, 500)],
        programs: [continuous('2025-12-01T00:00:00Z', 200, { periodicBoluses: [{ time: '08:00', doseMcg: 50 }] })],
      },
      expected: { volumeMl: 1.95, 'nominal.lowReservoirAlarmAt': '2026-01-01T08:00:00.000Z' },
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    const forecast = forecastPump(input);
    expect(forecast.status).toBe('ok');
    for (const [path, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect([path, pick(forecast, path)]).toEqual([path, expect.closeTo(value, 6)]);
      else expect([path, pick(forecast, path)]).toEqual([path, value]);
    }
  });
});
