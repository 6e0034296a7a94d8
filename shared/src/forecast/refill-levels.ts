// Exact instants at which a fill reaches the alarm volume and empties, from compiled programs (numbers only, no parsing).
import { buildDayProfile, DayProfile, DayProgram, drawnMl, EMPTY_DAY_PROFILE, firstReachingMl, REACHED_WITHIN_ML } from './day-profile';
import { DAY_MS } from '../time-units';

/** A program ready for the forecast: times in ms after the pump's midnight, the pump clock's UTC offset fixed. */
export interface CompiledProgram extends DayProgram {
  effectiveFromMs: number;
  /** UTC offset of the pump clock, from the clinic zone at effectiveFrom. */
  pumpClockOffsetMs: number;
  /** Whole daily patient-bolus allowance (doseMcg x maxPerDay); 0 without patient boluses. */
  patientBolusMcgPerDay: number;
  /** Nominal dose of one pump day: steps weighted by their hours plus periodic boluses. */
  doseMcgPerDay: number;
}

export interface CompiledFill {
  filledAtMs: number;
  concentrationMcgPerMl: number;
  volumeMl: number;
  stabilityDays: number;
  bridgeBolusVolumeMl: number;
  bridgeBolusDurationMs: number;
}

/** A stretch of the fill interval with one program, one bridge-bolus rate and one patient-bolus rate. */
interface Segment {
  startMs: number;
  endMs: number;
  profile: DayProfile;
  offsetMs: number;
  bridgeMlPerMs: number;
  /** The whole allotted patient-bolus rate, counted in the worst case only (0 before a telemetry count: those are known). */
  patientBolusMlPerMs: number;
  /** Patient boluses telemetry counted since the fill, spread evenly up to the count (nominal and worst case alike). */
  reportedBolusMlPerMs: number;
}

/** Patient boluses the pump reported delivered between the fill and `countedUntilMs`. */
export interface ReportedBolusVolume {
  countedUntilMs: number;
  deliveredMl: number;
}

export interface RefillLevels {
  nominalLowReservoirAlarmMs: number | null;
  nominalEmptyMs: number | null;
  worstCaseLowReservoirAlarmMs: number | null;
  worstCaseEmptyMs: number | null;
  drugExpiresMs: number;
  refillDeadlineMs: number;
  deadlineReason: 'low_reservoir' | 'drug_stability';
}

/** A constant-flow pump runs one fixed step all day; its dose changes only with the concentration. */
export function constantFlowProgram(flowRateMlPerDay: number, concentrationMcgPerMl: number): CompiledProgram {
  const doseMcgPerDay = flowRateMlPerDay * concentrationMcgPerMl;
  return {
    effectiveFromMs: Number.NEGATIVE_INFINITY,
    pumpClockOffsetMs: 0,
    patientBolusMcgPerDay: 0,
    doseMcgPerDay,
    stepStartsMs: [0],
    stepDosesMcgPerDay: [doseMcgPerDay],
    bolusTimesMs: [],
    bolusDosesMcg: [],
  };
}

/**
 * Splits the fill's future at program changes, at the end of the bridge bolus and at the telemetry bolus count.
 * `programs` sorted by effectiveFrom. With `reported` (countedUntilMs after the fill), the boluses counted replace the worst
 * case up to the count and the whole allowance applies only after it.
 */
export function fillSegments(
  fill: CompiledFill,
  programs: readonly CompiledProgram[],
  reported: ReportedBolusVolume | null = null,
): Segment[] {
  let first = -1;
  while (first + 1 < programs.length && programs[first + 1].effectiveFromMs <= fill.filledAtMs) first++;
  const bridgeEndMs = fill.filledAtMs + fill.bridgeBolusDurationMs;
  const bridgeMlPerMs = fill.bridgeBolusDurationMs > 0 ? fill.bridgeBolusVolumeMl / fill.bridgeBolusDurationMs : 0;
  const boundaries: number[] = [];
  for (let i = first + 1; i < programs.length; i++) boundaries.push(programs[i].effectiveFromMs);
  if (bridgeMlPerMs > 0 && !boundaries.includes(bridgeEndMs)) boundaries.push(bridgeEndMs);
  const countedUntilMs = reported !== null && reported.countedUntilMs > fill.filledAtMs ? reported.countedUntilMs : null;
  const reportedMlPerMs =
    countedUntilMs !== null ? Math.max(0, (reported as ReportedBolusVolume).deliveredMl) / (countedUntilMs - fill.filledAtMs) : 0;
  if (countedUntilMs !== null && !boundaries.includes(countedUntilMs)) boundaries.push(countedUntilMs);
  boundaries.sort((a, b) => a - b);
  const segments: Segment[] = [];
  let programIndex = first;
  let startMs = fill.filledAtMs;
  for (let b = 0; b <= boundaries.length; b++) {
    const endMs = b < boundaries.length ? boundaries[b] : Number.POSITIVE_INFINITY;
    while (programIndex + 1 < programs.length && programs[programIndex + 1].effectiveFromMs <= startMs) programIndex++;
    const program = programIndex >= 0 ? programs[programIndex] : null;
    if (endMs > startMs) {
      segments.push({
        startMs,
        endMs,
        profile: program ? buildDayProfile(program, fill.concentrationMcgPerMl) : EMPTY_DAY_PROFILE,
        offsetMs: program ? program.pumpClockOffsetMs : 0,
        bridgeMlPerMs: startMs < bridgeEndMs ? bridgeMlPerMs : 0,
        patientBolusMlPerMs:
          program && (countedUntilMs === null || startMs >= countedUntilMs)
            ? program.patientBolusMcgPerDay / DAY_MS / fill.concentrationMcgPerMl
            : 0,
        reportedBolusMlPerMs: countedUntilMs !== null && startMs < countedUntilMs ? reportedMlPerMs : 0,
      });
    }
    startMs = endMs;
  }
  return segments;
}

