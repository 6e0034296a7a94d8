// Reference forecast for the differential test: an event-step simulation written from the README's "How the forecast counts",
// in exact integer arithmetic, sharing no code with day-profile.ts or refill-levels.ts (issue 13).
import { DateTime } from 'luxon';
import type { ForecastInput, ForecastProgramInput } from './forecast';

const DAY = 86_400_000n;
const MINUTE = 60_000n;

/** The instants the forecast reports, each rounded down to the second; null when the reservoir never gets there. */
export interface ReferenceLevels {
  nominalLowReservoirAlarmMs: number | null;
  nominalEmptyMs: number | null;
  worstCaseLowReservoirAlarmMs: number | null;
  worstCaseEmptyMs: number | null;
  /** mL left at `input.at` (boluses at `at` drawn), nominal and worst case. */
  volumeAtMl: number;
  worstCaseVolumeAtMl: number;
}

/** A program on the pump's clock; times are ms after the pump's midnight. */
interface PumpProgram {
  fromMs: bigint;
  /** Pump time = UTC + this offset: the clinic zone's offset at effectiveFrom, kept through later DST changes. */
  clockOffsetMs: bigint;
  steps: { startMs: bigint; doseMcgPerDay: bigint }[];
  boluses: { atMs: bigint; doseMcg: bigint }[];
  patientBolusMcgPerDay: bigint;
}

