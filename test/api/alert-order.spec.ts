// GET /api/alerts on real PostgreSQL (issue 12): within a severity the most recent raise or re-raise first (lastRaisedAt), and the
// x-last-event-id header read before the list, from which a socket receives every later event (none lost between read and socket).
import type { Alert, AlertUpdatedEvent } from '@pumpwatch/shared';
import { io, type Socket } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import type { api } from '../support/http';
import { useTestServer } from '../support/test-server';

// Both pumps: 20 mL of 500 mcg/mL, 100 mcg/day = 0.2 mL/day; alarm volume 2 mL after 90 days.
// Pump A filled 2026-05-01T09:00Z: deadline 2026-07-30T09:00Z (warning 07-09, urgent 07-23, critical 07-28 09:00Z, overdue after 07-30 09:00Z).
// Pump B filled 2026-05-03T09:00Z: deadline 2026-08-01T09:00Z (critical from 07-30T09:00Z, 2 x 24 h before).
const START = '2026-06-01T12:00:00.000Z';

describe('alert list order and x-last-event-id', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  let clinic: { id: string };
  let clinician: { token: string; http: ReturnType<typeof api> };
  const sockets: Socket[] = [];
  // Registered before useTestServer: afterAll hooks run in order, and the sockets must close before the server does.
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });
  const clock = new ManualClock(START);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Order Clinic' });
    clinician = await f.member(clinic.id, 'clinician', 'order-clinician');
  });

  const newPump = async (filledAt: string) => {
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt, volumeMl: 20, concentrationMcgPerMl: 500 });
    await engine.processPendingEvents();
    return pump as { id: string };
  };
  const sweepAt = async (at: string) => {
    clock.set(at);
    await engine.sweep();
  };
  const clinicAlerts = async (): Promise<{ alerts: Alert[]; lastEventId: number }> => {
    const res = await f.http.get<Alert[]>(`/api/alerts?clinicId=${clinic.id}`);
    expect(res.status).toBe(200);
    const header = res.headers.get('x-last-event-id');
    expect(header).toMatch(/^\d+$/);
    return { alerts: res.body, lastEventId: Number(header) };
  };
  const refillAlertOf = (alerts: Alert[], pumpId: string) => alerts.find((a) => a.pumpId === pumpId && a.kind === 'refill_due') as Alert;

  it('lists the newest raise first within a severity, and a re-raise (reopened after an acknowledgement) goes back to the top', async () => {
    const pumpA = await newPump('2026-05-01T09:00:00Z');
    const pumpB = await newPump('2026-05-03T09:00:00Z');
    await sweepAt('2026-07-09T09:00:00Z');
    await sweepAt('2026-07-28T09:00:00Z');
    let { alerts } = await clinicAlerts();
    const a = refillAlertOf(alerts, pumpA.id);
    // Raised as a warning on 07-09, more severe at 07-28: the severity increase is its latest raise.
    expect(a).toMatchObject({ severity: 'critical', firstRaisedAt: '2026-07-09T09:00:00.000Z', lastRaisedAt: '2026-07-28T09:00:00.000Z' });
    clock.set('2026-07-29T08:00:00Z');
    expect((await clinician.http.post(`/api/alerts/${a.id}/acknowledge`, { note: 'Refill booked for tomorrow' })).status).toBe(200);
    // An acknowledgement is no raise.
    expect(refillAlertOf((await clinicAlerts()).alerts, pumpA.id).lastRaisedAt).toBe('2026-07-28T09:00:00.000Z');

    // Pump B turns critical at 07-30 09:00:00: the newer raise is listed above A (raised earlier, waiting longer).
    await sweepAt('2026-07-30T09:00:00Z');
    ({ alerts } = await clinicAlerts());
    const critical = alerts.filter(
      (x) => x.severity === 'critical' && x.kind === 'refill_due' && (x.pumpId === pumpA.id || x.pumpId === pumpB.id),
    );
    expect(critical.map((x) => [x.pumpId, x.lastRaisedAt])).toEqual([
      [pumpB.id, '2026-07-30T09:00:00.000Z'],
      [pumpA.id, '2026-07-28T09:00:00.000Z'],
    ]);

    // A becomes overdue one second later: its acknowledgement no longer holds, it is open again and back on top.
    await sweepAt('2026-07-30T09:00:01Z');
    ({ alerts } = await clinicAlerts());
    const reRaised = alerts.filter(
      (x) => x.severity === 'critical' && x.kind === 'refill_due' && (x.pumpId === pumpA.id || x.pumpId === pumpB.id),
    );
    expect(reRaised.map((x) => [x.pumpId, x.status, x.title, x.lastRaisedAt])).toEqual([
      [pumpA.id, 'open', 'Refill overdue', '2026-07-30T09:00:01.000Z'],
      [pumpB.id, 'open', 'Refill due within 2 days', '2026-07-30T09:00:00.000Z'],
    ]);
    // Every severity above every lower one, whatever the raise times.
    const ranks = alerts.map((x) => ['warning', 'urgent', 'critical'].indexOf(x.severity));
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
    // A re-fire after new data (a program restated) changes no raise time.
    await f.program(pumpB.id, { effectiveFrom: '2026-07-30T08:00:00Z' });
    await engine.processPendingEvents();
    expect(refillAlertOf((await clinicAlerts()).alerts, pumpB.id).lastRaisedAt).toBe('2026-07-30T09:00:00.000Z');
  });

  it('answers x-last-event-id, the last event the list reflects; a socket resuming from it receives an event committed between the read and the connection', async () => {
    const pumpC = await newPump('2026-05-02T09:00:00Z');
    await sweepAt('2026-07-30T09:00:00Z');
    const { alerts, lastEventId } = await clinicAlerts();
    const [{ last }] = await queryRows<{ last: number }>(server.databaseUrl, 'SELECT last_event_id::int AS last FROM event_counter');
    // Nothing was written since the read: the header is the last committed event, and every listed alert's change is at or below it.
    expect(lastEventId).toBe(last);
    expect(Math.max(...alerts.map((x) => x.lastEventId))).toBeLessThanOrEqual(lastEventId);
    const c = refillAlertOf(alerts, pumpC.id);
    expect(c).toMatchObject({ severity: 'critical', status: 'open' });

    // Between the dashboard's first read and its socket: a colleague acknowledges the alert.
    const ack = await clinician.http.post<Alert>(`/api/alerts/${c.id}/acknowledge`, {});
    expect(ack.status).toBe(200);
    expect(ack.body.lastEventId).toBeGreaterThan(lastEventId);

    const socket = io(server.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: clinician.token, lastEventId } });
    sockets.push(socket);
    const updates: AlertUpdatedEvent[] = [];
    socket.on('alert.updated', (event: AlertUpdatedEvent) => updates.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const started = Date.now();
    while (!updates.some((e) => e.alert.id === c.id) && Date.now() - started < 5_000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const delivered = updates.find((e) => e.alert.id === c.id);
    expect(delivered).toMatchObject({ eventId: ack.body.lastEventId, change: 'acknowledged', alert: { id: c.id, status: 'acknowledged' } });
    // Replayed in order, nothing at or below the header repeated.
    expect(updates.every((e) => e.eventId > lastEventId)).toBe(true);
  });
});
