// Live path on real PostgreSQL and a real socket.io client: every write pushes pump.changed with an increasing eventId.
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { OnCallChangedEvent, PumpChangedEvent } from '@pumpwatch/shared';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { adminToken } from '../support/http';
import { useTestServer } from '../support/test-server';

describe('live events', () => {
  let f: ReturnType<typeof fixtures>;
  const sockets: Socket[] = [];
  // Before useTestServer: afterAll hooks run in registration order, and the sockets must close before the server does.
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });
  const server = useTestServer({ clock: new ManualClock('2026-06-01T12:00:00Z') });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  const connect = async (): Promise<{ socket: Socket; received: PumpChangedEvent[] }> => {
    const socket = io(server.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: await adminToken(server.baseUrl) } });
    sockets.push(socket);
    const received: PumpChangedEvent[] = [];
    socket.on('pump.changed', (event: PumpChangedEvent) => received.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, received };
  };

  /** A dashboard of `token`'s user, replaying from `lastEventId` when given: what it received of pump.changed and on_call.changed. */
  const connectAs = async (token: string, lastEventId?: number) => {
    const socket = io(server.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      auth: lastEventId === undefined ? { token } : { token, lastEventId },
    });
    sockets.push(socket);
    const pumps: PumpChangedEvent[] = [];
    const onCall: OnCallChangedEvent[] = [];
    socket.on('pump.changed', (event: PumpChangedEvent) => pumps.push(event));
    socket.on('on_call.changed', (event: OnCallChangedEvent) => onCall.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { pumps, onCall };
  };

  // A socket opened just after a write may or may not get that write's event: tests look only at events after this mark.
  const lastEventIdNow = async (): Promise<number> =>
    (await queryRows<{ last: number }>(server.databaseUrl, 'SELECT last_event_id::int AS last FROM event_counter'))[0].last;

  const waitFor = async (predicate: () => boolean, timeoutMs = 2000): Promise<void> => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a socket event');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('pushes pump.changed to every connected dashboard after a fill, with increasing event ids', async () => {
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    const [a, b] = [await connect(), await connect()];

    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z' });
    // A socket opened just after the pump was registered may or may not get that earlier event: look for the fill's own.
    const [fillEvent] = await queryRows<{ id: number }>(
      server.databaseUrl,
      `SELECT id::int AS id FROM events WHERE type = 'fill.recorded' AND pump_id = $1`,
      [pump.id],
    );
    const fillEventOf = (socket: { received: PumpChangedEvent[] }) => socket.received.find((e) => e.eventId === fillEvent.id);
    await waitFor(() => fillEventOf(a) !== undefined && fillEventOf(b) !== undefined);
    // Issue 15: the event keeps its fields and carries the pump's fleet row after the fill (the dashboard patches that row).
    expect(fillEventOf(a)).toEqual({
      eventId: fillEvent.id,
      clinicId: clinic.id,
      pumpId: pump.id,
      fleetRow: expect.objectContaining({ pump: expect.objectContaining({ id: pump.id }), lastFilledAt: '2026-05-01T09:00:00.000Z' }),
    });
    expect(fillEventOf(b)).toEqual(fillEventOf(a));

    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-20T09:00:00Z' });
    const after = (socket: { received: PumpChangedEvent[] }) => socket.received.filter((e) => e.eventId >= fillEvent.id);
    await waitFor(() => after(a).length >= 3);
    const ids = after(a).map((e) => e.eventId);
    expect(ids[1]).toBeGreaterThan(ids[0]);
    expect(ids[2]).toBeGreaterThan(ids[1]);
  });

  it('pushes one event per pump for a replacement (old explanted, new registered)', async () => {
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id);
    const old = await f.pump(patient.id);
    const lastBefore = await lastEventIdNow();
    const connected = await connect();
    const received = () => connected.received.filter((e) => e.eventId > lastBefore);
    const replacement = await f.pump(patient.id, { replacesPumpId: old.id });
    await waitFor(() => received().length >= 2);
    expect(received().map((e) => e.pumpId)).toEqual([old.id, replacement.id]);
    expect(received()[1].eventId).toBe(received()[0].eventId + 1);
  });

  it('writes each event to the outbox with the counter value, in order', async () => {
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT id::int AS id, type FROM events ORDER BY id');
      const counter = await client.query('SELECT last_event_id::int AS last FROM event_counter');
      expect(rows.map((r) => r.id)).toEqual(rows.map((_r, i) => i + 1));
      expect(counter.rows[0].last).toBe(rows.length);
      expect(rows.map((r) => r.type)).toContain('fill.recorded');
    } finally {
      await client.end();
    }
  });

  it('keeps delivering after its LISTEN connection is dropped', async () => {
    const pump = await f.pump((await f.patient((await f.clinic()).id)).id);
    const lastBefore = await lastEventIdNow();
    const connected = await connect();
    const received = () => connected.received.filter((e) => e.eventId > lastBefore);
    const admin = new Client({ connectionString: server.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // The listener reconnects within about half a second; keep writing until a change comes through.
    for (let day = 1; day <= 20 && received().length === 0; day++) {
      await f.fill(pump.id, { filledAt: `2026-04-${String(day).padStart(2, '0')}T09:00:00Z` });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(received().length).toBeGreaterThan(0);
    expect(received()[0].pumpId).toBe(pump.id);
  });

  it('sends nothing for a refused write', async () => {
    const clinic = await f.clinic();
    const pump = await f.pump((await f.patient(clinic.id)).id);
    const lastBefore = await lastEventIdNow();
    const connected = await connect();
    const received = () => connected.received.filter((e) => e.eventId > lastBefore);
    const res = await f.http.post(`/api/pumps/${pump.id}/fills`, {
      filledAt: '2026-05-01T09:00:00Z',
      concentrationMcgPerMl: 500,
      volumeMl: 25,
    });
    expect(res.status).toBe(422);
    await f.fill(pump.id, { filledAt: '2026-05-02T09:00:00Z' });
    await waitFor(() => received().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received()).toHaveLength(1);
  });

  it("pushes on_call.changed to the dashboards of the shift's clinic only, and replays it to one that missed it", async () => {
    const [clinic, other] = [await f.clinic(), await f.clinic()];
    const nurse = await f.http.post('/api/clinicians', { clinicId: clinic.id, displayName: 'Night nurse', profession: 'nurse' });
    expect(nurse.status).toBe(201);
    const staffToken = (await f.member(clinic.id, 'staff', 'on-call-staff')).token;
    const outsider = await connectAs((await f.member(other.id, 'staff', 'on-call-outsider')).token);
    const mark = await lastEventIdNow();
    const dashboard = await connectAs(staffToken);

    const shift = await f.http.post('/api/on-call-shifts', {
      clinicianId: nurse.body.id,
      startsAt: '2026-06-01T18:00:00Z',
      endsAt: '2026-06-02T06:00:00Z',
    });
    expect(shift.status).toBe(201);
    const after = (received: OnCallChangedEvent[]) => received.filter((e) => e.eventId > mark);
    await waitFor(() => after(dashboard.onCall).length === 1);
    const [pushed] = after(dashboard.onCall);
    expect(pushed).toEqual({ eventId: expect.any(Number), clinicId: clinic.id });

    // A dashboard that was offline gets it on connecting with the last id it saw.
    const late = await connectAs(staffToken, mark);
    await waitFor(() => after(late.onCall).length === 1);
    expect(after(late.onCall)).toEqual([pushed]);

    // The other clinic's dashboard: a later event of its own clinic arrives, the shift's never did.
    const otherPump = await f.pump((await f.patient(other.id)).id);
    await waitFor(() => outsider.pumps.some((e) => e.pumpId === otherPump.id));
    expect(outsider.onCall).toEqual([]);
  });
});
