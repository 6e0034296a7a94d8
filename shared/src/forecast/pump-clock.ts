// The pump's clock: it keeps the clinic's UTC offset in force when it was programmed and ignores later DST changes.
import { DateTime } from 'luxon';
import { MINUTE_MS } from '../time-units';

// Zone transitions fall on whole quarter hours UTC, so an offset is constant within a 15-minute bucket.
const BUCKET_MS = 15 * MINUTE_MS;
const MAX_CACHED_BUCKETS_PER_ZONE = 200_000;
const offsetCache = new Map<string, Map<number, number>>();

/** UTC offset (minutes) of an IANA zone at an instant; cached because the fleet forecast asks it once per program. */
export function utcOffsetMinutes(timeZone: string, atMs: number): number {
  let zoneCache = offsetCache.get(timeZone);
  if (!zoneCache) {
    zoneCache = new Map();
    offsetCache.set(timeZone, zoneCache);
  }
  const bucket = Math.floor(atMs / BUCKET_MS);
  let offset = zoneCache.get(bucket);
  if (offset === undefined) {
    const zoned = DateTime.fromMillis(atMs, { zone: timeZone });
    if (!zoned.isValid) throw new RangeError(`unknown time zone ${timeZone}`);
    offset = zoned.offset;
    if (zoneCache.size >= MAX_CACHED_BUCKETS_PER_ZONE) zoneCache.clear();
    zoneCache.set(bucket, offset);
  }
  return offset;
}

/** Minutes since midnight of an 'HH:MM' wall-clock time. */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
