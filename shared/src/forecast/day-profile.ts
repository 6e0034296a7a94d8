// Volume drawn from the reservoir over one pump day, as a piecewise-linear profile with jumps (periodic boluses).
import { DAY_MS } from '../time-units';

/** One pump day of consumption at one concentration: pieces between breakpoints (step starts, bolus times). */
export interface DayProfile {
  /** Piece starts, ms after the pump's midnight; startsMs[0] = 0. */
  startsMs: number[];
  /** mL per ms inside each piece (the step rate / concentration). */
  ratesMlPerMs: number[];
  /** mL delivered at the instant a piece starts (periodic boluses at that time). */
  jumpsMl: number[];
  /** mL drawn from the pump's midnight to each piece start, before its jump. */
  drawnBeforeMl: number[];
  /** mL drawn over one whole pump day. */
  dayVolumeMl: number;
}

/** A program as the pump runs it: step starts and bolus times in ms after the pump's midnight. */
export interface DayProgram {
  stepStartsMs: number[];
  stepDosesMcgPerDay: number[];
  bolusTimesMs: number[];
  bolusDosesMcg: number[];
}

export const EMPTY_DAY_PROFILE: DayProfile = { startsMs: [0], ratesMlPerMs: [0], jumpsMl: [0], drawnBeforeMl: [0], dayVolumeMl: 0 };

export function buildDayProfile(program: DayProgram, concentrationMcgPerMl: number): DayProfile {
  const { stepStartsMs, stepDosesMcgPerDay, bolusTimesMs, bolusDosesMcg } = program;
  const breakpoints = stepStartsMs.slice();
  for (const t of bolusTimesMs) if (!breakpoints.includes(t)) breakpoints.push(t);
  breakpoints.sort((a, b) => a - b);
  const n = breakpoints.length;
  const ratesMlPerMs = new Array<number>(n);
  const jumpsMl = new Array<number>(n);
  const drawnBeforeMl = new Array<number>(n);
  let step = 0;
  let drawn = 0;
  for (let k = 0; k < n; k++) {
    const start = breakpoints[k];
    while (step + 1 < stepStartsMs.length && stepStartsMs[step + 1] <= start) step++;
    ratesMlPerMs[k] = stepDosesMcgPerDay[step] / DAY_MS / concentrationMcgPerMl;
    let jump = 0;
    for (let b = 0; b < bolusTimesMs.length; b++) if (bolusTimesMs[b] === start) jump += bolusDosesMcg[b];
    jumpsMl[k] = jump / concentrationMcgPerMl;
    drawnBeforeMl[k] = drawn;
    const end = k + 1 < n ? breakpoints[k + 1] : DAY_MS;
    drawn += jumpsMl[k] + ratesMlPerMs[k] * (end - start);
  }
  return { startsMs: breakpoints, ratesMlPerMs, jumpsMl, drawnBeforeMl, dayVolumeMl: drawn };
}

/**
 * mL drawn from a pump midnight to `y` ms after it (y >= 0), plus a constant extra rate (bridge bolus, worst-case patient
 * boluses). Boluses at `y` are included unless `bolusesAtY` is false: a segment of the fill counts the boluses at its start
 * and not those at its end, so that at a program change only the new program's boluses count, once (issue 13).
 */
export function drawnMl(profile: DayProfile, extraMlPerMs: number, y: number, bolusesAtY = true): number {
  const day = Math.floor(y / DAY_MS);
  const p = y - day * DAY_MS;
  const { startsMs } = profile;
  let k = startsMs.length - 1;
  while (k > 0 && startsMs[k] > p) k--;
  const jumpMl = bolusesAtY || startsMs[k] !== p ? profile.jumpsMl[k] : 0;
  return day * profile.dayVolumeMl + profile.drawnBeforeMl[k] + jumpMl + profile.ratesMlPerMs[k] * (p - startsMs[k]) + extraMlPerMs * y;
}

/**
 * A level counts as reached when the draw comes within a nanolitre of it: floating-point sums of whole days and boluses miss an
 * exact target by ~1e-15 mL, which made a bolus that drains the reservoir exactly count one pump day late (issue 13).
 */
export const REACHED_WITHIN_ML = 1e-9;

/** The first y >= 0 (ms after a pump midnight) at which drawnMl reaches `targetMl` (> 0); null when it never does. */
export function firstReachingMl(profile: DayProfile, extraMlPerMs: number, targetMl: number): number | null {
  const perDayMl = profile.dayVolumeMl + extraMlPerMs * DAY_MS;
  if (!(perDayMl > 0)) return null;
  // Whole pump days in one step, then a scan of the few pieces of the last day.
  const day = Math.max(0, Math.ceil((targetMl - REACHED_WITHIN_ML) / perDayMl) - 1);
  const remainingMl = targetMl - day * perDayMl;
  const { startsMs, ratesMlPerMs, jumpsMl, drawnBeforeMl } = profile;
  const n = startsMs.length;
  for (let k = 0; k < n; k++) {
    const start = startsMs[k];
    const afterJumpMl = drawnBeforeMl[k] + jumpsMl[k] + extraMlPerMs * start;
    if (afterJumpMl >= remainingMl - REACHED_WITHIN_ML) return day * DAY_MS + start;
    const rate = ratesMlPerMs[k] + extraMlPerMs;
    const end = k + 1 < n ? startsMs[k + 1] : DAY_MS;
    if (rate > 0 && afterJumpMl + rate * (end - start) >= remainingMl - REACHED_WITHIN_ML) {
      return day * DAY_MS + start + Math.min(end - start, (remainingMl - afterJumpMl) / rate);
    }
  }
  return (day + 1) * DAY_MS;
}
