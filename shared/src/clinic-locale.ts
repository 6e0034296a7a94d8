// The clinic's locale (how its staff write dates and times) and typed dates read and written in it, for date fields that must not
// follow the browser's locale: a Paris clinic on an en-US laptop still types 31/01/2026.

/** Time zones of the United States, where dates are written month first. */
const UNITED_STATES_ZONES =
  /^(US\/|America\/(New_York|Chicago|Denver|Phoenix|Los_Angeles|Anchorage|Adak|Boise|Detroit|Juneau|Metlakatla|Nome|Sitka|Yakutat|Menominee|Indiana\/|Kentucky\/|North_Dakota\/)|Pacific\/Honolulu$)/;

export function isUnitedStatesTimeZone(timeZone: string): boolean {
  return UNITED_STATES_ZONES.test(timeZone);
}

/** The locale most clinics of a zone write in; a zone not listed writes like en-GB (day first, 24-hour clock). */
const ZONE_LOCALES: Record<string, string> = {
  'Europe/Paris': 'fr-FR',
  'Europe/Monaco': 'fr-MC',
  'Europe/Luxembourg': 'fr-LU',
  'Europe/Brussels': 'fr-BE',
  'Europe/Berlin': 'de-DE',
  'Europe/Busingen': 'de-DE',
  'Europe/Vienna': 'de-AT',
  'Europe/Zurich': 'de-CH',
  'Europe/London': 'en-GB',
  'Europe/Dublin': 'en-IE',
  'Europe/Madrid': 'es-ES',
  'Atlantic/Canary': 'es-ES',
  'Europe/Rome': 'it-IT',
  'Europe/Amsterdam': 'nl-NL',
  'Europe/Lisbon': 'pt-PT',
  'Europe/Stockholm': 'sv-SE',
  'Europe/Oslo': 'nb-NO',
  'Europe/Copenhagen': 'da-DK',
  'Europe/Helsinki': 'fi-FI',
  'Europe/Warsaw': 'pl-PL',
  'Europe/Prague': 'cs-CZ',
  'Europe/Athens': 'el-GR',
  'America/Toronto': 'en-CA',
  'America/Vancouver': 'en-CA',
  'America/Montreal': 'fr-CA',
  'America/Mexico_City': 'es-MX',
  'America/Sao_Paulo': 'pt-BR',
  'Australia/Sydney': 'en-AU',
  'Australia/Melbourne': 'en-AU',
  'Australia/Brisbane': 'en-AU',
  'Australia/Perth': 'en-AU',
  'Australia/Adelaide': 'en-AU',
  'Pacific/Auckland': 'en-NZ',
  'Asia/Tokyo': 'ja-JP',
};
const FALLBACK_LOCALE = 'en-GB';

/** The clinic's locale when it has not chosen one: from its IANA zone (en-US in the United States, en-GB where no zone is listed). */
export function defaultLocaleOf(timeZone: string): string {
  if (isUnitedStatesTimeZone(timeZone)) return 'en-US';
  return ZONE_LOCALES[timeZone] ?? FALLBACK_LOCALE;
}

/** The canonical BCP 47 tag (`fr-fr` -> `fr-FR`) when it is well formed and this runtime formats dates in it, else null. */
export function canonicalLocale(tag: string): string | null {
  if (typeof tag !== 'string' || tag.trim() === '' || tag.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical !== undefined && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length === 1 ? canonical : null;
  } catch {
    return null;
  }
}

export type DatePart = 'day' | 'month' | 'year';

/** How a locale writes a date and a time: parts in order with the literals between them, and its clock. */
export interface LocaleDatePattern {
  locale: string;
  /** e.g. [{ part: 'day' }, { literal: '.' }, { part: 'month' }, { literal: '.' }, { part: 'year' }] for de-DE. */
  tokens: ({ part: DatePart } | { literal: string })[];
  order: DatePart[];
  /** `DD.MM.YYYY`. */
  dateHint: string;
  hour12: boolean;
  /** `HH:mm` or `hh:mm AM/PM`. */
  timeHint: string;
}

const patterns = new Map<string, LocaleDatePattern>();
const HINT: Record<DatePart, string> = { day: 'DD', month: 'MM', year: 'YYYY' };

