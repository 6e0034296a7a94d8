// The fleet's urgency on real PostgreSQL (issue 12): interrupted delivery first and out of the refill planner, one pump's bad history
// never breaks the others, a fill at a millisecond instant, the accent-folding search, x-last-event-id, and no_forecast after 24 h.
import type { FleetPump, RefillPlanProposal } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

const NOW = '2026-06-01T12:00:00.000Z';

describe('fleet urgency', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(NOW);
  const logLines: string[] = [];
  const server = useTestServer({
    clock,
    sessionHours: 24 * 365,
    logLevel: 'error',
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
  });

  const fleetOf = async (clinicId: string) => {
    const res = await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** 20 mL at 500 mcg/mL, 100 mcg/day = 0.2 mL/day: the 2 mL alarm 90 days after the fill. */
  const pumpFilledAt = async (clinicId: string, displayName: string, filledAt: string, overrides: Record<string, unknown> = {}) => {
    const patient = await f.patient(clinicId, { displayName });
    const pump = await f.pump(patient.id, overrides);
    await f.program(pump.id, { effectiveFrom: '2026-02-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt });
    return { patient, pump };
  };

  describe('a motor stall in a clinic with overdue pumps', () => {
    let clinicId: string;
    let stalled: { id: string; serialNumber: string };
    const overdue: string[] = [];
    beforeAll(async () => {
      clinicId = (await f.clinic({ name: 'Stall Clinic' })).id;
      // Filled 2026-03-01 and 03-02: deadlines 2026-05-30 and 05-31, overdue at NOW.
      for (const [i, day] of ['01', '02'].entries())
        overdue.push((await pumpFilledAt(clinicId, `Overdue ${i}`, `2026-03-${day}T09:00:00Z`)).pump.id);
      // Filled 2026-05-20: deadline 2026-08-18, OK by its deadline, but its motor stalls.
      stalled = (await pumpFilledAt(clinicId, 'Zoe Stalled', '2026-05-20T09:00:00Z')).pump;
      await f.clinicianWithSessions(
        clinicId,
        'Stall Nurse',
        [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '16:00' })),
      );
      const gateway = api(server.baseUrl, {
        token: (await f.http.post('/api/machine-tokens', { clinicId, name: 'stall gateway' })).body.token,
      });
      const sent = await gateway.post('/api/telemetry', {
        readings: [
          {
            serialNumber: stalled.serialNumber,
            recordedAt: '2026-06-01T11:30:00Z',
            reservoirVolumeMl: 17.6,
            alarms: ['motor_stall'],
            batteryStatus: 'ok',
          },
        ],
      });
      expect(sent.status).toBe(200);
      await engine.processPendingEvents();
    });

    it('puts the stalled pump first, above the overdue ones, with urgency delivery_interrupted and its reason', async () => {
      const fleet = await fleetOf(clinicId);
      expect(fleet.map((r) => r.pump.id)).toEqual([stalled.id, ...overdue]);
      expect(fleet.map((r) => r.urgency)).toEqual(['delivery_interrupted', 'overdue', 'overdue']);
      // The critical delivery_interrupted alert the engine raised repeats the telemetry reason: listed once, with the alert's id.
      const [alert] = await queryRows<{ id: string }>(
        server.databaseUrl,
        "SELECT id FROM alerts WHERE pump_id = $1 AND kind = 'delivery_interrupted'",
        [stalled.id],
      );
      expect(fleet[0].urgencyReasons).toEqual([
        {
          kind: 'delivery_interrupted',
          severity: 'critical',
          text: 'Delivery interrupted: the pump reports motor stall',
          alertId: alert.id,
        },
      ]);
      expect(fleet[1].urgencyReasons).toEqual([{ kind: 'overdue', severity: 'critical', text: 'Refill overdue by 2 d' }]);
    });

    it('leaves it out of the refill plan and lists it as an emergency with its alert', async () => {
      const res = await f.http.post<RefillPlanProposal>('/api/refill-plan', { clinicId, from: NOW, to: '2026-09-01T00:00:00Z' });
      expect(res.status).toBe(200);
      const planned = [...res.body.proposals.map((p) => p.pumpId), ...res.body.unplaced.map((u) => u.pumpId)];
      expect(planned).not.toContain(stalled.id);
      expect(planned).toEqual(expect.arrayContaining(overdue));
      const [alert] = await queryRows<{ id: string }>(
        server.databaseUrl,
        "SELECT id FROM alerts WHERE pump_id = $1 AND kind = 'delivery_interrupted' AND status = 'open'",
        [stalled.id],
      );
      expect(res.body.emergencies).toEqual([
        {
          pumpId: stalled.id,
          patient: expect.objectContaining({ displayName: 'Zoe Stalled' }),
          alertId: alert.id,
          reasons: [
            {
              kind: 'delivery_interrupted',
              severity: 'critical',
              text: 'Delivery interrupted: the pump reports motor stall',
              alertId: alert.id,
            },
          ],
        },
      ]);
    });

    it('keeps an acknowledged withdrawal-risk alert as a reason after telemetry clears, until a clinician resolves it', async () => {
      const [alert] = await queryRows<{ id: string }>(
        server.databaseUrl,
        "SELECT id FROM alerts WHERE pump_id = $1 AND kind = 'delivery_interrupted'",
        [stalled.id],
      );
      expect((await f.http.post(`/api/alerts/${alert.id}/acknowledge`, { note: 'called the patient' })).body.status).toBe('acknowledged');
      const gateway = api(server.baseUrl, {
        token: (await f.http.post('/api/machine-tokens', { clinicId, name: 'stall gateway 2' })).body.token,
      });
      await gateway.post('/api/telemetry', {
        readings: [
          {
            serialNumber: stalled.serialNumber,
            recordedAt: '2026-06-01T11:50:00Z',
            reservoirVolumeMl: 17.6,
            alarms: [],
            batteryStatus: 'ok',
          },
        ],
      });
      await engine.processPendingEvents();
      const row = (await fleetOf(clinicId)).find((r) => r.pump.id === stalled.id) as FleetPump;
      expect(row.urgency).toBe('delivery_interrupted');
      expect(row.urgencyReasons).toEqual([
        { kind: 'withdrawal_risk_alert', severity: 'critical', text: 'Withdrawal risk: pump delivery interrupted', alertId: alert.id },
      ]);
    });
  });

  it('answers 200 and shows a fill recorded at a millisecond instant, asked at once', async () => {
    const clinicId = (await f.clinic()).id;
    const patient = await f.patient(clinicId);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    clock.set('2026-06-01T10:00:00.500Z');
    try {
      await f.fill(pump.id, { filledAt: '2026-06-01T10:00:00.288Z' });
      const fleet = await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}`);
      expect(fleet.status).toBe(200);
      expect(fleet.body[0]).toMatchObject({ status: 'ok', volumeMl: 20, lastFilledAt: '2026-06-01T10:00:00.288Z', urgency: 'ok' });
      expect((await f.http.get(`/api/pumps/${pump.id}`)).body.forecast).toMatchObject({ status: 'ok', volumeMl: 20 });
    } finally {
      clock.set(NOW);
    }
  });

  it("turns a history that cannot be forecast into that row's status and reason, logged, and still answers every other pump", async () => {
    const clinicId = (await f.clinic()).id;
    const good = await pumpFilledAt(clinicId, 'Gus Good', '2026-05-20T09:00:00Z');
    const bad = await pumpFilledAt(clinicId, 'Bea Broken', '2026-05-20T09:00:00Z');
    await fleetOf(clinicId);
    // A program row no API would accept (its step has no start time), written as the database owner. A write behind the API records
    // no event: the pump's fleet row is dropped too, so the read model computes it again (as for a pump without a row).
    await queryRows(server.databaseUrl, `UPDATE programs SET steps = '[{"doseMcgPerDay": 100}]'::jsonb WHERE pump_id = $1`, [bad.pump.id]);
    await queryRows(server.databaseUrl, 'DELETE FROM fleet_rows WHERE pump_id = $1', [bad.pump.id]);
    const fleet = await fleetOf(clinicId);
    const broken = fleet.find((r) => r.pump.id === bad.pump.id) as FleetPump;
    expect(broken).toMatchObject({ status: 'forecast_error', urgency: 'no_forecast', volumeMl: null, refillDeadline: null });
    expect(broken.statusReason).toEqual(expect.any(String));
    expect(broken.urgencyReasons).toEqual([
      { kind: 'forecast_error', severity: 'critical', text: `Forecast failed: ${broken.statusReason}` },
    ]);
    expect(fleet.find((r) => r.pump.id === good.pump.id)).toMatchObject({ status: 'ok', urgency: 'ok', statusReason: null });
    // Registered (PostgreSQL's clock) after the test clock's now: not yet 24 h without a forecast, so it ranks with the pumps due soon.
    expect(fleet.map((r) => r.pump.id)).toEqual([bad.pump.id, good.pump.id]);
    expect(logLines.some((line) => line.includes(`forecast failed for pump ${bad.pump.id}`))).toBe(true);
    const detail = await f.http.get(`/api/pumps/${bad.pump.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.forecast).toMatchObject({ status: 'forecast_error', volumeMl: null });
  });

  it('names what is missing: no fill recorded, no program set', async () => {
    const clinicId = (await f.clinic()).id;
    const noFill = await f.pump((await f.patient(clinicId)).id);
    await f.program(noFill.id);
    const noProgram = await f.pump((await f.patient(clinicId)).id);
    await f.fill(noProgram.id);
    const fleet = await fleetOf(clinicId);
    expect(fleet.find((r) => r.pump.id === noFill.id)).toMatchObject({ status: 'no_fill', statusReason: 'no fill recorded' });
    expect(fleet.find((r) => r.pump.id === noProgram.id)).toMatchObject({ status: 'no_program', statusReason: 'no program set' });
  });

  it('finds a model name and a name typed without its accent, whatever the case', async () => {
    const clinicId = (await f.clinic()).id;
    const chloe = await f.pump((await f.patient(clinicId, { displayName: 'Chloé Dubois' })).id, { modelId: 'synchromed-ii-40' });
    const prometra = await f.pump((await f.patient(clinicId, { displayName: 'Marc Petit' })).id, { modelId: 'prometra-ii-40' });
    const ids = async (q: string) =>
      (await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}&q=${encodeURIComponent(q)}`)).body.map((r) => r.pump.id);
    expect(await ids('prometra')).toEqual([prometra.id]);
    expect(await ids('chloe')).toEqual([chloe.id]);
    expect(await ids('CHLOÉ dub')).toEqual([chloe.id]);
    expect(await ids('%')).toEqual([]);
  });

  it('answers the highest event id the fleet reflects in x-last-event-id', async () => {
    const maxEventId = async () =>
      Number((await queryRows<{ max: string }>(server.databaseUrl, 'SELECT max(id)::text AS max FROM events'))[0].max);
    // The alert engine may append events meanwhile: the header lies between the last id before the request and the last after it.
    const before = await maxEventId();
    const res = await f.http.get('/api/pumps');
    const after = await maxEventId();
    expect(res.status).toBe(200);
    const header = res.headers.get('x-last-event-id');
    expect(header).toMatch(/^\d+$/);
    expect(Number(header)).toBeGreaterThanOrEqual(before);
    expect(Number(header)).toBeLessThanOrEqual(after);
    await f.clinic();
    expect(Number((await f.http.get('/api/pumps')).headers.get('x-last-event-id'))).toBeGreaterThan(Number(header));
  });
});

describe('no_forecast alert', () => {
  // Registration is stamped by PostgreSQL's own clock: start the test clock at the real time, so 24 h later is 24 h after it.
  const start = new Date(Math.floor(Date.now() / 1000) * 1000);
  const clock = new ManualClock(start);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });

  it('is raised (urgent, naming what is missing) only once 24 h have passed since registration, and resolves once there is a forecast', async () => {
    const f = fixtures(server.baseUrl);
    const engine = server.app.get(AlertEngine);
    const clinicId = (await f.clinic()).id;
    const pump = await f.pump((await f.patient(clinicId)).id);
    const sweepAfterHours = async (hours: number) => {
      clock.set(new Date(start.getTime() + hours * 3_600_000));
      await engine.sweep();
      return queryRows<{ severity: string; status: string; message: string }>(
        server.databaseUrl,
        "SELECT severity, status, message FROM alerts WHERE pump_id = $1 AND kind = 'no_forecast'",
        [pump.id],
      );
    };
    expect(await sweepAfterHours(23)).toEqual([]);
    const [raised] = await sweepAfterHours(24.5);
    expect(raised).toMatchObject({ severity: 'urgent', status: 'open' });
    expect(raised.message).toContain('no fill is recorded');
    // Now past its 24 h, the pump ranks with the critical ones and its reason is critical.
    const row = (await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinicId}`)).body[0];
    expect(row.urgencyReasons).toEqual([{ kind: 'no_forecast', severity: 'critical', text: 'No forecast: no fill recorded' }]);
    await f.program(pump.id, { effectiveFrom: new Date(start.getTime() + 24 * 3_600_000).toISOString() });
    await f.fill(pump.id, { filledAt: new Date(start.getTime() + 24.5 * 3_600_000).toISOString() });
    await engine.processPendingEvents();
    expect((await sweepAfterHours(25)).map((a) => a.status)).toEqual(['resolved']);
  });
});
