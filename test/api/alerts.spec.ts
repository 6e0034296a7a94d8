// Alerts on real PostgreSQL with a ManualClock: rules raised by the sweep and by data changes, one open alert per pump and kind
// (re-firing, concurrent evaluation, the partial unique index), acknowledge / resolve / snooze rules, automatic resolution,
// withdrawal-risk checklist, clinic scoping and the audit trail of every state change.
import type { Alert, AlertDetail, AlertSnoozedEvent } from '@pumpwatch/shared';
import { io } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { createPumpWatchApp } from '../../server/src/app.factory';
import { ManualClock } from '../../server/src/infra/clock';
import { NameWhoBookedAndRecorded1796990000000 } from '../../migrations/1796990000000-NameWhoBookedAndRecorded';
import { fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { runMigrationStep } from '../support/migration-step';
import { useTestServer } from '../support/test-server';

// The test pump: 20 mL of 500 mcg/mL filled 2026-05-01T09:00Z, 100 mcg/day = 0.2 mL/day from 08:00Z that day.
// Alarm volume 2 mL after 18 / 0.2 = 90 days: refill deadline 2026-07-30T09:00Z; empty after 100 days: 2026-08-09T09:00Z.
const START = '2026-06-01T12:00:00.000Z';
const DEADLINE = '2026-07-30T09:00:00.000Z';

describe('alerts', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  let otherClinic: { id: string };
  const members = {} as Record<
    'clinician' | 'scheduler' | 'staff' | 'outsider' | 'secondClinician',
    { token: string; id: string; email: string; displayName: string; http: ReturnType<typeof api> }
  >;

  // Sessions outlive the months the clock is moved through.
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Alert Clinic' });
    otherClinic = await f.clinic({ name: 'Other Clinic' });
    members.clinician = await f.member(clinic.id, 'clinician', 'clinician');
    members.secondClinician = await f.member(clinic.id, 'clinician', 'clinician-2');
    members.scheduler = await f.member(clinic.id, 'scheduler', 'scheduler');
    members.staff = await f.member(clinic.id, 'staff', 'staff');
    members.outsider = await f.member(otherClinic.id, 'admin', 'outsider');
  });
  beforeEach(() => clock.set(START));

  /** A pump with the deadline above, its events evaluated. */
  const newPump = async (inClinic = clinic, patientOverrides: Record<string, unknown> = {}) => {
    const patient = await f.patient(inClinic.id, patientOverrides);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    await engine.processPendingEvents();
    return { patient, pump };
  };
  const sweepAt = async (at: string) => {
    clock.set(at);
    return engine.sweep();
  };
  const alertsOf = async (pumpId: string, query = ''): Promise<Alert[]> => {
    const res = await f.http.get(`/api/alerts?pumpId=${pumpId}${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const alertOf = async (pumpId: string, kind: string, query = ''): Promise<Alert> => {
    const found = (await alertsOf(pumpId, query)).find((a) => a.kind === kind);
    if (!found) throw new Error(`no ${kind} alert for pump ${pumpId}`);
    return found;
  };
  const detail = async (id: string): Promise<AlertDetail> => (await f.http.get(`/api/alerts/${id}`)).body;

  describe('refill deadline', () => {
    it('anchors the test pump: deadline 2026-07-30T09:00Z from the worst-case alarm', async () => {
      const { pump } = await newPump();
      expect((await f.http.get(`/api/pumps/${pump.id}/forecast`)).body).toMatchObject({
        refillDeadline: DEADLINE,
        deadlineReason: 'low_reservoir',
        worstCase: { emptyAt: '2026-08-09T09:00:00.000Z' },
      });
    });

    it('warns at 21 days, then raises the same alert to urgent at 7 and critical at 2, and overdue past the deadline', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-09T08:59:59Z');
      expect(await alertsOf(pump.id)).toEqual([]);
      await sweepAt('2026-07-09T09:00:00Z'); // exactly 21 x 24 h before
      const warning = await alertOf(pump.id, 'refill_due');
      expect(warning).toMatchObject({
        severity: 'warning',
        status: 'open',
        title: 'Refill due within 21 days',
        pumpId: pump.id,
        clinicId: clinic.id,
        withdrawalRisk: false,
        withdrawal: null,
        fireCount: 1,
      });
      expect(warning.message).toBe(
        'Refill by 2026-07-30 11:00 CEST (worst-case low-reservoir alarm). No refill appointment is booked before 2026-07-23 11:00 CEST.',
      ); // the clinic's 7-day booking margin

      await sweepAt('2026-07-10T09:00:00Z'); // nothing changed: no re-fire from the sweep
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({ id: warning.id, fireCount: 1, lastEventId: warning.lastEventId });

      await sweepAt('2026-07-23T09:00:00Z');
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({ id: warning.id, severity: 'urgent', title: 'Refill due within 7 days' });
      await sweepAt('2026-07-28T09:00:00Z');
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({
        id: warning.id,
        severity: 'critical',
        title: 'Refill due within 2 days',
      });
      await sweepAt('2026-07-30T09:00:01Z');
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({
        id: warning.id,
        severity: 'critical',
        title: 'Refill overdue',
        facts: { overdue: true },
      });

      const history = (await detail(warning.id)).history;
      expect(history.map((h) => [h.action, h.fromSeverity, h.toSeverity, h.actor.type])).toEqual([
        ['raised', null, 'warning', 'system'],
        ['severity_changed', 'warning', 'urgent', 'system'],
        ['severity_changed', 'urgent', 'critical', 'system'],
        ['restated', 'critical', 'critical', 'system'],
      ]);
    });

    it("warns at the clinic's own horizon", async () => {
      const horizonClinic = await f.clinic();
      await queryRows(server.databaseUrl, 'UPDATE clinics SET alert_warning_horizon_days = 30 WHERE id = $1', [horizonClinic.id]);
      const { pump } = await newPump(horizonClinic);
      await sweepAt('2026-06-30T08:59:59Z');
      expect(await alertsOf(pump.id)).toEqual([]);
      await sweepAt('2026-06-30T09:00:00Z'); // 30 x 24 h before the deadline
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({ severity: 'warning', title: 'Refill due within 30 days' });
    });

    it('resolves the refill alert by itself when a refill is recorded', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const urgent = await alertOf(pump.id, 'refill_due');
      await f.fill(pump.id, { filledAt: '2026-07-24T15:00:00Z', volumeMl: 20 });
      await engine.processPendingEvents();
      expect(await alertsOf(pump.id)).toEqual([]);
      const resolved = await detail(urgent.id);
      // The refill answered it, and the note says so (issue 12), in the clinic's zone (Paris, CEST).
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedBy: { type: 'system', userId: null, label: 'system' },
        resolutionNote: 'Resolved automatically: refill recorded at 2026-07-24 17:00 CEST.',
      });
      expect(resolved.history.map((h) => h.action)).toEqual(['raised', 'resolved']);
    });

    it('resolves it when the pump is explanted', async () => {
      const { patient, pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const urgent = await alertOf(pump.id, 'refill_due');
      await f.pump(patient.id, { replacesPumpId: pump.id });
      await engine.processPendingEvents();
      expect((await detail(urgent.id)).resolutionNote).toBe('Resolved automatically: the pump was explanted.');
    });

    it('takes an acknowledged alert back to open when it becomes more severe', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-20T00:00:00Z');
      const warning = await alertOf(pump.id, 'refill_due');
      expect((await members.clinician.http.post(`/api/alerts/${warning.id}/acknowledge`, { note: 'booking next week' })).body.status).toBe(
        'acknowledged',
      );
      await sweepAt('2026-07-24T00:00:00Z');
      expect(await alertOf(pump.id, 'refill_due')).toMatchObject({
        id: warning.id,
        severity: 'urgent',
        status: 'open',
        acknowledgedAt: null,
        acknowledgedBy: null,
      });
    });
  });

  describe('withdrawal risk', () => {
    it("raises a critical withdrawal-risk alert 72 h before the worst case runs empty, with the checklist and the patient's risk factors", async () => {
      const { patient, pump } = await newPump(clinic);
      const patched = await members.clinician.http.call('PATCH', `/api/patients/${patient.id}`, {
        spinalCordInjuryT6OrAbove: true,
        previousWithdrawal: false,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ spinalCordInjuryT6OrAbove: true, communicationDifficulty: null, previousWithdrawal: false });
      // Below the alarm volume from the deadline on: push the alarm volume out of the way to see the 72 h rule alone.
      await queryRows(server.databaseUrl, 'UPDATE pumps SET low_reservoir_alarm_ml = 0 WHERE id = $1', [pump.id]);
      await sweepAt('2026-08-06T08:59:59Z'); // 72 h and 1 s before 2026-08-09T09:00Z
      expect((await alertsOf(pump.id)).map((a) => a.kind)).not.toContain('reservoir_near_empty');
      await sweepAt('2026-08-06T09:00:00Z');
      const alert = await alertOf(pump.id, 'reservoir_near_empty');
      expect(alert).toMatchObject({
        severity: 'critical',
        withdrawalRisk: true,
        title: 'Withdrawal risk: reservoir nearly empty',
        facts: { reasons: ['worst_case_empty_within_72h'] },
      });
      expect(alert.withdrawal?.earlySigns).toEqual(
        expect.arrayContaining([
          'Return of spasticity',
          'Itching without rash',
          'Paresthesias',
          'Goose bumps',
          'Labile blood pressure',
          'Tachycardia',
          'Fever',
          'Hallucinations',
          'Seizures',
        ]),
      );
      expect(alert.withdrawal?.riskFactors).toEqual([
        { factor: 'spinalCordInjuryT6OrAbove', label: 'Spinal cord injury at T6 or above', present: true },
        { factor: 'communicationDifficulty', label: 'Communication difficulty (may not report early signs)', present: null },
        { factor: 'previousWithdrawal', label: 'Previous baclofen withdrawal', present: false },
      ]);
    });

    it('is resolved by a refill recorded after it was raised (issue 12), with the refill named', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-30T12:00:00Z'); // below the 2 mL alarm volume
      const risk = await alertOf(pump.id, 'reservoir_near_empty');
      expect(risk.facts.reasons).toEqual(['below_alarm_volume']);
      await f.fill(pump.id, { filledAt: '2026-07-30T11:00:00Z', volumeMl: 20 });
      await engine.processPendingEvents();
      expect(await alertsOf(pump.id)).toEqual([]); // the refill alert resolved itself too
      const resolved = await detail(risk.id);
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedBy: { type: 'system' },
        resolutionNote: 'Resolved automatically: refill recorded at 2026-07-30 13:00 CEST.',
      });
      expect(resolved.history.map((h) => [h.action, h.actor.type])).toEqual([
        ['raised', 'system'],
        ['resolved', 'system'],
      ]);
    });

    it('from an alarm that stopped delivery, stays open once the alarm clears, until a clinician resolves it with a note', async () => {
      const { pump } = await newPump();
      const post = async (alarms: string[], recordedAt: string) => {
        expect((await f.http.post('/api/telemetry', { readings: [{ serialNumber: pump.serialNumber, recordedAt, alarms }] })).status).toBe(
          200,
        );
        await engine.processPendingEvents();
      };
      await post(['motor_stall'], '2026-06-01T10:00:00Z');
      const risk = await alertOf(pump.id, 'delivery_interrupted');
      clock.set('2026-06-01T13:00:00Z');
      await post([], '2026-06-01T12:30:00Z');
      const cleared = await alertOf(pump.id, 'delivery_interrupted');
      expect(cleared).toMatchObject({ id: risk.id, status: 'open', conditionClearedAt: '2026-06-01T13:00:00.000Z' });

      const withoutNote = await members.clinician.http.post(`/api/alerts/${risk.id}/resolve`, {});
      expect(withoutNote.status).toBe(400);
      expect(withoutNote.body.fields).toEqual([expect.objectContaining({ field: 'note' })]);
      expect((await members.clinician.http.post(`/api/alerts/${risk.id}/resolve`, { note: '   ' })).status).toBe(400);
      expect((await members.scheduler.http.post(`/api/alerts/${risk.id}/resolve`, { note: 'fine' })).status).toBe(403);
      const resolved = await members.clinician.http.post(`/api/alerts/${risk.id}/resolve`, {
        note: 'Pump delivering again; no spasticity, afebrile, patient called back',
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({
        status: 'resolved',
        resolvedBy: { type: 'user', userId: members.clinician.id, label: members.clinician.displayName },
        resolutionNote: 'Pump delivering again; no spasticity, afebrile, patient called back',
      });
      expect((await members.clinician.http.post(`/api/alerts/${risk.id}/resolve`, { note: 'again' })).status).toBe(409);
      expect((await detail(risk.id)).history.map((h) => [h.action, h.actor.type])).toEqual([
        ['raised', 'system'],
        ['condition_cleared', 'system'],
        ['resolved', 'user'],
      ]);
    });
  });

  describe('one open alert per pump and kind', () => {
    it('re-fires the open alert on a data change: count and last seen, never a second alert', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const first = await alertOf(pump.id, 'refill_due');
      clock.set('2026-07-25T06:00:00Z');
      await f.program(pump.id, { effectiveFrom: '2026-07-25T05:00:00Z' }); // same dose: still urgent
      await engine.processPendingEvents();
      const refired = await alertOf(pump.id, 'refill_due');
      expect(refired).toMatchObject({
        id: first.id,
        fireCount: 2,
        lastSeenAt: '2026-07-25T06:00:00.000Z',
        firstRaisedAt: '2026-07-25T00:00:00.000Z',
      });
      expect(refired.lastEventId).toBeGreaterThan(first.lastEventId);
      const rows = await queryRows<{ n: number }>(
        server.databaseUrl,
        `SELECT count(*)::int AS n FROM alerts WHERE pump_id = $1 AND kind = 'refill_due'`,
        [pump.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('raises each alert once when two instances evaluate at the same time', async () => {
      const pumps = await Promise.all([newPump(), newPump(), newPump()]);
      const second = await createPumpWatchApp({ databaseUrl: server.databaseUrl, demo: false, clock, logLevel: 'silent' });
      try {
        clock.set('2026-07-31T00:00:00Z'); // overdue and below the alarm volume: two kinds per pump
        const otherEngine = second.get(AlertEngine);
        await Promise.all([
          engine.sweep(),
          otherEngine.sweep(),
          engine.sweep(),
          otherEngine.sweep(),
          engine.processPendingEvents(),
          otherEngine.processPendingEvents(),
        ]);
      } finally {
        await second.close();
      }
      const rows = await queryRows<{ pump_id: string; kind: string; n: number }>(
        server.databaseUrl,
        `SELECT pump_id, kind, count(*)::int AS n FROM alerts WHERE pump_id = ANY($1::uuid[]) GROUP BY 1, 2 ORDER BY 1, 2`,
        [pumps.map((p) => p.pump.id)],
      );
      expect(rows).toHaveLength(6);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      const raised = await queryRows<{ n: number }>(
        server.databaseUrl,
        `SELECT count(*)::int AS n FROM events WHERE type = 'alert.raised' AND pump_id = ANY($1::uuid[])`,
        [pumps.map((p) => p.pump.id)],
      );
      expect(raised[0].n).toBe(6);
    });

    it('holds in PostgreSQL itself: a second unresolved alert of the same pump and kind is refused by the partial unique index', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const copy = (id: string, status: string) =>
        queryRows(
          server.databaseUrl,
          `INSERT INTO alerts (id, clinic_id, patient_id, pump_id, subject_type, subject_id, kind, severity, status, title, message, first_raised_at,
           last_raised_at, last_seen_at, last_event_id, updated_at, resolved_at, resolved_by_type, acknowledged_at)
         SELECT $2::uuid, clinic_id, patient_id, pump_id, subject_type, subject_id, kind, severity, $3, title, message, now(), now(), now(), 0, now(),
           CASE WHEN $3 = 'resolved' THEN now() END, CASE WHEN $3 = 'resolved' THEN 'system' END, CASE WHEN $3 = 'acknowledged' THEN now() END
         FROM alerts WHERE pump_id = $1 AND kind = 'refill_due'`,
          [pump.id, id, status],
        );
      await expect(copy('00000000-0000-4000-8000-00000000a001', 'open')).rejects.toMatchObject({
        constraint: 'alerts_one_open_per_subject_kind',
      });
      await expect(copy('00000000-0000-4000-8000-00000000a002', 'acknowledged')).rejects.toMatchObject({
        constraint: 'alerts_one_open_per_subject_kind',
      });
      await expect(copy('00000000-0000-4000-8000-00000000a003', 'resolved')).resolves.toBeDefined();
    });
  });

  describe('acknowledge, resolve, snooze', () => {
    it('acknowledges once, as a clinician of the clinic, with who, when and the note; staff and schedulers may not', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const alert = await alertOf(pump.id, 'refill_due');
      expect((await members.staff.http.post(`/api/alerts/${alert.id}/acknowledge`, {})).status).toBe(403);
      expect((await members.scheduler.http.post(`/api/alerts/${alert.id}/acknowledge`, {})).status).toBe(403);
      clock.set('2026-07-25T00:05:00Z');
      const acknowledged = await members.clinician.http.post(`/api/alerts/${alert.id}/acknowledge`, { note: 'Refill booked for Monday' });
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body).toMatchObject({
        status: 'acknowledged',
        acknowledgedAt: '2026-07-25T00:05:00.000Z',
        acknowledgementNote: 'Refill booked for Monday',
        // Named as colleagues know them; the audit row keeps the e-mail.
        acknowledgedBy: { type: 'user', userId: members.clinician.id, label: members.clinician.displayName },
      });
      const again = await members.secondClinician.http.post(`/api/alerts/${alert.id}/acknowledge`, {});
      expect(again.status).toBe(409);
      expect(again.body.fields).toEqual([{ field: 'status', message: 'is already acknowledged' }]);
      expect((await members.clinician.http.post(`/api/alerts/${alert.id}/acknowledge`, { note: 'x', extra: 1 })).status).toBe(400);

      // Acknowledged before names were kept, the label held the account e-mail: the migration names the person.
      await queryRows(server.databaseUrl, 'UPDATE alerts SET acknowledged_by_label = $2 WHERE id = $1', [
        alert.id,
        members.clinician.email,
      ]);
      await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'up');
      const detail = (await members.clinician.http.get(`/api/alerts/${alert.id}`)).body as AlertDetail;
      expect(detail.acknowledgedBy).toMatchObject({ userId: members.clinician.id, label: members.clinician.displayName });
    });

    it('snoozes for the caller only, from the fixed set, critical alerts at most 60 minutes', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-29T00:00:00Z');
      const critical = await alertOf(pump.id, 'refill_due');
      expect(critical.severity).toBe('critical');
      const tooLong = await members.staff.http.post(`/api/alerts/${critical.id}/snooze`, { minutes: 120 });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.fields).toEqual([{ field: 'minutes', message: 'must be at most 60 for a critical alert' }]);
      const notOffered = await members.staff.http.post(`/api/alerts/${critical.id}/snooze`, { minutes: 45 });
      expect(notOffered.status).toBe(400);
      expect(notOffered.body.fields[0].field).toBe('minutes');

      // The user's other dashboard hears of it (alert.snoozed) and hides it too.
      const otherDashboard = io(server.baseUrl, { transports: ['websocket'], forceNew: true, auth: { token: members.staff.token } });
      const heard: AlertSnoozedEvent[] = [];
      otherDashboard.on('alert.snoozed', (event: AlertSnoozedEvent) => heard.push(event));
      try {
        await new Promise<void>((resolve, reject) => {
          otherDashboard.once('connect', () => resolve());
          otherDashboard.once('connect_error', reject);
        });
        const snoozed = await members.staff.http.post(`/api/alerts/${critical.id}/snooze`, { minutes: 60 });
        expect(snoozed.status).toBe(200);
        expect(snoozed.body).toMatchObject({ id: critical.id, status: 'open', snoozedUntil: '2026-07-29T01:00:00.000Z' });
        for (let waited = 0; !heard.some((e) => e.alertId === critical.id) && waited < 2_000; waited += 10)
          await new Promise((resolve) => setTimeout(resolve, 10));
        expect(heard.filter((e) => e.alertId === critical.id)).toEqual([
          {
            eventId: expect.any(Number),
            clinicId: clinic.id,
            alertId: critical.id,
            userId: members.staff.id,
            snoozedUntil: '2026-07-29T01:00:00.000Z',
            severityAtSnooze: 'critical',
          },
        ]);
      } finally {
        otherDashboard.close();
      }
      const listOf = async (member: { http: ReturnType<typeof api> }, query = '') =>
        ((await member.http.get(`/api/alerts?pumpId=${pump.id}${query}`)).body as Alert[]).map((a) => a.id);
      expect(await listOf(members.staff)).toEqual([]);
      expect(await listOf(members.staff, '&includeSnoozed=true')).toEqual([critical.id]);
      expect(await listOf(members.clinician)).toEqual([critical.id]); // another user still sees it
      clock.set('2026-07-29T00:59:59Z');
      expect(await listOf(members.staff)).toEqual([]);
      clock.set('2026-07-29T01:00:00Z');
      expect(await listOf(members.staff)).toEqual([critical.id]);
      expect((await detail(critical.id)).history.map((h) => [h.action, h.snoozedUntil, h.eventId])).toEqual([
        ['raised', null, expect.any(Number)],
        ['snoozed', '2026-07-29T01:00:00.000Z', null],
      ]);
    });

    it('shows a snoozed alert again when it becomes more severe', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-27T00:00:00Z');
      const urgent = await alertOf(pump.id, 'refill_due');
      expect((await members.staff.http.post(`/api/alerts/${urgent.id}/snooze`, { minutes: 1440 })).status).toBe(200);
      expect((await members.staff.http.get(`/api/alerts?pumpId=${pump.id}`)).body).toEqual([]);
      await sweepAt('2026-07-28T09:00:00Z'); // critical now
      expect(
        ((await members.staff.http.get(`/api/alerts?pumpId=${pump.id}`)).body as Alert[]).map((a) => [a.id, a.severity, a.snoozedUntil]),
      ).toEqual([[urgent.id, 'critical', null]]);
    });

    it('lists the most severe first, then the most recently raised, and filters by status and severity', async () => {
      const listClinic = await f.clinic();
      const early = await newPump(listClinic);
      await sweepAt('2026-07-10T00:00:00Z'); // early: warning
      clock.set(START);
      const late = await newPump(listClinic);
      await queryRows(server.databaseUrl, 'UPDATE pumps SET low_reservoir_alarm_ml = 4 WHERE id = $1', [late.pump.id]); // deadline 10 days sooner
      await sweepAt('2026-07-19T00:00:00Z'); // late: alarm at 4 mL on 2026-07-20T09:00Z, less than 2 days: critical
      await sweepAt('2026-07-21T00:00:00Z'); // late: below 4 mL now, withdrawal risk; early: still a warning (9 days)
      // Pump alerts only: the sweep also raises the patients' labs-due and review-overdue warnings (clinical safety, issue 7).
      const list = ((await f.http.get(`/api/alerts?clinicId=${listClinic.id}`)).body as Alert[]).filter((a) => a.subject === 'pump');
      // Within critical, the withdrawal risk raised on 07-21 above the refill alert critical since 07-19 (issue 12: newest raise first).
      expect(list.map((a) => [a.pumpId === early.pump.id ? 'early' : 'late', a.kind, a.severity])).toEqual([
        ['late', 'reservoir_near_empty', 'critical'],
        ['late', 'refill_due', 'critical'],
        ['early', 'refill_due', 'warning'],
      ]);
      expect(
        ((await f.http.get(`/api/alerts?clinicId=${listClinic.id}&severity=warning`)).body as Alert[])
          .filter((a) => a.subject === 'pump')
          .map((a) => a.pumpId),
      ).toEqual([early.pump.id]);
      expect((await f.http.get(`/api/alerts?clinicId=${listClinic.id}&status=resolved`)).body).toEqual([]);
      expect((await f.http.get(`/api/alerts?status=closed`)).status).toBe(400);
    });
  });

  describe('clinic scoping', () => {
    it('answers 404 to a user of another clinic for the alert, its actions and its clinic, and lists none of them', async () => {
      const { pump, patient } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const alert = await alertOf(pump.id, 'refill_due');
      const outsider = members.outsider.http;
      for (const path of [
        `/api/alerts/${alert.id}`,
        `/api/alerts?clinicId=${clinic.id}`,
        `/api/alerts?pumpId=${pump.id}`,
        `/api/alerts?patientId=${patient.id}`,
      ]) {
        expect([path, (await outsider.get(path)).status]).toEqual([path, 404]);
      }
      for (const [path, body] of [
        [`/api/alerts/${alert.id}/acknowledge`, {}],
        [`/api/alerts/${alert.id}/resolve`, { note: 'x' }],
        [`/api/alerts/${alert.id}/snooze`, { minutes: 15 }],
      ] as const) {
        expect([path, (await outsider.post(path, body)).status]).toEqual([path, 404]);
      }
      expect((await outsider.call('PATCH', `/api/patients/${patient.id}`, { previousWithdrawal: true })).status).toBe(404);
      expect(((await outsider.get('/api/alerts')).body as Alert[]).filter((a) => a.clinicId === clinic.id)).toEqual([]);
      expect((await f.http.get('/api/alerts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await f.http.get('/api/alerts/not-an-id')).status).toBe(404);
    });
  });

  describe('audit trail', () => {
    it('records every state change of an alert: raised by the system, acknowledged, snoozed and resolved by their users', async () => {
      const { pump } = await newPump();
      await sweepAt('2026-07-25T00:00:00Z');
      const alert = await alertOf(pump.id, 'refill_due');
      await members.clinician.http.post(`/api/alerts/${alert.id}/acknowledge`, { note: 'seen' });
      await members.staff.http.post(`/api/alerts/${alert.id}/snooze`, { minutes: 30 });
      await members.secondClinician.http.post(`/api/alerts/${alert.id}/resolve`, { note: 'refill done elsewhere' });
      const rows = (await f.http.get(`/api/audit?entityType=alert&entityId=${alert.id}`)).body as {
        action: string;
        actorType: string;
        actorLabel: string;
        clinicId: string;
        changes: Record<string, { before: unknown; after: unknown }>;
      }[];
      expect(rows.map((r) => [r.action, r.actorType, r.actorLabel]).reverse()).toEqual([
        ['alert.raised', 'system', 'system'],
        ['alert.acknowledged', 'user', members.clinician.email],
        ['alert.snoozed', 'user', members.staff.email],
        ['alert.resolved', 'user', members.secondClinician.email],
      ]);
      expect(rows.every((r) => r.clinicId === clinic.id)).toBe(true);
      expect(rows[0].changes.status).toEqual({ before: 'acknowledged', after: 'resolved' });
      expect(rows[2].changes.acknowledgementNote).toEqual({ before: null, after: 'seen' });
    });

    it("records a change of the patient's risk factors, before -> after", async () => {
      const { patient } = await newPump();
      // A name can be corrected since issue 16; a malformed birth date is still refused.
      const refused = await members.clinician.http.call('PATCH', `/api/patients/${patient.id}`, { birthDate: 'not-a-date' });
      expect(refused.status).toBe(400);
      expect((await members.clinician.http.call('PATCH', `/api/patients/${patient.id}`, {})).status).toBe(400);
      expect((await members.staff.http.call('PATCH', `/api/patients/${patient.id}`, { communicationDifficulty: true })).status).toBe(403);
      expect((await members.clinician.http.call('PATCH', `/api/patients/${patient.id}`, { communicationDifficulty: true })).status).toBe(
        200,
      );
      const rows = (await f.http.get(`/api/audit?entityType=patient&entityId=${patient.id}`)).body as {
        action: string;
        changes: Record<string, unknown>;
      }[];
      expect(rows[0]).toMatchObject({ action: 'patient.updated', changes: { communicationDifficulty: { before: null, after: true } } });
      expect((await f.http.get(`/api/patients/${patient.id}`)).body.communicationDifficulty).toBe(true);
    });
  });
});
