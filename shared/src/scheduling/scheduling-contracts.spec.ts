// Request schemas of refill scheduling: the fields a refusal names, and the defaults a valid request receives.
import {
  cancelAppointmentSchema,
  clinicianAvailabilitySchema,
  confirmRefillPlanSchema,
  createAppointmentSchema,
  createRoomSchema,
  refillPlanRequestSchema,
  refillSlotsQuerySchema,
  rescheduleAppointmentSchema,
} from './scheduling-contracts';

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.path.map(String).join('.'));
const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }): string[] =>
  result.success ? [] : result.error!.issues.map((issue) => issue.message);

const ID = '6f1c1d2e-0000-4000-8000-000000000001';
const ID2 = '6f1c1d2e-0000-4000-8000-000000000002';

describe('clinicianAvailabilitySchema', () => {
  const monday = { weekday: 1, start: '08:00', end: '12:00' };

  it('defaults overrides to an empty list', () => {
    expect(clinicianAvailabilitySchema.parse({ weekly: [monday] })).toEqual({ weekly: [monday], overrides: [] });
  });

  it('accepts touching sessions, the same hours on another weekday, and each kind of override', () => {
    const body = {
      weekly: [monday, { weekday: 1, start: '12:00', end: '16:00' }, { weekday: 2, start: '09:00', end: '11:00' }],
      overrides: [
        { date: '2026-03-02', available: false, note: 'Leave' },
        { date: '2026-03-03', available: false, start: '09:00', end: '10:00' },
        { date: '2026-03-07', available: true, start: '08:00', end: '12:00' },
      ],
    };
    expect(clinicianAvailabilitySchema.safeParse(body).success).toBe(true);
  });

  it.each([
    ['an end equal to the start', { weekly: [{ weekday: 1, start: '08:00', end: '08:00' }] }, 'weekly.0.end'],
    ['an end before the start', { weekly: [monday, { weekday: 3, start: '14:00', end: '13:00' }] }, 'weekly.1.end'],
    ['weekday 0 (ISO weeks run 1 Monday to 7 Sunday)', { weekly: [{ ...monday, weekday: 0 }] }, 'weekly.0.weekday'],
    ['weekday 8', { weekly: [{ ...monday, weekday: 8 }] }, 'weekly.0.weekday'],
    ['a time without leading zero', { weekly: [{ ...monday, start: '8:00' }] }, 'weekly.0.start'],
    ['24:00 as an end', { weekly: [{ ...monday, end: '24:00' }] }, 'weekly.0.end'],
    ['overlapping sessions on one weekday', { weekly: [monday, { weekday: 1, start: '11:30', end: '13:00' }] }, 'weekly.1.start'],
    ['a session inside another', { weekly: [monday, { weekday: 1, start: '09:00', end: '10:00' }] }, 'weekly.1.start'],
    [
      'an override end before its start',
      { weekly: [], overrides: [{ date: '2026-03-02', available: false, start: '10:00', end: '09:00' }] },
      'overrides.0.end',
    ],
    [
      'an override with a start and no end',
      { weekly: [], overrides: [{ date: '2026-03-02', available: false, start: '10:00' }] },
      'overrides.0.end',
    ],
    ['an extra session without times', { weekly: [], overrides: [{ date: '2026-03-02', available: true }] }, 'overrides.0.start'],
    ['an impossible date', { weekly: [], overrides: [{ date: '2026-02-30', available: false }] }, 'overrides.0.date'],
  ])('refuses %s', (_name, body, field) => {
    expect(fieldsOf(clinicianAvailabilitySchema.safeParse(body))).toEqual([field]);
  });

  it('names the session an overlap collides with', () => {
    expect(messagesOf(clinicianAvailabilitySchema.safeParse({ weekly: [monday, { weekday: 1, start: '11:30', end: '13:00' }] }))).toEqual([
      'overlaps weekly[0] (Mon 08:00-12:00)',
    ]);
  });
});

describe('createRoomSchema', () => {
  it('trims the name and refuses an empty one', () => {
    expect(createRoomSchema.parse({ clinicId: ID, name: '  Room 2 ' })).toEqual({ clinicId: ID, name: 'Room 2' });
    expect(fieldsOf(createRoomSchema.safeParse({ clinicId: ID, name: '   ' }))).toEqual(['name']);
  });
});

