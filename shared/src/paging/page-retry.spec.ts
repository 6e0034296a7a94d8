// Backoff of webhook pages: the default schedule 1, 2, 4 min then failed, the cap, and refused inputs.
import { nextPageAttemptAt } from './page-retry';

const failedAt = new Date('2026-07-28T09:00:00Z');

describe('nextPageAttemptAt with the default policy (4 attempts, 60 s doubling)', () => {
  const cases: { attemptsMade: number; next: string | null; why: string }[] = [
    { attemptsMade: 1, next: '2026-07-28T09:01:00.000Z', why: 'first retry 60 s after the first failure' },
    { attemptsMade: 2, next: '2026-07-28T09:02:00.000Z', why: '60 x 2 = 120 s' },
    { attemptsMade: 3, next: '2026-07-28T09:04:00.000Z', why: '60 x 4 = 240 s' },
    { attemptsMade: 4, next: null, why: 'fourth attempt was the last: the page fails' },
    { attemptsMade: 9, next: null, why: 'never retried past the last attempt' },
  ];
  it.each(cases)('after $attemptsMade attempt(s): $next ($why)', ({ attemptsMade, next }) => {
    expect(nextPageAttemptAt(attemptsMade, failedAt)?.toISOString() ?? null).toBe(next);
  });

  it('fails a page 7 min after its first attempt, before the default next level at 10 min', () => {
    // 1 + 2 + 4 = 7 minutes from the first attempt to the last.
    let at = failedAt;
    let attempts = 1;
    for (let next = nextPageAttemptAt(attempts, at); next; next = nextPageAttemptAt(++attempts, at)) at = next;
    expect([attempts, at.toISOString()]).toEqual([4, '2026-07-28T09:07:00.000Z']);
  });
});

describe('nextPageAttemptAt with a custom policy', () => {
  const policy = { maxAttempts: 10, firstDelaySeconds: 30, factor: 3, maxDelaySeconds: 300 };
  it.each([
    [1, '2026-07-28T09:00:30.000Z'], // 30 s
    [2, '2026-07-28T09:01:30.000Z'], // 90 s
    [3, '2026-07-28T09:04:30.000Z'], // 270 s
    [4, '2026-07-28T09:05:00.000Z'], // 810 s capped at 300 s
  ])('after %i attempt(s): %s', (attemptsMade, next) => {
    expect(nextPageAttemptAt(attemptsMade, failedAt, policy)?.toISOString()).toBe(next);
  });

  it('refuses a count of attempts that is not a whole number 1 or more', () => {
    expect(() => nextPageAttemptAt(0, failedAt)).toThrow(RangeError);
    expect(() => nextPageAttemptAt(1.5, failedAt)).toThrow(RangeError);
  });
});
