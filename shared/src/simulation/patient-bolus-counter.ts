// A simulated pump's patient boluses: a deterministic count per day within the program's allowance, and the cumulative counter.
import type { ForecastProgramInput } from '../forecast/forecast';
import { seededUnit } from './seeded-hash';
import { DAY_MS } from '../time-units';

export interface BolusCountingPump {
  serialNumber: string;
  /** First instant of the implant date in the clinic's zone: the counter starts at 0 there. */
  implantStartMs: number;
  programs: readonly ForecastProgramInput[];
}

export interface DeliveredPatientBoluses {
  count: number;
  mcg: number;
}

/**
 * Boluses the patient takes on one UTC day: 0 to the allowance, half of it on average. Patients activate more often than the
 * pump delivers (mean 3.6 activations a day in one ITB series, CMSC 2015), but the lockout caps delivery at the allowance.
 */
function bolusesOnDay(seed: number, serialNumber: string, day: number, maxPerDay: number): number {
  const key = `${seed}|${serialNumber}`;
  let days = dailyDraws.get(key);
  if (!days) {
    // Bounded: a long live run adds one entry per pump and day; starting over only costs recomputation.
    if (dailyDraws.size > 10_000) dailyDraws.clear();
    days = new Map();
    dailyDraws.set(key, days);
  }
  let draw = days.get(day);
  if (draw === undefined) {
    draw = seededUnit(seed, 'patient-bolus', serialNumber, day);
    days.set(day, draw);
  }
  return Math.floor(draw * (maxPerDay + 1));
}

/** Every reading sums the counter from the implant date: the day's draws are kept rather than hashed again each time. */
const dailyDraws = new Map<string, Map<number, number>>();

/**
 * Patient boluses delivered in (fromMs, toMs]. Each day's boluses are spread evenly over the day (floored), so the counter grows
 * with time and never goes backwards; the dose is the one of the program in force at the day's middle.
 */
export function patientBolusesBetween(pump: BolusCountingPump, seed: number, fromMs: number, toMs: number): DeliveredPatientBoluses {
  const programs = pump.programs
    .map((p) => ({ fromMs: Date.parse(p.effectiveFrom), bolus: p.patientBolus }))
    .sort((a, b) => a.fromMs - b.fromMs);
  const firstWithBolus = programs.find((p) => p.bolus !== null);
  // Nothing to count before a program allowing patient boluses takes effect (its day included).
  const startMs = Math.max(fromMs, pump.implantStartMs, firstWithBolus ? firstWithBolus.fromMs - DAY_MS : Number.POSITIVE_INFINITY);
  if (toMs <= startMs) return { count: 0, mcg: 0 };
  let count = 0;
  let mcg = 0;
  let inForce = -1;
  for (let day = Math.floor(startMs / DAY_MS); day * DAY_MS < toMs; day++) {
    const dayStartMs = day * DAY_MS;
    while (inForce + 1 < programs.length && programs[inForce + 1].fromMs <= dayStartMs + DAY_MS / 2) inForce++;
    const bolus = inForce >= 0 ? programs[inForce].bolus : null;
    if (!bolus) continue;
    const onDay = bolusesOnDay(seed, pump.serialNumber, day, bolus.maxPerDay);
    const until = (ms: number): number =>
      Math.floor((onDay * (Math.min(Math.max(ms, dayStartMs), dayStartMs + DAY_MS) - dayStartMs)) / DAY_MS);
    const delivered = until(toMs) - until(startMs);
    count += delivered;
    mcg += delivered * bolus.doseMcg;
  }
  return { count, mcg };
}

/** The pump's cumulative counter at an instant (delivered since the implant date). */
export function patientBolusCountTotal(pump: BolusCountingPump, seed: number, atMs: number): number {
  return patientBolusesBetween(pump, seed, pump.implantStartMs, atMs).count;
}
