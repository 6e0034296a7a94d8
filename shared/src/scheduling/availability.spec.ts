// Availability as UTC intervals: DST days, the spring gap and the autumn repeat, overrides, zones east of UTC, no clipping.
import { availabilityWindows, AvailabilityRules, Interval, mergeIntervals } from './availability';

const ms = (iso: string): number => Date.parse(iso);
const iso = (intervals: Interval[]): [string, string][] =>
  intervals.map((i) => [new Date(i.startMs).toISOString(), new Date(i.endMs).toISOString()]);
const weekend: AvailabilityRules = {
  weekly: [
    { weekday: 6, start: '08:00', end: '12:00' },
    { weekday: 7, start: '08:00', end: '12:00' },
  ],
};

describe('availabilityWindows across clock changes (Europe/Paris)', () => {
  it('moves the UTC window by one hour on the spring-forward Sunday', () => {
    // Sat 2026-03-28 is CET (+01:00): 08:00-12:00 = 07:00-11:00Z. Sun 2026-03-29 03:00 is already CEST (+02:00): 06:00-10:00Z.
    expect(iso(availabilityWindows(weekend, 'Europe/Paris', ms('2026-03-28T00:00:00Z'), ms('2026-03-30T00:00:00Z')))).toEqual([
      ['2026-03-28T07:00:00.000Z', '2026-03-28T11:00:00.000Z'],
      ['2026-03-29T06:00:00.000Z', '2026-03-29T10:00:00.000Z'],
    ]);
  });

  it('moves it back on the autumn Sunday', () => {
    // Sat 2026-10-24 CEST (+02:00): 06:00-10:00Z. Sun 2026-10-25 after 03:00 CEST -> 02:00 CET (+01:00): 07:00-11:00Z.
    expect(iso(availabilityWindows(weekend, 'Europe/Paris', ms('2026-10-24T00:00:00Z'), ms('2026-10-26T00:00:00Z')))).toEqual([
      ['2026-10-24T06:00:00.000Z', '2026-10-24T10:00:00.000Z'],
      ['2026-10-25T07:00:00.000Z', '2026-10-25T11:00:00.000Z'],
    ]);
  });

  it.each([
    // 02:00-03:00 does not exist on 2026-03-29: 02:00 -> 03:00 CEST = 01:00Z; 04:00 CEST = 02:00Z: one lived hour, wall 03:00-04:00.
    ['02:00', '04:00', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
    // Wholly inside the gap: both ends move forward one hour, 03:15-03:45 CEST = 01:15Z-01:45Z (luxon shifts forward).
    ['02:15', '02:45', '2026-03-29T01:15:00.000Z', '2026-03-29T01:45:00.000Z'],
  ])('moves a session %s-%s in the spring gap forward by the gap (luxon rule)', (start, end, startsAt, endsAt) => {
    const rules: AvailabilityRules = { weekly: [], overrides: [{ date: '2026-03-29', available: true, start, end }] };
    expect(iso(availabilityWindows(rules, 'Europe/Paris', ms('2026-03-28T00:00:00Z'), ms('2026-03-30T00:00:00Z')))).toEqual([
      [startsAt, endsAt],
    ]);
  });

  it('reads an ambiguous autumn time as its later occurrence (after the clocks go back)', () => {
    // 01:30 CEST = 2026-10-24T23:30Z; 02:30 happens twice, the later one is CET = 01:30Z: the session lasts 2 h of real time.
    const rules: AvailabilityRules = { weekly: [], overrides: [{ date: '2026-10-25', available: true, start: '01:30', end: '02:30' }] };
    expect(iso(availabilityWindows(rules, 'Europe/Paris', ms('2026-10-24T00:00:00Z'), ms('2026-10-26T00:00:00Z')))).toEqual([
      ['2026-10-24T23:30:00.000Z', '2026-10-25T01:30:00.000Z'],
    ]);
  });
});

describe('availabilityWindows with overrides (UTC zone: wall clock = UTC)', () => {
  // Mon 2026-03-02 and Mon 2026-03-09: 08:00-12:00 and 13:00-17:00.
  const weekly: AvailabilityRules['weekly'] = [
    { weekday: 1, start: '08:00', end: '12:00' },
    { weekday: 1, start: '13:00', end: '17:00' },
  ];
  const monday = (overrides: AvailabilityRules['overrides']): [string, string][] =>
    iso(availabilityWindows({ weekly, overrides }, 'UTC', ms('2026-03-02T00:00:00Z'), ms('2026-03-03T00:00:00Z')));

  const cases: { why: string; overrides: AvailabilityRules['overrides']; expected: [string, string][] }[] = [
    {
      why: 'no override: both sessions',
      overrides: [],
      expected: [
        ['2026-03-02T08:00:00.000Z', '2026-03-02T12:00:00.000Z'],
        ['2026-03-02T13:00:00.000Z', '2026-03-02T17:00:00.000Z'],
      ],
    },
    { why: 'whole day off', overrides: [{ date: '2026-03-02', available: false }], expected: [] },
    {
      why: 'an override of another date changes nothing',
      overrides: [{ date: '2026-03-09', available: false }],
      expected: [
        ['2026-03-02T08:00:00.000Z', '2026-03-02T12:00:00.000Z'],
        ['2026-03-02T13:00:00.000Z', '2026-03-02T17:00:00.000Z'],
      ],
    },
    {
      why: 'a window off 10:00-14:00 cuts the end of one session and the start of the other',
      overrides: [{ date: '2026-03-02', available: false, start: '10:00', end: '14:00' }],
      expected: [
        ['2026-03-02T08:00:00.000Z', '2026-03-02T10:00:00.000Z'],
        ['2026-03-02T14:00:00.000Z', '2026-03-02T17:00:00.000Z'],
      ],
    },
    {
      why: 'an extra session 12:00-13:00 joins the two sessions into one 08:00-17:00',
      overrides: [{ date: '2026-03-02', available: true, start: '12:00', end: '13:00' }],
      expected: [['2026-03-02T08:00:00.000Z', '2026-03-02T17:00:00.000Z']],
    },
    {
      why: 'day off plus an extra session replaces the day by that session',
      overrides: [
        { date: '2026-03-02', available: false },
        { date: '2026-03-02', available: true, start: '18:00', end: '20:00' },
      ],
      expected: [['2026-03-02T18:00:00.000Z', '2026-03-02T20:00:00.000Z']],
    },
    {
      why: 'a window off wins over an extra session it overlaps (18:00-20:00 minus 19:00-21:00)',
      overrides: [
        { date: '2026-03-02', available: true, start: '18:00', end: '20:00' },
        { date: '2026-03-02', available: false, start: '19:00', end: '21:00' },
      ],
      expected: [
        ['2026-03-02T08:00:00.000Z', '2026-03-02T12:00:00.000Z'],
        ['2026-03-02T13:00:00.000Z', '2026-03-02T17:00:00.000Z'],
        ['2026-03-02T18:00:00.000Z', '2026-03-02T19:00:00.000Z'],
      ],
    },
  ];
  it.each(cases)('$why', ({ overrides, expected }) => {
    expect(monday(overrides)).toEqual(expected);
  });
});

describe('availabilityWindows range', () => {
  const weekly: AvailabilityRules['weekly'] = [{ weekday: 1, start: '08:00', end: '12:00' }];

  it('returns a window whole when the range starts inside it (the slot grid stays anchored at 08:00)', () => {
    expect(iso(availabilityWindows({ weekly }, 'UTC', ms('2026-03-02T09:10:00Z'), ms('2026-03-02T09:20:00Z')))).toEqual([
      ['2026-03-02T08:00:00.000Z', '2026-03-02T12:00:00.000Z'],
    ]);
  });

  it('leaves out windows that only touch the range', () => {
    // [08:00, 12:00) does not overlap [12:00, 20:00) nor [00:00, 08:00).
    expect(availabilityWindows({ weekly }, 'UTC', ms('2026-03-02T12:00:00Z'), ms('2026-03-02T20:00:00Z'))).toEqual([]);
    expect(availabilityWindows({ weekly }, 'UTC', ms('2026-03-02T00:00:00Z'), ms('2026-03-02T08:00:00Z'))).toEqual([]);
  });

  it('lists one window per Monday over two weeks', () => {
    expect(availabilityWindows({ weekly }, 'UTC', ms('2026-03-01T00:00:00Z'), ms('2026-03-15T00:00:00Z'))).toHaveLength(2);
  });

  it('finds a Monday session east of UTC that starts on the Sunday in UTC', () => {
    // Sydney in June is AEST (+10:00): Mon 2026-06-01 08:00-12:00 = Sun 2026-05-31 22:00Z to Mon 02:00Z.
    expect(iso(availabilityWindows({ weekly }, 'Australia/Sydney', ms('2026-06-01T00:00:00Z'), ms('2026-06-02T00:00:00Z')))).toEqual([
      ['2026-05-31T22:00:00.000Z', '2026-06-01T02:00:00.000Z'],
    ]);
  });

  it('finds a Monday session west of UTC that ends on the Tuesday in UTC', () => {
    // Los Angeles in March after 2026-03-08 is PDT (-07:00): Mon 2026-03-09 18:00-23:00 = Tue 01:00Z to 06:00Z.
    const evening = { weekly: [{ weekday: 1, start: '18:00', end: '23:00' }] };
    expect(iso(availabilityWindows(evening, 'America/Los_Angeles', ms('2026-03-10T00:00:00Z'), ms('2026-03-11T00:00:00Z')))).toEqual([
      ['2026-03-10T01:00:00.000Z', '2026-03-10T06:00:00.000Z'],
    ]);
  });

  it('refuses an unknown zone and returns nothing for an empty range', () => {
    expect(() => availabilityWindows({ weekly }, 'Europe/Atlantis', 0, 1)).toThrow(RangeError);
    expect(availabilityWindows({ weekly }, 'UTC', ms('2026-03-02T10:00:00Z'), ms('2026-03-02T10:00:00Z'))).toEqual([]);
  });
});

describe('mergeIntervals', () => {
  it('sorts, joins overlapping and touching intervals and drops empty ones', () => {
    // [5,8) and [1,3) and [3,4) and [7,9) and [10,10): [1,4) then [5,9).
    expect(
      mergeIntervals([
        { startMs: 5, endMs: 8 },
        { startMs: 1, endMs: 3 },
        { startMs: 3, endMs: 4 },
        { startMs: 7, endMs: 9 },
        { startMs: 10, endMs: 10 },
      ]),
    ).toEqual([
      { startMs: 1, endMs: 4 },
      { startMs: 5, endMs: 9 },
    ]);
  });
});

describe('availabilityWindows over early years and long ranges (issue 14)', () => {
  it('keeps years 0-99 as themselves (Date.UTC would map them to 1900-1999) and walks only the asked days', () => {
    // 0050-06-05 is a Saturday of the proleptic Gregorian calendar; UTC zone: 08:00-12:00 is 08:00-12:00Z.
    const from = ms('0050-06-05T00:00:00Z');
    expect(iso(availabilityWindows(weekend, 'UTC', from, from + 86_400_000))).toEqual([
      ['0050-06-05T08:00:00.000Z', '0050-06-05T12:00:00.000Z'],
    ]);
  });

  it('answers a year-0 range at once instead of walking ~694,000 days to 1900', () => {
    const from = ms('0000-01-01T00:00:00Z');
    expect(availabilityWindows(weekend, 'Europe/Paris', from - 86_400_000, from + 86_400_000 + 30 * 60_000)).toEqual(expect.any(Array));
  });

  it('refuses a range longer than availabilityMaxDays (400) before walking it', () => {
    expect(() => availabilityWindows(weekend, 'UTC', ms('2026-01-01T00:00:00Z'), ms('2030-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});
