// How alert messages name instants and volumes: in the clinic's own zone, so a nurse reads the wall-clock time she acts on.
import { DateTime } from 'luxon';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** '2026-07-30 11:00 Europe/Paris' */
export function clinicTime(instant: string, timeZone: string): string {
  return `${DateTime.fromISO(instant, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${timeZone}`;
}

/** Volumes to 0.1 mL: what the clinician reads off the pump and the syringe. */
export function ml(volumeMl: number): string {
  return `${Math.round(volumeMl * 10) / 10} mL`;
}
