// Check-ups: the effectiveness schema, the chart value of a Modified Ashworth grade, and when a review is due or overdue.
import { createCheckUpSchema, modifiedAshworthChartValue, reviewDue } from './check-ups';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));

describe('createCheckUpSchema', () => {
  const body = { at: '2026-03-10T09:00:00Z', modifiedAshworth: '1+', patientRating: 7 };
  it.each(['0', '1', '1+', '2', '3', '4'])('accepts Modified Ashworth %s', (modifiedAshworth) => {
    expect(createCheckUpSchema.safeParse({ ...body, modifiedAshworth }).success).toBe(true);
  });
  it.each([
    ['grade 5', { modifiedAshworth: '5' }, 'modifiedAshworth'],
    ['grade 1.5 as a number', { modifiedAshworth: 1.5 }, 'modifiedAshworth'],
    ['a rating of 11', { patientRating: 11 }, 'patientRating'],
    ['a rating of -1', { patientRating: -1 }, 'patientRating'],
    ['a rating of 6.5', { patientRating: 6.5 }, 'patientRating'],
    ['an instant without offset', { at: '2026-03-10T09:00:00' }, 'at'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(createCheckUpSchema.safeParse({ ...body, ...over }))).toEqual([field]);
  });
  it('accepts the rating bounds 0 and 10', () => {
    expect(createCheckUpSchema.safeParse({ ...body, patientRating: 0 }).success).toBe(true);
    expect(createCheckUpSchema.safeParse({ ...body, patientRating: 10 }).success).toBe(true);
  });
});

describe('modifiedAshworthChartValue', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['1+', 1.5],
    ['2', 2],
    ['3', 3],
    ['4', 4],
  ] as const)('%s -> %f', (score, value) => {
    expect(modifiedAshworthChartValue(score)).toBe(value);
  });
});

describe('reviewDue', () => {
  // Last review 2025-09-10T09:00Z + 6 calendar months = 2026-03-10T09:00Z; "due" from 30 x 24 h before = 2026-02-08T09:00Z.
  const LAST = '2025-09-10T09:00:00Z';
  it.each([
    ['2026-02-08T08:59:59Z', false, false],
    ['2026-02-08T09:00:00Z', true, false], // 30 days before
    ['2026-03-10T09:00:00Z', true, false], // at the due instant: due, not yet overdue
    ['2026-03-10T09:00:01Z', true, true],
  ])('now %s: due %s, overdue %s', (now, due, overdue) => {
    expect(reviewDue(LAST, 6, now)).toEqual({ dueAt: '2026-03-10T09:00:00.000Z', due, overdue });
  });

  it('keeps the wall clock across a daylight-saving change in the clinic zone', () => {
    // 2025-09-10 11:00 CEST + 6 months = 2026-03-10 11:00 CET = 10:00Z
    expect(reviewDue(LAST, 6, '2026-01-01T00:00:00Z', 'Europe/Paris').dueAt).toBe('2026-03-10T10:00:00.000Z');
  });

  it('is due at once without a review on record, but not overdue', () => {
    expect(reviewDue(null, 6, '2026-01-01T00:00:00Z')).toEqual({ dueAt: null, due: true, overdue: false });
  });

  it('defaults to the 6-month interval and refuses a fractional one', () => {
    expect(reviewDue(LAST, undefined, '2026-01-01T00:00:00Z').dueAt).toBe('2026-03-10T09:00:00.000Z');
    expect(() => reviewDue(LAST, 2.5, '2026-01-01T00:00:00Z')).toThrow('reviewIntervalMonths');
  });
});
