// Free whole slots (grid, buffer, busy time, past), booking timing against the deadline, and the suitability order.
import type { Interval } from './availability';
import {
  bookingDeadlineMs,
  bookingTiming,
  busyFromAppointments,
  freeSlots,
  rankRefillSlots,
  refillSlotsRange,
  slotPlacement,
} from './refill-slots';

const ms = (iso: string): number => Date.parse(iso);
const at = (hhmm: string): number => ms(`2026-03-02T${hhmm}:00Z`);
const hours = (slots: Interval[]): string[] => slots.map((s) => new Date(s.startMs).toISOString().slice(11, 16));
const morning: Interval[] = [{ startMs: at('08:00'), endMs: at('12:00') }];

describe('freeSlots on a 08:00-12:00 window, 30 min visits, 10 min buffer (grid step 40 min)', () => {
  const base = { windows: morning, busy: [] as Interval[], durationMinutes: 30, bufferMinutes: 10, notBeforeMs: at('00:00') };
  const cases: { why: string; over: Partial<typeof base> & { notAfterMs?: number }; expected: string[] }[] = [
    // 08:00 + k*40 min while start + 30 <= 12:00: 08:00, 08:40, 09:20, 10:00, 10:40, 11:20 (11:50 end); 12:00 does not fit.
    { why: 'an empty day: six slots on the grid', over: {}, expected: ['08:00', '08:40', '09:20', '10:00', '10:40', '11:20'] },
    // Busy [09:20, 10:00) (visit 09:20-09:50 + buffer): 08:40 ends 09:10, +10 = 09:20 touches only; 10:00 starts at its end.
    {
      why: 'an on-grid visit removes its own slot only',
      over: { busy: busyFromAppointments([{ startMs: at('09:20'), endMs: at('09:50') }], 10) },
      expected: ['08:00', '08:40', '10:00', '10:40', '11:20'],
    },
    // Busy [09:00, 09:40): 08:40 + 30 + 10 = 09:20 > 09:00 (no turnover time), 09:20 < 09:40: both lost.
    {
      why: 'an off-grid visit 09:00-09:30 removes the two slots it touches with the buffer',
      over: { busy: busyFromAppointments([{ startMs: at('09:00'), endMs: at('09:30') }], 10) },
      expected: ['08:00', '10:00', '10:40', '11:20'],
    },
    // 09:05 is 65 min after 08:00: ceil(65 / 40) = 2 steps, first slot 09:20 (never in the past, still on the grid).
    { why: 'nothing before notBefore, grid kept', over: { notBeforeMs: at('09:05') }, expected: ['09:20', '10:00', '10:40', '11:20'] },
    // 10:00-10:30 ends by 10:40; 10:40-11:10 does not.
    { why: 'nothing ending after notAfter', over: { notAfterMs: at('10:40') }, expected: ['08:00', '08:40', '09:20', '10:00'] },
    // Merged to 08:00-10:00: 08:00, 08:40, 09:20 (ends 09:50); 10:00 does not fit. Unmerged they would give 08:30, overlapping 08:00.
    {
      why: 'overlapping windows are merged first',
      over: {
        windows: [
          { startMs: at('08:00'), endMs: at('09:00') },
          { startMs: at('08:30'), endMs: at('10:00') },
        ],
      },
      expected: ['08:00', '08:40', '09:20'],
    },
    { why: 'a window shorter than a visit: none', over: { windows: [{ startMs: at('08:00'), endMs: at('08:20') }] }, expected: [] },
    // Step 30 + 0 = 30 min: 08:00 ... 11:30, eight slots.
    {
      why: 'no buffer: back to back',
      over: { bufferMinutes: 0 },
      expected: ['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
    },
  ];
  it.each(cases)('$why', ({ over, expected }) => {
    expect(hours(freeSlots({ ...base, ...over }))).toEqual(expected);
  });

  it('gives each slot its duration', () => {
    expect(freeSlots({ ...base, durationMinutes: 45 })[0]).toEqual({ startMs: at('08:00'), endMs: at('08:45') });
  });
});

describe('busyFromAppointments', () => {
  it('adds the buffer after each visit and merges', () => {
    // 09:00-09:30 -> [09:00, 09:40); 09:40-10:10 -> [09:40, 10:20): they touch, one interval 09:00-10:20.
    expect(
      busyFromAppointments(
        [
          { startMs: at('09:40'), endMs: at('10:10') },
          { startMs: at('09:00'), endMs: at('09:30') },
        ],
        10,
      ),
    ).toEqual([{ startMs: at('09:00'), endMs: at('10:20') }]);
  });
});

describe('slotPlacement (grid step 40 min from 08:00)', () => {
  it.each([
    ['08:40', '09:10', 'in_slot'], // 40 min after the window start: one step
    ['08:50', '09:20', 'off_grid'], // 50 min is not a multiple of 40
    ['11:20', '12:05', 'outside_availability'], // a 45 min visit from the last grid point ends after 12:00
    ['07:40', '08:10', 'outside_availability'],
    ['11:20', '11:50', 'in_slot'],
  ])('%s-%s is %s', (start, end, expected) => {
    expect(slotPlacement({ windows: morning, startsAtMs: at(start), endsAtMs: at(end), slotStepMinutes: 40 })).toBe(expected);
  });
});

describe('bookingTiming (deadline 2026-04-20 12:00Z, margin 7 days: booking deadline 2026-04-13 12:00Z)', () => {
  const deadline = ms('2026-04-20T12:00:00Z');
  it.each([
    ['2026-04-01T08:00:00.000Z', 'on_time'],
    ['2026-04-13T12:00:00.000Z', 'on_time'], // exactly deadline - 7 x 24 h: still on time (same rule as the refill alert)
    ['2026-04-13T12:00:00.001Z', 'after_margin'],
    ['2026-04-20T12:00:00.000Z', 'after_margin'], // the deadline itself
    ['2026-04-20T12:00:00.001Z', 'after_deadline'],
  ])('%s is %s', (startsAt, expected) => {
    expect(bookingTiming(ms(startsAt), deadline, 7)).toBe(expected);
  });
  it('computes the booking deadline in days of 24 h, even across a clock change', () => {
    // 2026-04-01T12:00Z - 7 x 86,400,000 ms = 2026-03-25T12:00Z (Paris changed clocks on 03-29; instants do not care).
    expect(new Date(bookingDeadlineMs(ms('2026-04-01T12:00:00Z'), 7)).toISOString()).toBe('2026-03-25T12:00:00.000Z');
  });
});

describe('rankRefillSlots (deadline 2026-04-20 12:00Z, margin 7: target 2026-04-13 12:00Z)', () => {
  const deadline = ms('2026-04-20T12:00:00Z');
  const slot = (iso: string, clinicianId = 'anne'): Interval & { clinicianId: string } => ({
    clinicianId,
    startMs: ms(iso),
    endMs: ms(iso) + 30 * 60_000,
  });
  const slots = [
    '2026-04-21T12:00:00Z',
    '2026-04-06T12:00:00Z',
    '2026-04-15T12:00:00Z',
    '2026-04-13T12:00:00Z',
    '2026-04-22T12:00:00Z',
    '2026-04-10T06:00:00Z',
    '2026-04-19T12:00:00Z',
  ].map((s) => slot(s));
  const order = (ranked: { startMs: number }[]): string[] => ranked.map((s) => new Date(s.startMs).toISOString().slice(0, 16));

  it('puts on-time slots latest first, then after-margin earliest first, then after-deadline earliest first', () => {
    const ranked = rankRefillSlots(slots, { refillDeadlineMs: deadline, marginDays: 7, nowMs: ms('2026-04-01T00:00:00Z') });
    expect(order(ranked)).toEqual([
      '2026-04-13T12:00',
      '2026-04-10T06:00',
      '2026-04-06T12:00', // on time, closest to the target first
      '2026-04-15T12:00',
      '2026-04-19T12:00', // inside the margin, soonest first
      '2026-04-21T12:00',
      '2026-04-22T12:00', // after the deadline, soonest first
    ]);
    // Days before the deadline: 04-13 12:00 -> 7; 04-10 06:00 -> 10 d 6 h = 10.25; 04-21 12:00 -> -1.
    expect(ranked.map((s) => [s.timing, s.daysBeforeDeadline])).toEqual([
      ['on_time', 7],
      ['on_time', 10.25],
      ['on_time', 14],
      ['after_margin', 5],
      ['after_margin', 1],
      ['after_deadline', -1],
      ['after_deadline', -2],
    ]);
    expect(ranked[0].clinicianId).toBe('anne');
  });

  it('orders earliest first once now is past the booking deadline (nearly due or overdue), and drops past slots', () => {
    // now 2026-04-14: past the target (04-13 12:00); slots before now (04-06, 04-10, 04-13) are gone.
    const ranked = rankRefillSlots(slots, { refillDeadlineMs: deadline, marginDays: 7, nowMs: ms('2026-04-14T00:00:00Z') });
    expect(order(ranked)).toEqual(['2026-04-15T12:00', '2026-04-19T12:00', '2026-04-21T12:00', '2026-04-22T12:00']);
  });

  it('keeps the input order for slots at the same start (clinicians in the order given)', () => {
    const ranked = rankRefillSlots([slot('2026-04-10T12:00:00Z', 'ben'), slot('2026-04-10T12:00:00Z', 'anne')], {
      refillDeadlineMs: deadline,
      marginDays: 7,
      nowMs: 0,
    });
    expect(ranked.map((s) => s.clinicianId)).toEqual(['ben', 'anne']);
  });
});

describe('refillSlotsRange', () => {
  const now = ms('2026-03-02T10:00:00Z');
  it.each([
    // No from: now. No to: max(now + 42 d = 2026-04-13T10:00Z, deadline 2026-03-20 + 1 d) = 2026-04-13T10:00Z.
    ['defaults, deadline soon', {}, ms('2026-03-20T00:00:00Z'), '2026-03-02T10:00:00.000Z', '2026-04-13T10:00:00.000Z'],
    // Deadline 2026-06-01 + 1 d = 06-02 is later than now + 42 d: searched up to it.
    ['defaults, deadline far', {}, ms('2026-06-01T00:00:00Z'), '2026-03-02T10:00:00.000Z', '2026-06-02T00:00:00.000Z'],
    // Capped at from + 184 d: 2026-03-02T10:00Z + 184 d = 2026-09-02T10:00Z.
    ['defaults, deadline beyond the cap', {}, ms('2027-01-01T00:00:00Z'), '2026-03-02T10:00:00.000Z', '2026-09-02T10:00:00.000Z'],
    // A from in the past is raised to now; a given to is kept.
    [
      'from in the past',
      { from: '2026-03-01T00:00:00Z', to: '2026-03-09T00:00:00Z' },
      ms('2026-03-20T00:00:00Z'),
      '2026-03-02T10:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
    ],
  ])('%s', (_name, query, deadline, from, to) => {
    const range = refillSlotsRange(query, now, deadline);
    expect([new Date(range.fromMs).toISOString(), new Date(range.toMs).toISOString()]).toEqual([from, to]);
  });
});
