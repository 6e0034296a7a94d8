// Refill deadline rule at and around each band: exact multiples of 24 h, the clinic's horizon, booking margin, overdue.
import { refillDeadlineFinding, RefillDeadlineRuleInput } from './refill-deadline-rule';

// Deadline 2026-07-30T09:00Z = 11:00 in Paris (CEST, UTC+2).
const DEADLINE = '2026-07-30T09:00:00.000Z';
const base = (now: string, overrides: Partial<RefillDeadlineRuleInput> = {}): RefillDeadlineRuleInput => ({
  now,
  timeZone: 'Europe/Paris',
  settings: { warningHorizonDays: 21, bookingMarginDays: 2 },
  forecast: { status: 'ok', refillDeadline: DEADLINE, deadlineReason: 'low_reservoir' },
  ...overrides,
});

describe('refill deadline rule', () => {
  it.each([
    // [now, expected severity or null, title]
    ['2026-07-09T08:59:59Z', null, null], // 21 days and 1 s left: nothing yet
    ['2026-07-09T09:00:00Z', 'warning', 'Refill due within 21 days'], // exactly 21 x 24 h
    ['2026-07-23T08:59:59Z', 'warning', 'Refill due within 21 days'], // 7 days and 1 s
    ['2026-07-23T09:00:00Z', 'urgent', 'Refill due within 7 days'], // exactly 7 x 24 h
    ['2026-07-28T08:59:59Z', 'urgent', 'Refill due within 7 days'], // 2 days and 1 s
    ['2026-07-28T09:00:00Z', 'critical', 'Refill due within 2 days'], // exactly 2 x 24 h
    ['2026-07-30T09:00:00Z', 'critical', 'Refill due within 2 days'], // at the deadline: not yet overdue
    ['2026-07-30T09:00:01Z', 'critical', 'Refill overdue'], // 1 s past the deadline
    ['2026-09-01T00:00:00Z', 'critical', 'Refill overdue'],
  ])('at %s: %s', (now, severity, title) => {
    const finding = refillDeadlineFinding(base(now));
    if (severity === null) expect(finding).toBeNull();
    else expect(finding).toMatchObject({ kind: 'refill_due', severity, title });
  });

  it('names the deadline in the clinic zone, its reason and the last safe booking, in the facts too', () => {
    const finding = refillDeadlineFinding(base('2026-07-25T00:00:00Z'));
    expect(finding?.message).toBe(
      'Refill by 2026-07-30 11:00 CEST (worst-case low-reservoir alarm). No refill appointment is booked before 2026-07-28 11:00 CEST.',
    );
    expect(finding?.facts).toEqual({
      refillDeadline: DEADLINE,
      deadlineReason: 'low_reservoir',
      bookBy: '2026-07-28T09:00:00.000Z',
      overdue: false,
    });
  });

  it('says so once the last safe booking has passed', () => {
    expect(refillDeadlineFinding(base('2026-07-29T00:00:00Z'))?.message).toBe(
      'Refill by 2026-07-30 11:00 CEST (worst-case low-reservoir alarm). No refill appointment was booked by 2026-07-28 11:00 CEST, the last safe booking.',
    );
  });

  it('warns at the clinic horizon when the clinic changed it (30 days)', () => {
    const settings = { warningHorizonDays: 30, bookingMarginDays: 2 };
    expect(refillDeadlineFinding(base('2026-06-30T08:59:59Z', { settings }))).toBeNull();
    expect(refillDeadlineFinding(base('2026-06-30T09:00:00Z', { settings }))?.severity).toBe('warning');
  });

  it('counts whole 24 h days across a daylight-saving change, not calendar days', () => {
    // Paris leaves summer time on 2026-10-25: deadline 2026-10-26T09:00Z; 7 x 24 h before is 2026-10-19T09:00Z.
    const forecast = { status: 'ok' as const, refillDeadline: '2026-10-26T09:00:00.000Z', deadlineReason: 'drug_stability' as const };
    expect(refillDeadlineFinding(base('2026-10-19T08:59:59Z', { forecast }))?.severity).toBe('warning');
    expect(refillDeadlineFinding(base('2026-10-19T09:00:00Z', { forecast }))?.severity).toBe('urgent');
  });

  describe('with an appointment (scheduling issue)', () => {
    it('raises nothing when it starts at or before the deadline minus the booking margin', () => {
      // bookBy = 2026-07-28T09:00Z
      expect(refillDeadlineFinding(base('2026-07-25T00:00:00Z', { appointmentStartsAt: '2026-07-28T09:00:00Z' }))).toBeNull();
      expect(refillDeadlineFinding(base('2026-07-29T00:00:00Z', { appointmentStartsAt: '2026-07-20T09:00:00Z' }))).toBeNull();
    });

    it('still raises when it starts after the last safe booking, and says so', () => {
      const finding = refillDeadlineFinding(base('2026-07-25T00:00:00Z', { appointmentStartsAt: '2026-07-28T09:00:01Z' }));
      expect(finding?.severity).toBe('urgent');
      expect(finding?.message).toContain(
        'The appointment at 2026-07-28 11:00 CEST is later than 2026-07-28 11:00 CEST, the last safe booking.',
      );
    });

    it('is overdue past the deadline whatever the booking', () => {
      expect(refillDeadlineFinding(base('2026-07-30T09:00:01Z', { appointmentStartsAt: '2026-07-20T09:00:00Z' }))?.title).toBe(
        'Refill overdue',
      );
    });
  });

  it.each([
    ['no fill', { status: 'no_fill' as const, refillDeadline: null, deadlineReason: null }],
    ['no program', { status: 'no_program' as const, refillDeadline: null, deadlineReason: null }],
  ])('raises nothing without a forecast (%s)', (_name, forecast) => {
    expect(refillDeadlineFinding(base('2026-07-29T00:00:00Z', { forecast }))).toBeNull();
  });
});
