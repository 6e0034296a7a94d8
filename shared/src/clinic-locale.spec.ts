// The clinic locale: its default from the zone, the check of a chosen tag, and dates typed and shown in it.
import {
  canonicalLocale,
  datePatternOf,
  defaultLocaleOf,
  formatDateInLocale,
  formatDateTimeInLocale,
  parseDateInLocale,
  parseDateTimeInLocale,
} from './clinic-locale';
import { defaultDateOrderOf } from './imports/import-rows';

describe('defaultLocaleOf', () => {
  it.each([
    ['Europe/Paris', 'fr-FR'],
    ['Europe/Berlin', 'de-DE'],
    ['Europe/London', 'en-GB'],
    ['America/New_York', 'en-US'],
    ['America/Indiana/Indianapolis', 'en-US'],
    ['Pacific/Honolulu', 'en-US'],
    ['UTC', 'en-GB'], // not listed: day first, 24-hour clock
    ['Africa/Nairobi', 'en-GB'],
  ])('%s writes like %s', (zone, locale) => expect(defaultLocaleOf(zone)).toBe(locale));

  it('agrees with the importer: month-first exactly where the default locale writes the month first', () => {
    for (const zone of ['America/Chicago', 'Europe/Paris', 'Europe/Berlin', 'UTC', 'US/Pacific', 'Australia/Sydney']) {
      const monthFirst = datePatternOf(defaultLocaleOf(zone)).order[0] === 'month';
      expect(defaultDateOrderOf(zone)).toBe(monthFirst ? 'month-first' : 'day-first');
    }
  });
});

describe('canonicalLocale', () => {
  it.each([
    ['fr-FR', 'fr-FR'],
    ['de-de', 'de-DE'],
    ['en-GB', 'en-GB'],
    [' en-US ', 'en-US'],
  ])('accepts %j as %s', (tag, canonical) => expect(canonicalLocale(tag)).toBe(canonical));
  it.each(['', 'not a locale', 'en_US', 'x', '12-34', 'a'.repeat(40)])('refuses %j', (tag) => expect(canonicalLocale(tag)).toBeNull());
});

describe('datePatternOf', () => {
  it.each([
    ['de-DE', 'DD.MM.YYYY', false],
    ['en-US', 'MM/DD/YYYY', true],
    ['en-GB', 'DD/MM/YYYY', false],
    ['fr-FR', 'DD/MM/YYYY', false],
    ['sv-SE', 'YYYY-MM-DD', false],
  ])('%s writes %s (12-hour clock: %s)', (locale, hint, hour12) => {
    expect(datePatternOf(locale).dateHint).toBe(hint);
    expect(datePatternOf(locale).hour12).toBe(hour12);
  });
});

describe('formatting a field value in the locale', () => {
  it.each([
    ['de-DE', '31.01.2026', '31.01.2026 14:05'],
    ['en-US', '01/31/2026', '01/31/2026 2:05 PM'],
    ['en-GB', '31/01/2026', '31/01/2026 14:05'],
    ['fr-FR', '31/01/2026', '31/01/2026 14:05'],
  ])('%s shows 2026-01-31 as %s and 14:05 as %s', (locale, date, dateTime) => {
    expect(formatDateInLocale('2026-01-31', locale)).toBe(date);
    expect(formatDateTimeInLocale('2026-01-31T14:05', locale)).toBe(dateTime);
  });
  it('shows midnight and noon on a 12-hour clock as 12 AM and 12 PM', () => {
    expect(formatDateTimeInLocale('2026-01-31T00:30', 'en-US')).toBe('01/31/2026 12:30 AM');
    expect(formatDateTimeInLocale('2026-01-31T12:30', 'en-US')).toBe('01/31/2026 12:30 PM');
  });
  it('leaves an empty or partial value as it is', () => {
    expect(formatDateInLocale('', 'de-DE')).toBe('');
    expect(formatDateTimeInLocale('2026-01', 'de-DE')).toBe('2026-01');
  });
});

