// Hand-computed cases of the simulated gateways: readings from the forecast, the drifting, stale and ERI pumps, incidents, upload times.
import { PUMP_ALARM_CATALOG } from '../telemetry/telemetry-config';
import type { TelemetryReadingRequest } from '../telemetry/telemetry-contracts';
import { patientBolusCountTotal, patientBolusesBetween } from './patient-bolus-counter';
import { seededUnit } from './seeded-hash';
import {
  backfillReadings,
  bolusBaselineInstant,
  buildTelemetryScenario,
  chooseScenarioRoles,
  driftFraction,
  eriFromMs,
  implantStartMs,
  INCIDENT_ALARMS,
  liveReadings,
  nextReadingInstant,
  readingInstants,
  SimulatedPump,
  simulatedReading,
  staleFromMs,
  TelemetryScenario,
} from './telemetry-scenario';
import { DAY_MS, HOUR_MS } from '../time-units';

const EPOCH = '2026-06-01T12:00:00Z';
const EPOCH_MS = Date.parse(EPOCH);

/** SynchroMed II 20 mL, filled with 20 mL of 1000 mcg/mL, one 500 mcg/day step: 0.5 mL a day, 10 mL after 20 days. */
function pump(serialNumber: string, over: Partial<SimulatedPump> = {}): SimulatedPump {
  return {
    id: `id-${serialNumber}`,
    serialNumber,
    modelId: 'synchromed-ii-20',
    implantDate: '2026-01-10',
    timeZone: 'Europe/Paris',
    lowReservoirAlarmMl: 2,
    reservoirCapacityMl: 20,
    flowRateMlPerDay: null,
    fills: [
      {
        id: `fill-${serialNumber}`,
        filledAt: '2026-05-01T12:00:00Z',
        concentrationMcgPerMl: 1000,
        volumeMl: 20,
        stabilityDays: 180,
        bridgeBolus: null,
      },
    ],
    programs: [
      {
        effectiveFrom: '2026-05-01T11:00:00Z',
        steps: [{ startTime: '00:00', doseMcgPerDay: 500 }],
        periodicBoluses: [],
        patientBolus: null,
      },
    ],
    ...over,
  };
}

const roles = { drifting: 'DRIFT', stale: 'STALE', eri: 'ERI', incident: 'INCIDENT' };
const scenario = (over: Partial<TelemetryScenario> = {}): TelemetryScenario => ({
  seed: 7,
  epochMs: EPOCH_MS,
  roles,
  incident: null,
  ...over,
});
const at = (iso: string) => Date.parse(iso);

