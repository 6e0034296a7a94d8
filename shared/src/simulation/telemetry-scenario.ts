// What the simulated fleet's gateways report: readings from the forecast, with one silent and one ERI pump; an over-infusing pump and
// a stopped one only in an incident run.
import { DateTime } from 'luxon';
import { PUMP_MODELS, PumpModelId } from '../clinical-config';
import { forecastPump, ForecastFillInput, ForecastProgramInput, programDoseMcgPerDay } from '../forecast/forecast';
import type { PumpAlarmCode } from '../telemetry/pump-telemetry-status';
import type { TelemetryReadingRequest } from '../telemetry/telemetry-contracts';
import { TELEMETRY_CONFIG } from '../telemetry/telemetry-config';
import { BolusCountingPump, patientBolusCountTotal, patientBolusesBetween } from './patient-bolus-counter';
import { seededUnit } from './seeded-hash';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time-units';

export const SIMULATION_CONFIG = {
  defaultSeed: 20261125,
  // Two uploads a day: a gateway reporting exactly every 24 h would flicker "stale" against the clinic's 24 h default (issue 4).
  readingIntervalHours: 12,
  // Each pump uploads at its own minute within two hours of the interval's start: home gateways do not all call at once.
  readingSpreadMinutes: 120,
  defaultBackfillDays: 14,
  // The special pumps' story is anchored at the epoch (the demo clinic's creation), so that every run and restart tells the same
  // story and re-sending it stores nothing twice.
  // The stale pump's silence starts 2.5 days before the epoch: stale (no reading for more than 24 h) from the first start on.
  staleSilentBeforeEpochHours: 60,
  // The ERI pump reaches its elective replacement indicator 3 days before the epoch: the backfill shows the change.
  eriBeforeEpochDays: 3,
  // The drifting pump (incident runs only: a normal demo day has no over-infusing pump) delivers more than programmed from 21 days
  // before the epoch: 2% at first, half a point more each day, up to 25%, past the 14.5% flow accuracy of a SynchroMed II
  // (Medtronic specification), so that a refill reconciliation would flag it.
  driftStartBeforeEpochDays: 21,
  driftStartPercent: 2,
  driftGrowthPercentPerDay: 0.5,
  driftMaxPercent: 25,
  // The drifting pump needs room to drift at the epoch: this much delivered since its fill and this much above its alarm volume.
  driftMinDeliveredMl: 2,
  driftMinAboveAlarmMl: 2,
  // Reported volumes to the hundredth of a mL and doses to the hundredth of a mcg: finer digits of an estimate are noise.
  reportedDecimals: 2,
} as const;

/**
 * Alarms `--incident` may inject: each interrupts delivery (PUMP_ALARM_CATALOG) and a later reading without it clears it. Battery
 * end of service is left out on purpose: a battery never recovers, so one injection would mark the pump for good.
 */
export const INCIDENT_ALARMS = [
  'motor_stall',
  'pump_stopped',
  'memory_error',
  'low_battery_reset',
] as const satisfies readonly PumpAlarmCode[];
export type IncidentAlarm = (typeof INCIDENT_ALARMS)[number];

/** A pump as the simulator knows it from the API: the pump page's fields, fills and programs (the forecast's inputs). */
export interface SimulatedPump {
  id: string;
  serialNumber: string;
  modelId: PumpModelId;
  /** Calendar date in the clinic's zone. */
  implantDate: string;
  timeZone: string;
  lowReservoirAlarmMl: number;
  reservoirCapacityMl: number;
  flowRateMlPerDay: number | null;
  fills: ForecastFillInput[];
  programs: ForecastProgramInput[];
}

/** Serial numbers of the pumps with a part in the story (null when the fleet has too few pumps). */
export interface ScenarioRoles {
  /** Over-infuses: its own volume estimate falls faster than the forecast by a growing few percent. Incident runs only. */
  drifting: string | null;
  /** Stops reporting before the epoch: stale on the dashboard. */
  stale: string | null;
  /** Reports the elective replacement indicator (battery 'eri' and the 'eri' alarm) from before the epoch on. */
  eri: string | null;
  /** Carries the injected incident alarm, when one is asked for. */
  incident: string | null;
}

