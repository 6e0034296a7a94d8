// Clinic closures: closed local days as UTC intervals (DST included), slots and the fleet planner skipping them, the request's rules.
import { availabilityWindows } from './availability';
import type { Interval } from './availability';
import { closedIntervals, closureOverlapping, withoutClosed } from './clinic-closures';
import { planRefills } from './refill-planner';
import { freeSlots } from './refill-slots';
import { createClinicClosureSchema } from './scheduling-contracts';

const ms = (iso: string): number => Date.parse(iso);
const iso = (i: Interval): string[] => [new Date(i.startMs).toISOString(), new Date(i.endMs).toISOString()];
const PARIS = 'Europe/Paris';

describe('closedIntervals in the clinic zone', () => {
  const cases: { why: string; startDate: string; endDate: string; timeZone: string; expected: string[] }[] = [
    // Paris in December is UTC+1: local 25 Dec 00:00 = 24 Dec 23:00Z, local 26 Dec 00:00 = 25 Dec 23:00Z.
    {
      why: 'one winter day in Paris',
      startDate: '2026-12-25',
      endDate: '2026-12-25',
      timeZone: PARIS,
      expected: ['2026-12-24T23:00:00.000Z', '2026-12-25T23:00:00.000Z'],
    },
    // 24-26 Dec inclusive: 23 Dec 23:00Z to 26 Dec 23:00Z (3 days).
    {
      why: 'a range, both ends included',
      startDate: '2026-12-24',
      endDate: '2026-12-26',
      timeZone: PARIS,
      expected: ['2026-12-23T23:00:00.000Z', '2026-12-26T23:00:00.000Z'],
    },
    // 29 Mar 2026 is the spring-forward day: starts at 00:00 CET (28 Mar 23:00Z), ends at 00:00 CEST on 30 Mar (29 Mar 22:00Z): 23 h.
    {
      why: 'the spring-forward day is 23 hours long',
      startDate: '2026-03-29',
      endDate: '2026-03-29',
      timeZone: PARIS,
      expected: ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    },
    // New York is UTC-5 in winter: 1 Jan 00:00 EST = 05:00Z.
    {
      why: 'another zone',
      startDate: '2027-01-01',
      endDate: '2027-01-01',
      timeZone: 'America/New_York',
      expected: ['2027-01-01T05:00:00.000Z', '2027-01-02T05:00:00.000Z'],
    },
  ];
  it.each(cases)('$why', ({ startDate, endDate, timeZone, expected }) => {
    expect(closedIntervals([{ startDate, endDate, label: 'x' }], timeZone).map(iso)).toEqual([expected]);
  });

  it('merges overlapping closures', () => {
    const closed = closedIntervals(
      [
        { startDate: '2026-12-24', endDate: '2026-12-25', label: 'a' },
        { startDate: '2026-12-25', endDate: '2026-12-26', label: 'b' },
      ],
      PARIS,
    );
    expect(closed.map(iso)).toEqual([['2026-12-23T23:00:00.000Z', '2026-12-26T23:00:00.000Z']]);
  });
});

describe('withoutClosed', () => {
  const w = (a: string, b: string): Interval => ({ startMs: ms(a), endMs: ms(b) });
  it('drops a window inside a closure, keeps the others, and cuts a window a closure overlaps', () => {
    const windows = [
      w('2026-12-24T08:00:00Z', '2026-12-24T12:00:00Z'),
      w('2026-12-25T08:00:00Z', '2026-12-25T12:00:00Z'),
      w('2026-12-26T08:00:00Z', '2026-12-26T12:00:00Z'),
    ];
    // Closed 25 Dec all day, and 26 Dec until 10:00Z: 26 Dec keeps 10:00-12:00.
    const closed = [w('2026-12-24T23:00:00Z', '2026-12-25T23:00:00Z'), w('2026-12-26T00:00:00Z', '2026-12-26T10:00:00Z')];
    expect(withoutClosed(windows, closed).map(iso)).toEqual([
      ['2026-12-24T08:00:00.000Z', '2026-12-24T12:00:00.000Z'],
      ['2026-12-26T10:00:00.000Z', '2026-12-26T12:00:00.000Z'],
    ]);
  });
});