describe('seededUnit', () => {
  it('gives the same number for the same seed and names, another for another name, always in [0, 1)', () => {
    expect(seededUnit(1, 'a', 2)).toBe(seededUnit(1, 'a', 2));
    expect(seededUnit(1, 'a', 2)).not.toBe(seededUnit(1, 'a', 3));
    expect(seededUnit(1, 'a', 2)).not.toBe(seededUnit(2, 'a', 2));
    for (let i = 0; i < 1000; i++) {
      const u = seededUnit(i, 'x');
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});

describe('simulatedReading: an ordinary pump reports the forecast', () => {
  it.each([
    // 0.5 mL/day from 2026-05-01T12:00Z: 10 days -> 5 mL drawn -> 15 mL.
    { name: '10 days after the fill: 15 mL, no alarm', at: '2026-05-11T12:00:00Z', volume: 15, alarms: [] },
    // 36 days -> 18 mL drawn -> 2 mL: at the 2 mL alarm volume the pump alarms.
    { name: 'at the alarm volume: low_reservoir', at: '2026-06-06T12:00:00Z', volume: 2, alarms: ['low_reservoir'] },
    // 35 days -> 2.5 mL: above the alarm volume.
    { name: 'half a mL above the alarm volume: no alarm', at: '2026-06-05T12:00:00Z', volume: 2.5, alarms: [] },
    // 45 days -> 22.5 mL drawn from 20 mL: empty, still only the low-reservoir alarm (no delivery-interrupting alarm by default).
    { name: 'past empty: 0 mL with the low-reservoir alarm only', at: '2026-06-15T12:00:00Z', volume: 0, alarms: ['low_reservoir'] },
  ])('$name', ({ at: iso, volume, alarms }) => {
    expect(simulatedReading(scenario(), pump('P1'), at(iso))).toEqual({
      serialNumber: 'P1',
      recordedAt: new Date(iso).toISOString(),
      reservoirVolumeMl: volume,
      programDoseMcgPerDay: 500,
      programConcentrationMcgPerMl: 1000,
      alarms,
      batteryStatus: 'ok',
    });
  });

  it('keys the program in force and the fill in force at the reading (a titration and a refill at another concentration)', () => {
    const titrated = pump('P1', {
      fills: [
        ...pump('P1').fills,
        {
          id: 'fill-2',
          filledAt: '2026-05-21T12:00:00Z',
          concentrationMcgPerMl: 2000,
          volumeMl: 20,
          stabilityDays: 180,
          bridgeBolus: null,
        },
      ],
      programs: [
        ...pump('P1').programs,
        {
          effectiveFrom: '2026-05-21T12:30:00Z',
          steps: [
            { startTime: '00:00', doseMcgPerDay: 400 },
            { startTime: '12:00', doseMcgPerDay: 600 },
          ],
          periodicBoluses: [{ time: '08:00', doseMcg: 50 }],
          patientBolus: null,
        },
      ],
    });
    // Before the refill: 500 mcg/day of 1000 mcg/mL, 20 days -> 10 mL left.
    expect(simulatedReading(scenario(), titrated, at('2026-05-21T12:00:00Z') - 1000)).toMatchObject({
      programDoseMcgPerDay: 500,
      programConcentrationMcgPerMl: 1000,
    });
    // Two days later: (400 x 12 + 600 x 12) / 24 + 50 = 550 mcg/day keyed, 2000 mcg/mL in the reservoir.
    const later = simulatedReading(scenario(), titrated, at('2026-05-23T12:00:00Z'))!;
    expect(later).toMatchObject({ programDoseMcgPerDay: 550, programConcentrationMcgPerMl: 2000 });
    // 30 min of the old program (500/2000 mL/day) then 2 days minus 30 min of 550/2000 mL/day: about 0.55 mL drawn.
    expect(later.reservoirVolumeMl).toBeCloseTo(19.45, 2);
  });

  it('reports nothing for a constant-flow pump (no electronics) nor before the implant date', () => {
    const constantFlow = pump('CF1', { modelId: 'constant-flow', flowRateMlPerDay: 1, reservoirCapacityMl: 50, programs: [] });
    expect(simulatedReading(scenario(), constantFlow, at('2026-05-11T12:00:00Z'))).toBeNull();
    // Implant date 2026-01-10 in Paris starts at 2026-01-09T23:00Z.
    expect(implantStartMs(pump('P1'))).toBe(at('2026-01-09T23:00:00Z'));
    expect(simulatedReading(scenario(), pump('P1'), at('2026-01-09T22:59:59Z'))).toBeNull();
    expect(simulatedReading(scenario(), pump('P1'), at('2026-01-09T23:00:00Z'))).not.toBeNull();
  });

  it('before the first fill reports the keyed program and the battery, but no volume or concentration', () => {
    const early = pump('P1', { programs: [{ ...pump('P1').programs[0], effectiveFrom: '2026-02-01T10:00:00Z' }] });
    expect(simulatedReading(scenario(), early, at('2026-03-01T12:00:00Z'))).toEqual({
      serialNumber: 'P1',
      recordedAt: '2026-03-01T12:00:00.000Z',
      programDoseMcgPerDay: 500,
      alarms: [],
      batteryStatus: 'ok',
    });
  });

  it('rounds the instant down to the second', () => {
    expect(simulatedReading(scenario(), pump('P1'), at('2026-05-11T12:00:00.999Z'))?.recordedAt).toBe('2026-05-11T12:00:00.000Z');
  });
});

describe('simulatedReading: patient boluses', () => {
  const withBolus = pump('PTM1', { programs: [{ ...pump('P1').programs[0], patientBolus: { doseMcg: 50, maxPerDay: 4 } }] });
  const counting = { serialNumber: 'PTM1', implantStartMs: implantStartMs(withBolus), programs: withBolus.programs };

  it('reports the cumulative counter and takes the boluses since the fill out of the volume', () => {
    const reading = simulatedReading(scenario(), withBolus, at('2026-05-11T12:00:00Z'))!;
    const since = patientBolusesBetween(counting, 7, at('2026-05-01T12:00:00Z'), at('2026-05-11T12:00:00Z'));
    expect(reading.patientBolusCountTotal).toBe(patientBolusCountTotal(counting, 7, at('2026-05-11T12:00:00Z')));
    expect(since.count).toBeGreaterThan(0);
    // 15 mL nominal (10 days at 0.5 mL/day) less count x 50 mcg / 1000 mcg/mL.
    expect(reading.reservoirVolumeMl).toBeCloseTo(15 - (since.count * 50) / 1000, 6);
    expect(since.mcg).toBe(since.count * 50);
  });

  it('never goes backwards, never exceeds the allowance in a day, and averages about half of it', () => {
    let previous = -1;
    for (let t = at('2026-05-01T00:00:00Z'); t <= at('2026-05-31T00:00:00Z'); t += HOUR_MS) {
      const total = patientBolusCountTotal(counting, 7, t);
      expect(total).toBeGreaterThanOrEqual(previous);
      previous = total;
    }
    const days = 1000;
    const longRun = { ...counting, implantStartMs: 0, programs: [{ ...withBolus.programs[0], effectiveFrom: '1970-01-01T00:00:00Z' }] };
    for (let day = 0; day < 50; day++)
      expect(patientBolusesBetween(longRun, 7, day * DAY_MS, (day + 1) * DAY_MS).count).toBeLessThanOrEqual(4);
    const mean = patientBolusesBetween(longRun, 7, 0, days * DAY_MS).count / days;
    expect(mean).toBeGreaterThan(1.6);
    expect(mean).toBeLessThan(2.4);
  });

  it('adds up over consecutive intervals', () => {
    const a = at('2026-05-03T05:00:00Z');
    const b = at('2026-05-07T17:30:00Z');
    const c = at('2026-05-12T02:00:00Z');
    expect(patientBolusesBetween(counting, 7, a, b).count + patientBolusesBetween(counting, 7, b, c).count).toBe(
      patientBolusesBetween(counting, 7, a, c).count,
    );
  });

  it('counts nothing while no program allows patient boluses', () => {
    expect(simulatedReading(scenario(), pump('P1'), at('2026-05-11T12:00:00Z'))).not.toHaveProperty('patientBolusCountTotal');
  });
});

describe('the drifting pump', () => {
  it.each([
    // Drift starts 21 days before the epoch (2026-05-11T12:00Z) at 2%, +0.5 point a day, at most 25%.
    { at: '2026-05-11T11:59:59Z', fraction: 0 },
    { at: '2026-05-11T12:00:00Z', fraction: 0.02 },
    { at: '2026-05-21T12:00:00Z', fraction: 0.07 },
    { at: EPOCH, fraction: 0.125 },
    { at: '2026-07-01T12:00:00Z', fraction: 0.25 },
  ])('over-infuses by $fraction at $at', ({ at: iso, fraction }) => {
    expect(driftFraction({ epochMs: EPOCH_MS }, at(iso))).toBeCloseTo(fraction, 10);
  });

  it('reports less than the forecast by the drift of what it delivered since the fill', () => {
    // 20 days after the fill: 10 mL programmed, 7% more delivered -> 10.7 mL -> 9.30 mL left (the forecast says 10).
    expect(simulatedReading(scenario(), pump('DRIFT'), at('2026-05-21T12:00:00Z'))?.reservoirVolumeMl).toBe(9.3);
    expect(simulatedReading(scenario(), pump('P1'), at('2026-05-21T12:00:00Z'))?.reservoirVolumeMl).toBe(10);
    // Its own estimate reaches the 2 mL alarm first: 34 days after the fill (2026-06-04T12:00Z, 24 days into the drift: 14%),
    // 17 mL x 1.14 = 19.38 mL delivered -> 0.62 mL, with its low-reservoir alarm, while the forecast still has 3 mL.
    expect(simulatedReading(scenario(), pump('DRIFT'), at('2026-06-04T12:00:00Z'))).toMatchObject({
      reservoirVolumeMl: 0.62,
      alarms: ['low_reservoir'],
    });
    expect(simulatedReading(scenario(), pump('P1'), at('2026-06-04T12:00:00Z'))).toMatchObject({ reservoirVolumeMl: 3, alarms: [] });
  });
});

describe('the stale pump, the ERI pump and an injected incident', () => {
  it('the stale pump reports until 60 h before the epoch, then nothing', () => {
    expect(staleFromMs({ epochMs: EPOCH_MS })).toBe(at('2026-05-30T00:00:00Z'));
    expect(simulatedReading(scenario(), pump('STALE'), at('2026-05-29T23:59:59Z'))).not.toBeNull();
    expect(simulatedReading(scenario(), pump('STALE'), at('2026-05-30T00:00:00Z'))).toBeNull();
    expect(simulatedReading(scenario(), pump('STALE'), at('2026-07-30T00:00:00Z'))).toBeNull();
  });

  it('the ERI pump reports battery eri and the eri alarm from 3 days before the epoch on, and keeps delivering', () => {
    expect(eriFromMs({ epochMs: EPOCH_MS })).toBe(at('2026-05-29T12:00:00Z'));
    expect(simulatedReading(scenario(), pump('ERI'), at('2026-05-29T11:59:59Z'))).toMatchObject({ batteryStatus: 'ok', alarms: [] });
    // 28 days after the fill: 14 mL drawn -> 6 mL.
    expect(simulatedReading(scenario(), pump('ERI'), at('2026-05-29T12:00:00Z'))).toMatchObject({
      batteryStatus: 'eri',
      alarms: ['eri'],
      reservoirVolumeMl: 6,
    });
  });

  it('an incident alarms from its start and freezes the volume (a stopped pump delivers nothing)', () => {
    const withIncident = scenario({ incident: { code: 'motor_stall', fromMs: at('2026-05-21T12:00:00Z') } });
    expect(simulatedReading(withIncident, pump('INCIDENT'), at('2026-05-21T11:59:59Z'))).toMatchObject({ alarms: [] });
    expect(simulatedReading(withIncident, pump('INCIDENT'), at('2026-05-21T12:00:00Z'))).toMatchObject({
      alarms: ['motor_stall'],
      reservoirVolumeMl: 10,
    });
    expect(simulatedReading(withIncident, pump('INCIDENT'), at('2026-05-25T12:00:00Z'))).toMatchObject({
      alarms: ['motor_stall'],
      reservoirVolumeMl: 10,
    });
    expect(simulatedReading(withIncident, pump('P1'), at('2026-05-25T12:00:00Z'))).toMatchObject({ alarms: [], reservoirVolumeMl: 8 });
  });

  it('offers only delivery-interrupting incidents, and a run without one never reports such an alarm', () => {
    for (const code of INCIDENT_ALARMS) expect(PUMP_ALARM_CATALOG[code].interruptsDelivery).toBe(true);
    const fleet = ['P1', 'DRIFT', 'STALE', 'ERI', 'INCIDENT'].map((s) => pump(s));
    const readings = backfillReadings(scenario(), fleet, at('2026-06-20T12:00:00Z'), 60);
    const codes = new Set(readings.flatMap((r) => r.alarms ?? []));
    expect([...codes].sort()).toEqual(['eri', 'low_reservoir']);
  });
});

describe('chooseScenarioRoles', () => {
  const fleet = [
    ...Array.from({ length: 8 }, (_, i) => pump(`NGP${i}`)),
    pump('CF', { modelId: 'constant-flow', flowRateMlPerDay: 1, reservoirCapacityMl: 50, programs: [] }),
    pump('NOFILL', { fills: [] }),
    pump('NOPROGRAM', { programs: [] }),
    // Filled the day before the epoch: too little delivered to show a drift.
    pump('FRESH', { fills: [{ ...pump('P1').fills[0], filledAt: '2026-05-31T12:00:00Z' }] }),
  ];

  it('picks four different reporting pumps with a fill and a program, the same whatever the order of the fleet', () => {
    const chosen = chooseScenarioRoles(fleet, 3, EPOCH_MS);
    const serials = [chosen.drifting, chosen.stale, chosen.eri, chosen.incident];
    expect(new Set(serials).size).toBe(4);
    for (const serial of serials) expect(serial).toMatch(/^(NGP\d|FRESH)$/);
    expect(chosen.drifting).toMatch(/^NGP\d$/);
    expect(chooseScenarioRoles([...fleet].reverse(), 3, EPOCH_MS)).toEqual(chosen);
    expect(buildTelemetryScenario(fleet, { seed: 3, epoch: EPOCH, incident: { code: 'motor_stall', from: EPOCH } }).roles).toEqual(chosen);
  });

  it('casts the drifting pump only in an incident run, and the same stale and ERI pumps either way', () => {
    const withIncident = chooseScenarioRoles(fleet, 3, EPOCH_MS, true);
    expect(chooseScenarioRoles(fleet, 3, EPOCH_MS, false)).toEqual({ ...withIncident, drifting: null, incident: null });
    expect(buildTelemetryScenario(fleet, { seed: 3, epoch: EPOCH }).roles).toEqual({ ...withIncident, drifting: null, incident: null });
  });

  it('depends on the seed', () => {
    const bySeed = new Set([1, 2, 3, 4, 5, 6].map((seed) => chooseScenarioRoles(fleet, seed, EPOCH_MS).drifting));
    expect(bySeed.size).toBeGreaterThan(1);
  });

  it('leaves a role empty when the fleet has too few pumps', () => {
    expect(chooseScenarioRoles([pump('ONLY')], 3, EPOCH_MS)).toEqual({ drifting: 'ONLY', stale: null, eri: null, incident: null });
  });
});

describe('upload instants', () => {
  it('puts each pump on a 12-hour grid at its own minute within two hours, in (from, to]', () => {
    const instants = readingInstants({ seed: 7 }, { serialNumber: 'P1' }, at('2026-05-01T00:00:00Z'), at('2026-05-08T00:00:00Z'));
    expect(instants).toHaveLength(14);
    const offsetMs = instants[0] - at('2026-05-01T00:00:00Z');
    expect(offsetMs).toBeGreaterThanOrEqual(0);
    expect(offsetMs).toBeLessThan(2 * HOUR_MS);
    expect(offsetMs % 60_000).toBe(0);
    for (let i = 1; i < instants.length; i++) expect(instants[i] - instants[i - 1]).toBe(12 * HOUR_MS);
    // A later window lands on the same grid, so re-sending stores nothing twice.
    expect(readingInstants({ seed: 7 }, { serialNumber: 'P1' }, instants[3], at('2026-05-08T00:00:00Z'))).toEqual(instants.slice(4));
  });

  it('at --speed 1440 uploads every 30 seconds', () => {
    const instants = readingInstants({ seed: 7 }, { serialNumber: 'P1' }, at('2026-05-01T00:00:00Z'), at('2026-05-01T00:10:00Z'), 1440);
    expect(instants).toHaveLength(20);
    for (let i = 1; i < instants.length; i++) expect(instants[i] - instants[i - 1]).toBe(30_000);
  });

  it.each([1, 7, 1440, 43_200])('at speed %p, consecutive live windows cut anywhere neither lose nor repeat an upload', (speed) => {
    const from = at('2026-05-01T00:00:00Z');
    const to = from + (speed === 1 ? 3 * DAY_MS : 10 * 60_000);
    const whole = readingInstants({ seed: 7 }, { serialNumber: 'P1' }, from, to, speed);
    const pieces: number[] = [];
    // Cuts a few ms after whole seconds, as a live loop that wakes a little late does.
    for (let cut = from, k = 0; cut < to; k++) {
      const next = Math.min(to, cut + 997 + (k % 5) * 13 + (speed === 1 ? 3 * 3_600_000 : 0));
      pieces.push(...readingInstants({ seed: 7 }, { serialNumber: 'P1' }, cut, next, speed));
      cut = next;
    }
    expect(pieces).toEqual(whole);
    expect(whole.length).toBeGreaterThan(0);
  });

  it('finds the next upload over the fleet, or the incident when it comes first', () => {
    const fleet = [pump('P1'), pump('P2')];
    const from = at('2026-05-01T00:00:00Z');
    const next = nextReadingInstant(scenario(), fleet, from)!;
    const firsts = fleet.map((p) => readingInstants({ seed: 7 }, p, from, from + 12 * HOUR_MS)[0]);
    expect(next).toBe(Math.min(...firsts));
    expect(nextReadingInstant(scenario({ incident: { code: 'pump_stopped', fromMs: from + 1000 } }), fleet, from)).toBe(from + 1000);
  });
});

describe('backfillReadings and liveReadings', () => {
  const fleet = ['P1', 'DRIFT', 'STALE', 'ERI', 'INCIDENT'].map((s) => pump(s));
  const now = EPOCH_MS;
  const bySerial = (readings: TelemetryReadingRequest[]) => {
    const map = new Map<string, TelemetryReadingRequest[]>();
    for (const r of readings) map.set(r.serialNumber, [...(map.get(r.serialNumber) ?? []), r]);
    return map;
  };

  it('gives every reporting pump two readings a day over the window, oldest first, the same on every call', () => {
    const readings = backfillReadings(scenario(), fleet, now, 14);
    expect(backfillReadings(scenario(), fleet, now, 14)).toEqual(readings);
    const times = readings.map((r) => Date.parse(r.recordedAt as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThan(now - 14 * DAY_MS);
    expect(Math.max(...times)).toBeLessThanOrEqual(now);
    const per = bySerial(readings);
    for (const serial of ['P1', 'DRIFT', 'ERI', 'INCIDENT']) expect(per.get(serial)).toHaveLength(28);
    // Silent for the last 60 h: 5 readings fewer.
    expect(per.get('STALE')).toHaveLength(23);
  });

  it("always includes the stale pump's last week before its silence, so that it counts as monitored", () => {
    const later = EPOCH_MS + 30 * DAY_MS;
    const stale = bySerial(backfillReadings(scenario(), fleet, later, 14)).get('STALE')!;
    expect(stale.length).toBe(14);
    expect(Date.parse(stale[stale.length - 1].recordedAt as string)).toBeLessThan(staleFromMs({ epochMs: EPOCH_MS }));
  });

  it('adds the upload just before the last refill of a pump with patient boluses, so that its counter counts from the refill', () => {
    // Refilled 2026-05-01T12:00Z, 31 days before the epoch: the 14-day window alone has no counter reading at the refill.
    const withBolus = pump('PTM1', { programs: [{ ...pump('P1').programs[0], patientBolus: { doseMcg: 50, maxPerDay: 4 } }] });
    const baselineMs = bolusBaselineInstant(scenario(), withBolus, now)!;
    expect(baselineMs).toBeLessThanOrEqual(at('2026-05-01T12:00:00Z'));
    expect(baselineMs).toBeGreaterThan(at('2026-05-01T00:00:00Z'));
    const readings = bySerial(backfillReadings(scenario(), [withBolus, pump('P1')], now, 14));
    expect(readings.get('PTM1')).toHaveLength(29);
    expect(readings.get('PTM1')![0]).toMatchObject({
      recordedAt: new Date(baselineMs).toISOString(),
      patientBolusCountTotal: expect.any(Number),
    });
    // Without patient boluses nothing is added, and a refill inside the window needs nothing either.
    expect(readings.get('P1')).toHaveLength(28);
    expect(bolusBaselineInstant(scenario(), pump('P1'), now)).toBeNull();
    const refilledLately = { ...withBolus, fills: [{ ...withBolus.fills[0], filledAt: '2026-05-25T10:00:00Z' }] };
    expect(bySerial(backfillReadings(scenario(), [refilledLately], now, 14)).get('PTM1')).toHaveLength(28);
  });

  it('adds the incident reading at its start, and the live loop continues from where the backfill stopped', () => {
    const withIncident = scenario({ incident: { code: 'motor_stall', fromMs: now } });
    const backfill = backfillReadings(withIncident, fleet, now, 1);
    expect(backfill[backfill.length - 1]).toMatchObject({
      serialNumber: 'INCIDENT',
      recordedAt: new Date(now).toISOString(),
      alarms: ['motor_stall'],
    });
    const live = liveReadings(withIncident, fleet, now, now + DAY_MS, 1);
    expect(live.map((r) => r.serialNumber).sort()).toEqual(['DRIFT', 'DRIFT', 'ERI', 'ERI', 'INCIDENT', 'INCIDENT', 'P1', 'P1']);
    for (const r of live.filter((x) => x.serialNumber === 'INCIDENT')) expect(r.alarms).toContain('motor_stall');
  });
});
