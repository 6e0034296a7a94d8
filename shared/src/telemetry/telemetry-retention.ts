// Which raw telemetry readings a clinic's retention setting keeps when old readings are downsampled (issue 4, Ingest).
import type { BatteryStatus } from './pump-telemetry-status';
import { DAY_MS } from '../time-units';

export const TELEMETRY_RETENTION_CONFIG = {
  // Hourly points still draw the reservoir's daily slope and every refill on charts spanning months, at a fraction of the raw rows.
  bucketMinutes: 60,
} as const;

/** The fields of a stored reading the rule looks at; null means the reading did not report the field. */
export interface RetainedReadingFacts {
  pumpId: string;
  recordedAt: string;
  alarms: readonly string[] | null;
  batteryStatus: BatteryStatus | null;
  programDoseMcgPerDay: number | null;
  programConcentrationMcgPerMl: number | null;
}

/** Readings recorded before this instant may be downsampled; null when the clinic keeps everything (no retention set). */
export function telemetryRetentionCutoff(now: Date, retentionDays: number | null): Date | null {
  return retentionDays === null ? null : new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Start of the UTC bucket (hour) a reading falls in, in epoch milliseconds. */
function bucketOf(recordedAtMs: number): number {
  const bucketMs = TELEMETRY_RETENTION_CONFIG.bucketMinutes * 60_000;
  return Math.floor(recordedAtMs / bucketMs) * bucketMs;
}

/**
 * The readings a downsampling at `now` keeps, in the order given (any order, any number of pumps):
 * - every reading recorded at or after the cutoff (now - retentionDays), and every reading when retention is null (keep all);
 * - of older readings, per pump, the last reading of each UTC hour (the hour the cutoff splits counts only its older part);
 * - every older reading that carries alarms (a non-empty array): an alarm is a clinical event, never averaged away;
 * - every older reading whose battery status is not 'ok' (eri, end_of_service): the replacement deadline is derived from it;
 * - every older reading that reports a programDose or programConcentration different from the pump's previous reported one
 *   (the first reported value counts as a change): the program history and a keyed concentration error stay visible.
 */
export function readingsKeptByRetention<R extends RetainedReadingFacts>(
  readings: readonly R[],
  now: Date,
  retentionDays: number | null,
): R[] {
  const cutoff = telemetryRetentionCutoff(now, retentionDays);
  if (cutoff === null) return [...readings];
  const cutoffMs = cutoff.getTime();
  const byPump = new Map<string, R[]>();
  for (const reading of readings) {
    if (Date.parse(reading.recordedAt) >= cutoffMs) continue;
    byPump.set(reading.pumpId, [...(byPump.get(reading.pumpId) ?? []), reading]);
  }
  const keptOld = new Set<R>();
  for (const pumpReadings of byPump.values()) {
    const ordered = [...pumpReadings].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt));
    let previousDose: number | null = null;
    let previousConcentration: number | null = null;
    ordered.forEach((reading, index) => {
      const next = ordered[index + 1];
      const lastOfHour = next === undefined || bucketOf(Date.parse(next.recordedAt)) !== bucketOf(Date.parse(reading.recordedAt));
      const alarmed = (reading.alarms?.length ?? 0) > 0;
      const batteryNotOk = reading.batteryStatus !== null && reading.batteryStatus !== 'ok';
      const doseChanged = reading.programDoseMcgPerDay !== null && reading.programDoseMcgPerDay !== previousDose;
      const concentrationChanged =
        reading.programConcentrationMcgPerMl !== null && reading.programConcentrationMcgPerMl !== previousConcentration;
      if (lastOfHour || alarmed || batteryNotOk || doseChanged || concentrationChanged) keptOld.add(reading);
      if (reading.programDoseMcgPerDay !== null) previousDose = reading.programDoseMcgPerDay;
      if (reading.programConcentrationMcgPerMl !== null) previousConcentration = reading.programConcentrationMcgPerMl;
    });
  }
  return readings.filter((reading) => Date.parse(reading.recordedAt) >= cutoffMs || keptOld.has(reading));
}