describe('slots and the planner skip closed days', () => {
  // Every day 09:00-10:00 Paris (08:00-09:00Z in winter), 30-min visits on a 40-min step: 08:00Z only (08:40 + 30 ends after 09:00).
  const windows = availabilityWindows(
    { weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '10:00' })) },
    PARIS,
    ms('2026-12-23T00:00:00Z'),
    ms('2026-12-28T00:00:00Z'),
  );
  const christmas = closedIntervals([{ startDate: '2026-12-25', endDate: '2026-12-26', label: 'Christmas' }], PARIS);
  const base = {
    windows,
    busy: [],
    durationMinutes: 30,
    bufferMinutes: 10,
    notBeforeMs: ms('2026-12-23T00:00:00Z'),
    notAfterMs: ms('2026-12-28T00:00:00Z'),
  };

  it('freeSlots offers no slot on a closed day', () => {
    // 23, 24, 27 Dec at 09:00 Paris = 08:00Z; 25 and 26 are closed.
    const days = (slots: Interval[]) => slots.map((s) => new Date(s.startMs).toISOString().slice(0, 16));
    expect(days(freeSlots(base))).toEqual([
      '2026-12-23T08:00',
      '2026-12-24T08:00',
      '2026-12-25T08:00',
      '2026-12-26T08:00',
      '2026-12-27T08:00',
    ]);
    expect(days(freeSlots({ ...base, closed: christmas }))).toEqual(['2026-12-23T08:00', '2026-12-24T08:00', '2026-12-27T08:00']);
  });

  it('planRefills proposes no slot on a closed day: the pump whose target is Christmas takes the 24th', () => {
    // Deadline 2 Jan 08:00Z, margin 7 days: target 26 Dec 08:00Z. Without the closure it is placed on its target (26th); with it,
    // the latest open slot at or before the target is 24 Dec 08:00Z (2 days of drug wasted).
    const input = {
      pumps: [{ pumpId: 'P1', refillDeadlineMs: ms('2027-01-02T08:00:00Z') }],
      clinicians: [{ clinicianId: 'anne', windows, busy: [] }],
      durationMinutes: 30,
      bufferMinutes: 10,
      marginDays: 7,
      fromMs: ms('2026-12-23T00:00:00Z'),
      toMs: ms('2026-12-28T00:00:00Z'),
      nowMs: ms('2026-12-23T00:00:00Z'),
    };
    expect(new Date(planRefills(input).proposals[0].startsAtMs).toISOString()).toBe('2026-12-26T08:00:00.000Z');
    const closedPlan = planRefills({ ...input, closed: christmas });
    expect(closedPlan.proposals.map((p) => [new Date(p.startsAtMs).toISOString(), p.timing, p.drugDaysWasted])).toEqual([
      ['2026-12-24T08:00:00.000Z', 'on_time', 2],
    ]);
  });

  it('closureOverlapping names the closure a visit touches, in the clinic zone', () => {
    const closures = [{ id: 'c1', startDate: '2026-12-25', endDate: '2026-12-25', label: 'Christmas Day' }];
    // 24 Dec 23:30Z is 25 Dec 00:30 in Paris: closed. 24 Dec 22:00Z (23:00 Paris on the 24th) is not.
    expect(closureOverlapping(closures, PARIS, ms('2026-12-24T23:30:00Z'), ms('2026-12-25T00:00:00Z'))?.label).toBe('Christmas Day');
    expect(closureOverlapping(closures, PARIS, ms('2026-12-24T22:00:00Z'), ms('2026-12-24T22:30:00Z'))).toBeUndefined();
  });
});

describe('createClinicClosureSchema', () => {
  const fieldOf = (body: unknown): string[] => createClinicClosureSchema.safeParse(body).error?.issues.map((i) => i.path.join('.')) ?? [];
  const cases: { why: string; body: unknown; fields: string[] }[] = [
    { why: 'one day', body: { startDate: '2026-12-25', label: 'Christmas Day' }, fields: [] },
    { why: 'a range', body: { startDate: '2026-12-24', endDate: '2026-12-26', label: 'Christmas' }, fields: [] },
    { why: 'an end before the start', body: { startDate: '2026-12-25', endDate: '2026-12-24', label: 'x' }, fields: ['endDate'] },
    // 62 days allowed (1 Jan to 3 Mar 2027 inclusive is 62 days); 63 refused.
    { why: '62 days', body: { startDate: '2027-01-01', endDate: '2027-03-03', label: 'x' }, fields: [] },
    { why: '63 days', body: { startDate: '2027-01-01', endDate: '2027-03-04', label: 'x' }, fields: ['endDate'] },
    { why: 'a day that does not exist', body: { startDate: '2026-02-30', label: 'x' }, fields: ['startDate'] },
    { why: 'no label', body: { startDate: '2026-12-25', label: '' }, fields: ['label'] },
  ];
  it.each(cases)('$why', ({ body, fields }) => {
    expect(fieldOf(body)).toEqual(fields);
  });
});