describe('createAppointmentSchema', () => {
  const body = { pumpId: ID, clinicianId: ID2, startsAt: '2026-03-02T08:00:00Z' };
  it('accepts the minimum and trims the override reason', () => {
    expect(createAppointmentSchema.parse({ ...body, overrideReason: '  patient travels  ' })).toEqual({
      ...body,
      overrideReason: 'patient travels',
    });
  });
  it.each([
    ['a start without offset', { startsAt: '2026-03-02T08:00:00' }, 'startsAt'],
    ['4 minutes', { durationMinutes: 4 }, 'durationMinutes'],
    ['241 minutes', { durationMinutes: 241 }, 'durationMinutes'],
    ['fractional minutes', { durationMinutes: 30.5 }, 'durationMinutes'],
    ['a blank override reason', { overrideReason: '   ' }, 'overrideReason'],
    ['an override reason of 501 characters', { overrideReason: 'x'.repeat(501) }, 'overrideReason'],
    ['a room that is not a UUID', { roomId: 'room-1' }, 'roomId'],
  ])('refuses %s', (_name, over, field) => {
    expect(fieldsOf(createAppointmentSchema.safeParse({ ...body, ...over }))).toEqual([field]);
  });
});

describe('rescheduleAppointmentSchema', () => {
  it('accepts removing the room with null', () => {
    expect(rescheduleAppointmentSchema.parse({ roomId: null })).toEqual({ roomId: null });
  });
  it.each([
    ['an empty change', {}, ''],
    ['only an override reason', { overrideReason: 'late' }, ''],
    ['a field that cannot change here', { pumpId: ID }, 'pumpId'],
    ['a status change (it has its own endpoints)', { status: 'cancelled' }, 'status'],
  ])('refuses %s', (_name, body, field) => {
    expect(fieldsOf(rescheduleAppointmentSchema.safeParse(body))).toEqual([field]);
  });
});

describe('cancelAppointmentSchema', () => {
  it('takes an optional trimmed reason', () => {
    expect(cancelAppointmentSchema.parse({})).toEqual({});
    expect(cancelAppointmentSchema.parse({ reason: ' ill ' })).toEqual({ reason: 'ill' });
  });
});

describe('refillSlotsQuerySchema', () => {
  it('defaults limit to 20 and coerces it from the query string', () => {
    expect(refillSlotsQuerySchema.parse({})).toEqual({ limit: 20 });
    expect(refillSlotsQuerySchema.parse({ limit: '50' })).toEqual({ limit: 50 });
  });
  it.each([
    ['limit 0', { limit: '0' }, 'limit'],
    ['limit 201', { limit: '201' }, 'limit'],
    ['limit not a number', { limit: 'many' }, 'limit'],
    ['to before from', { from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'to'],
    // 2026-03-01 + 184 days = 2026-09-01: one day more is refused.
    ['a span of 185 days', { from: '2026-03-01T00:00:00Z', to: '2026-09-02T00:00:00Z' }, 'to'],
  ])('refuses %s', (_name, query, field) => {
    expect(fieldsOf(refillSlotsQuerySchema.safeParse(query))).toEqual([field]);
  });
});

describe('refillPlanRequestSchema', () => {
  it('accepts 92 days exactly', () => {
    // 2026-03-01 + 92 days = 2026-06-01 (31 + 30 + 31 = 92).
    expect(refillPlanRequestSchema.safeParse({ from: '2026-03-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }).success).toBe(true);
  });
  it.each([
    ['93 days', { from: '2026-03-01T00:00:00Z', to: '2026-06-02T00:00:00Z' }, 'to'],
    ['to equal to from', { from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'to'],
    ['an empty clinician list', { from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z', clinicianIds: [] }, 'clinicianIds'],
    ['a clinician twice', { from: '2026-03-01T00:00:00Z', to: '2026-03-08T00:00:00Z', clinicianIds: [ID, ID] }, 'clinicianIds'],
  ])('refuses %s', (_name, body, field) => {
    expect(fieldsOf(refillPlanRequestSchema.safeParse(body))).toEqual([field]);
  });
});

describe('confirmRefillPlanSchema', () => {
  it('refuses the same pump twice, naming the second', () => {
    const appointment = { pumpId: ID, clinicianId: ID2, startsAt: '2026-03-02T08:00:00Z' };
    expect(
      fieldsOf(confirmRefillPlanSchema.safeParse({ appointments: [appointment, { ...appointment, startsAt: '2026-03-03T08:00:00Z' }] })),
    ).toEqual(['appointments.1.pumpId']);
  });
});