export interface TelemetryScenario {
  seed: number;
  /** The story's anchor, ms. */
  epochMs: number;
  roles: ScenarioRoles;
  /** An injected delivery-interrupting alarm on the incident pump from `fromMs` on (a demo's emergency), or null. */
  incident: { code: IncidentAlarm; fromMs: number } | null;
}

export interface ScenarioOptions {
  seed?: number;
  /** ISO instant the story is anchored at: the demo clinic's creation. */
  epoch: string;
  incident?: { code: IncidentAlarm; from: string } | null;
}

/** Only programmable pumps have the electronics to report: a constant-flow pump has no battery, no clock and no telemetry. */
export function reportsTelemetry(pump: Pick<SimulatedPump, 'modelId'>): boolean {
  return PUMP_MODELS[pump.modelId].programmable;
}

export function buildTelemetryScenario(pumps: readonly SimulatedPump[], options: ScenarioOptions): TelemetryScenario {
  const seed = options.seed ?? SIMULATION_CONFIG.defaultSeed;
  const epochMs = Date.parse(options.epoch);
  if (Number.isNaN(epochMs)) throw new Error(`epoch must be an ISO instant, got "${options.epoch}"`);
  const incident = options.incident ? { code: options.incident.code, fromMs: floorToSecond(Date.parse(options.incident.from)) } : null;
  if (incident && Number.isNaN(incident.fromMs)) throw new Error(`incident.from must be an ISO instant, got "${options.incident?.from}"`);
  const roles = chooseScenarioRoles(pumps, seed, epochMs, incident !== null);
  return { seed, epochMs, roles, incident };
}

/**
 * Picks the special pumps by the seed among reporting pumps with a fill and a program (ranked by a hash of the serial number, so the
 * choice depends on the seed and the fleet only, never on the order the API lists them or on when the simulator runs). The drifting
 * and incident pumps are cast only in an incident run, but the drifting pump is set aside in every run, so that the stale and ERI
 * pumps are the same pumps with or without an incident.
 */
export function chooseScenarioRoles(pumps: readonly SimulatedPump[], seed: number, epochMs: number, withIncident = true): ScenarioRoles {
  const ranked = pumps
    .filter((p) => reportsTelemetry(p) && p.fills.length > 0 && p.programs.length > 0)
    .sort(
      (a, b) =>
        seededUnit(seed, 'role', a.serialNumber) - seededUnit(seed, 'role', b.serialNumber) || a.serialNumber.localeCompare(b.serialNumber),
    );
  const taken = new Set<string>();
  const take = (eligible: (pump: SimulatedPump) => boolean): string | null => {
    const pump = ranked.find((p) => !taken.has(p.serialNumber) && eligible(p)) ?? null;
    if (pump) taken.add(pump.serialNumber);
    return pump?.serialNumber ?? null;
  };
  const drifting = take((p) => hasRoomToDrift(p, epochMs));
  // Monitored before it falls silent: it needs a few days of readings after its implant date.
  const staleFromMs = epochMs - SIMULATION_CONFIG.staleSilentBeforeEpochHours * HOUR_MS;
  const stale = take((p) => implantStartMs(p) <= staleFromMs - 3 * DAY_MS);
  const eri = take(() => true);
  const incident = withIncident ? take(() => true) : null;
  return { drifting: withIncident ? drifting : null, stale, eri, incident };
}

function hasRoomToDrift(pump: SimulatedPump, epochMs: number): boolean {
  const estimate = nominalAt(pump, epochMs);
  return (
    estimate !== null &&
    estimate.fill.volumeMl - estimate.volumeMl >= SIMULATION_CONFIG.driftMinDeliveredMl &&
    estimate.volumeMl >= pump.lowReservoirAlarmMl + SIMULATION_CONFIG.driftMinAboveAlarmMl
  );
}

/** The over-infusion of the drifting pump at an instant, as a fraction of the programmed delivery (0 before the drift starts). */
export function driftFraction(scenario: Pick<TelemetryScenario, 'epochMs'>, atMs: number): number {
  const startMs = scenario.epochMs - SIMULATION_CONFIG.driftStartBeforeEpochDays * DAY_MS;
  if (atMs < startMs) return 0;
  const percent = SIMULATION_CONFIG.driftStartPercent + (SIMULATION_CONFIG.driftGrowthPercentPerDay * (atMs - startMs)) / DAY_MS;
  return Math.min(SIMULATION_CONFIG.driftMaxPercent, percent) / 100;
}

