// Cases of the appointment-too-late rule: the booked refill against the deadline now, exact 24 h days, override reasons respected.
import { appointmentTooLateFinding, AppointmentRuleInput } from './appointment-rule';

// Deadline 30 July 09:00Z, margin 7 days: the last safe start is 23 July 09:00Z.
const base: AppointmentRuleInput = {
  timeZone: 'Europe/Paris',
  forecast: { status: 'ok', refillDeadline: '2026-07-30T09:00:00.000Z' },
  settings: { warningHorizonDays: 21, bookingMarginDays: 7 },
  appointment: { id: 'a1', startsAt: '2026-07-23T09:00:00.000Z', overrideReason: null },
};
const at = (startsAt: string, overrideReason: string | null = null): AppointmentRuleInput => ({
  ...base,
  appointment: { id: 'a1', startsAt, overrideReason },
});

describe('appointment too late', () => {
  it.each([
    ['exactly the last safe start', '2026-07-23T09:00:00.000Z', null],
    ['a minute after it: inside the margin', '2026-07-23T09:01:00.000Z', 'warning'],
    ['exactly at the deadline', '2026-07-30T09:00:00.000Z', 'warning'],
    ['a minute after the deadline', '2026-07-30T09:01:00.000Z', 'urgent'],
  ])('%s', (_label, startsAt, severity) => {
    expect(appointmentTooLateFinding(at(startsAt))?.severity ?? null).toBe(severity);
  });

  it('stays quiet for a booking made late on purpose with a reason, without a booking, or without a forecast', () => {
    expect(appointmentTooLateFinding(at('2026-07-31T09:00:00.000Z', 'patient abroad'))).toBeNull();
    expect(appointmentTooLateFinding({ ...base, appointment: null })).toBeNull();
    expect(
      appointmentTooLateFinding({ ...at('2026-07-31T09:00:00.000Z'), forecast: { status: 'no_fill', refillDeadline: null } }),
    ).toBeNull();
  });

  it('names the booking and the deadline in the clinic time', () => {
    const finding = appointmentTooLateFinding(at('2026-07-31T07:00:00.000Z'));
    expect(finding).toMatchObject({
      kind: 'appointment_too_late',
      title: 'Booked refill is after the deadline',
      facts: { appointmentId: 'a1', refillDeadline: '2026-07-30T09:00:00.000Z' },
    });
    expect(finding?.message).toContain('2026-07-31 09:00');
    expect(finding?.message).toContain('2026-07-30 11:00');
  });
});
