// Refill scheduling on real PostgreSQL with a ManualClock: no double booking under concurrency (exclusion constraints), the
// margin/deadline/availability rules, reschedule, complete (fill + forecast reset + refill alert resolved), DST-week slots,
// slot ranking, a deadline that moves past a booking, the fleet planner, the worksheet, the CSV export and the iCalendar feed.
import type { AppointmentResponse, RefillPlanProposal, RefillSlotsResponse } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { NameWhoBookedAndRecorded1796990000000 } from '../../migrations/1796990000000-NameWhoBookedAndRecorded';
import { fixtures, queryRows } from '../support/fixtures';
import { runMigrationStep } from '../support/migration-step';
import { useTestServer } from '../support/test-server';

// The test pump: 20 mL of 500 mcg/mL filled 2026-05-01T09:00Z, 100 mcg/day = 0.2 mL/day: alarm (2 mL) after 90 days, so the
// refill deadline is 2026-07-30T09:00Z and, with the clinic's 7-day margin, the booking deadline 2026-07-23T09:00Z.
const START = '2026-06-01T12:00:00.000Z';
const DEADLINE = '2026-07-30T09:00:00.000Z';
const BOOK_BY = '2026-07-23T09:00:00.000Z';
// Mon-Fri 08:00-12:00 in Paris (UTC+2 in summer: 06:00-10:00Z). Slots every 30 + 10 minutes: 08:00, 08:40, 09:20, 10:00, 10:40, 11:20.
const WEEKDAYS_MORNING = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '12:00' }));

