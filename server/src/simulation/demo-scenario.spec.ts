// The simulated story on the real demo fleet: a normal day (silence and ERI, no alarm beyond ERI), and the drift and stop of an incident run.
import { backfillReadings, buildTelemetryScenario, DAY_MS, forecastPump, SimulatedPump, telemetryReadingSchema } from '@pumpwatch/shared';
import { DEMO_CLINIC, buildDemoFleet } from '../demo/demo-fleet';
import { DEMO_ACCOUNTS } from '../demo/demo-seed.service';
import { DEMO_SIMULATION_DEFAULTS } from './run-simulation';

const NOW = new Date('2026-06-01T12:00:00Z');

function simulatedFleet(): SimulatedPump[] {
  const fleet = buildDemoFleet(NOW);
  return fleet.pumps
    .filter((p) => p.explantedAt === null)
    .map((pump) => ({
      id: pump.id,
      serialNumber: pump.serialNumber,
      modelId: pump.modelId,
      implantDate: pump.implantDate,
      timeZone: fleet.clinic.timeZone,
      lowReservoirAlarmMl: pump.lowReservoirAlarmMl,
      reservoirCapacityMl: pump.reservoirCapacityMl,
      flowRateMlPerDay: pump.flowRateMlPerDay,
      fills: fleet.fills
        .filter((f) => f.pumpId === pump.id)
        .map((f) => ({
          id: f.id,
          filledAt: f.filledAt.toISOString(),
          concentrationMcgPerMl: f.concentrationMcgPerMl,
          volumeMl: f.volumeMl,
          stabilityDays: f.stabilityDays,
          bridgeBolus: f.bridgeBolus,
        })),
      programs: fleet.programs
        .filter((p) => p.pumpId === pump.id)
        .map((p) => ({
          effectiveFrom: p.effectiveFrom.toISOString(),
          steps: p.steps,
          periodicBoluses: p.periodicBoluses,
          patientBolus: p.patientBolus,
        })),
    }));
}

