// Alert delivery with real socket.io clients on real PostgreSQL: alert.raised / alert.updated reach the clinic's dashboards; a
// client that was offline gets every missed event in order from its lastEventId, before live ones, also after the server was
// closed and a new one started on the same database; another clinic's socket gets none of them.
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AlertRaisedEvent, AlertUpdatedEvent, ClinicRole } from '@pumpwatch/shared';
import { io, Socket } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { adminToken, api, signIn } from '../support/http';
import { TEST_ADMIN } from '../support/test-accounts';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// Each test pump: 20 mL of 500 mcg/mL filled 2026-05-01T09:00Z at 0.2 mL/day: refill deadline 2026-07-30T09:00Z.
const START = '2026-06-01T12:00:00.000Z';
const WARNING_AT = '2026-07-09T09:00:00.000Z'; // 21 days before the deadline

interface Received {
  name: string;
  payload: { eventId: number; alert?: AlertRaisedEvent['alert']; change?: string; pumpId?: string; clinicId?: string; sentAhead?: true };
}

describe('alert delivery', () => {
  const clock = new ManualClock(START);
  let database: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;
  const sockets: Socket[] = [];

  /** A PumpWatch server on the test database; called again after close() to play a restart. */
  const startApp = async (): Promise<void> => {
    app = await createPumpWatchApp({
      databaseUrl: database.url,
      demo: false,
      clock,
      logLevel: 'silent',
      bootstrapAdmin: { ...TEST_ADMIN },
      sessionHours: 24 * 365,
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  };
  const f = () => fixtures(baseUrl);
  const engine = () => app.get(AlertEngine);

  beforeAll(async () => {
    database = await createTestDatabase();
    await startApp();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
    await database?.drop();
  });
  beforeEach(() => clock.set(START));

  const connect = async (auth: { token: string; lastEventId?: number }): Promise<{ socket: Socket; received: Received[] }> => {
    const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    sockets.push(socket);
    const received: Received[] = [];
    socket.onAny((name: string, payload: Received['payload']) => received.push({ name, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, received };
  };
  const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const newPump = async (clinicId: string) => {
    const pump = await f().pump((await f().patient(clinicId)).id);
    await f().program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f().fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    return pump as { id: string };
  };
  /** The id of the last event a client saw: the pump.changed of a write it received. */
  /** Three pumps in a new clinic; a client sees a write, goes offline, and the sweep raises one alert per pump. */
  const raiseThreeAlertsWhileOffline = async () => {
    const clinic = await f().clinic();
    const pumps = [await newPump(clinic.id), await newPump(clinic.id), await newPump(clinic.id)];
    await engine().processPendingEvents();
    const token = await adminToken(baseUrl);
    const first = await connect({ token });
    const lastEventId = await seeAWrite(first.received, clinic.id);
    first.socket.close();
    clock.set(WARNING_AT);
    await engine().sweep();
    return { clinic, pumps, token, lastEventId };
  };

  const seeAWrite = async (received: Received[], clinicId: string): Promise<number> => {
    const pump = await f().pump((await f().patient(clinicId)).id);
    await waitFor(() => received.some((r) => r.payload.pumpId === pump.id), 'the pump.changed of a write');
    return Math.max(...received.map((r) => r.payload.eventId));
  };
  const alertEventsFor = (received: Received[], pumpIds: string[]) =>
    received.filter((r) => r.name.startsWith('alert.') && pumpIds.includes(r.payload.alert?.pumpId ?? ''));
  /**
   * Live order: every event once, those without `sentAhead` in id order, and an alert sent ahead only overtakes events above the
   * resume point (the highest id received without the flag before it), so resuming from that point loses nothing.
   */
  const expectResumeSafeOrder = (received: Received[]) => {
    const ids = received.map((r) => r.payload.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const inOrder = received.filter((r) => !r.payload.sentAhead).map((r) => r.payload.eventId);
    expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));
    let resumeFrom = 0;
    for (const r of received) {
      if (r.payload.sentAhead) expect([r.name, r.payload.eventId > resumeFrom]).toEqual([expect.stringMatching(/^alert\./), true]);
      else resumeFrom = r.payload.eventId;
    }
  };

  it('pushes alert.raised, then alert.updated, to a connected dashboard of the clinic', async () => {
    const clinic = await f().clinic();
    const pump = await newPump(clinic.id);
    await engine().processPendingEvents();
    const { received } = await connect({ token: await adminToken(baseUrl) });
    clock.set(WARNING_AT);
    await engine().sweep();
    await waitFor(() => alertEventsFor(received, [pump.id]).length === 1, 'alert.raised');
    const [raised] = alertEventsFor(received, [pump.id]) as { name: string; payload: AlertRaisedEvent }[];
    expect(raised.name).toBe('alert.raised');
    expect(raised.payload).toEqual({
      eventId: expect.any(Number),
      alert: expect.objectContaining({
        id: expect.any(String),
        pumpId: pump.id,
        patientId: expect.any(String),
        clinicId: clinic.id,
        kind: 'refill_due',
        severity: 'warning',
        status: 'open',
        withdrawalRisk: false,
        snoozedUntil: null,
      }),
    });
    expect(raised.payload.alert.lastEventId).toBe(raised.payload.eventId);
    const { history: _history, ...rest } = (await f().http.get(`/api/alerts/${raised.payload.alert.id}`)).body;
    expect(raised.payload.alert).toEqual(rest);

    await f().http.post(`/api/alerts/${raised.payload.alert.id}/acknowledge`, { note: 'on it' });
    await waitFor(() => alertEventsFor(received, [pump.id]).length === 2, 'alert.updated');
    const updated = alertEventsFor(received, [pump.id])[1] as { name: string; payload: AlertUpdatedEvent };
    expect(updated.name).toBe('alert.updated');
    expect(updated.payload).toMatchObject({
      change: 'acknowledged',
      alert: { id: raised.payload.alert.id, status: 'acknowledged', acknowledgementNote: 'on it' },
    });
    expect(updated.payload.eventId).toBeGreaterThan(raised.payload.eventId);
  });

  it('delivers the alarm of a telemetry batch by itself (no evaluation asked for), ahead of its pump.changed, raised once', async () => {
    const clinic = await f().clinic();
    const pump = await newPump(clinic.id);
    await engine().processPendingEvents();
    const gateway = api(baseUrl, {
      token: (await f().http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'gateway' })).body.token,
    });
    const { received } = await connect({ token: await adminToken(baseUrl) });
    // The pump's own setup events may still be on their way: from a later write on, the relay (in order) has passed them.
    const setupId = await seeAWrite(received, clinic.id);
    const post = async (recordedAt: string): Promise<void> => {
      const answer = await gateway.post('/api/telemetry', {
        readings: [{ serialNumber: (pump as { serialNumber?: string }).serialNumber, recordedAt, alarms: ['motor_stall'] }],
      });
      expect(answer.status).toBe(200);
    };
    await post('2026-06-01T11:00:00Z');
    await waitFor(() => alertEventsFor(received, [pump.id]).length === 1, 'alert.raised of the motor stall');
    await post('2026-06-01T11:30:00Z');
    await waitFor(() => alertEventsFor(received, [pump.id]).length === 2, 'alert.updated (re-fired) of the second reading');
    // Both cues (in-process and NOTIFY) reached the engine and the relay: nothing was evaluated, raised or sent twice.
    await engine().processPendingEvents();
    const ofPump = received.filter(
      (r) => r.payload.eventId > setupId && (r.payload.pumpId === pump.id || r.payload.alert?.pumpId === pump.id),
    );
    // In id order: each reading's pump.changed, then the alert its evaluation wrote.
    expect([...ofPump].sort((a, b) => a.payload.eventId - b.payload.eventId).map((r) => [r.name, r.payload.change ?? null])).toEqual([
      ['pump.changed', null],
      ['alert.raised', null],
      ['pump.changed', null],
      ['alert.updated', 'refired'],
    ]);
    // On the wire the alert goes first when the relay reads it with its pump.changed (it waits for the evaluation up to 500 ms):
    // flagged sentAhead; had the evaluation been later, it would come behind it, unflagged.
    for (const alert of ofPump.filter((r) => r.name.startsWith('alert.'))) {
      const before = ofPump.filter((r) => r.name === 'pump.changed' && r.payload.eventId < alert.payload.eventId);
      const itsPumpChanged = before.reduce((a, b) => (b.payload.eventId > a.payload.eventId ? b : a));
      expect(ofPump.indexOf(alert) < ofPump.indexOf(itsPumpChanged)).toBe(alert.payload.sentAhead === true);
    }
    expectResumeSafeOrder(received);
    const [alert] = await queryRows<{ fire_count: number; kind: string }>(
      database.url,
      'SELECT fire_count, kind FROM alerts WHERE pump_id = $1',
      [pump.id],
    );
    expect(alert).toEqual({ fire_count: 2, kind: 'delivery_interrupted' });
    const events = await queryRows<{ type: string }>(
      database.url,
      `SELECT type FROM events WHERE pump_id = $1 AND type LIKE 'alert.%' ORDER BY id`,
      [pump.id],
    );
    expect(events.map((e) => e.type)).toEqual(['alert.raised', 'alert.updated']);
  });

  it('loses nothing for a client that resumes from the highest id it received without sentAhead, and sends it an alert it had again', async () => {
    const clinic = await f().clinic();
    const pump = await newPump(clinic.id);
    await engine().processPendingEvents();
    const gateway = api(baseUrl, {
      token: (await f().http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'gateway' })).body.token,
    });
    const token = await adminToken(baseUrl);
    const first = await connect({ token });
    const startId = await seeAWrite(first.received, clinic.id);
    const answer = await gateway.post('/api/telemetry', {
      readings: [
        { serialNumber: (pump as { serialNumber?: string }).serialNumber, recordedAt: '2026-06-01T11:00:00Z', alarms: ['motor_stall'] },
      ],
    });
    expect(answer.status).toBe(200);
    await waitFor(
      () =>
        alertEventsFor(first.received, [pump.id]).length === 1 &&
        first.received.some((r) => r.name === 'pump.changed' && r.payload.pumpId === pump.id),
      'the alarm and its pump.changed',
    );
    first.socket.close();
    // The dashboard's rule (client/src/lib/socket.ts): resume from the highest id received without the flag.
    const resumeFrom = Math.max(...first.received.filter((r) => !r.payload.sentAhead).map((r) => r.payload.eventId));
    const alert = alertEventsFor(first.received, [pump.id])[0];
    const again = await connect({ token, lastEventId: resumeFrom });
    const live = await newPump(clinic.id);
    await waitFor(() => again.received.some((r) => r.payload.pumpId === live.id), 'a live event after the replay');
    const expected = (
      await queryRows<{ id: string }>(
        database.url,
        `SELECT id FROM events WHERE id > $1 AND clinic_id = $2 AND (pump_id IS NOT NULL OR type IN ('alert.raised', 'alert.updated')) ORDER BY id`,
        [startId, clinic.id],
      )
    ).map((r) => Number(r.id));
    const seen = () => new Set([...first.received, ...again.received].map((r) => r.payload.eventId));
    await waitFor(
      () => expected.every((id) => seen().has(id)),
      'every event of the clinic since the first write, across both sockets',
      5000,
    );
    // Sent ahead, the alert did not move the resume point: the replay brings it again (the dashboard drops that copy by eventId).
    expect(again.received.some((r) => r.payload.eventId === alert.payload.eventId)).toBe(alert.payload.sentAhead === true);
    expectResumeSafeOrder(again.received);
  });

  it('gives a client offline while 3 alerts were raised all 3, in order, on reconnect with lastEventId, before live events', async () => {
    const { clinic, pumps, token, lastEventId } = await raiseThreeAlertsWhileOffline();
    const raisedIds = await queryRows<{ id: string }>(
      database.url,
      `SELECT id FROM events WHERE type = 'alert.raised' AND pump_id = ANY($1::uuid[]) ORDER BY id`,
      [pumps.map((p) => p.id)],
    );
    expect(raisedIds).toHaveLength(3);

    const again = await connect({ token, lastEventId });
    await waitFor(
      () =>
        alertEventsFor(
          again.received,
          pumps.map((p) => p.id),
        ).length === 3,
      'the 3 missed alerts',
    );
    const live = await newPump(clinic.id);
    await waitFor(() => again.received.some((r) => r.payload.pumpId === live.id), 'a live event');
    const replayed = alertEventsFor(
      again.received,
      pumps.map((p) => p.id),
    );
    expect(replayed.map((r) => [r.name, r.payload.eventId])).toEqual(raisedIds.map((row) => ['alert.raised', Number(row.id)]));
    expect(again.received[0].payload.eventId).toBeGreaterThan(lastEventId);
    expectResumeSafeOrder(again.received);
    const firstLive = again.received.findIndex((r) => r.payload.pumpId === live.id);
    expect(again.received.indexOf(replayed[2])).toBeLessThan(firstLive);
  });

  it('holds after the server is closed and a new one started on the same database, evaluating what was committed meanwhile', async () => {
    const { clinic, pumps, token, lastEventId } = await raiseThreeAlertsWhileOffline();

    await app.close();
    // While no server runs, a refill of the first pump is committed with its event (as by an instance that died right after).
    await queryRows(
      database.url,
      `WITH fill AS (
         INSERT INTO fills (pump_id, filled_at, concentration_mcg_per_ml, volume_ml, stability_days) VALUES ($1, '2026-07-09T08:00:00Z', 500, 20, 180)
       ), next AS (UPDATE event_counter SET last_event_id = last_event_id + 1 WHERE id = 1 RETURNING last_event_id)
       INSERT INTO events (id, clinic_id, pump_id, type) SELECT last_event_id, $2, $1, 'fill.recorded' FROM next`,
      [pumps[0].id, clinic.id],
    );
    await startApp();
    await engine().processPendingEvents();

    const again = await connect({ token, lastEventId });
    await waitFor(
      () =>
        alertEventsFor(
          again.received,
          pumps.map((p) => p.id),
        ).length === 4,
      'the 3 raised alerts and the resolution',
    );
    const alertEvents = alertEventsFor(
      again.received,
      pumps.map((p) => p.id),
    );
    // The sweep raises in pump id order; then the refill committed while no server ran resolves the first pump's alert.
    expect(
      alertEvents
        .slice(0, 3)
        .map((r) => [r.name, r.payload.alert?.pumpId])
        .sort(),
    ).toEqual(pumps.map((p) => ['alert.raised', p.id]).sort());
    expect(alertEvents.map((r) => r.payload.change ?? null)).toEqual([null, null, null, 'resolved']);
    expect(alertEvents[3].payload.alert?.pumpId).toBe(pumps[0].id);
    expectResumeSafeOrder(again.received);
    const refill = again.received.findIndex((r) => r.name === 'pump.changed' && r.payload.pumpId === pumps[0].id);
    expect(refill).toBeGreaterThan(again.received.indexOf(alertEvents[2]));
    expect(refill).toBeLessThan(again.received.indexOf(alertEvents[3]));
    // The engine's cursor moved past every event: a second start evaluates nothing twice.
    const [cursor] = await queryRows<{ cursor: string; counter: string }>(
      database.url,
      'SELECT (SELECT last_event_id FROM alert_evaluation_cursor)::text AS cursor, (SELECT last_event_id FROM event_counter)::text AS counter',
    );
    expect(Number(cursor.cursor)).toBeGreaterThanOrEqual(Number(cursor.counter) - 1);
    const raised = await queryRows<{ n: number }>(
      database.url,
      `SELECT count(*)::int AS n FROM events WHERE type = 'alert.raised' AND pump_id = ANY($1::uuid[])`,
      [pumps.map((p) => p.id)],
    );
    expect(raised[0].n).toBe(3);
  });

  it("sends a socket of clinic B none of clinic A's alerts, live or replayed", async () => {
    const clinicA = await f().clinic();
    const clinicB = await f().clinic();
    const email = `b-admin-${Date.now()}@pumpwatch.test`;
    await f().http.post('/api/users', {
      email,
      displayName: 'B admin',
      password: 'initial-password-1',
      clinicRoles: [{ clinicId: clinicB.id, role: 'admin' as ClinicRole }],
    });
    const bToken = await signIn(baseUrl, email, 'initial-password-1');
    await api(baseUrl, { token: bToken }).post('/api/auth/password', {
      currentPassword: 'initial-password-1',
      newPassword: 'chosen-password-1',
    });
    const pumpA = await newPump(clinicA.id);
    const pumpB = await newPump(clinicB.id);
    await engine().processPendingEvents();
    const live = await connect({ token: bToken });
    clock.set(WARNING_AT);
    await engine().sweep();
    await waitFor(() => alertEventsFor(live.received, [pumpB.id]).length === 1, "clinic B's alert");
    const replay = await connect({ token: bToken, lastEventId: 0 });
    await waitFor(() => alertEventsFor(replay.received, [pumpB.id]).length === 1, "clinic B's replayed alert");
    for (const { received } of [live, replay]) {
      expect(received.filter((r) => (r.payload.alert?.clinicId ?? r.payload.clinicId) !== clinicB.id)).toEqual([]);
      expect(alertEventsFor(received, [pumpA.id])).toEqual([]);
    }
  });

  it('hands a replaying client over to live delivery without losing, repeating or reordering an event', async () => {
    const clinic = await f().clinic();
    const pump = await f().pump((await f().patient(clinic.id)).id);
    const token = await adminToken(baseUrl);
    const writes = (async () => {
      for (let day = 1; day <= 12; day++) await f().fill(pump.id, { filledAt: `2026-04-${String(day).padStart(2, '0')}T09:00:00Z` });
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const { received } = await connect({ token, lastEventId: 0 });
    await writes;
    // What reaches a dashboard: every change of a pump, and alert and page events (patient alerts, issue 7, name no pump).
    const expected = (
      await queryRows<{ id: string }>(
        database.url,
        `SELECT id FROM events WHERE pump_id IS NOT NULL OR type IN ('alert.raised', 'alert.updated', 'page.sent') ORDER BY id`,
      )
    ).map((r) => Number(r.id));
    await waitFor(() => received.length >= expected.length, `all ${expected.length} events`, 5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((r) => r.payload.eventId).sort((a, b) => a - b)).toEqual(expected);
    expectResumeSafeOrder(received);
  });

  it('refuses a handshake whose lastEventId is not a whole number', async () => {
    const socket = io(baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await adminToken(baseUrl), lastEventId: -1 },
    });
    sockets.push(socket);
    const message = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    expect(message).toBe('lastEventId must be a whole number of 0 or more');
  });
});
