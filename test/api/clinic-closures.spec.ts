// Clinic closures (issue 16) on real PostgreSQL with a ManualClock: add, list and remove a closure; no slot is offered on it (a
// pump's ranked slots, the calendar's free slots, the fleet planner); booking on it is refused naming startsAt unless a reason is given.
import type { AppointmentResponse, ClinicClosure, RefillPlanProposal, RefillSlotsResponse } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

// As in scheduling.spec.ts: 20 mL of 500 mcg/mL filled 2026-05-01T09:00Z at 100 mcg/day reaches its 2 mL alarm after 90 days:
// refill deadline 2026-07-30T09:00Z, booking deadline (7-day margin) 2026-07-23T09:00Z.
const START = '2026-06-01T12:00:00.000Z';
// Mon-Fri 08:00-12:00 Paris = 06:00-10:00Z in summer; slots 08:00, 08:40, 09:20, 10:00, 10:40, 11:20 local.
const WEEKDAYS_MORNING = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '12:00' }));
type Refusal = { fields?: { field: string; message: string }[] };

describe('clinic closures', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  let nurse: { id: string };
  const closuresPath = () => `/api/clinics/${clinic.id}/closures`;

  const newPump = async () => {
    const pump = await f.pump((await f.patient(clinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    return pump;
  };

  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinic = await f.clinic({ name: 'Closures Clinic' });
    nurse = await f.clinicianWithSessions(clinic.id, 'Nurse Closure', WEEKDAYS_MORNING);
  });
  beforeEach(() => clock.set(START));

  it('adds a one-day closure and a range, lists them by date, removes one, and refuses bad input naming the field', async () => {
    const christmas = await f.http.post<ClinicClosure>(closuresPath(), { startDate: '2026-12-25', label: 'Christmas Day' });
    expect(christmas.status).toBe(201);
    expect(christmas.body).toMatchObject({ clinicId: clinic.id, startDate: '2026-12-25', endDate: '2026-12-25', label: 'Christmas Day' });
    const summer = await f.http.post<ClinicClosure>(closuresPath(), {
      startDate: '2026-08-10',
      endDate: '2026-08-14',
      label: 'Summer shutdown',
    });
    expect(summer.status).toBe(201);
    expect((await f.http.get<ClinicClosure[]>(closuresPath())).body.map((c) => [c.startDate, c.endDate, c.label])).toEqual([
      ['2026-08-10', '2026-08-14', 'Summer shutdown'],
      ['2026-12-25', '2026-12-25', 'Christmas Day'],
    ]);

    const removed = await f.http.call('DELETE', `${closuresPath()}/${summer.body.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: summer.body.id, label: 'Summer shutdown' });
    expect((await f.http.get<ClinicClosure[]>(closuresPath())).body.map((c) => c.id)).toEqual([christmas.body.id]);
    const again = await f.http.call<Refusal>('DELETE', `${closuresPath()}/${summer.body.id}`);
    expect([again.status, again.body.fields?.[0].field]).toEqual([404, 'closureId']);

    const backwards = await f.http.post<Refusal>(closuresPath(), { startDate: '2026-12-26', endDate: '2026-12-24', label: 'Backwards' });
    expect([backwards.status, backwards.body.fields?.map((x) => x.field)]).toEqual([400, ['endDate']]);
    const unlabelled = await f.http.post<Refusal>(closuresPath(), { startDate: '2026-12-31', label: '' });
    expect([unlabelled.status, unlabelled.body.fields?.map((x) => x.field)]).toEqual([400, ['label']]);
    const noSuchDay = await f.http.post<Refusal>(closuresPath(), { startDate: '2026-02-30', label: 'x' });
    expect([noSuchDay.status, noSuchDay.body.fields?.map((x) => x.field)]).toEqual([400, ['startDate']]);
    await f.http.call('DELETE', `${closuresPath()}/${christmas.body.id}`);
  });

  it('offers no slot on a closed day: the best on-time slot moves from Thursday to Wednesday, and the calendar shows none that day', async () => {
    const pump = await newPump();
    // Latest on-time slot: Thu 23 Jul 10:40 Paris = 08:40Z (the booking deadline is 09:00Z).
    const before = (await f.http.get<RefillSlotsResponse>(`/api/pumps/${pump.id}/refill-slots?limit=3`)).body.slots;
    expect(before[0]).toMatchObject({
      startsAt: '2026-07-23T08:40:00.000Z',
      clinicianId: nurse.id,
      clinicianName: 'Nurse Closure',
      timing: 'on_time',
    });

    const closure = (await f.http.post<ClinicClosure>(closuresPath(), { startDate: '2026-07-23', label: 'Staff training day' })).body;
    const after = (await f.http.get<RefillSlotsResponse>(`/api/pumps/${pump.id}/refill-slots?limit=200`)).body.slots;
    // Then Wed 22 Jul 11:20 Paris = 09:20Z, the last slot of that morning.
    expect(after[0]).toMatchObject({ startsAt: '2026-07-22T09:20:00.000Z', timing: 'on_time' });
    expect(after.filter((s) => s.startsAt.startsWith('2026-07-23'))).toEqual([]);
    const calendar = (
      await f.http.get<{ startsAt: string }[]>(`/api/clinicians/${nurse.id}/free-slots?from=2026-07-20T00:00:00Z&to=2026-07-25T00:00:00Z`)
    ).body;
    expect(calendar.length).toBe(4 * 6); // Mon, Tue, Wed, Fri: six slots each; Thursday none.
    expect(calendar.filter((s) => s.startsAt.startsWith('2026-07-23'))).toEqual([]);

    // The clinician filter answers that clinician's slots only; another clinic's clinician is not known.
    const other = await f.clinicianWithSessions(clinic.id, 'Nurse Other', WEEKDAYS_MORNING);
    const filtered = (await f.http.get<RefillSlotsResponse>(`/api/pumps/${pump.id}/refill-slots?clinicianId=${other.id}&limit=5`)).body
      .slots;
    expect(filtered.map((s) => s.clinicianName)).toEqual(Array(5).fill('Nurse Other'));
    const stranger = await f.clinicianWithSessions((await f.clinic()).id, 'Nurse Stranger', WEEKDAYS_MORNING);
    const unknown = await f.http.get<Refusal>(`/api/pumps/${pump.id}/refill-slots?clinicianId=${stranger.id}`);
    expect([unknown.status, unknown.body.fields?.[0].field]).toEqual([404, 'clinicianId']);
    await f.http.call('PUT', `/api/clinicians/${other.id}/availability`, { weekly: [], overrides: [] });
    await f.http.call('DELETE', `${closuresPath()}/${closure.id}`);
  });

  it('refuses a booking on a closed day with 422 naming startsAt and the closure, and books it with an override reason', async () => {
    const closure = (await f.http.post<ClinicClosure>(closuresPath(), { startDate: '2026-07-16', label: 'Clinic move' })).body;
    const pump = await newPump();
    // Thu 16 Jul 08:00 Paris = 06:00Z: a whole slot of the nurse, on time, but the clinic is closed.
    const refused = await f.http.post<Refusal>('/api/appointments', {
      pumpId: pump.id,
      clinicianId: nurse.id,
      startsAt: '2026-07-16T06:00:00Z',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.fields).toEqual([{ field: 'startsAt', message: expect.stringContaining('Clinic move (2026-07-16') }]);
    // The same day the clinic reopens it is fine; a reason books the closed day anyway (an urgent refill is the scheduler's call).
    const forced = await f.http.post<AppointmentResponse>('/api/appointments', {
      pumpId: pump.id,
      clinicianId: nurse.id,
      startsAt: '2026-07-16T06:00:00Z',
      overrideReason: 'Urgent: only day the patient can come',
    });
    expect(forced.status).toBe(201);
    // Rescheduling onto a closed day is refused the same way.
    const otherPump = await newPump();
    const booked = (
      await f.http.post<AppointmentResponse>('/api/appointments', {
        pumpId: otherPump.id,
        clinicianId: nurse.id,
        startsAt: '2026-07-15T06:00:00Z',
      })
    ).body;
    const moved = await f.http.call<Refusal>('PATCH', `/api/appointments/${booked.id}`, { startsAt: '2026-07-16T06:40:00Z' });
    expect([moved.status, moved.body.fields?.[0].field]).toEqual([422, 'startsAt']);
    for (const id of [forced.body.id, booked.id]) await f.http.post(`/api/appointments/${id}/cancel`, {});
    await f.http.call('DELETE', `${closuresPath()}/${closure.id}`);
  });

  it('plans no refill on a closed day', async () => {
    const planClinic = await f.clinic({ name: 'Closures Plan Clinic' });
    const planNurse = await f.clinicianWithSessions(planClinic.id, 'Nurse Plan', WEEKDAYS_MORNING);
    const pump = await f.pump((await f.patient(planClinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    const plan = async () =>
      (await f.http.post<RefillPlanProposal>('/api/refill-plan', { clinicId: planClinic.id, from: START, to: '2026-08-01T00:00:00Z' })).body
        .proposals;
    // Target = the booking deadline 23 Jul 09:00Z: the latest slot at or before it is Thursday 08:40Z; closed, Wednesday 09:20Z.
    expect((await plan()).map((p) => [p.pumpId, p.clinicianId, p.startsAt])).toEqual([[pump.id, planNurse.id, '2026-07-23T08:40:00.000Z']]);
    expect(
      (await f.http.post(`/api/clinics/${planClinic.id}/closures`, { startDate: '2026-07-23', label: 'Staff training day' })).status,
    ).toBe(201);
    expect((await plan()).map((p) => [p.pumpId, p.startsAt, p.timing])).toEqual([[pump.id, '2026-07-22T09:20:00.000Z', 'on_time']]);
  });
});
