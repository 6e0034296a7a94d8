// The fleet read model on real PostgreSQL (issue 15): fleet_rows kept current by every write (read-your-writes), an explant drops
// the row, alerts reach the row's reasons, the clock moves volume and urgency, a wiped table is rebuilt, and pump.changed carries
// the row live and on replay over a real socket.io client; GET /api/pumps/:id/fleet-row answers one row.
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { AlertRaisedEvent, FleetPump, PumpChangedEvent } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { FleetProjector } from '../../server/src/fleet/fleet-projector.service';
import { FleetReadService } from '../../server/src/fleet/fleet-read.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { adminToken, api } from '../support/http';
import { useTestServer } from '../support/test-server';

const NOW = '2026-06-01T12:00:00.000Z';
const DAY_MS = 86_400_000;
/** The projector's advisory lock (server/src/fleet/fleet-projector.service.ts): held here to stall the read model. */
const FLEET_PROJECTION_LOCK = 7_316_015;

describe('fleet read model', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const sockets: Socket[] = [];
  // Before useTestServer: afterAll hooks run in registration order, and the sockets must close before the server does.
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });
  const clock = new ManualClock(NOW);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
  });
  afterEach(() => clock.set(NOW));

  /** 20 mL at 500 mcg/mL, 100 mcg/day = 0.2 mL/day from the fill: the 2 mL alarm (the refill deadline) 90 days after it. */
  const pumpFilledAt = async (clinicId: string, displayName: string, filledAt: string) => {
    const patient = await f.patient(clinicId, { displayName });
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-02-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt });
    return { patient, pump };
  };
  const fleetOf = async (clinicId: string): Promise<FleetPump[]> => {
    const res = await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const rowOf = async (pumpId: string): Promise<FleetPump> => {
    const res = await f.http.get<FleetPump>(`/api/pumps/${pumpId}/fleet-row`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const lastEventIdNow = async (): Promise<number> =>
    (await queryRows<{ last: number }>(server.databaseUrl, 'SELECT last_event_id::int AS last FROM event_counter'))[0].last;
  const eventIdOf = async (type: string, pumpId: string): Promise<number> =>
    (
      await queryRows<{ id: number }>(server.databaseUrl, 'SELECT max(id)::int AS id FROM events WHERE type = $1 AND pump_id = $2', [
        type,
        pumpId,
      ])
    )[0].id;

  /** A dashboard of the administrator, replaying from `lastEventId` when given. */
  const connect = async (lastEventId?: number) => {
    const token = await adminToken(server.baseUrl);
    const socket = io(server.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      auth: lastEventId === undefined ? { token } : { token, lastEventId },
    });
    sockets.push(socket);
    const pumps: PumpChangedEvent[] = [];
    const alerts: AlertRaisedEvent[] = [];
    socket.on('pump.changed', (event: PumpChangedEvent) => pumps.push(event));
    socket.on('alert.raised', (event: AlertRaisedEvent) => alerts.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { pumps, alerts };
  };
  const waitFor = async (predicate: () => boolean, timeoutMs = 10_000): Promise<void> => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a socket event');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('shows a recorded fill in GET /api/pumps right after the write, with a higher fleetRowVersion', async () => {
    const clinicId = (await f.clinic()).id;
    const { pump } = await pumpFilledAt(clinicId, 'Rita Rewrite', '2026-05-20T09:00:00Z');
    const [before] = await fleetOf(clinicId);
    // 12 d 3 h after the fill at 0.2 mL/day: 20 - 2.425 mL.
    expect(before).toMatchObject({ lastFilledAt: '2026-05-20T09:00:00.000Z', refillDeadline: '2026-08-18T09:00:00.000Z', urgency: 'ok' });
    expect(before.volumeMl).toBeCloseTo(17.575, 6);

    await f.fill(pump.id, { filledAt: '2026-06-01T10:00:00Z' });
    const [after] = await fleetOf(clinicId);
    const fillEventId = await eventIdOf('fill.recorded', pump.id);
    expect(after).toMatchObject({ lastFilledAt: '2026-06-01T10:00:00.000Z', refillDeadline: '2026-08-30T10:00:00.000Z' });
    expect(after.fleetRowVersion).toBeGreaterThanOrEqual(fillEventId);
    expect(after.fleetRowVersion).toBeGreaterThan(before.fleetRowVersion as number);
    // 2 h after a full 20 mL fill: 20 - 0.2 * 2/24 mL, the same as the pump page's forecast now.
    expect(after.volumeMl).toBeCloseTo(20 - 0.2 / 12, 6);
    expect((await f.http.get(`/api/pumps/${pump.id}`)).body.forecast.volumeMl).toBeCloseTo(after.volumeMl as number, 9);
    expect(await rowOf(pump.id)).toEqual(after);
  });

  it('drops the row of an explanted pump and pushes pump.changed with fleetRow null', async () => {
    const clinicId = (await f.clinic()).id;
    const { patient, pump: old } = await pumpFilledAt(clinicId, 'Ed Explant', '2026-05-20T09:00:00Z');
    expect((await fleetOf(clinicId)).map((r) => r.pump.id)).toEqual([old.id]);
    const dashboard = await connect();

    const replacement = await f.pump(patient.id, { replacesPumpId: old.id, explantReason: 'replacement' });
    expect((await fleetOf(clinicId)).map((r) => r.pump.id)).toEqual([replacement.id]);
    expect(await queryRows(server.databaseUrl, 'SELECT 1 FROM fleet_rows WHERE pump_id = $1', [old.id])).toEqual([]);
    const explantEventId = await eventIdOf('pump.explanted', old.id);
    await waitFor(
      () => dashboard.pumps.some((e) => e.eventId === explantEventId) && dashboard.pumps.some((e) => e.pumpId === replacement.id),
    );
    expect(dashboard.pumps.find((e) => e.eventId === explantEventId)).toEqual({
      eventId: explantEventId,
      clinicId,
      pumpId: old.id,
      fleetRow: null,
    });
    // The new pump's row: registered, nothing recorded on it yet.
    expect(dashboard.pumps.find((e) => e.pumpId === replacement.id)?.fleetRow).toMatchObject({
      pump: { id: replacement.id, replacesPumpId: old.id },
      status: 'no_fill',
      urgency: 'no_forecast',
    });
  });

  it('puts an alert of the pump into its row: a motor stall makes the row delivery_interrupted with the alert as reason', async () => {
    const clinicId = (await f.clinic()).id;
    const { pump } = await pumpFilledAt(clinicId, 'Mo Stall', '2026-05-20T09:00:00Z');
    const before = await rowOf(pump.id);
    expect(before.urgencyReasons).toEqual([]);
    const gateway = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId, name: 'read model gateway' })).body.token,
    });
    const sent = await gateway.post('/api/telemetry', {
      readings: [
        {
          serialNumber: pump.serialNumber,
          recordedAt: '2026-06-01T11:30:00Z',
          reservoirVolumeMl: 17.6,
          alarms: ['motor_stall'],
          batteryStatus: 'ok',
        },
      ],
    });
    expect(sent.status).toBe(200);
    await engine.processPendingEvents();

    const [alert] = await queryRows<{ id: string }>(
      server.databaseUrl,
      "SELECT id FROM alerts WHERE pump_id = $1 AND kind = 'delivery_interrupted'",
      [pump.id],
    );
    const row = await rowOf(pump.id);
    expect(row.urgency).toBe('delivery_interrupted');
    expect(row.urgencyReasons).toEqual([
      { kind: 'delivery_interrupted', severity: 'critical', text: 'Delivery interrupted: the pump reports motor stall', alertId: alert.id },
    ]);
    expect(row.fleetRowVersion).toBeGreaterThanOrEqual(await eventIdOf('alert.raised', pump.id));
    expect((await fleetOf(clinicId))[0]).toEqual(row);
  });

  it('follows an alert of the patient (no pump named): an abrupt dose reduction lifts the row, its resolution brings it back', async () => {
    const clinicId = (await f.clinic()).id;
    const patient = await f.patient(clinicId, { displayName: 'Pat Patient' });
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 300 }] });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 2000 });
    // 300 -> 180 mcg/day is a 40% cut: accepted with a reason, it raises the patient's urgent abrupt_dose_reduction (withdrawal risk).
    const cut = await f.http.post(`/api/pumps/${pump.id}/programs`, {
      effectiveFrom: '2026-06-01T10:00:00Z',
      steps: [{ startTime: '00:00', doseMcgPerDay: 180 }],
      doseChangeReason: 'Excess sedation; cut agreed',
    });
    expect(cut.status).toBe(201);
    const [alert] = await queryRows<{ id: string; title: string }>(
      server.databaseUrl,
      "SELECT id, title FROM alerts WHERE patient_id = $1 AND subject_type = 'patient' AND kind = 'abrupt_dose_reduction'",
      [patient.id],
    );
    const lifted = await rowOf(pump.id);
    expect(lifted.urgency).toBe('delivery_interrupted');
    expect(lifted.urgencyReasons).toEqual([{ kind: 'withdrawal_risk_alert', severity: 'critical', text: alert.title, alertId: alert.id }]);

    // The resolution is an alert.updated naming the patient only: the patient's pump's row follows.
    expect((await f.http.post(`/api/alerts/${alert.id}/resolve`, { note: 'Phoned: no return of spasticity' })).status).toBe(200);
    const resolvedEventId = (
      await queryRows<{ id: number }>(
        server.databaseUrl,
        "SELECT max(id)::int AS id FROM events WHERE type = 'alert.updated' AND pump_id IS NULL AND payload->'alert'->>'id' = $1",
        [alert.id],
      )
    )[0].id;
    const back = await rowOf(pump.id);
    expect(back).toMatchObject({ urgency: 'ok', urgencyReasons: [] });
    expect(back.fleetRowVersion).toBeGreaterThanOrEqual(resolvedEventId);
  });

  it('moves days left, urgency and volume with the clock, forward and back', async () => {
    const clinicId = (await f.clinic()).id;
    const { pump } = await pumpFilledAt(clinicId, 'Tim Clock', '2026-05-20T09:00:00Z');
    const deadline = '2026-08-18T09:00:00.000Z';
    expect(await rowOf(pump.id)).toMatchObject({ urgency: 'ok', refillDeadline: deadline });

    // A minute later: days left are re-assessed at read time, to the millisecond.
    clock.set('2026-06-01T12:01:00Z');
    expect((await fleetOf(clinicId))[0].daysLeft).toBe((Date.parse(deadline) - Date.parse('2026-06-01T12:01:00Z')) / DAY_MS);

    // 85 days after the fill: 20 - 17 mL left, 5 days to the deadline (urgent: at most 7).
    clock.set('2026-08-13T09:00:00Z');
    const [late] = await fleetOf(clinicId);
    expect(late).toMatchObject({ urgency: 'urgent', daysLeft: 5 });
    expect(late.volumeMl).toBeCloseTo(3, 6);
    expect(late.urgencyReasons).toEqual([{ kind: 'refill_deadline', severity: 'urgent', text: 'Refill deadline in 5 d' }]);
    expect((await f.http.get(`/api/pumps/${pump.id}`)).body.forecast.volumeMl).toBeCloseTo(late.volumeMl as number, 9);

    // Past the deadline by a day: overdue.
    clock.set('2026-08-19T09:00:00Z');
    expect(await rowOf(pump.id)).toMatchObject({ urgency: 'overdue', daysLeft: -1 });

    // And back (a test clock may jump back): the row follows.
    clock.set(NOW);
    const [back] = await fleetOf(clinicId);
    expect(back).toMatchObject({ urgency: 'ok', urgencyReasons: [] });
    expect(back.volumeMl).toBeCloseTo(17.575, 6);
  });

  it('rebuilds every row after fleet_rows is emptied and its cursor reset to 0', async () => {
    const clinicId = (await f.clinic()).id;
    const pumps = [
      (await pumpFilledAt(clinicId, 'Ann Rebuild', '2026-05-20T09:00:00Z')).pump,
      (await pumpFilledAt(clinicId, 'Ben Rebuild', '2026-03-01T09:00:00Z')).pump,
    ];
    const before = await fleetOf(clinicId);
    await queryRows(server.databaseUrl, 'TRUNCATE fleet_rows');
    await queryRows(server.databaseUrl, 'UPDATE fleet_projection_cursor SET last_event_id = 0');

    const rebuilt = await fleetOf(clinicId);
    expect(rebuilt.map((r) => r.pump.id)).toEqual([pumps[1].id, pumps[0].id]);
    const withoutVersion = (rows: FleetPump[]) => rows.map(({ fleetRowVersion: _version, ...row }) => row);
    expect(withoutVersion(rebuilt)).toEqual(withoutVersion(before));
    // Every active pump of every clinic has its row again, and the cursor is back at the last committed event.
    const [counts] = await queryRows<{ active: number; rows: number }>(
      server.databaseUrl,
      'SELECT (SELECT count(*)::int FROM pumps WHERE explanted_at IS NULL) AS active, (SELECT count(*)::int FROM fleet_rows) AS rows',
    );
    expect(counts.rows).toBe(counts.active);
    const [cursor] = await queryRows<{ last: number }>(
      server.databaseUrl,
      'SELECT last_event_id::int AS last FROM fleet_projection_cursor',
    );
    expect(cursor.last).toBeGreaterThanOrEqual(await eventIdOf('fill.recorded', pumps[1].id));
  });

  it("pushes pump.changed with the pump's new row over socket.io, live and on replay", async () => {
    const clinicId = (await f.clinic()).id;
    const { pump } = await pumpFilledAt(clinicId, 'Sue Socket', '2026-05-20T09:00:00Z');
    const mark = await lastEventIdNow();
    const live = await connect();

    await f.fill(pump.id, { filledAt: '2026-06-01T10:00:00Z' });
    const fillEventId = await eventIdOf('fill.recorded', pump.id);
    await waitFor(() => live.pumps.some((e) => e.eventId === fillEventId));
    const pushed = live.pumps.find((e) => e.eventId === fillEventId) as PumpChangedEvent;
    expect(pushed).toMatchObject({ eventId: fillEventId, clinicId, pumpId: pump.id });
    expect(pushed.fleetRow).toMatchObject({
      pump: { id: pump.id },
      lastFilledAt: '2026-06-01T10:00:00.000Z',
      refillDeadline: '2026-08-30T10:00:00.000Z',
    });
    expect(pushed.fleetRow?.fleetRowVersion).toBeGreaterThanOrEqual(fillEventId);
    expect(pushed.fleetRow).toEqual(await rowOf(pump.id));

    // A dashboard that was offline since `mark` gets the same change replayed, with the row.
    const late = await connect(mark);
    await waitFor(() => late.pumps.some((e) => e.eventId === fillEventId));
    expect(late.pumps.find((e) => e.eventId === fillEventId)).toEqual(pushed);
  });

  it('delivers an alert while the read model is stalled; the pump.changed before it then comes without its row', async () => {
    const clinicId = (await f.clinic()).id;
    const { pump } = await pumpFilledAt(clinicId, 'Al Alarm', '2026-05-20T09:00:00Z');
    await fleetOf(clinicId);
    const gateway = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId, name: 'stalled read model gateway' })).body.token,
    });
    const dashboard = await connect();
    const holder = new Client({ connectionString: server.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [FLEET_PROJECTION_LOCK]);
      const sent = await gateway.post('/api/telemetry', {
        readings: [
          {
            serialNumber: pump.serialNumber,
            recordedAt: '2026-06-01T11:30:00Z',
            reservoirVolumeMl: 17.6,
            alarms: ['motor_stall'],
            batteryStatus: 'ok',
          },
        ],
      });
      expect(sent.status).toBe(200);
      // Still holding the lock: no row can be projected, and the alarm reaches the dashboard all the same.
      await waitFor(() => dashboard.alerts.some((e) => e.alert.pumpId === pump.id && e.alert.kind === 'delivery_interrupted'));
      const telemetryEventId = await eventIdOf('telemetry.received', pump.id);
      // Its pump.changed waits for the row no longer than the attach budget, then goes without it.
      await waitFor(() => dashboard.pumps.some((e) => e.eventId === telemetryEventId));
      const changed = dashboard.pumps.find((e) => e.eventId === telemetryEventId) as PumpChangedEvent;
      expect(changed).toEqual({ eventId: telemetryEventId, clinicId, pumpId: pump.id });
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [FLEET_PROJECTION_LOCK]).catch(() => undefined);
      await holder.end();
    }
    // The dashboard falls back to GET fleet-row: current once the read model runs again.
    expect(await rowOf(pump.id)).toMatchObject({ urgency: 'delivery_interrupted' });
  });

  it('keeps one current row per pump when two instances project the same events at once', async () => {
    const clinicId = (await f.clinic()).id;
    const pumps = [];
    for (const name of ['Ivy One', 'Ike Two', 'Ina Three']) pumps.push((await pumpFilledAt(clinicId, name, '2026-05-20T09:00:00Z')).pump);
    const second = await createPumpWatchApp({ databaseUrl: server.databaseUrl, demo: false, clock, logLevel: 'silent' });
    try {
      const projectors = [server.app.get(FleetProjector), second.get(FleetProjector)];
      // Writes through the first instance while both catch up and refresh (the clock moved: every row is due) concurrently.
      clock.set('2026-06-20T12:00:00Z');
      await Promise.all([
        ...pumps.map((pump, i) => f.fill(pump.id, { filledAt: `2026-06-1${i}T09:00:00Z` })),
        ...projectors.flatMap((projector) => [projector.catchUp(), projector.refreshStale(clock.now(), { clinicIds: [clinicId] })]),
      ]);
      // The second instance reads what the first one wrote, as soon as it asks.
      const last = await lastEventIdNow();
      const seenBySecond = await second.get(FleetReadService).rowsThrough(
        last,
        pumps.map((p) => p.id),
      );
      const fromFirst = await fleetOf(clinicId);
      for (const [i, pump] of pumps.entries()) {
        const fillEventId = await eventIdOf('fill.recorded', pump.id);
        const row = fromFirst.find((r) => r.pump.id === pump.id) as FleetPump;
        expect(row.lastFilledAt).toBe(`2026-06-1${i}T09:00:00.000Z`);
        expect(row.fleetRowVersion).toBeGreaterThanOrEqual(fillEventId);
        expect(seenBySecond.get(pump.id)).toEqual(row);
      }
      const rows = await queryRows<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM fleet_rows WHERE clinic_id = $1', [
        clinicId,
      ]);
      expect(rows[0].n).toBe(3);
    } finally {
      await second.close();
    }
  });

  describe('freshness check (rows due by computed_at, rowless pumps after a membership change)', () => {
    interface StoredState {
      pump_id: string;
      version: string;
      computed_at: string;
      clinic_id: string;
      tuple: string;
    }
    /** The clinic's stored rows as written: xmin changes with any rewrite of a row, even to the same values. */
    const storedRows = (clinicId: string) =>
      queryRows<StoredState>(
        server.databaseUrl,
        `SELECT pump_id, version::text, computed_at::text, clinic_id, xmin::text AS tuple FROM fleet_rows WHERE clinic_id = $1 ORDER BY pump_id`,
        [clinicId],
      );
    const withoutVersion = ({ fleetRowVersion: _version, ...row }: FleetPump) => row;

    it('recreates on the next GET /api/pumps a row deleted by SQL behind the app', async () => {
      const clinicId = (await f.clinic()).id;
      const kept = (await pumpFilledAt(clinicId, 'Kay Kept', '2026-05-20T09:00:00Z')).pump;
      const lost = (await pumpFilledAt(clinicId, 'Lou Lost', '2026-04-01T09:00:00Z')).pump;
      // Two reads: the first may still have looked for rowless pumps; by the second, nothing has changed since the last look.
      await fleetOf(clinicId);
      const before = await fleetOf(clinicId);
      const keptBefore = (await storedRows(clinicId)).find((r) => r.pump_id === kept.id);

      await queryRows(server.databaseUrl, 'DELETE FROM fleet_rows WHERE pump_id = $1', [lost.id]);
      const after = await fleetOf(clinicId);
      expect(after.map((r) => r.pump.id)).toEqual([lost.id, kept.id]);
      expect(after.map(withoutVersion)).toEqual(before.map(withoutVersion));
      const recreated = after.find((r) => r.pump.id === lost.id) as FleetPump;
      expect(recreated.fleetRowVersion).toBeGreaterThanOrEqual(await eventIdOf('fill.recorded', lost.id));
      // Only the rowless pump was computed.
      expect((await storedRows(clinicId)).find((r) => r.pump_id === kept.id)).toEqual(keptBefore);
    });

    it('recomputes on the next read a row whose computed_at was set an hour back by SQL, and no other row', async () => {
      const clinicId = (await f.clinic()).id;
      const aged = (await pumpFilledAt(clinicId, 'Ada Aged', '2026-05-20T09:00:00Z')).pump;
      const fresh = (await pumpFilledAt(clinicId, 'Fay Fresh', '2026-05-20T09:00:00Z')).pump;
      const before = await fleetOf(clinicId);
      await queryRows(server.databaseUrl, `UPDATE fleet_rows SET computed_at = computed_at - interval '1 hour' WHERE pump_id = $1`, [
        aged.id,
      ]);
      const [agedState] = (await storedRows(clinicId)).filter((r) => r.pump_id === aged.id);
      const [freshState] = (await storedRows(clinicId)).filter((r) => r.pump_id === fresh.id);

      expect(withoutVersion(await rowOf(aged.id))).toEqual(withoutVersion(before.find((r) => r.pump.id === aged.id) as FleetPump));
      const [agedAfter] = (await storedRows(clinicId)).filter((r) => r.pump_id === aged.id);
      expect(agedAfter.tuple).not.toBe(agedState.tuple);
      expect(new Date(agedAfter.computed_at).toISOString()).toBe(NOW);
      expect(Number(agedAfter.version)).toBeGreaterThanOrEqual(Number(agedState.version));

      // The same through GET /api/pumps: another hour back, recomputed by the clinic's read; the fresh row is left as it was.
      await queryRows(server.databaseUrl, `UPDATE fleet_rows SET computed_at = computed_at - interval '1 hour' WHERE pump_id = $1`, [
        aged.id,
      ]);
      expect((await fleetOf(clinicId)).map(withoutVersion)).toEqual(before.map(withoutVersion));
      const after = await storedRows(clinicId);
      expect(new Date((after.find((r) => r.pump_id === aged.id) as StoredState).computed_at).toISOString()).toBe(NOW);
      expect(after.find((r) => r.pump_id === fresh.id)).toEqual(freshState);
    });

    it('changes no row on reads with nothing due: GET /api/pumps (all, paged, unscoped) and GET fleet-row', async () => {
      const clinicId = (await f.clinic()).id;
      const pumps = [
        (await pumpFilledAt(clinicId, 'Nina Nothing', '2026-05-20T09:00:00Z')).pump,
        (await pumpFilledAt(clinicId, 'Ned Nothing', '2026-03-01T09:00:00Z')).pump,
      ];
      await fleetOf(clinicId);
      await engine.processPendingEvents();
      await fleetOf(clinicId);
      const before = await storedRows(clinicId);
      expect(before.map((r) => r.pump_id).sort()).toEqual(pumps.map((p) => p.id).sort());

      clock.set('2026-06-01T12:04:00Z');
      await fleetOf(clinicId);
      expect((await f.http.get(`/api/pumps?clinicId=${clinicId}&limit=100`)).status).toBe(200);
      expect((await f.http.get('/api/pumps?limit=100')).status).toBe(200);
      for (const pump of pumps) await rowOf(pump.id);
      expect(await storedRows(clinicId)).toEqual(before);
    });

    it("moves a pump's row to the pump's new clinic when the pump is moved by SQL", async () => {
      const [from, to] = [(await f.clinic()).id, (await f.clinic()).id];
      const { patient, pump } = await pumpFilledAt(from, 'Max Moved', '2026-05-20T09:00:00Z');
      expect((await fleetOf(from)).map((r) => r.pump.id)).toEqual([pump.id]);
      await queryRows(server.databaseUrl, 'UPDATE patients SET clinic_id = $1 WHERE id = $2', [to, patient.id]);
      await queryRows(server.databaseUrl, 'UPDATE pumps SET clinic_id = $1 WHERE id = $2', [to, pump.id]);

      const moved = await fleetOf(to);
      expect(moved.map((r) => r.pump.id)).toEqual([pump.id]);
      expect(moved[0].clinic.id).toBe(to);
      expect(await fleetOf(from)).toEqual([]);
      expect((await storedRows(to)).map((r) => r.pump_id)).toEqual([pump.id]);
    });
  });

  describe('GET /api/pumps/:id/fleet-row', () => {
    it('answers 404 naming id for an unknown pump and for an explanted one', async () => {
      const unknown = await f.http.get('/api/pumps/00000000-0000-4000-8000-000000000000/fleet-row');
      expect(unknown.status).toBe(404);
      expect(unknown.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);

      const clinicId = (await f.clinic()).id;
      const patient = await f.patient(clinicId);
      const old = await f.pump(patient.id);
      await f.pump(patient.id, { replacesPumpId: old.id });
      const explanted = await f.http.get(`/api/pumps/${old.id}/fleet-row`);
      expect(explanted.status).toBe(404);
      expect(explanted.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    });

    it("answers 404 for a pump of another clinic, 200 for one of the caller's own", async () => {
      const [mine, theirs] = [(await f.clinic()).id, (await f.clinic()).id];
      const own = (await pumpFilledAt(mine, 'Olga Own', '2026-05-20T09:00:00Z')).pump;
      const other = (await pumpFilledAt(theirs, 'Otto Other', '2026-05-20T09:00:00Z')).pump;
      const staff = await f.member(mine, 'staff', 'fleet-row-staff');
      const ownRow = await staff.http.get<FleetPump>(`/api/pumps/${own.id}/fleet-row`);
      expect(ownRow.status).toBe(200);
      expect(ownRow.body).toMatchObject({ pump: { id: own.id }, patient: { displayName: 'Olga Own' }, clinic: { id: mine } });
      const foreign = await staff.http.get(`/api/pumps/${other.id}/fleet-row`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    });
  });
});