function extraMlPerMs(segment: Segment, worstCase: boolean): number {
  return segment.bridgeMlPerMs + segment.reportedBolusMlPerMs + (worstCase ? segment.patientBolusMlPerMs : 0);
}

/** Pump-local ms of an instant, counted from the pump midnight at or before the segment start (keeps numbers small). */
function localOrigin(segment: Segment): number {
  return Math.floor((segment.startMs + segment.offsetMs) / DAY_MS) * DAY_MS - segment.offsetMs;
}

/**
 * mL drawn from the fill up to `atMs`, boluses at `atMs` included. A segment counts the periodic boluses at its start and
 * not those at its end: at a program change only the new program's boluses count, once (issue 13), and a bolus at the
 * fill instant counts (the conservative reading: it draws on the new fill).
 */
export function drawnSinceFillMl(segments: readonly Segment[], atMs: number, worstCase: boolean): number {
  let total = 0;
  for (const segment of segments) {
    if (atMs < segment.startMs) break;
    const origin = localOrigin(segment);
    const extra = extraMlPerMs(segment, worstCase);
    const toMl =
      atMs < segment.endMs
        ? drawnMl(segment.profile, extra, atMs - origin)
        : drawnMl(segment.profile, extra, segment.endMs - origin, false);
    total += toMl - drawnMl(segment.profile, extra, segment.startMs - origin, false);
  }
  return total;
}

/** First instant at which `volumeToDrawMl` has left the reservoir since the fill; null if never. */
export function instantDrawn(segments: readonly Segment[], fillMs: number, volumeToDrawMl: number, worstCase: boolean): number | null {
  if (volumeToDrawMl <= 0) return fillMs;
  let drawnBefore = 0;
  for (const segment of segments) {
    const origin = localOrigin(segment);
    const extra = extraMlPerMs(segment, worstCase);
    // Boluses at the segment start count here, those at its end in the next segment (see drawnSinceFillMl).
    const atStartMl = drawnMl(segment.profile, extra, segment.startMs - origin, false);
    if (segment.endMs !== Number.POSITIVE_INFINITY) {
      const inSegmentMl = drawnMl(segment.profile, extra, segment.endMs - origin, false) - atStartMl;
      if (drawnBefore + inSegmentMl < volumeToDrawMl - REACHED_WITHIN_ML) {
        drawnBefore += inSegmentMl;
        continue;
      }
    }
    const y = firstReachingMl(segment.profile, extra, atStartMl + volumeToDrawMl - drawnBefore);
    // Never before the segment: a target within REACHED_WITHIN_ML of its start is reached at the start.
    return y === null ? null : Math.max(segment.startMs, origin + y);
  }
  return null;
}

/** Instants are rounded down to the whole second; the micro-second slack absorbs floating-point error. */
export function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000 + 1e-6) * 1000;
}

const floorOrNull = (ms: number | null): number | null => (ms === null ? null : floorToSecond(ms));

export function computeRefillLevels(fill: CompiledFill, lowReservoirAlarmMl: number, segments: readonly Segment[]): RefillLevels {
  const toAlarmMl = fill.volumeMl - lowReservoirAlarmMl;
  const nominalLowReservoirAlarmMs = floorOrNull(instantDrawn(segments, fill.filledAtMs, toAlarmMl, false));
  const nominalEmptyMs = floorOrNull(instantDrawn(segments, fill.filledAtMs, fill.volumeMl, false));
  const hasPatientBolus = segments.some((s) => s.patientBolusMlPerMs > 0);
  const worstCaseLowReservoirAlarmMs = hasPatientBolus
    ? floorOrNull(instantDrawn(segments, fill.filledAtMs, toAlarmMl, true))
    : nominalLowReservoirAlarmMs;
  const worstCaseEmptyMs = hasPatientBolus ? floorOrNull(instantDrawn(segments, fill.filledAtMs, fill.volumeMl, true)) : nominalEmptyMs;
  const drugExpiresMs = floorToSecond(fill.filledAtMs + fill.stabilityDays * DAY_MS);
  const lowReservoirFirst = worstCaseLowReservoirAlarmMs !== null && worstCaseLowReservoirAlarmMs <= drugExpiresMs;
  return {
    nominalLowReservoirAlarmMs,
    nominalEmptyMs,
    worstCaseLowReservoirAlarmMs,
    worstCaseEmptyMs,
    drugExpiresMs,
    refillDeadlineMs: lowReservoirFirst ? (worstCaseLowReservoirAlarmMs as number) : drugExpiresMs,
    deadlineReason: lowReservoirFirst ? 'low_reservoir' : 'drug_stability',
  };
}