describe('the simulated demo fleet', () => {
  const pumps = simulatedFleet();
  const scenario = buildTelemetryScenario(pumps, { epoch: NOW.toISOString(), incident: { code: 'motor_stall', from: NOW.toISOString() } });
  const readings = backfillReadings(scenario, pumps, NOW.getTime(), 14);
  const of = (serial: string | null) => readings.filter((r) => r.serialNumber === serial);
  const normalDay = buildTelemetryScenario(pumps, { epoch: NOW.toISOString() });
  const normalReadings = backfillReadings(normalDay, pumps, NOW.getTime(), 14);

  it('signs in and picks the clinic the demo seed creates', () => {
    expect(DEMO_SIMULATION_DEFAULTS.clinicName).toBe(DEMO_CLINIC.name);
    expect(DEMO_ACCOUNTS.find((a) => a.role === 'admin')).toMatchObject({
      email: DEMO_SIMULATION_DEFAULTS.email,
      password: DEMO_SIMULATION_DEFAULTS.password,
    });
  });

  it('casts four different pumps, each with a fill and a program', () => {
    const { drifting, stale, eri, incident } = scenario.roles;
    expect(new Set([drifting, stale, eri, incident]).size).toBe(4);
    for (const serial of [drifting, stale, eri, incident]) {
      const pump = pumps.find((p) => p.serialNumber === serial)!;
      expect(pump.fills.length).toBeGreaterThan(0);
      expect(pump.programs.length).toBeGreaterThan(0);
    }
  });

  it('has every programmable pump report and no constant-flow pump, every reading valid for the API', () => {
    const reporting = new Set(readings.map((r) => r.serialNumber));
    for (const pump of pumps) expect(reporting.has(pump.serialNumber)).toBe(pump.modelId !== 'constant-flow');
    for (const reading of readings) {
      expect(telemetryReadingSchema.safeParse(reading).success).toBe(true);
      expect(Date.parse(reading.recordedAt as string)).toBeLessThanOrEqual(NOW.getTime());
    }
    // 38 programmable pumps, two uploads a day for 14 days, the stale pump 60 h short, plus the incident upload.
    expect(readings.length).toBeGreaterThan(37 * 28);
    expect(readings.length).toBeLessThan(10_000);
  });

  it('matches the forecast for an ordinary pump without patient boluses', () => {
    const ordinary = pumps.find(
      (p) =>
        !Object.values(scenario.roles).includes(p.serialNumber) &&
        p.modelId !== 'constant-flow' &&
        p.fills.length > 0 &&
        p.programs.length > 0 &&
        p.programs.every((x) => !x.patientBolus),
    )!;
    const last = of(ordinary.serialNumber).at(-1)!;
    const forecast = forecastPump({
      pump: ordinary,
      fills: ordinary.fills,
      programs: ordinary.programs,
      timeZone: ordinary.timeZone,
      at: last.recordedAt as string,
      withCurve: false,
    });
    expect(last.reservoirVolumeMl).toBeCloseTo(forecast.volumeMl as number, 2);
  });

  it('shows the drifting pump below its forecast by several percent of what it delivered', () => {
    const pump = pumps.find((p) => p.serialNumber === scenario.roles.drifting)!;
    const last = of(pump.serialNumber).at(-1)!;
    const forecast = forecastPump({
      pump,
      fills: pump.fills,
      programs: pump.programs,
      timeZone: pump.timeZone,
      at: last.recordedAt as string,
      withCurve: false,
    });
    const fill = pump.fills.find((f) => f.id === forecast.fillId)!;
    const delivered = fill.volumeMl - (forecast.volumeMl as number);
    const gap = (forecast.volumeMl as number) - (last.reservoirVolumeMl as number);
    // About 12.5% at the epoch (boluses, if any, widen the gap).
    expect(gap / delivered).toBeGreaterThan(0.1);
  });

  it('has the stale pump silent for the last 60 h after a monitored week, and the ERI pump reporting ERI', () => {
    const stale = of(scenario.roles.stale);
    const last = Date.parse(stale.at(-1)!.recordedAt as string);
    expect(NOW.getTime() - last).toBeGreaterThan(60 * 3_600_000);
    expect(stale.filter((r) => Date.parse(r.recordedAt as string) > last - 7 * DAY_MS).length).toBeGreaterThanOrEqual(2);
    expect(of(scenario.roles.eri).at(-1)).toMatchObject({ batteryStatus: 'eri', alarms: expect.arrayContaining(['eri']) });
    expect(of(scenario.roles.eri)[0]).toMatchObject({ batteryStatus: 'ok' });
    expect(of(scenario.roles.incident).at(-1)).toMatchObject({
      recordedAt: NOW.toISOString(),
      alarms: expect.arrayContaining(['motor_stall']),
    });
  });

  it('casts no drifting or incident pump on a normal day, and the same stale and ERI pumps as an incident run', () => {
    expect(normalDay.roles).toEqual({ ...scenario.roles, drifting: null, incident: null });
    const codes = new Set(normalReadings.flatMap((r) => r.alarms ?? []));
    expect([...codes]).toEqual(['eri']);
  });

  it("reports the low-reservoir alarm exactly where the pump's own estimate is at or below its alarm volume: nowhere on a normal day", () => {
    const alarmOf = new Map(pumps.map((p) => [p.serialNumber, p.lowReservoirAlarmMl]));
    let lows = 0;
    for (const r of normalReadings) {
      if (r.reservoirVolumeMl === undefined || r.reservoirVolumeMl === null) continue;
      const low = r.reservoirVolumeMl <= alarmOf.get(r.serialNumber)!;
      expect(r.alarms?.includes('low_reservoir')).toBe(low);
      if (low) lows++;
    }
    // A normal day has no pump at its alarm volume: the pump due tomorrow is a slow one with days of worst case left.
    expect(lows).toBe(0);
  });
});