/** The pattern of a locale, read from Intl's own formatting of a sample day (31 January 2026, where every part differs). */
export function datePatternOf(locale: string): LocaleDatePattern {
  const known = patterns.get(locale);
  if (known) return known;
  const format = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: 'UTC',
    numberingSystem: 'latn',
  });
  const tokens: LocaleDatePattern['tokens'] = [];
  for (const part of format.formatToParts(Date.UTC(2026, 0, 31))) {
    if (part.type === 'day' || part.type === 'month' || part.type === 'year') tokens.push({ part: part.type });
    else if (part.type === 'literal') tokens.push({ literal: part.value.replace(/[\u200e\u200f]/g, '') });
  }
  const order = tokens.flatMap((t) => ('part' in t ? [t.part] : []));
  const hourCycle = new Intl.DateTimeFormat(locale, { hour: 'numeric', timeZone: 'UTC' }).resolvedOptions().hourCycle;
  const hour12 = hourCycle === 'h12' || hourCycle === 'h11';
  const pattern: LocaleDatePattern = {
    locale,
    tokens,
    order,
    dateHint: tokens.map((t) => ('part' in t ? HINT[t.part] : t.literal)).join(''),
    hour12,
    timeHint: hour12 ? 'hh:mm AM/PM' : 'HH:mm',
  };
  patterns.set(locale, pattern);
  return pattern;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function realDate(year: number, month: number, day: number): string | null {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `2026-01-31` -> `31.01.2026` in de-DE; text that is not such a date is returned as it is. */
export function formatDateInLocale(value: string, locale: string): string {
  const m = ISO_DATE.exec(value);
  if (!m) return value;
  const parts: Record<DatePart, string> = { year: m[1], month: m[2], day: m[3] };
  return datePatternOf(locale)
    .tokens.map((t) => ('part' in t ? parts[t.part] : t.literal))
    .join('');
}

/** `2026-01-31T14:05` -> `31.01.2026 14:05` (de-DE) or `01/31/2026 2:05 PM` (en-US); other text is returned as it is. */
export function formatDateTimeInLocale(value: string, locale: string): string {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return value;
  const hour = Number(m[4]);
  const time = datePatternOf(locale).hour12 ? `${hour % 12 === 0 ? 12 : hour % 12}:${m[5]} ${hour < 12 ? 'AM' : 'PM'}` : `${m[4]}:${m[5]}`;
  return `${formatDateInLocale(`${m[1]}-${m[2]}-${m[3]}`, locale)} ${time}`;
}

/** What a typed date reads as: empty, a date (`YYYY-MM-DD` / `YYYY-MM-DDTHH:mm`), or not a date (never a guessed other day). */
export type TypedDate = { kind: 'empty' } | { kind: 'date'; value: string } | { kind: 'invalid' };

/**
 * A typed date in the locale's order (any separators: 31.01.2026, 31/1/2026 in de-DE), or ISO `2026-01-31`. The year has four
 * digits (a two-digit year would be a guess); a day that does not exist (30.02.2026) is invalid.
 */
export function parseDateInLocale(text: string, locale: string): TypedDate {
  const typed = text.trim();
  if (typed === '') return { kind: 'empty' };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed);
  if (iso) return asDate(realDate(Number(iso[1]), Number(iso[2]), Number(iso[3])));
  if (!/^[\d\s./\-,]+$/.test(typed)) return { kind: 'invalid' };
  const numbers = typed.split(/[^\d]+/).filter((n) => n !== '');
  const { order } = datePatternOf(locale);
  if (numbers.length !== 3 || order.length !== 3) return { kind: 'invalid' };
  const parts = {} as Record<DatePart, string>;
  order.forEach((part, i) => (parts[part] = numbers[i]));
  if (parts.year.length !== 4 || parts.day.length > 2 || parts.month.length > 2) return { kind: 'invalid' };
  return asDate(realDate(Number(parts.year), Number(parts.month), Number(parts.day)));
}

/**
 * A typed date and time: the date as parseDateInLocale reads it, then `14:05`, or `2:05 PM` (12-hour locales must say AM or PM
 * for hours 1 to 12); ISO `2026-01-31T14:05` is accepted. The wall-clock time is kept as typed: a time in a daylight-saving gap
 * is resolved by the form exactly as for the browser's own datetime input.
 */
export function parseDateTimeInLocale(text: string, locale: string): TypedDate {
  const typed = text.trim();
  if (typed === '') return { kind: 'empty' };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})[T\s](\d{1,2}):(\d{2})(?::00)?$/.exec(typed);
  if (iso) return withTime(realDate(Number(iso[1]), Number(iso[2]), Number(iso[3])), Number(iso[4]), Number(iso[5]));
  const m = /^(.*?\d)[\s,]+(\d{1,2})[:.h](\d{2})\s*([ap])?\.?\s*(m\.?)?$/i.exec(typed);
  if (!m) return { kind: 'invalid' };
  const day = parseDateInLocale(m[1], locale);
  if (day.kind !== 'date') return { kind: 'invalid' };
  let hour = Number(m[2]);
  const meridiem = m[4]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return { kind: 'invalid' };
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
  } else if (datePatternOf(locale).hour12 && hour >= 1 && hour <= 12) {
    return { kind: 'invalid' }; // 2:05 in en-US could be night or afternoon
  }
  return withTime(day.value, hour, Number(m[3]));
}

function asDate(value: string | null): TypedDate {
  return value === null ? { kind: 'invalid' } : { kind: 'date', value };
}

function withTime(date: string | null, hour: number, minute: number): TypedDate {
  if (date === null || hour > 23 || minute > 59) return { kind: 'invalid' };
  return { kind: 'date', value: `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}