/** Whole seconds, rounded down: every input instant is counted from its second (README). */
const secondOf = (iso: string): bigint => (BigInt(Date.parse(iso)) / 1000n) * 1000n;
const minutesOf = (hhmm: string): bigint => BigInt(Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * MINUTE;
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function exactInteger(value: number, what: string): bigint {
  if (!Number.isInteger(value))
    throw new RangeError(`the reference takes whole numbers only (${what} = ${value}), so its arithmetic stays exact`);
  return BigInt(value);
}

/** Hundredths of a mL, exactly. */
function centiMl(volumeMl: number, what: string): bigint {
  const centi = Math.round(volumeMl * 100);
  if (Math.abs(centi - volumeMl * 100) > 1e-9) throw new RangeError(`the reference takes volumes in 0.01 mL only (${what} = ${volumeMl})`);
  return BigInt(centi);
}

function toPumpProgram(program: ForecastProgramInput, timeZone: string): PumpProgram {
  const fromMs = secondOf(program.effectiveFrom);
  const offsetMinutes = DateTime.fromMillis(Number(fromMs), { zone: timeZone }).offset;
  return {
    fromMs,
    clockOffsetMs: BigInt(offsetMinutes) * MINUTE,
    steps: program.steps.map((s) => ({ startMs: minutesOf(s.startTime), doseMcgPerDay: exactInteger(s.doseMcgPerDay, 'step dose') })),
    boluses: program.periodicBoluses.map((b) => ({ atMs: minutesOf(b.time), doseMcg: exactInteger(b.doseMcg, 'bolus dose') })),
    patientBolusMcgPerDay: program.patientBolus
      ? exactInteger(program.patientBolus.doseMcg, 'patient bolus') * BigInt(program.patientBolus.maxPerDay)
      : 0n,
  };
}

/**
 * Steps the fill in force at `input.at` from one event to the next (fill, program change, bridge end, step start, periodic bolus).
 * Between events every rate is constant; at an event the boluses of the program in force at that instant are drawn, so at a change
 * only the new program's boluses count, and a bolus at the fill instant counts. Volumes are kept in units of
 * 1 / (100 x DAY_MS x bridge ms) mcg, in which every rate per ms, bolus and target is a whole number.
 */
export function referenceLevels(input: ForecastInput): ReferenceLevels {
  const atMs = secondOf(input.at);
  const fill = input.fills
    .map((f) => ({ f, ms: secondOf(f.filledAt) }))
    .filter((x) => x.ms <= atMs)
    .sort((a, b) => (a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : 0))
    .pop();
  if (!fill) throw new RangeError('no fill in force at `at`');
  const fillMs = fill.ms;
  const concentration = exactInteger(fill.f.concentrationMcgPerMl, 'concentration');
  const bridgeMs = fill.f.bridgeBolus ? BigInt(fill.f.bridgeBolus.durationMinutes) * MINUTE : 0n;
  const bridgeCentiMl = fill.f.bridgeBolus ? centiMl(fill.f.bridgeBolus.volumeMl, 'bridge volume') : 0n;
  const bridgeEndMs = fillMs + bridgeMs;
  const scale = 100n * DAY * (bridgeMs > 0n ? bridgeMs : 1n); // units per mcg
  const perMcgPerDay = scale / DAY; // units per ms of 1 mcg/day
  const bridgeUnitsPerMs = bridgeMs > 0n ? bridgeCentiMl * concentration * DAY : 0n; // v/100 mL x C / T per ms, times scale
  const fillCentiMl = centiMl(fill.f.volumeMl, 'fill volume');
  const alarmCentiMl = centiMl(input.pump.lowReservoirAlarmMl, 'alarm volume');
  const unitsOfCentiMl = concentration * DAY * (bridgeMs > 0n ? bridgeMs : 1n); // 0.01 mL x C mcg/mL x scale
  const programs = input.programs
    .map((p) => toPumpProgram(p, input.timeZone))
    .sort((a, b) => (a.fromMs < b.fromMs ? -1 : a.fromMs > b.fromMs ? 1 : 0));

  const inForce = (t: bigint): PumpProgram | null => {
    let found: PumpProgram | null = null;
    for (const p of programs) if (p.fromMs <= t) found = p;
    return found;
  };
  const nextChange = (t: bigint): bigint | null => {
    for (const p of programs) if (p.fromMs > t) return p.fromMs;
    return null;
  };
  /** The next instant after `t` at which the program's pump clock shows `timeOfDayMs`. */
  const nextOnClock = (p: PumpProgram, t: bigint, timeOfDayMs: bigint): bigint => {
    const pumpTime = t + p.clockOffsetMs;
    let candidate = pumpTime - mod(pumpTime, DAY) + timeOfDayMs - p.clockOffsetMs;
    if (candidate <= t) candidate += DAY;
    return candidate;
  };
  const stepDoseAt = (p: PumpProgram, t: bigint): bigint => {
    const timeOfDay = mod(t + p.clockOffsetMs, DAY);
    let dose = p.steps[0].doseMcgPerDay;
    for (const s of p.steps) if (s.startMs <= timeOfDay) dose = s.doseMcgPerDay;
    return dose;
  };
  const bolusesAt = (p: PumpProgram, t: bigint): bigint => {
    const timeOfDay = mod(t + p.clockOffsetMs, DAY);
    let mcg = 0n;
    for (const b of p.boluses) if (b.atMs === timeOfDay) mcg += b.doseMcg;
    return mcg;
  };
  /** Everything one whole pump day of `p` draws, in units, for the day-skip below. */
  const wholeDayUnits = (p: PumpProgram, worstCase: boolean): bigint => {
    let units = 0n;
    p.steps.forEach((s, i) => {
      const endMs = i + 1 < p.steps.length ? p.steps[i + 1].startMs : DAY;
      units += s.doseMcgPerDay * perMcgPerDay * (endMs - s.startMs);
    });
    for (const b of p.boluses) units += b.doseMcg * scale;
    if (worstCase) units += p.patientBolusMcgPerDay * perMcgPerDay * DAY;
    return units;
  };

  /** Floor to the second of t + need / rate ms, with the forecast's one-microsecond floating-point slack, exactly. */
  const crossing = (t: bigint, need: bigint, rate: bigint): number =>
    Number(((t * 1000n * rate + need * 1000n + rate) / (rate * 1_000_000n)) * 1000n);

  function run(worstCase: boolean): { alarmMs: number | null; emptyMs: number | null; drawnAtUnits: bigint } {
    const targets = [(fillCentiMl - alarmCentiMl) * unitsOfCentiMl, fillCentiMl * unitsOfCentiMl];
    const found: (number | null)[] = [null, null];
    let drawnAt: bigint | null = null;
    let drawn = 0n;
    let t = fillMs;
    // A safety stop only (the day-skip below reaches any target far sooner), about 246,000 years on (a Date holds up to year 275760), so a
    // forecast of a pump that would take millennia to empty (a tiny rate, a large reservoir) is compared, not cut off.
    const horizon = fillMs + 90_000_000n * DAY;
    while (t < horizon) {
      const program = inForce(t);
      const change = nextChange(t);
      // At a pump midnight after the bridge, whole pump days of one program that neither reach a target nor hold a change or `at`
      // are alike: skip them at once (speed only). A last program that draws nothing never reaches anything.
      if (program && mod(t + program.clockOffsetMs, DAY) === 0n && t >= bridgeEndMs) {
        const dayUnits = wholeDayUnits(program, worstCase);
        if (dayUnits === 0n && change === null && drawnAt !== null) break;
        let days = (horizon - t) / DAY;
        if (change !== null) days = (change - t) / DAY;
        if (drawnAt === null) days = min(days, (atMs - t) / DAY);
        for (let k = 0; k < 2; k++)
          if (found[k] === null && dayUnits > 0n) days = min(days, (targets[k] - drawn + dayUnits - 1n) / dayUnits - 1n);
        if (days > 0n) {
          drawn += days * dayUnits;
          t += days * DAY;
          continue;
        }
      }
      // At an event: the periodic boluses the program in force schedules at this instant.
      if (program) drawn += bolusesAt(program, t) * scale;
      if (t === atMs) drawnAt = drawn;
      for (let k = 0; k < 2; k++) if (found[k] === null && drawn >= targets[k]) found[k] = Number(t);
      if (found[0] !== null && found[1] !== null && drawnAt !== null) break;
      // The next event, and the constant rate until it.
      let next = change ?? horizon;
      if (t < bridgeEndMs && bridgeEndMs < next) next = bridgeEndMs;
      if (program) {
        for (const s of program.steps) {
          const e = nextOnClock(program, t, s.startMs);
          if (e < next) next = e;
        }
        for (const b of program.boluses) {
          const e = nextOnClock(program, t, b.atMs);
          if (e < next) next = e;
        }
      }
      let rate = t < bridgeEndMs ? bridgeUnitsPerMs : 0n;
      if (program) rate += stepDoseAt(program, t) * perMcgPerDay + (worstCase ? program.patientBolusMcgPerDay * perMcgPerDay : 0n);
      for (let k = 0; k < 2; k++) {
        if (found[k] === null && rate > 0n && drawn + rate * (next - t) >= targets[k]) found[k] = crossing(t, targets[k] - drawn, rate);
      }
      if (drawnAt === null && atMs > t && atMs < next) drawnAt = drawn + rate * (atMs - t);
      drawn += rate * (next - t);
      t = next;
    }
    return { alarmMs: found[0], emptyMs: found[1], drawnAtUnits: drawnAt ?? drawn };
  }

  const nominal = run(false);
  const worst = run(true);
  const volumeLeft = (drawnUnits: bigint) => Math.max(0, fill.f.volumeMl - Number(drawnUnits) / Number(unitsOfCentiMl * 100n));
  return {
    nominalLowReservoirAlarmMs: nominal.alarmMs,
    nominalEmptyMs: nominal.emptyMs,
    worstCaseLowReservoirAlarmMs: worst.alarmMs,
    worstCaseEmptyMs: worst.emptyMs,
    volumeAtMl: volumeLeft(nominal.drawnAtUnits),
    worstCaseVolumeAtMl: volumeLeft(worst.drawnAtUnits),
  };
}
