// One booking margin: a clinic whose own margin (4 days) is neither the scheduling default (7) nor the alert rules' old constant (2)
// has the scheduler (refill slots' booking deadline, bookings without an override) and the appointment alert rule judge a booked
// refill against the same instant, its refill deadline minus those 4 days.
import { DAY_MS } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

const START = '2026-03-02T07:00:00.000Z';
const MARGIN_DAYS = 4;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));

interface SlotsAnswer {
  refillDeadline: string;
  bookingDeadline: string;
  slots: { clinicianId: string; startsAt: string; timing: string }[];
}

describe('booking margin of a clinic', () => {
  const clock = new ManualClock(START);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });

  it('is the one the scheduler books by and the one the appointment alert rule judges by', async () => {
    const f = fixtures(server.baseUrl);
    const clinic = await f.clinic();
    const settings = await f.http.call('PATCH', `/api/clinics/${clinic.id}/settings`, { bookingMarginDays: MARGIN_DAYS });
    expect(settings.status).toBe(200);
    const nurse = await f.clinicianWithSessions(clinic.id, 'Nurse Margin', EVERY_DAY);
    const pump = await f.pump((await f.patient(clinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2026-03-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] });
    // 6 mL at 0.2 mL a day: the low-reservoir alarm (and so the deadline) about three weeks out.
    await f.fill(pump.id, { filledAt: '2026-03-01T09:00:00Z', volumeMl: 6, concentrationMcgPerMl: 500 });

    // The scheduler: its booking deadline is the refill deadline minus the clinic's 4 days.
    const deadline = Date.parse((await f.http.get<SlotsAnswer>(`/api/pumps/${pump.id}/refill-slots?limit=1`)).body.refillDeadline);
    const around = new URLSearchParams({
      from: new Date(deadline - 7 * DAY_MS).toISOString(),
      to: new Date(deadline).toISOString(),
      limit: '200',
    });
    const slots = (await f.http.get<SlotsAnswer>(`/api/pumps/${pump.id}/refill-slots?${around}`)).body;
    expect(Date.parse(slots.refillDeadline) - Date.parse(slots.bookingDeadline)).toBe(MARGIN_DAYS * DAY_MS);
    // A slot between 4 and 7 days before the deadline is on time here (it would need an override under the 7-day default).
    const lateButOnTime = slots.slots
      .filter((s) => s.timing === 'on_time' && Date.parse(s.startsAt) > Date.parse(slots.refillDeadline) - 7 * DAY_MS)
      .sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt))[0];
    expect(lateButOnTime).toBeDefined();
    const booked = await f.http.post('/api/appointments', { pumpId: pump.id, clinicianId: nurse.id, startsAt: lateButOnTime.startsAt });
    expect(booked.status).toBe(201);
    // Past the 4 days, a booking needs its override reason.
    const pastMargin = slots.slots.find((s) => s.timing === 'after_margin');
    expect(pastMargin).toBeDefined();
    const refused = await f.http.post<{ fields: { field: string; message: string }[] }>('/api/appointments', {
      pumpId: pump.id,
      clinicianId: nurse.id,
      startsAt: pastMargin!.startsAt,
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.fields.map((e) => e.field)).toContain('overrideReason');
    expect(refused.body.fields.find((e) => e.field === 'overrideReason')?.message).toContain(
      `${MARGIN_DAYS} days before the refill deadline`,
    );

    // The deadline moves earlier (a 10% higher dose): the booked refill now falls inside the margin.
    clock.set('2026-03-03T07:00:00.000Z');
    await f.program(pump.id, { effectiveFrom: '2026-03-03T06:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 110 }] });
    await server.app.get(AlertEngine).processPendingEvents();
    const moved = (await f.http.get<SlotsAnswer>(`/api/pumps/${pump.id}/refill-slots`)).body;
    expect(Date.parse(moved.refillDeadline)).toBeLessThan(Date.parse(slots.refillDeadline));
    const alerts = await queryRows<{ severity: string; facts: { bookBy: string; refillDeadline: string }; message: string }>(
      server.databaseUrl,
      `SELECT severity, facts, message FROM alerts WHERE pump_id = $1 AND kind = 'appointment_too_late' AND status = 'open'`,
      [pump.id],
    );
    expect(alerts).toHaveLength(1);
    // The rule's last safe booking is the scheduler's booking deadline for the same deadline: both 4 days before it.
    expect(alerts[0].facts.refillDeadline).toBe(moved.refillDeadline);
    expect(alerts[0].facts.bookBy).toBe(moved.bookingDeadline);
    expect(Date.parse(moved.refillDeadline) - Date.parse(alerts[0].facts.bookBy)).toBe(MARGIN_DAYS * DAY_MS);
  }, 120_000);
});
