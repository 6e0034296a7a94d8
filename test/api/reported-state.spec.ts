// Issue 12, on real PostgreSQL: the reported state follows the clinic's actions (a refill answers the reservoir alarms and alerts
// before it) and the pump's own reservoir estimate is reconciled with the forecast (reservoir_discrepancy, deadline from the lower volume).
import type { Alert, AlertDetail, FleetPump, PumpDetail, PumpForecast } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

// The test pump: 20 mL of 500 mcg/mL filled 2026-05-01T09:00Z, 100 mcg/day = 0.2 mL/day from 08:00Z that day.
// Record: alarm volume 2 mL after 18 / 0.2 = 90 days, refill deadline 2026-07-30T09:00Z.
// On 2026-05-31T09:00Z (30 days) the forecast holds 20 - 6 = 14 mL.
const START = '2026-06-01T12:00:00.000Z';
const DEADLINE = '2026-07-30T09:00:00.000Z';
const READ_AT = '2026-05-31T09:00:00.000Z';

describe("reported state and the pump's reservoir estimate", () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  let gateway: ReturnType<typeof api>;

  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Reported State Clinic', timeZone: 'UTC' });
    gateway = await gatewayOf(clinic.id);
  });
  beforeEach(() => clock.set(START));

  const gatewayOf = async (clinicId: string) =>
    api(server.baseUrl, { token: (await f.http.post('/api/machine-tokens', { clinicId, name: 'gateway' })).body.token });
  const newPump = async (inClinic = clinic): Promise<{ id: string; serialNumber: string }> => {
    const pump = await f.pump((await f.patient(inClinic.id)).id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    await engine.processPendingEvents();
    return pump;
  };
  const report = async (readings: Record<string, unknown>[], through = gateway) => {
    const res = await through.post('/api/telemetry', { readings });
    expect([res.status, res.body.unknownSerials]).toEqual([200, []]);
    await engine.processPendingEvents();
  };
  const detailOf = async (pumpId: string): Promise<PumpDetail> => {
    const res = await f.http.get(`/api/pumps/${pumpId}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Open, acknowledged and resolved alerts of the pump. */
  const alertsOf = async (pumpId: string): Promise<Alert[]> => {
    const current = await f.http.get(`/api/alerts?pumpId=${pumpId}`);
    const resolved = await f.http.get(`/api/alerts?pumpId=${pumpId}&status=resolved`);
    expect([current.status, resolved.status]).toEqual([200, 200]);
    return [...current.body, ...resolved.body];
  };
  const alertOf = async (pumpId: string, kind: string): Promise<Alert | undefined> => (await alertsOf(pumpId)).find((a) => a.kind === kind);
  const historyOf = async (alertId: string): Promise<AlertDetail['history']> =>
    ((await f.http.get(`/api/alerts/${alertId}`)).body as AlertDetail).history;

  describe('a fill recorded after a reading', () => {
    it('clears that reading\'s low_reservoir alarm and resolves the open reservoir_near_empty alert (system, "Refill recorded at ...")', async () => {
      const pump = await newPump();
      await report([{ serialNumber: pump.serialNumber, recordedAt: '2026-06-01T10:00:00Z', alarms: ['low_reservoir'] }]);
      expect((await detailOf(pump.id)).telemetry).toMatchObject({ activeAlarms: ['low_reservoir'], alarmsAnsweredByRefill: null });
      const raised = await alertOf(pump.id, 'reservoir_near_empty');
      expect(raised).toMatchObject({ status: 'open', severity: 'critical', facts: { reasons: ['pump_low_reservoir_alarm'] } });

      clock.set('2026-06-01T12:30:00Z');
      await f.fill(pump.id, { filledAt: '2026-06-01T12:15:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
      await engine.processPendingEvents();

      expect((await detailOf(pump.id)).telemetry).toMatchObject({
        activeAlarms: [],
        deliveryInterrupted: false,
        alarmsAnsweredByRefill: { codes: ['low_reservoir'], recordedAt: '2026-06-01T10:00:00.000Z', filledAt: '2026-06-01T12:15:00.000Z' },
      });
      const note = 'Resolved automatically: refill recorded at 2026-06-01 12:15 UTC.';
      expect(await alertOf(pump.id, 'reservoir_near_empty')).toMatchObject({
        id: raised?.id,
        status: 'resolved',
        resolvedAt: '2026-06-01T12:30:00.000Z',
        resolvedBy: { type: 'system' },
        resolutionNote: note,
      });
      const history = await historyOf(raised?.id as string);
      expect(history[history.length - 1]).toMatchObject({ action: 'resolved', actor: { type: 'system' }, note, toStatus: 'resolved' });
      expect(history[history.length - 1].eventId).toEqual(expect.any(Number));
      const audit = (await f.http.get(`/api/audit?entityType=alert&entityId=${raised?.id}`)).body as {
        action: string;
        actorType: string;
      }[];
      expect(audit.map((row) => row.action)).toContain('alert.resolved');
    });

    it('keeps a motor_stall reported with the low reservoir, and the delivery_interrupted alert with it', async () => {
      const pump = await newPump();
      await report([{ serialNumber: pump.serialNumber, recordedAt: '2026-06-01T10:00:00Z', alarms: ['low_reservoir', 'motor_stall'] }]);
      clock.set('2026-06-01T12:30:00Z');
      await f.fill(pump.id, { filledAt: '2026-06-01T12:15:00Z' });
      await engine.processPendingEvents();
      expect((await detailOf(pump.id)).telemetry).toMatchObject({ activeAlarms: ['motor_stall'], deliveryInterrupted: true });
      expect(await alertOf(pump.id, 'delivery_interrupted')).toMatchObject({ status: 'open', conditionClearedAt: null });
    });

    it('clears the delivery_interrupted condition of an empty_reservoir reading, but the withdrawal-risk alert waits for a clinician', async () => {
      const pump = await newPump();
      await report([{ serialNumber: pump.serialNumber, recordedAt: '2026-06-01T10:00:00Z', alarms: ['empty_reservoir'] }]);
      const raised = await alertOf(pump.id, 'delivery_interrupted');
      expect(raised).toMatchObject({ status: 'open', severity: 'critical', withdrawalRisk: true });

      clock.set('2026-06-01T12:30:00Z');
      await f.fill(pump.id, { filledAt: '2026-06-01T12:15:00Z' });
      await engine.processPendingEvents();

      expect((await detailOf(pump.id)).telemetry).toMatchObject({ activeAlarms: [], deliveryInterrupted: false });
      const after = await alertOf(pump.id, 'delivery_interrupted');
      expect(after).toMatchObject({ id: raised?.id, status: 'open', resolvedAt: null, conditionClearedAt: '2026-06-01T12:30:00.000Z' });
      expect((await historyOf(raised?.id as string)).map((h) => h.action)).toEqual(['raised', 'condition_cleared']);
      // The clinician resolves it with a note.
      const resolved = await f.http.post(`/api/alerts/${raised?.id}/resolve`, {
        note: 'Patient seen, no withdrawal signs; pump refilled.',
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: { type: 'user' } });
    });
  });

  describe("the pump's reservoir estimate against the forecast", () => {
    it('5 mL under the forecast: urgent reservoir_discrepancy, and the refill deadline from the lower volume in detail, forecast and fleet', async () => {
      const pump = await newPump();
      // 9 against 14 mL: -5 mL, beyond max(2 mL, 1.4 mL). As if filled with 15 mL: alarm after 13 / 0.2 = 65 days = 2026-07-05T09:00Z.
      await report([{ serialNumber: pump.serialNumber, recordedAt: READ_AT, reservoirVolumeMl: 9 }]);
      const expected = {
        recordedAt: READ_AT,
        reportedVolumeMl: 9,
        forecastVolumeMl: 14,
        differenceMl: -5,
        allowedDifferenceMl: 2,
        discrepancy: true,
        lowerVolumeLevels: { worstCase: { lowReservoirAlarmAt: '2026-07-05T09:00:00.000Z', emptyAt: '2026-07-15T09:00:00.000Z' } },
      };
      const detail = await detailOf(pump.id);
      expect(detail.forecast).toMatchObject({
        refillDeadline: '2026-07-05T09:00:00.000Z',
        deadlineReason: 'reported_reservoir',
        reportedReservoir: expected,
      });
      const forecast: PumpForecast = (await f.http.get(`/api/pumps/${pump.id}/forecast`)).body;
      expect(forecast).toMatchObject({
        refillDeadline: '2026-07-05T09:00:00.000Z',
        deadlineReason: 'reported_reservoir',
        reportedReservoir: expected,
      });
      const row = ((await f.http.get(`/api/pumps?clinicId=${clinic.id}`)).body as FleetPump[]).find((p) => p.pump.id === pump.id);
      expect(row).toMatchObject({ refillDeadline: '2026-07-05T09:00:00.000Z', deadlineReason: 'reported_reservoir' });
      // Before the reading the forecast knew nothing of it.
      expect((await f.http.get(`/api/pumps/${pump.id}/forecast?at=2026-05-30T09:00:00Z`)).body).toMatchObject({
        refillDeadline: DEADLINE,
        reportedReservoir: null,
      });

      const alert = await alertOf(pump.id, 'reservoir_discrepancy');
      expect(alert).toMatchObject({
        status: 'open',
        severity: 'urgent',
        facts: { reportedVolumeMl: 9, forecastVolumeMl: 14, differenceMl: -5 },
      });
      expect(alert?.message).toContain('the pump reported 9 mL in its reservoir; PumpWatch forecast 14 mL for that moment (5 mL less');
      expect(alert?.message).toContain('The record of programs, boluses or fills differs from what the pump does.');

      // A refill answers it: the reading before it no longer counts, the deadline is the new fill's.
      clock.set('2026-06-01T12:30:00Z');
      await f.fill(pump.id, { filledAt: '2026-06-01T12:15:00Z', volumeMl: 20 });
      await engine.processPendingEvents();
      expect((await detailOf(pump.id)).forecast).toMatchObject({ deadlineReason: 'low_reservoir', reportedReservoir: null });
      expect(await alertOf(pump.id, 'reservoir_discrepancy')).toMatchObject({ status: 'resolved', resolvedBy: { type: 'system' } });
    });

    it('within tolerance (1.5 mL under) raises nothing and keeps the deadline', async () => {
      const pump = await newPump();
      await report([{ serialNumber: pump.serialNumber, recordedAt: READ_AT, reservoirVolumeMl: 12.5 }]);
      expect((await detailOf(pump.id)).forecast).toMatchObject({
        refillDeadline: DEADLINE,
        deadlineReason: 'low_reservoir',
        reportedReservoir: { forecastVolumeMl: 14, differenceMl: -1.5, discrepancy: false, lowerVolumeLevels: null },
      });
      expect(await alertOf(pump.id, 'reservoir_discrepancy')).toBeUndefined();
    });

    it("follows the clinic's tolerance: 6 mL makes the 5 mL difference acceptable, and the alert resolves", async () => {
      const tolerant = await f.clinic({ name: 'Tolerant Clinic', timeZone: 'UTC' });
      const pump = await newPump(tolerant);
      await report([{ serialNumber: pump.serialNumber, recordedAt: READ_AT, reservoirVolumeMl: 9 }], await gatewayOf(tolerant.id));
      expect(await alertOf(pump.id, 'reservoir_discrepancy')).toMatchObject({ status: 'open' });

      const patched = await f.http.call('PATCH', `/api/clinics/${tolerant.id}/settings`, { reservoirDiscrepancyToleranceMl: 6 });
      expect(patched.status).toBe(200);
      await engine.processPendingEvents();
      expect((await detailOf(pump.id)).forecast).toMatchObject({
        refillDeadline: DEADLINE,
        deadlineReason: 'low_reservoir',
        reportedReservoir: { differenceMl: -5, allowedDifferenceMl: 6, discrepancy: false },
      });
      expect(await alertOf(pump.id, 'reservoir_discrepancy')).toMatchObject({ status: 'resolved' });

      // At 1 mL and 1% (max(1, 0.14) = 1 mL allowed) it is back.
      await f.http.call('PATCH', `/api/clinics/${tolerant.id}/settings`, {
        reservoirDiscrepancyToleranceMl: 1,
        reservoirDiscrepancyTolerancePercent: 1,
      });
      await engine.processPendingEvents();
      expect((await detailOf(pump.id)).forecast).toMatchObject({
        deadlineReason: 'reported_reservoir',
        reportedReservoir: { allowedDifferenceMl: 1, discrepancy: true },
      });
      // The resolved alert stays resolved; the discrepancy is a new episode, a new open alert.
      expect(
        (await alertsOf(pump.id))
          .filter((a) => a.kind === 'reservoir_discrepancy')
          .map((a) => a.status)
          .sort(),
      ).toEqual(['open', 'resolved']);
    });
  });
});
