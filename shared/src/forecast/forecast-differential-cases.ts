// Random forecast cases for the differential test and its bench: programs, zones, changes on bolus minutes, bridges, low fills.
import { DateTime } from 'luxon';
import type { ForecastInput, ForecastProgramInput } from './forecast';
import { forecastPump } from './forecast';
import { referenceLevels } from './forecast-reference';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** 30- and 45-minute offsets, a half-hour DST shift (Lord Howe) and the usual one-hour DST zones. */
export const DIFFERENTIAL_ZONES = [
  'UTC',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Europe/Paris',
  'America/New_York',
];
// Any instant of two years, so fills cross both daylight-saving changes of every zone above.
const START_MS = Date.parse('2026-01-01T00:00:00Z');

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const iso = (ms: number): string => new Date(ms).toISOString();
/** Minute of the day a pump clock programmed at `programmedAtMs` in `zone` shows at `atMs`. */
function pumpMinuteOfDay(zone: string, programmedAtMs: number, atMs: number): number {
  const offsetMs = DateTime.fromMillis(programmedAtMs, { zone }).offset * MINUTE_MS;
  return Math.floor(((((atMs + offsetMs) % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

export function randomForecastCase(next: () => number): ForecastInput {
  const int = (n: number) => Math.floor(next() * n);
  const zone = DIFFERENTIAL_ZONES[int(DIFFERENTIAL_ZONES.length)];
  const concentration = [500, 1000, 2000, 500, 1000, 2000, 50][int(7)];
  const randomProgram = (effectiveFrom: number): ForecastProgramInput => {
    const stepStarts = [0];
    for (let i = int(4); i > 0; i--) stepStarts.push(int(24 * 60));
    const starts = [...new Set(stepStarts)].sort((a, b) => a - b);
    const steps = starts.map((m) => ({ startTime: hhmm(m), doseMcgPerDay: next() < 0.15 ? 0 : 20 + int(900) }));
    const periodicBoluses = Array.from({ length: next() < 0.5 ? int(4) : 0 }, () => ({
      time: hhmm(next() < 0.2 ? 0 : int(24 * 60)),
      doseMcg: 5 + int(150),
    }));
    if (periodicBoluses.length > 0 && next() < 0.15) periodicBoluses.push({ ...periodicBoluses[0] }); // two boluses at one minute
    return {
      effectiveFrom: iso(effectiveFrom),
      steps,
      periodicBoluses,
      patientBolus: next() < 0.35 ? { doseMcg: 5 + int(50), maxPerDay: 1 + int(8) } : null,
    };
  };
  /** Puts a bolus (and sometimes a step start) of `program` at the minute its own pump clock shows at `atMs`. */
  const bolusAt = (program: ForecastProgramInput, atMs: number) => {
    const minute = pumpMinuteOfDay(zone, Date.parse(program.effectiveFrom), atMs);
    program.periodicBoluses.push({ time: hhmm(minute), doseMcg: 5 + int(300) });
    if (minute > 0 && next() < 0.3 && !program.steps.some((s) => s.startTime === hhmm(minute))) {
      program.steps.push({ startTime: hhmm(minute), doseMcgPerDay: int(900) });
      program.steps.sort((a, b) => a.startTime.localeCompare(b.startTime));
    }
  };

  // The fill: any second, or on a whole minute (then often on a bolus of the program in force).
  const onMinute = next() < 0.5;
  const fillMs = START_MS + (onMinute ? int(365 * 24 * 60) * MINUTE_MS : int(365 * 86_400) * 1000);
  const firstFromMs = next() < 0.8 ? fillMs - int(40 * 86_400) * 1000 : next() < 0.5 ? fillMs : fillMs + int(10 * 24 * 60) * MINUTE_MS;
  const programs = [randomProgram(firstFromMs)];
  if (onMinute && firstFromMs <= fillMs && next() < 0.5) bolusAt(programs[0], fillMs);
  // Program changes: on a bolus minute of the new program, of the old one, of both, at the new clock's midnight, or anywhere.
  let fromMs = Math.max(firstFromMs, fillMs);
  for (let changes = int(4); changes > 0; changes--) {
    let changeMs = (Math.floor(fromMs / MINUTE_MS) + 1 + int(30 * 24 * 60)) * MINUTE_MS;
    const mode = int(5);
    if (mode === 3) {
      const minute = pumpMinuteOfDay(zone, changeMs, changeMs);
      changeMs -= minute * MINUTE_MS; // local midnight on the new program's clock
      if (changeMs <= fromMs) changeMs += DAY_MS;
    } else if (mode === 4) changeMs += int(60) * 1000;
    const program = randomProgram(changeMs);
    if (mode === 0 || mode === 2) bolusAt(program, changeMs);
    if (mode === 1 || mode === 2) bolusAt(programs[programs.length - 1], changeMs);
    if (mode === 3 && next() < 0.8) program.periodicBoluses.push({ time: '00:00', doseMcg: 5 + int(300) });
    programs.push(program);
    fromMs = changeMs;
  }
  // Fills below the alarm volume sometimes; volumes and alarms in 0.01 mL.
  const alarmMl = [2, 2, 2.5, 3, 1][int(5)];
  const volumeMl = next() < 0.1 ? int(Math.round(alarmMl * 100) + 1) / 100 : (100 + int(3900)) / 100;
  const bridgeBolus = next() < 0.3 ? { volumeMl: (5 + int(200)) / 100, durationMinutes: 10 + int(1430) } : null;
  // `at`: when a program is in force; often exactly a program change (the new program's bolus counts once there).
  const firstInForceMs = Math.max(fillMs, Date.parse(programs[0].effectiveFrom));
  const changeInstants = programs.slice(1).map((p) => Date.parse(p.effectiveFrom));
  const atMs =
    changeInstants.length > 0 && next() < 0.4
      ? changeInstants[int(changeInstants.length)]
      : next() < 0.2
        ? firstInForceMs
        : firstInForceMs + int(60 * 86_400) * 1000;
  return {
    pump: { id: 'pump-diff', modelId: 'synchromed-ii-40', lowReservoirAlarmMl: alarmMl, reservoirCapacityMl: 40, flowRateMlPerDay: null },
    fills: [{ id: 'fill-diff', filledAt: iso(fillMs), concentrationMcgPerMl: concentration, volumeMl, stabilityDays: 180, bridgeBolus }],
    programs,
    timeZone: zone,
    at: iso(atMs),
    withCurve: false,
  };
}

/** The forecast against the reference: null when they agree, otherwise what differs. */
export function forecastDisagreement(input: ForecastInput): Record<string, unknown> | null {
  const forecast = forecastPump(input);
  const reference = referenceLevels(input);
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  const pairs: [string, unknown, unknown][] = [
    ['nominal.lowReservoirAlarmAt', forecast.nominal.lowReservoirAlarmAt, at(reference.nominalLowReservoirAlarmMs)],
    ['nominal.emptyAt', forecast.nominal.emptyAt, at(reference.nominalEmptyMs)],
    ['worstCase.lowReservoirAlarmAt', forecast.worstCase.lowReservoirAlarmAt, at(reference.worstCaseLowReservoirAlarmMs)],
    ['worstCase.emptyAt', forecast.worstCase.emptyAt, at(reference.worstCaseEmptyMs)],
  ];
  const differences: Record<string, unknown> = {};
  for (const [name, got, expected] of pairs) if (got !== expected) differences[name] = { forecast: got, reference: expected };
  // Volumes at `at` are reported to the microlitre.
  if (Math.abs((forecast.volumeMl ?? Number.NaN) - reference.volumeAtMl) > 2e-6)
    differences.volumeMl = { forecast: forecast.volumeMl, reference: reference.volumeAtMl };
  if (Math.abs((forecast.worstCaseVolumeMl ?? Number.NaN) - reference.worstCaseVolumeAtMl) > 2e-6) {
    differences.worstCaseVolumeMl = { forecast: forecast.worstCaseVolumeMl, reference: reference.worstCaseVolumeAtMl };
  }
  return Object.keys(differences).length === 0 ? null : differences;
}