describe('refill scheduling', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  let nurse: { id: string };

  const newPump = async () => {
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    return { patient, pump };
  };
  const newClinician = (name: string) => f.clinicianWithSessions(clinic.id, name, WEEKDAYS_MORNING);
  const book = (body: Record<string, unknown>) =>
    f.http.post<AppointmentResponse & { fields?: { field: string; message: string }[] }>('/api/appointments', body);
  /** Every alert of the pump, resolved ones included, straight from the database. */
  const alertsOf = (pumpId: string) =>
    queryRows<{ kind: string; status: string; severity: string }>(
      server.databaseUrl,
      'SELECT kind, status, severity FROM alerts WHERE pump_id = $1',
      [pumpId],
    );

  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Scheduling Clinic' });
    nurse = await newClinician('Nurse Schedule');
  });
  beforeEach(() => clock.set(START));

  it('books exactly one of 20 concurrent overlapping requests; the others get 409 naming the clinician and the appointment', async () => {
    const clinician = await newClinician('Nurse Race');
    // Set up concurrently too: 20 writers racing the alert engine for pump locks and pooled connections must all get through.
    const pumps = await Promise.all(Array.from({ length: 20 }, () => newPump()));
    // Mon 20 Jul 08:00 Paris = 06:00Z, and 08:10 (inside the first booking plus its buffer) for half of them.
    const results = await Promise.all(
      pumps.map(({ pump }, i) =>
        book({
          pumpId: pump.id,
          clinicianId: clinician.id,
          startsAt: i % 2 === 0 ? '2026-07-20T06:00:00Z' : '2026-07-20T06:10:00Z',
          overrideReason: i % 2 === 0 ? undefined : 'squeezed in',
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = results.find((r) => r.status === 201)!.body;
    const winnerName = pumps.find(({ pump }) => pump.id === winner.pumpId)!.patient.displayName;
    // The appointment in the way is named by its patient and its times on the clinic's clock (Paris, CEST), never by its id:
    // the winner started at 06:00Z (08:00-08:30 CEST) or 06:10Z (08:10-08:40 CEST).
    const [from, to] = winner.startsAt === '2026-07-20T06:00:00.000Z' ? ['08:00', '08:30'] : ['08:10', '08:40'];
    for (const refused of results.filter((r) => r.status === 409)) {
      expect(refused.body.fields).toEqual([
        {
          field: 'clinicianId',
          message: `is already booked: the clinician has the refill of ${winnerName} from Mon 20 Jul 2026 ${from} CEST to Mon 20 Jul 2026 ${to} CEST (plus the turnover buffer)`,
        },
      ]);
      expect(refused.body.fields?.[0].message).not.toContain(winner.id);
    }
    const rows = await queryRows<{ n: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n FROM appointments WHERE clinician_id = $1 AND status = 'booked'`,
      [clinician.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('keeps one booked refill per pump and the turnover buffer free for the clinician', async () => {
    const { pump } = await newPump();
    const first = await book({ pumpId: pump.id, clinicianId: nurse.id, startsAt: '2026-07-21T06:00:00Z' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'booked',
      startsAt: '2026-07-21T06:00:00.000Z',
      endsAt: '2026-07-21T06:30:00.000Z',
      refillDeadline: DEADLINE,
      bookingDeadline: BOOK_BY,
      timing: 'on_time',
    });
    const again = await book({ pumpId: pump.id, clinicianId: nurse.id, startsAt: '2026-07-21T06:40:00Z' });
    expect(again.status).toBe(409);
    expect(again.body.fields?.[0].field).toBe('pumpId');
    // 06:30-06:40Z is the buffer after the first: another pump at 06:35 (with a reason, off the grid) still collides.
    const other = await newPump();
    const inBuffer = await book({
      pumpId: other.pump.id,
      clinicianId: nurse.id,
      startsAt: '2026-07-21T06:35:00Z',
      overrideReason: 'extra visit',
    });
    expect(inBuffer.status).toBe(409);
    expect(inBuffer.body.fields?.[0].field).toBe('clinicianId');
  });

  it('refuses, naming the field, a booking in the past, outside availability, off the slot grid, or after the margin without a reason', async () => {
    const { pump } = await newPump();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ startsAt: '2026-06-01T06:00:00Z' }, 'startsAt', /in the past/],
      [{ startsAt: '2026-07-18T06:00:00Z' }, 'startsAt', /outside Nurse Schedule's availability/], // a Saturday
      [{ startsAt: '2026-07-20T06:15:00Z' }, 'startsAt', /whole slot/],
      // Times on the clinic's clock with the zone as the dashboard writes it (CEST), never luxon's 'GMT+2'.
      [{ startsAt: '2026-07-24T06:00:00Z' }, 'overrideReason', /after the booking deadline \(\w{3} \d+ Jul 2026 \d{2}:\d{2} CEST,/],
      [{ startsAt: '2026-07-31T06:00:00Z' }, 'overrideReason', /after the pump's refill deadline/],
    ];
    for (const [body, field, message] of cases) {
      const res = await book({ pumpId: pump.id, clinicianId: nurse.id, ...body });
      expect([body.startsAt, res.status]).toEqual([body.startsAt, 422]);
      expect(res.body.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
    }
    expect(await queryRows(server.databaseUrl, 'SELECT 1 FROM appointments WHERE pump_id = $1', [pump.id])).toHaveLength(0);
    // After the deadline only with a reason, and it says so (shown in red on the dashboard).
    const late = await book({
      pumpId: pump.id,
      clinicianId: nurse.id,
      startsAt: '2026-07-31T06:00:00Z',
      overrideReason: 'patient abroad until 31 July',
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ timing: 'after_deadline', overrideReason: 'patient abroad until 31 July' });
  });

  it('reschedules under the same rules and keeps the audit trail', async () => {
    const { pump } = await newPump();
    const booked = (await book({ pumpId: pump.id, clinicianId: nurse.id, startsAt: '2026-07-22T06:00:00Z' })).body;
    expect((await f.http.call('PATCH', `/api/appointments/${booked.id}`, { startsAt: '2026-07-27T06:00:00Z' })).status).toBe(422);
    const moved = await f.http.call<AppointmentResponse>('PATCH', `/api/appointments/${booked.id}`, { startsAt: '2026-07-22T06:40:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: booked.id,
      startsAt: '2026-07-22T06:40:00.000Z',
      endsAt: '2026-07-22T07:10:00.000Z',
      timing: 'on_time',
    });
    const audit = await queryRows<{ action: string }>(server.databaseUrl, `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [
      booked.id,
    ]);
    expect(audit.map((a) => a.action)).toEqual(['appointment.booked', 'appointment.rescheduled']);
    // A no-show before the start is refused, the start given on the clinic's wall clock (Paris, summer time), not in UTC.
    const early = await f.http.post<{ fields: { field: string; message: string }[] }>(`/api/appointments/${booked.id}/no-show`, {});
    expect([early.status, early.body.fields]).toEqual([
      422,
      [{ field: 'status', message: 'cannot be no-show before the appointment starts (Wed 22 Jul 2026 08:40 CEST)' }],
    ]);
    const cancelled = await f.http.post<AppointmentResponse>(`/api/appointments/${booked.id}/cancel`, { reason: 'patient ill' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', statusReason: 'patient ill' });
    expect((await f.http.call('PATCH', `/api/appointments/${booked.id}`, { startsAt: '2026-07-22T07:20:00Z' })).status).toBe(409);
  });

  it('completes a refill: the fill and the residual in one transaction, the forecast reset, the refill alert resolved', async () => {
    const { pump } = await newPump();
    clock.set('2026-07-24T12:00:00Z'); // 5.9 days before the deadline: urgent refill alert
    await engine.sweep();
    expect((await alertsOf(pump.id)).find((a) => a.kind === 'refill_due')).toMatchObject({ status: 'open', severity: 'urgent' });
    const booked = await book({
      pumpId: pump.id,
      clinicianId: nurse.id,
      startsAt: '2026-07-27T06:00:00Z',
      overrideReason: 'first free slot',
    });
    expect(booked.status).toBe(201);
    clock.set('2026-07-27T06:20:00Z');
    const refused = await f.http.post(`/api/appointments/${booked.body.id}/complete`, {
      filledAt: '2026-07-27T06:15:00Z',
      concentrationMcgPerMl: 500,
      volumeMl: 20,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.fields[0].field).toBe('aspiratedResidualMl');
    const done = await f.http.post<AppointmentResponse>(`/api/appointments/${booked.body.id}/complete`, {
      filledAt: '2026-07-27T06:15:00Z',
      concentrationMcgPerMl: 500,
      volumeMl: 20,
      aspiratedResidualMl: 2.5,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', fillId: expect.any(String) });
    const fills = (await f.http.get(`/api/pumps/${pump.id}/fills`)).body as { id: string; aspiratedResidualMl: number }[];
    expect(fills.at(-1)).toMatchObject({ id: done.body.fillId, aspiratedResidualMl: 2.5 });
    // 20 mL at 0.2 mL/day from 2026-07-27T06:15Z: the nominal alarm (2 mL) 90 days later.
    const forecast = (await f.http.get(`/api/pumps/${pump.id}/forecast`)).body;
    expect(forecast.nominal.lowReservoirAlarmAt).toBe('2026-10-25T06:15:00.000Z');
    // 2.5 mL aspirated of 2.6229 expected (86.885 days at 0.2 mL/day): 17.5 of 17.3771 mL, 1.00707, shrunk (1.00707 + 0.5) / 1.5
    // = 1.004716 (issue 13): the deadline is the alarm at that flow, 90 / 1.004716 days = 10 h 8 min 20 s earlier.
    expect(forecast.calibrated).toMatchObject({ flowFactor: expect.closeTo(1.004716, 6), intervals: 1 });
    expect(forecast).toMatchObject({ refillDeadline: '2026-10-24T20:06:40.000Z', deadlineReason: 'calibrated_flow' });
    await engine.processPendingEvents();
    expect((await alertsOf(pump.id)).find((a) => a.kind === 'refill_due')).toMatchObject({ status: 'resolved' });
  });

  it('offers slots of a DST week on the local clock: 08:00 Paris is 07:00Z before the change and 06:00Z after', async () => {
    clock.set('2026-03-20T12:00:00Z');
    const res = await f.http.get<{ startsAt: string }[]>(
      `/api/clinicians/${nurse.id}/free-slots?from=2026-03-27T00:00:00Z&to=2026-03-31T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    const starts = res.body.map((s) => s.startsAt);
    // Fri 27 March (UTC+1): 07:00Z first; Mon 30 March (UTC+2): 06:00Z first; nothing on the weekend of the change.
    expect(starts.filter((s) => s.startsWith('2026-03-27'))[0]).toBe('2026-03-27T07:00:00.000Z');
    expect(starts.filter((s) => s.startsWith('2026-03-30'))[0]).toBe('2026-03-30T06:00:00.000Z');
    expect(starts.filter((s) => s.startsWith('2026-03-28') || s.startsWith('2026-03-29'))).toEqual([]);
    expect(starts.filter((s) => s.startsWith('2026-03-30'))).toHaveLength(6);
  });

  it('ranks refill slots: the latest on-time slots first (least drug wasted), then late ones earliest first', async () => {
    const { pump } = await newPump();
    const res = await f.http.get<RefillSlotsResponse>(
      `/api/pumps/${pump.id}/refill-slots?from=2026-07-20T00:00:00Z&to=2026-08-01T00:00:00Z&limit=200`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ refillDeadline: DEADLINE, bookingDeadline: BOOK_BY, pastBookingDeadline: false });
    const slots = res.body.slots;
    // The last on-time slot: Thu 23 July 11:20 Paris = 09:20Z ends 09:50Z, but starts after 09:00Z; so 08:40Z (10:40 local).
    expect(slots[0]).toMatchObject({ startsAt: '2026-07-23T08:40:00.000Z', timing: 'on_time' });
    const timings = slots.map((s) => s.timing);
    // 20-23 July on time (4 mornings, the last cut at 09:00Z), 23-30 July after the margin, 30-31 July after the deadline.
    expect(timings.indexOf('after_margin')).toBeGreaterThan(timings.lastIndexOf('on_time'));
    expect(timings.indexOf('after_deadline')).toBeGreaterThan(timings.lastIndexOf('after_margin'));
    const onTimeStarts = slots.filter((s) => s.timing === 'on_time').map((s) => Date.parse(s.startsAt));
    expect(onTimeStarts).toEqual([...onTimeStarts].sort((a, b) => b - a));
  });

  it('raises an alert when the deadline moves before a booked appointment, and resolves it when rebooked', async () => {
    const { pump } = await newPump();
    const booked = (await book({ pumpId: pump.id, clinicianId: nurse.id, startsAt: '2026-07-23T06:00:00Z' })).body;
    await engine.processPendingEvents();
    expect((await alertsOf(pump.id)).find((a) => a.kind === 'appointment_too_late')).toBeUndefined();
    // Doubling the dose from 1 June: 0.4 mL/day from then; the deadline moves weeks earlier, before the booking.
    clock.set('2026-06-02T12:00:00Z');
    await f.program(pump.id, {
      effectiveFrom: '2026-06-02T08:00:00Z',
      steps: [{ startTime: '00:00', doseMcgPerDay: 200 }],
      doseChangeReason: 'spasticity returned',
    });
    await engine.processPendingEvents();
    const fleet = (await f.http.get(`/api/pumps?clinicId=${clinic.id}`)).body as {
      pump: { id: string };
      nextAppointment: { id: string; timing: string };
    }[];
    expect(fleet.find((p) => p.pump.id === pump.id)!.nextAppointment).toMatchObject({ id: booked.id, timing: 'after_deadline' });
    expect((await alertsOf(pump.id)).find((a) => a.kind === 'appointment_too_late')).toMatchObject({ status: 'open', severity: 'urgent' });
    const slots = (await f.http.get<RefillSlotsResponse>(`/api/pumps/${pump.id}/refill-slots?limit=1`)).body.slots;
    expect(
      (await f.http.call('PATCH', `/api/appointments/${booked.id}`, { startsAt: slots[0].startsAt, clinicianId: slots[0].clinicianId }))
        .status,
    ).toBe(200);
    await engine.processPendingEvents();
    expect((await alertsOf(pump.id)).find((a) => a.kind === 'appointment_too_late')).toMatchObject({ status: 'resolved' });
  });

  it('plans the unbooked pumps of the clinic within availability, and books the plan only when confirmed', async () => {
    const planClinic = await f.clinic({ name: 'Plan Clinic' });
    const patient = async () => f.patient(planClinic.id);
    const pumps = [];
    for (let i = 0; i < 3; i++) {
      const pump = await f.pump((await patient()).id);
      await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
      await f.fill(pump.id, { filledAt: `2026-05-0${i + 1}T09:00:00Z`, volumeMl: 20, concentrationMcgPerMl: 500 });
      pumps.push(pump);
    }
    // One morning a week (Tuesday 08:00-09:20 Paris: two slots).
    await f.clinicianWithSessions(planClinic.id, 'Planner Nurse', [{ weekday: 2, start: '08:00', end: '09:20' }]);
    const proposal = await f.http.post<RefillPlanProposal>('/api/refill-plan', {
      clinicId: planClinic.id,
      from: START,
      to: '2026-08-01T00:00:00Z',
    });
    expect(proposal.status).toBe(200);
    // Booking deadlines 23, 24 and 25 July (Thu, Fri, Sat): the latest Tuesday slots before them are 21 July 06:00Z and 06:40Z, and 14 July.
    expect(proposal.body.summary).toMatchObject({ placed: 3, onTime: 3, afterMargin: 0, unplaced: 0 });
    expect(proposal.body.proposals.map((p) => p.startsAt).sort()).toEqual([
      '2026-07-14T06:40:00.000Z',
      '2026-07-21T06:00:00.000Z',
      '2026-07-21T06:40:00.000Z',
    ]);
    expect(await queryRows(server.databaseUrl, 'SELECT 1 FROM appointments WHERE clinic_id = $1', [planClinic.id])).toHaveLength(0);
    const confirmed = await f.http.post<{ booked: AppointmentResponse[] }>('/api/refill-plan/confirm', {
      appointments: proposal.body.proposals.map((p) => ({ pumpId: p.pumpId, clinicianId: p.clinicianId, startsAt: p.startsAt })),
    });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.booked.map((a) => a.timing)).toEqual(['on_time', 'on_time', 'on_time']);
    // Booked by the administrator, named as the dashboard names people (the bootstrap account's name, not its e-mail).
    expect(confirmed.body.booked.map((a) => a.bookedByLabel)).toEqual(['Administrator', 'Administrator', 'Administrator']);
    // Confirming the same plan again books nothing: every pump already has its refill.
    const twice = await f.http.post('/api/refill-plan/confirm', {
      appointments: proposal.body.proposals.map((p) => ({ pumpId: p.pumpId, clinicianId: p.clinicianId, startsAt: p.startsAt })),
    });
    expect(twice.status).toBe(409);
    expect(twice.body.fields[0].field).toMatch(/^appointments\.0\./);
  });

  it('names who booked as colleagues know them, bookings stored with the account e-mail before included', async () => {
    const scheduler = await f.member(clinic.id, 'scheduler', 'Sam Scheduler', { email: `sam-${Date.now()}@pumpwatch.test` });
    const clinician = await newClinician('Nurse Named');
    const { pump } = await newPump();
    const booked = await scheduler.http.post<AppointmentResponse>('/api/appointments', {
      pumpId: pump.id,
      clinicianId: clinician.id,
      startsAt: '2026-07-22T06:00:00Z',
    });
    expect(booked.status).toBe(201);
    // `bookedBy` stays the user's id; the label is the person's name, never the e-mail.
    expect(booked.body).toMatchObject({ bookedBy: scheduler.id, bookedByLabel: 'Sam Scheduler' });
    const [stored] = await queryRows<{ booked_by_label: string }>(
      server.databaseUrl,
      'SELECT booked_by_label FROM appointments WHERE id = $1',
      [booked.body.id],
    );
    expect(stored.booked_by_label).toBe('Sam Scheduler');

    // A booking written before names were kept holds the account e-mail: the migration names the person, and down restores it.
    await queryRows(server.databaseUrl, 'UPDATE appointments SET booked_by_label = $2 WHERE id = $1', [booked.body.id, scheduler.email]);
    expect((await f.http.get<AppointmentResponse>(`/api/appointments/${booked.body.id}`)).body.bookedByLabel).toBe(scheduler.email);
    await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'up');
    expect((await f.http.get<AppointmentResponse>(`/api/appointments/${booked.body.id}`)).body).toMatchObject({
      bookedBy: scheduler.id,
      bookedByLabel: 'Sam Scheduler',
    });
    const listed = await f.http.get<AppointmentResponse[]>(`/api/appointments?pumpId=${pump.id}`);
    expect(listed.body.map((a) => a.bookedByLabel)).toEqual(['Sam Scheduler']);
    await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'down');
    expect((await f.http.get<AppointmentResponse>(`/api/appointments/${booked.body.id}`)).body.bookedByLabel).toBe(scheduler.email);
    await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'up');
  });

  it('prints a worksheet, exports the fleet as CSV, and serves a calendar feed without patient identifiers', async () => {
    const { patient, pump } = await newPump();
    const booked = (await book({ pumpId: pump.id, clinicianId: nurse.id, startsAt: '2026-07-17T06:00:00Z' })).body;
    const sheet = await f.http.get<string>(`/api/appointments/${booked.id}/worksheet`);
    expect(sheet.status).toBe(200);
    expect(sheet.body).toContain(patient.displayName);
    expect(sheet.body).toContain('baclofen 500 mcg/mL');
    // Expected residual on 17 July 06:00Z: 20 - 0.2 x 76.875 days = 4.6 mL.
    expect(sheet.body).toContain('4.6 mL (nominal)');
    const csv = await f.http.get<string>(`/api/clinics/${clinic.id}/fleet.csv`);
    expect(csv.status).toBe(200);
    const line = csv.body.split('\r\n').find((l) => l.includes(patient.mrn))!;
    expect(line).toContain(DEADLINE);
    expect(line).toContain('2026-07-17 08:00');
    expect(line).toContain('on_time');
    const feed = await f.http.post<{ id: string; token: string; path: string }>('/api/calendar-feeds', {
      clinicianId: nurse.id,
      name: 'Nurse phone',
    });
    expect(feed.status).toBe(201);
    const ics = await fetch(`${server.baseUrl}${feed.body.path}`);
    expect(ics.status).toBe(200);
    const text = await ics.text();
    expect(text).toContain(`UID:${booked.id}@pumpwatch`);
    expect(text).toContain('DTSTART:20260717T060000Z');
    expect(text).not.toContain(patient.displayName);
    expect(text).not.toContain(patient.mrn);
    expect(text).not.toContain(pump.serialNumber);
    const stored = await queryRows<{ token_hash: Buffer }>(
      server.databaseUrl,
      'SELECT token_hash FROM calendar_feed_tokens WHERE id = $1',
      [feed.body.id],
    );
    expect(stored[0].token_hash.toString('utf8')).not.toContain(feed.body.token);
    expect((await f.http.post(`/api/calendar-feeds/${feed.body.id}/revoke`, {})).status).toBe(200);
    expect((await fetch(`${server.baseUrl}${feed.body.path}`)).status).toBe(404);
  });
});