/** From this instant on the stale pump sends nothing. */
export function staleFromMs(scenario: Pick<TelemetryScenario, 'epochMs'>): number {
  return scenario.epochMs - SIMULATION_CONFIG.staleSilentBeforeEpochHours * HOUR_MS;
}

/** From this instant on the ERI pump reports the elective replacement indicator. */
export function eriFromMs(scenario: Pick<TelemetryScenario, 'epochMs'>): number {
  return scenario.epochMs - SIMULATION_CONFIG.eriBeforeEpochDays * DAY_MS;
}

/**
 * What the pump's gateway reports at `atMs`, or null when it reports nothing (no telemetry, before the implant date, the stale pump
 * after its silence began). The volume is the pump's own estimate: the forecast's nominal volume less the patient boluses it
 * delivered since the fill (and, for the drifting pump, less its over-infusion); the keyed dose and concentration match the program
 * and the fill on record; the battery is ok. Alarms are real: low reservoir when the estimate is at or below the alarm volume, ERI
 * on the ERI pump, and the injected incident. Delivery-interrupting alarms come only from an injected incident.
 */
export function simulatedReading(scenario: TelemetryScenario, pump: SimulatedPump, atMs: number): TelemetryReadingRequest | null {
  if (!reportsTelemetry(pump)) return null;
  const at = floorToSecond(atMs);
  const implantMs = implantStartMs(pump);
  if (at < implantMs) return null;
  const { roles } = scenario;
  if (pump.serialNumber === roles.stale && at >= staleFromMs(scenario)) return null;

  const incident = scenario.incident && pump.serialNumber === roles.incident && at >= scenario.incident.fromMs ? scenario.incident : null;
  // A stopped pump delivers nothing: its estimate and its bolus counter stay where they were when it stopped.
  const deliveryMs = incident ? incident.fromMs : at;
  const counting: BolusCountingPump = { serialNumber: pump.serialNumber, implantStartMs: implantMs, programs: pump.programs };

  const reading: TelemetryReadingRequest = { serialNumber: pump.serialNumber, recordedAt: new Date(at).toISOString() };
  const program = inForceAt(pump.programs, (p) => p.effectiveFrom, at);
  if (program) reading.programDoseMcgPerDay = round(programDoseMcgPerDay(program), SIMULATION_CONFIG.reportedDecimals);
  const fill = inForceAt(pump.fills, (f) => f.filledAt, at);
  if (fill) reading.programConcentrationMcgPerMl = fill.concentrationMcgPerMl;
  if (pump.programs.some((p) => p.patientBolus))
    reading.patientBolusCountTotal = patientBolusCountTotal(counting, scenario.seed, deliveryMs);

  const alarms: PumpAlarmCode[] = [];
  const volumeMl = ownVolumeEstimate(scenario, pump, counting, deliveryMs);
  if (volumeMl !== null) {
    reading.reservoirVolumeMl = volumeMl;
    // The pump's alarm is calculated from its own estimate, not measured (Medtronic FSN FA596).
    if (volumeMl <= pump.lowReservoirAlarmMl) alarms.push('low_reservoir');
  }
  const eri = pump.serialNumber === roles.eri && at >= eriFromMs(scenario);
  if (eri) alarms.push('eri');
  if (incident) alarms.push(incident.code);
  // Every reading lists the active alarms, so an alarm that ended (a refill, a cleared incident) is cleared.
  reading.alarms = alarms;
  reading.batteryStatus = eri ? 'eri' : 'ok';
  return reading;
}

/** The pump's own reservoir estimate at `atMs`, null without a fill and a program in force (the forecast has none either). */
function ownVolumeEstimate(scenario: TelemetryScenario, pump: SimulatedPump, counting: BolusCountingPump, atMs: number): number | null {
  const nominal = nominalAt(pump, atMs);
  if (nominal === null) return null;
  const { fill } = nominal;
  const drawnMl = fill.volumeMl - nominal.volumeMl;
  const excess = pump.serialNumber === scenario.roles.drifting ? driftFraction(scenario, atMs) : 0;
  const bolusMl = patientBolusesBetween(counting, scenario.seed, Date.parse(fill.filledAt), atMs).mcg / fill.concentrationMcgPerMl;
  return round(Math.max(0, fill.volumeMl - drawnMl * (1 + excess) - bolusMl), SIMULATION_CONFIG.reportedDecimals);
}

