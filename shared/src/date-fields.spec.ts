// Strict calendar dates and instants within 1900-2200: what the shared isoDate and isoInstant accept and refuse.
import { isCalendarDate, isoDate, isoInstant } from './date-fields';

const messageOf = (schema: typeof isoDate | typeof isoInstant, value: unknown): string | null =>
  schema
    .safeParse(value)
    .error?.issues.map((i) => i.message)
    .join('; ') ?? null;

describe('isCalendarDate', () => {
  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false], // 2026 is not a leap year
    ['2024-02-29', true], // divisible by 4
    ['1900-02-29', false], // divisible by 100, not by 400
    ['2000-02-29', true], // divisible by 400
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-01', false],
  ])('%s -> %p', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});

describe('isoDate', () => {
  it.each([
    ['2026-02-30', 'must be a real calendar date'],
    ['0000-01-01', 'must be from 1900-01-01 and before 2200-01-01'],
    ['1899-12-31', 'must be from 1900-01-01 and before 2200-01-01'],
    ['2200-01-01', 'must be from 1900-01-01 and before 2200-01-01'],
    ['26-02-01', 'must be a date YYYY-MM-DD'],
    ['2026-02-01T00:00:00Z', 'must be a date YYYY-MM-DD'],
  ])('refuses %s', (text, message) => {
    expect(messageOf(isoDate, text)).toBe(message);
  });

  it.each(['1900-01-01', '2026-02-28', '2199-12-31'])('accepts %s', (text) => {
    expect(messageOf(isoDate, text)).toBeNull();
  });
});

describe('isoInstant', () => {
  it.each([
    ['0000-01-01T00:00:00Z', 'must be from 1900-01-01 and before 2200-01-01'],
    ['0099-06-01T00:00:00Z', 'must be from 1900-01-01 and before 2200-01-01'],
    ['9999-12-31T23:59:59Z', 'must be from 1900-01-01 and before 2200-01-01'],
    ['1900-01-01T00:30:00+01:00', 'must be from 1900-01-01 and before 2200-01-01'], // 1899-12-31T23:30Z
    ['2026-02-30T08:00:00Z', expect.stringMatching(/ISO-8601|real calendar date/)],
    ['2026-11-25T08:00:00', 'must be an ISO-8601 instant with offset, e.g. 2026-11-25T08:00:00Z'],
    ['not a date', 'must be an ISO-8601 instant with offset, e.g. 2026-11-25T08:00:00Z'],
  ])('refuses %s', (text, message) => {
    expect(messageOf(isoInstant, text)).toEqual(message);
  });

  it.each(['1900-01-01T00:00:00Z', '2026-11-25T08:00:00+01:00', '2199-12-31T23:59:59.999Z'])('accepts %s', (text) => {
    expect(messageOf(isoInstant, text)).toBeNull();
  });
});