describe('parseDateInLocale', () => {
  it.each([
    ['31.01.2026', 'de-DE', '2026-01-31'],
    ['31.1.2026', 'de-DE', '2026-01-31'],
    ['01/31/2026', 'en-US', '2026-01-31'],
    ['1/31/2026', 'en-US', '2026-01-31'],
    ['31/01/2026', 'en-GB', '2026-01-31'],
    ['31/01/2026', 'fr-FR', '2026-01-31'],
    ['03/04/2026', 'fr-FR', '2026-04-03'], // 3 April in France
    ['03/04/2026', 'en-US', '2026-03-04'], // 4 March in the United States
    ['2026-01-31', 'de-DE', '2026-01-31'], // ISO in any locale
    ['2026-01-31', 'en-US', '2026-01-31'],
    ['29.02.2028', 'de-DE', '2028-02-29'], // leap year
  ])('reads %j in %s as %s', (text, locale, value) => expect(parseDateInLocale(text, locale)).toEqual({ kind: 'date', value }));

  it.each([
    ['2026-02-30', 'de-DE'],
    ['30.02.2026', 'de-DE'],
    ['29.02.2026', 'de-DE'],
    ['01/31/2026', 'de-DE'], // month 31
    ['31/01/2026', 'en-US'],
    ['31.01.26', 'de-DE'], // two-digit year would be a guess
    ['31.01', 'de-DE'],
    ['tomorrow', 'en-GB'],
    ['31.01.2026 10:00', 'de-DE'],
  ])('refuses %j in %s', (text, locale) => expect(parseDateInLocale(text, locale)).toEqual({ kind: 'invalid' }));

  it('reads blank text as empty', () => expect(parseDateInLocale('  ', 'de-DE')).toEqual({ kind: 'empty' }));
});

describe('parseDateTimeInLocale', () => {
  it.each([
    ['31.01.2026 14:05', 'de-DE', '2026-01-31T14:05'],
    ['31.01.2026, 14:05', 'de-DE', '2026-01-31T14:05'],
    ['01/31/2026 2:05 PM', 'en-US', '2026-01-31T14:05'],
    ['01/31/2026, 2:05 pm', 'en-US', '2026-01-31T14:05'],
    ['01/31/2026 12:10 AM', 'en-US', '2026-01-31T00:10'],
    ['01/31/2026 14:05', 'en-US', '2026-01-31T14:05'], // unambiguous without AM/PM
    ['31/01/2026 09:30', 'en-GB', '2026-01-31T09:30'],
    ['31/01/2026 9h30', 'fr-FR', '2026-01-31T09:30'],
    ['2026-01-31T14:05', 'de-DE', '2026-01-31T14:05'], // ISO, as the browser's own input sent it
    ['2026-01-31 14:05', 'en-US', '2026-01-31T14:05'],
    // Europe/Paris skips 02:00-03:00 on 29 March 2026: the wall-clock time is kept, and the form resolves it as it always has.
    ['29.03.2026 02:30', 'de-DE', '2026-03-29T02:30'],
  ])('reads %j in %s as %s', (text, locale, value) => expect(parseDateTimeInLocale(text, locale)).toEqual({ kind: 'date', value }));

  it.each([
    ['2026-02-30T10:00', 'de-DE'],
    ['30.02.2026 10:00', 'de-DE'],
    ['31.01.2026 24:00', 'de-DE'],
    ['31.01.2026 10:60', 'de-DE'],
    ['31.01.2026', 'de-DE'], // no time
    ['01/31/2026 2:05', 'en-US'], // night or afternoon?
    ['01/31/2026 13:05 PM', 'en-US'],
  ])('refuses %j in %s', (text, locale) => expect(parseDateTimeInLocale(text, locale)).toEqual({ kind: 'invalid' }));

  it('round-trips what it shows', () => {
    for (const locale of ['de-DE', 'en-US', 'en-GB', 'fr-FR', 'sv-SE', 'ja-JP']) {
      for (const value of ['2026-01-31T00:00', '2026-07-04T12:00', '2026-12-09T23:59']) {
        expect(parseDateTimeInLocale(formatDateTimeInLocale(value, locale), locale)).toEqual({ kind: 'date', value });
      }
      expect(parseDateInLocale(formatDateInLocale('2026-07-04', locale), locale)).toEqual({ kind: 'date', value: '2026-07-04' });
    }
  });
});
