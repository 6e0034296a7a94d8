// Instants in the clinic's zone for the calendar arithmetic of the clinical-safety rules (months, birthdays).
import { DateTime, IANAZone } from 'luxon';
import { DomainError } from '../domain-error';

/** Parses an ISO-8601 instant into `timeZone`; throws a 422 naming `field` (or `timeZone`) when either is invalid. */
export function instantIn(field: string, iso: string, timeZone: string): DateTime {
  if (!IANAZone.isValidZone(timeZone)) throw DomainError.rule('timeZone', 'must be an IANA time zone, e.g. Europe/Paris');
  const instant = DateTime.fromISO(iso, { zone: timeZone });
  if (!instant.isValid) throw DomainError.rule(field, 'must be an ISO-8601 instant');
  return instant;
}

/** Milliseconds since the epoch of an ISO-8601 instant; throws a 422 naming `field` when it is not one. */
export function instantMs(field: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw DomainError.rule(field, 'must be an ISO-8601 instant');
  return ms;
}
