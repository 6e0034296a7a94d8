// How alert messages name instants and volumes: in the clinic's own zone, so a nurse reads the wall-clock time she acts on.
import { utcOffsetMinutes } from '../forecast/pump-clock';

/** '2026-07-30 11:00 Europe/Paris' */
export function clinicTime(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  // The cached zone offset: every evaluation of a stale pump names its last contact, and luxon's zone lookup dominated that.
  const wallClock = new Date(Math.floor(ms / 60_000) * 60_000 + utcOffsetMinutes(timeZone, ms) * 60_000).toISOString();
  return `${wallClock.slice(0, 10)} ${wallClock.slice(11, 16)} ${timeZone}`;
}

/** Volumes to 0.1 mL: what the clinician reads off the pump and the syringe. */
export function ml(volumeMl: number): string {
  return `${Math.round(volumeMl * 10) / 10} mL`;
}
