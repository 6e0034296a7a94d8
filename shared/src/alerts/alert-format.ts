// How alert messages name instants and volumes: in the clinic's own zone, so a nurse reads the wall-clock time she acts on.
import { utcOffsetMinutes } from '../forecast/pump-clock';

const abbreviationCache = new Map<string, string>();

/** 'CEST': the zone's short name at an instant, as the dashboard writes it (en-GB; 'GMT+9' where the zone has no letters). */
export function zoneAbbreviation(timeZone: string, atMs: number): string {
  const offset = utcOffsetMinutes(timeZone, atMs);
  // One Intl call per zone, offset and year: within a year a zone's abbreviation changes only with its offset (daylight saving time).
  const key = `${timeZone}|${offset}|${new Date(atMs).getUTCFullYear()}`;
  let abbreviation = abbreviationCache.get(key);
  if (abbreviation === undefined) {
    const named = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(new Date(atMs));
    abbreviation = named.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
    abbreviationCache.set(key, abbreviation);
  }
  return abbreviation;
}

/** '2026-07-30 11:00 CEST': the clinic's wall clock with its zone abbreviation, which also tells apart the hour repeated in autumn. */
export function clinicTime(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  // The cached zone offset: every evaluation of a stale pump names its last contact, and luxon's zone lookup dominated that.
  const wallClock = new Date(Math.floor(ms / 60_000) * 60_000 + utcOffsetMinutes(timeZone, ms) * 60_000).toISOString();
  return `${wallClock.slice(0, 10)} ${wallClock.slice(11, 16)} ${zoneAbbreviation(timeZone, ms)}`;
}

/** Volumes to 0.1 mL: what the clinician reads off the pump and the syringe. */
export function ml(volumeMl: number): string {
  return `${Math.round(volumeMl * 10) / 10} mL`;
}
