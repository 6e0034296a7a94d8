// Display formats in the clinic's words: instants in the clinic's zone with its abbreviation, exact days left, mL.
import { isCalendarDate, PUMP_MODELS, type DeadlineReason, type ForecastStatus, type PumpModelId, type Urgency } from '@pumpwatch/shared';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, withZone: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withZone ? { timeZoneName: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function parts(iso: string, timeZone: string, withZone: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatterFor(timeZone, withZone).formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** `2026-12-03 14:05 CET` in the clinic's zone. */
export function formatInstant(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const p = parts(iso, timeZone, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName ?? ''}`.trim();
}

/** `2026-12-03` in the clinic's zone. */
export function formatLocalDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const p = parts(iso, timeZone, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Exact days to the deadline: `12.3 d`, or `overdue 2.1 d`. */
export function formatDaysLeft(daysLeft: number | null): string {
  if (daysLeft === null) return '—';
  return daysLeft < 0 ? `overdue ${Math.abs(daysLeft).toFixed(1)} d` : `${daysLeft.toFixed(1)} d`;
}

export function formatMl(volumeMl: number | null | undefined, digits = 1): string {
  return volumeMl === null || volumeMl === undefined ? '—' : `${volumeMl.toFixed(digits)} mL`;
}

/** One number formatter per digit count: `toLocaleString` with options builds a new formatter each call (a fleet row calls this twice). */
const numberFormatters = new Map<number, Intl.NumberFormat>();

export function formatNumber(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined) return '—';
  let f = numberFormatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    numberFormatters.set(digits, f);
  }
  return `${f.format(value)} ${unit}`;
}

export const DEADLINE_REASON_TEXT: Record<DeadlineReason, string> = {
  low_reservoir: 'low reservoir',
  drug_stability: 'drug stability',
  reported_reservoir: 'lower volume the pump reports',
  calibrated_flow: 'pump runs fast (measured at refills)',
};

export const NO_FORECAST_TEXT: Record<ForecastStatus, string> = {
  ok: '',
  no_fill: 'no fill recorded',
  no_program: 'no program set',
  forecast_error: 'forecast failed',
};

export const URGENCY_LABEL: Record<Urgency, { icon: string; text: string }> = {
  delivery_interrupted: { icon: '⛔', text: 'WITHDRAWAL RISK' },
  no_forecast: { icon: '?', text: 'NO FORECAST' },
  overdue: { icon: '✖', text: 'OVERDUE' },
  critical: { icon: '⚠', text: 'CRITICAL' },
  urgent: { icon: '▲', text: 'URGENT' },
  warning: { icon: '◆', text: 'DUE SOON' },
  ok: { icon: '✓', text: 'OK' },
};

export function modelName(modelId: PumpModelId): string {
  return PUMP_MODELS[modelId]?.name ?? modelId;
}

// ---- Wall-clock times in the clinic's zone <-> instants (for form inputs) ----

function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const p = parts(new Date(instantMs).toISOString(), timeZone, false);
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, second: '2-digit' }).formatToParts(new Date(instantMs));
  const second = Number(f.find((x) => x.type === 'second')?.value ?? '0');
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:MM` (a datetime-local value) read in the clinic's zone -> ISO instant, or '' when incomplete. */
export function localInputToInstant(value: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  // A day that does not exist (2026-02-30) stays as typed for the schema to refuse, never rolled over into March.
  if (!m || !isCalendarDate(value.slice(0, 10)) || +m[4] > 23 || +m[5] > 59) return value;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** An instant -> `YYYY-MM-DDTHH:MM` in the clinic's zone, for a datetime-local input. */
export function instantToLocalInput(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone, false);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