/** The forecast's nominal volume at an instant (programmed delivery only) and the fill it is counted from. */
function nominalAt(pump: SimulatedPump, atMs: number): { volumeMl: number; fill: ForecastFillInput } | null {
  const fill = inForceAt(pump.fills, (f) => f.filledAt, atMs);
  if (!fill) return null;
  const forecast = forecastPump({
    pump: {
      id: pump.id,
      modelId: pump.modelId,
      lowReservoirAlarmMl: pump.lowReservoirAlarmMl,
      reservoirCapacityMl: pump.reservoirCapacityMl,
      flowRateMlPerDay: pump.flowRateMlPerDay,
    },
    fills: pump.fills,
    programs: pump.programs,
    timeZone: pump.timeZone,
    at: new Date(atMs).toISOString(),
    withCurve: false,
  });
  if (forecast.status !== 'ok' || forecast.volumeMl === null) return null;
  return { volumeMl: forecast.volumeMl, fill: pump.fills.find((f) => f.id === forecast.fillId) ?? fill };
}

/**
 * Upload instants of a pump in (fromMs, toMs]: every reading interval divided by `speed`, at the pump's own offset, on a grid fixed
 * from 1970 so that a later run lands on the same instants (and the server's idempotency drops them).
 */
export function readingInstants(
  scenario: Pick<TelemetryScenario, 'seed'>,
  pump: Pick<SimulatedPump, 'serialNumber'>,
  fromMs: number,
  toMs: number,
  speed = 1,
): number[] {
  const intervalMs = (SIMULATION_CONFIG.readingIntervalHours * HOUR_MS) / speed;
  const offsetMs =
    (Math.floor(seededUnit(scenario.seed, 'upload-minute', pump.serialNumber) * SIMULATION_CONFIG.readingSpreadMinutes) * MINUTE_MS) /
    speed;
  const instants: number[] = [];
  // Each instant belongs to the one window holding its whole second, so consecutive windows neither lose nor repeat one.
  for (let k = Math.floor((fromMs - offsetMs) / intervalMs); floorToSecond(k * intervalMs + offsetMs) <= toMs; k++) {
    const at = floorToSecond(k * intervalMs + offsetMs);
    if (at > fromMs && (instants.length === 0 || instants[instants.length - 1] !== at)) instants.push(at);
  }
  return instants;
}

/** The first upload instant after `afterMs` over the reporting pumps (the live loop sleeps until then); null without any. */
export function nextReadingInstant(
  scenario: TelemetryScenario,
  pumps: readonly SimulatedPump[],
  afterMs: number,
  speed = 1,
): number | null {
  const horizonMs = afterMs + (SIMULATION_CONFIG.readingIntervalHours * HOUR_MS) / speed + 1000;
  let next: number | null = null;
  for (const pump of pumps) {
    if (!reportsTelemetry(pump)) continue;
    const [first] = readingInstants(scenario, pump, afterMs, horizonMs, speed);
    if (first !== undefined && (next === null || first < next)) next = first;
  }
  if (scenario.incident && scenario.incident.fromMs > afterMs && (next === null || scenario.incident.fromMs < next))
    next = scenario.incident.fromMs;
  return next;
}

/**
 * Readings of the last `days` days up to `nowMs`, oldest first. The stale pump's last week before its silence is always included,
 * even when it lies before the window, so that it was monitored (two readings within 7 days) and therefore counts as stale; so is
 * the upload just before the last refill of a pump with patient boluses (see bolusBaselineInstant).
 */
export function backfillReadings(
  scenario: TelemetryScenario,
  pumps: readonly SimulatedPump[],
  nowMs: number,
  days: number,
): TelemetryReadingRequest[] {
  const fromMs = nowMs - days * DAY_MS;
  return readingsBetween(
    scenario,
    pumps,
    (pump) =>
      pump.serialNumber === scenario.roles.stale
        ? Math.min(fromMs, staleFromMs(scenario) - TELEMETRY_CONFIG.monitoredWindowDays * DAY_MS)
        : fromMs,
    nowMs,
    1,
    (pump, windowFromMs) => {
      const baselineMs = bolusBaselineInstant(scenario, pump, nowMs);
      return baselineMs !== null && baselineMs <= windowFromMs ? [baselineMs] : [];
    },
  );
}

