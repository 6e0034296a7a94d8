// The opaque cursor of GET /api/alerts: where the previous page ended in the list's order (severity, newest raise, id), base64url JSON.
import { ALERT_SEVERITIES, DomainError } from '@pumpwatch/shared';
import type { AlertSeverity } from '@pumpwatch/shared';
import type { AlertListKey } from './alerts.repository';

interface CursorBody {
  s: AlertSeverity;
  t: string;
  i: string;
}

// Up to year 2286: anything later cannot be a raise we stored, and would overflow the timestamp arithmetic.
const MICROS = /^\d{1,16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFUSAL = 'is not a cursor this list gave out; ask for the first page again';

export function encodeAlertCursor(key: AlertListKey): string {
  const body: CursorBody = { s: key.severity, t: key.lastRaisedMicros, i: key.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** 400 naming `cursor` for anything encodeAlertCursor did not make (no SQL ever sees an unchecked value). */
export function decodeAlertCursor(cursor: string): AlertListKey {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw DomainError.invalid('cursor', REFUSAL);
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    !ALERT_SEVERITIES.includes(body.s as AlertSeverity) ||
    typeof body.t !== 'string' ||
    !MICROS.test(body.t) ||
    typeof body.i !== 'string' ||
    !UUID.test(body.i)
  ) {
    throw DomainError.invalid('cursor', REFUSAL);
  }
  return { severity: body.s as AlertSeverity, lastRaisedMicros: body.t, id: body.i.toLowerCase() };
}
