// Calendar dates as the clinic sees them: an instant's date in the clinic's zone.
import { DateTime } from 'luxon';

/** 'YYYY-MM-DD' of the instant in the clinic's IANA zone. */
export function clinicDateOf(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() as string;
}