/**
 * The pump's scheduled upload just before the refill in force at `nowMs`, when its programs allow patient boluses; null otherwise.
 * PumpWatch counts patient boluses from the counter reading at or shortly before the refill (TELEMETRY_CONFIG
 * .patientBolusBaselineMaxGapHours): with that reading the forecast takes the same boluses out as the pump's own estimate, so
 * the reported volume agrees with the forecast, as a gateway reporting since before the refill would make it.
 */
export function bolusBaselineInstant(scenario: Pick<TelemetryScenario, 'seed'>, pump: SimulatedPump, nowMs: number): number | null {
  if (!pump.programs.some((p) => p.patientBolus)) return null;
  const fill = inForceAt(pump.fills, (f) => f.filledAt, nowMs);
  if (!fill) return null;
  const filledMs = Date.parse(fill.filledAt);
  const before = readingInstants(scenario, pump, filledMs - SIMULATION_CONFIG.readingIntervalHours * HOUR_MS, filledMs);
  return before.length > 0 ? before[before.length - 1] : null;
}

/** Readings of the live loop in (fromMs, toMs] at `speed` uploads per reading interval, oldest first. */
export function liveReadings(
  scenario: TelemetryScenario,
  pumps: readonly SimulatedPump[],
  fromMs: number,
  toMs: number,
  speed: number,
): TelemetryReadingRequest[] {
  return readingsBetween(scenario, pumps, () => fromMs, toMs, speed);
}

function readingsBetween(
  scenario: TelemetryScenario,
  pumps: readonly SimulatedPump[],
  fromOf: (pump: SimulatedPump) => number,
  toMs: number,
  speed: number,
  earlierOf: (pump: SimulatedPump, fromMs: number) => number[] = () => [],
): TelemetryReadingRequest[] {
  const readings: { atMs: number; reading: TelemetryReadingRequest }[] = [];
  for (const pump of pumps) {
    if (!reportsTelemetry(pump)) continue;
    const fromMs = fromOf(pump);
    const instants = [...earlierOf(pump, fromMs), ...readingInstants(scenario, pump, fromMs, toMs, speed)];
    // The incident shows at once: the pump uploads when it alarms, not at its next scheduled call.
    const incident = scenario.incident;
    if (
      incident &&
      pump.serialNumber === scenario.roles.incident &&
      incident.fromMs > fromMs &&
      incident.fromMs <= toMs &&
      !instants.includes(incident.fromMs)
    ) {
      instants.push(incident.fromMs);
      instants.sort((a, b) => a - b);
    }
    for (const atMs of instants) {
      const reading = simulatedReading(scenario, pump, atMs);
      if (reading) readings.push({ atMs, reading });
    }
  }
  return readings.sort((a, b) => a.atMs - b.atMs || a.reading.serialNumber.localeCompare(b.reading.serialNumber)).map((r) => r.reading);
}

/** First instant of the implant date in the clinic's zone: the server refuses earlier readings. */
export function implantStartMs(pump: Pick<SimulatedPump, 'implantDate' | 'timeZone'>): number {
  const key = `${pump.implantDate}|${pump.timeZone}`;
  let ms = implantStarts.get(key);
  if (ms === undefined) {
    ms = DateTime.fromISO(pump.implantDate, { zone: pump.timeZone }).toMillis();
    implantStarts.set(key, ms);
  }
  return ms;
}

/** Zone arithmetic is the slowest step of a reading and a fleet has few implant dates: computed once per date and zone. */
const implantStarts = new Map<string, number>();

function inForceAt<T>(items: readonly T[], startOf: (item: T) => string, atMs: number): T | null {
  let found: T | null = null;
  let foundMs = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const ms = Date.parse(startOf(item));
    if (ms <= atMs && ms >= foundMs) {
      found = item;
      foundMs = ms;
    }
  }
  return found;
}

function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
