// What PumpWatch derives from telemetry, over HTTP on real PostgreSQL: staleness, mismatches, replacement, MRI check, reservoir
// reconciliation at refills (both sides of each threshold) and the forecast with reported patient boluses.
import { ManualClock } from '../../server/src/infra/clock';
import { TelemetryStatusService } from '../../server/src/telemetry/telemetry-status.service';
import { NameWhoBookedAndRecorded1796990000000 } from '../../migrations/1796990000000-NameWhoBookedAndRecorded';
import { fixtures, queryRows } from '../support/fixtures';
import { runMigrationStep } from '../support/migration-step';
import { api, signIn } from '../support/http';
import { TEST_ADMIN, useTestServer } from '../support/test-server';

const DAY_MS = 86_400_000;

describe('telemetry status, reconciliation and MRI check', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  let clinic: { id: string };
  let gateway: ReturnType<typeof api>;

  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinic = await f.clinic({ timeZone: 'UTC' });
    gateway = api(server.baseUrl, {
      token: (await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'gateway' })).body.token,
    });
  });
  beforeEach(() => clock.set('2026-06-01T12:00:00Z'));

  const newPump = async (overrides: Record<string, unknown> = {}): Promise<{ id: string; serialNumber: string }> =>
    f.pump((await f.patient(clinic.id)).id, overrides);
  const post = async (readings: Record<string, unknown>[]) => {
    const res = await gateway.post('/api/telemetry', { readings });
    expect([res.status, res.body.unknownSerials]).toEqual([200, []]);
    return res.body;
  };
  const telemetryOf = async (pumpId: string, http = f.http) => {
    const res = await http.get(`/api/pumps/${pumpId}`);
    expect(res.status).toBe(200);
    return res.body.telemetry;
  };
  const hoursAgo = (hours: number) => new Date(clock.now().getTime() - hours * 3_600_000).toISOString();

  describe('stale', () => {
    it('is stale when a pump that reported twice in the week has been silent for more than 24 h, and not before', async () => {
      const pump = await newPump();
      await post([
        { serialNumber: pump.serialNumber, recordedAt: hoursAgo(48) },
        { serialNumber: pump.serialNumber, recordedAt: hoursAgo(23) },
      ]);
      expect(await telemetryOf(pump.id)).toMatchObject({
        lastContactAt: hoursAgo(23),
        readingsLast7Days: 2,
        monitored: true,
        stale: false,
        staleAfterHours: 24,
      });
      clock.advanceMs(1.5 * 3_600_000);
      expect(await telemetryOf(pump.id)).toMatchObject({ monitored: true, stale: true });
      // Still stale ten days later, when no reading falls in the last 7 days any more (a new session: the first one has expired).
      clock.advanceMs(10 * DAY_MS);
      const later = api(server.baseUrl, { token: await signIn(server.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password) });
      expect(await telemetryOf(pump.id, later)).toMatchObject({ readingsLast7Days: 0, stale: true });
      // A new reading ends it.
      await post([{ serialNumber: pump.serialNumber, recordedAt: clock.now().toISOString() }]);
      expect(await telemetryOf(pump.id, later)).toMatchObject({ stale: false });
    });

    it('never calls a pump with a single reading stale, and follows the clinic setting', async () => {
      const single = await newPump();
      await post([{ serialNumber: single.serialNumber, recordedAt: hoursAgo(30) }]);
      expect(await telemetryOf(single.id)).toMatchObject({ monitored: false, stale: false });
      const otherClinic = await f.clinic({ timeZone: 'UTC' });
      await queryRows(server.databaseUrl, 'UPDATE clinics SET telemetry_stale_after_hours = 48 WHERE id = $1', [otherClinic.id]);
      const token = (await f.http.post('/api/machine-tokens', { clinicId: otherClinic.id, name: 'g2' })).body.token;
      const pump = await f.pump((await f.patient(otherClinic.id)).id);
      await api(server.baseUrl, { token }).post('/api/telemetry', {
        readings: [
          { serialNumber: pump.serialNumber, recordedAt: hoursAgo(40) },
          { serialNumber: pump.serialNumber, recordedAt: hoursAgo(30) },
        ],
      });
      expect(await telemetryOf(pump.id)).toMatchObject({ monitored: true, stale: false, staleAfterHours: 48 });
    });
  });

  it("reports battery, alarms (cleared by a later reading), and the pump's own reservoir estimate", async () => {
    const pump = await newPump();
    await post([
      { serialNumber: pump.serialNumber, recordedAt: hoursAgo(5), alarms: ['motor_stall'], batteryStatus: 'ok', reservoirVolumeMl: 9 },
      { serialNumber: pump.serialNumber, recordedAt: hoursAgo(4), reservoirVolumeMl: 8.9 },
    ]);
    expect(await telemetryOf(pump.id)).toMatchObject({
      activeAlarms: ['motor_stall'],
      deliveryInterrupted: true,
      batteryStatus: 'ok',
      reportedReservoirVolumeMl: 8.9,
      reportedReservoirVolumeAt: hoursAgo(4),
    });
    await post([{ serialNumber: pump.serialNumber, recordedAt: hoursAgo(3), alarms: [] }]);
    expect(await telemetryOf(pump.id)).toMatchObject({ activeAlarms: [], deliveryInterrupted: false });
  });

  it('flags a program mismatch beyond 1 mcg/day or 1%, and not at the threshold', async () => {
    const pump = await newPump();
    await f.program(pump.id, { effectiveFrom: '2026-05-01T00:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] });
    await post([{ serialNumber: pump.serialNumber, recordedAt: hoursAgo(3), programDoseMcgPerDay: 101 }]);
    expect((await telemetryOf(pump.id)).programMismatch).toBeNull();
    await post([{ serialNumber: pump.serialNumber, recordedAt: hoursAgo(2), programDoseMcgPerDay: 101.2 }]);
    expect((await telemetryOf(pump.id)).programMismatch).toEqual({
      reportedDoseMcgPerDay: 101.2,
      programDoseMcgPerDay: 100,
      recordedAt: hoursAgo(2),
    });
  });

  it('flags a concentration mismatch against the fill in force at once', async () => {
    const pump = await newPump();
    await f.program(pump.id, { effectiveFrom: '2026-05-01T00:00:00Z' });
    await f.fill(pump.id, { filledAt: '2026-05-20T09:00:00Z', concentrationMcgPerMl: 2000, volumeMl: 20 });
    await post([{ serialNumber: pump.serialNumber, recordedAt: '2026-05-20T09:30:00Z', programConcentrationMcgPerMl: 2000 }]);
    expect((await telemetryOf(pump.id)).concentrationMismatch).toBeNull();
    // 500 keyed with 2000 in the reservoir: four times the dose.
    await post([{ serialNumber: pump.serialNumber, recordedAt: '2026-05-21T09:30:00Z', programConcentrationMcgPerMl: 500 }]);
    expect((await telemetryOf(pump.id)).concentrationMismatch).toEqual({
      keyedConcentrationMcgPerMl: 500,
      fillConcentrationMcgPerMl: 2000,
      recordedAt: '2026-05-21T09:30:00.000Z',
    });
    // Shown on the fleet too.
    const row = ((await f.http.get('/api/pumps')).body as { pump: { id: string }; telemetry: { concentrationMismatch: unknown } }[]).find(
      (r) => r.pump.id === pump.id,
    );
    expect(row?.telemetry.concentrationMismatch).toMatchObject({ keyedConcentrationMcgPerMl: 500 });
  });

  it('sets the replacement deadline 90 days after ERI less the clinic margin, else estimates it from the implant date', async () => {
    const pump = await newPump({ implantDate: '2022-02-01' });
    // 2022-02-01 + 5 years = 2027-02-01; 30 days before = 2027-01-02.
    expect(await telemetryOf(pump.id)).toMatchObject({
      replacementEstimated: true,
      expectedStopAt: '2027-02-01T00:00:00.000Z',
      replacementDueBy: '2027-01-02T00:00:00.000Z',
      eriAt: null,
    });
    await post([
      { serialNumber: pump.serialNumber, recordedAt: '2026-05-10T00:00:00Z', batteryStatus: 'ok' },
      { serialNumber: pump.serialNumber, recordedAt: '2026-05-11T00:00:00Z', batteryStatus: 'eri', alarms: ['eri'] },
    ]);
    // ERI 11 May + 90 days = 9 Aug; - 30 days = 10 Jul.
    expect(await telemetryOf(pump.id)).toMatchObject({
      batteryStatus: 'eri',
      eriAt: '2026-05-11T00:00:00.000Z',
      expectedStopAt: '2026-08-09T00:00:00.000Z',
      replacementDueBy: '2026-07-10T00:00:00.000Z',
      replacementEstimated: false,
    });
    // Through the service the alert rules call, for several pumps at once (unknown ids are left out).
    const statuses = await server.app.get(TelemetryStatusService).statusOf([pump.id, '6f1c1d2e-0000-4000-8000-000000000000'], clock.now());
    expect([...statuses.keys()]).toEqual([pump.id]);
    expect(statuses.get(pump.id)).toMatchObject({ batteryStatus: 'eri', replacementDueBy: '2026-07-10T00:00:00.000Z' });
  });

  describe('MRI', () => {
    it('flags "check the pump after MRI" until a clinician clears it; clearing twice is a conflict', async () => {
      const pump = await newPump();
      const mri = await f.http.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: '2026-05-30T08:00:00Z', note: '3T brain MRI' });
      expect(mri.status).toBe(201);
      expect(mri.body).toMatchObject({
        pumpId: pump.id,
        kind: 'mri',
        at: '2026-05-30T08:00:00.000Z',
        note: '3T brain MRI',
        // Named as colleagues know the user (the bootstrap administrator's name), not by the account e-mail.
        recordedByLabel: 'Administrator',
        clearedAt: null,
      });
      expect(await telemetryOf(pump.id)).toMatchObject({ mriCheckPending: true, pendingMriEventIds: [mri.body.id] });

      const email = `staff-${Date.now()}@pumpwatch.test`;
      await f.http.post('/api/users', {
        email,
        displayName: 'Staff',
        password: 'initial-password-1',
        clinicRoles: [{ clinicId: clinic.id, role: 'staff' }],
      });
      const token = await signIn(server.baseUrl, email, 'initial-password-1');
      await api(server.baseUrl, { token }).post('/api/auth/password', {
        currentPassword: 'initial-password-1',
        newPassword: 'chosen-password-1',
      });
      expect((await api(server.baseUrl, { token }).post(`/api/pumps/${pump.id}/events/${mri.body.id}/clear`, {})).status).toBe(403);

      const cleared = await f.http.post(`/api/pumps/${pump.id}/events/${mri.body.id}/clear`, { note: 'interrogated, program intact' });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({
        clearedAt: '2026-06-01T12:00:00.000Z',
        clearedByLabel: 'Administrator',
        clearNote: 'interrogated, program intact',
      });
      expect(await telemetryOf(pump.id)).toMatchObject({ mriCheckPending: false, pendingMriEventIds: [] });
      const again = await f.http.post(`/api/pumps/${pump.id}/events/${mri.body.id}/clear`, {});
      expect([again.status, again.body.fields[0].field]).toEqual([409, 'eventId']);
      // The 409 names the person, not the account e-mail.
      expect(again.body.fields[0].message).toMatch(/^was already cleared by Administrator at 2026-06-01 12:00 UTC$/);
      expect((await f.http.get(`/api/pumps/${pump.id}/events`)).body).toEqual([cleared.body]);
      const audit = await queryRows<{ action: string }>(
        server.databaseUrl,
        "SELECT action FROM audit_log WHERE entity_type = 'pump_event' AND entity_id = $1 ORDER BY id",
        [mri.body.id],
      );
      expect(audit.map((a) => a.action)).toEqual(['pump_event.recorded', 'pump_event.cleared']);
    });

    it('names who recorded and cleared an MRI as colleagues know them, events stored with the account e-mail before included', async () => {
      const pump = await newPump();
      const clinician = await f.member(clinic.id, 'clinician', 'Dr Mira Magnet', { email: `mira-${Date.now()}@pumpwatch.test` });
      const mri = await clinician.http.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: '2026-05-31T08:00:00Z' });
      expect([mri.status, mri.body.recordedByLabel]).toEqual([201, 'Dr Mira Magnet']);
      const cleared = await clinician.http.post(`/api/pumps/${pump.id}/events/${mri.body.id}/clear`, {});
      expect([cleared.status, cleared.body.clearedByLabel]).toEqual([200, 'Dr Mira Magnet']);

      // Written before names were kept: both labels held the account e-mail. The migration names the person; down restores them.
      await queryRows(server.databaseUrl, 'UPDATE pump_events SET recorded_by_label = $2, cleared_by_label = $2 WHERE id = $1', [
        mri.body.id,
        clinician.email,
      ]);
      const labels = async () =>
        (await f.http.get(`/api/pumps/${pump.id}/events`)).body.map((e: { recordedByLabel: string; clearedByLabel: string }) => [
          e.recordedByLabel,
          e.clearedByLabel,
        ]);
      expect(await labels()).toEqual([[clinician.email, clinician.email]]);
      await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'up');
      expect(await labels()).toEqual([['Dr Mira Magnet', 'Dr Mira Magnet']]);
      await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'down');
      expect(await labels()).toEqual([[clinician.email, clinician.email]]);
      await runMigrationStep(server.databaseUrl, new NameWhoBookedAndRecorded1796990000000(), 'up');
    });

    it('refuses an MRI in the future or before the implant date, and an event of another pump', async () => {
      const pump = await newPump({ implantDate: '2026-01-10' });
      const other = await newPump();
      expect((await f.http.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: '2026-06-01T12:10:00Z' })).body.fields).toEqual([
        expect.objectContaining({ field: 'at' }),
      ]);
      expect((await f.http.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: '2026-01-09T12:00:00Z' })).status).toBe(422);
      expect((await f.http.post(`/api/pumps/${pump.id}/events`, { kind: 'ct', at: '2026-05-01T12:00:00Z' })).status).toBe(400);
      const mri = await f.http.post(`/api/pumps/${other.id}/events`, { kind: 'mri', at: '2026-05-01T12:00:00Z' });
      expect((await f.http.post(`/api/pumps/${pump.id}/events/${mri.body.id}/clear`, {})).status).toBe(404);
      expect((await f.http.post(`/api/pumps/${pump.id}/events/not-a-uuid/clear`, {})).status).toBe(404);
    });
  });

  describe('reservoir reconciliation at refills', () => {
    // 500 mcg/mL at 100 mcg/day = 0.2 mL/day; 20 mL fills 80 days apart: 16 mL delivered, 4 mL expected;
    // SynchroMed II accuracy 14.5% x 16 = 2.32 mL, so 2 mL decides. 50 days apart: 10 expected, accuracy 1.45 mL decides.
    const start = Date.parse('2025-02-01T09:00:00Z');
    const chain = async (
      refills: { afterDays: number; aspiratedResidualMl: number; patientBolusCountSinceLastFill?: number }[],
      program: Record<string, unknown> = {},
    ) => {
      const pump = await newPump();
      await f.program(pump.id, { effectiveFrom: '2025-01-20T00:00:00Z', ...program });
      await f.fill(pump.id, { filledAt: new Date(start).toISOString(), volumeMl: 20 });
      let at = start;
      for (const refill of refills) {
        at += refill.afterDays * DAY_MS;
        await f.fill(pump.id, {
          filledAt: new Date(at).toISOString(),
          volumeMl: 20,
          aspiratedResidualMl: refill.aspiratedResidualMl,
          ...(refill.patientBolusCountSinceLastFill !== undefined
            ? { patientBolusCountSinceLastFill: refill.patientBolusCountSinceLastFill }
            : {}),
        });
      }
      return { pump, history: (await f.http.get(`/api/pumps/${pump.id}/reconciliations`)).body };
    };

    it('flags more than 2 mL either way and not 1.9 mL, when 2 mL is the tighter threshold', async () => {
      const { history } = await chain([
        { afterDays: 80, aspiratedResidualMl: 5.9 },
        { afterDays: 80, aspiratedResidualMl: 6.1 },
        { afterDays: 80, aspiratedResidualMl: 2.1 },
        { afterDays: 80, aspiratedResidualMl: 1.9 },
      ]);
      const rows = history.reconciliations as {
        expectedResidualMl: number;
        differenceMl: number;
        flagged: boolean;
        reasons: string[];
        direction: string;
        patientBolusSource: string;
      }[];
      expect(rows.map((r) => [r.flagged, r.reasons, r.direction])).toEqual([
        [false, [], 'under_delivery'],
        [true, ['over_max_difference'], 'under_delivery'],
        [false, [], 'over_infusion'],
        [true, ['over_max_difference'], 'over_infusion'],
      ]);
      expect(rows.map((r) => r.differenceMl)).toEqual([
        expect.closeTo(1.9, 6),
        expect.closeTo(2.1, 6),
        expect.closeTo(-1.9, 6),
        expect.closeTo(-2.1, 6),
      ]);
      expect(rows.every((r) => r.patientBolusSource === 'not_allowed' && Math.abs(r.expectedResidualMl - 4) < 1e-6)).toBe(true);
      expect(history.trend).toMatchObject({ count: 4, flaggedCount: 2, latestDirection: 'over_infusion', repeatedDrift: null });
    });

    it('flags more than the 14.5% flow accuracy of the expected delivery when that is tighter, and reports a repeated drift', async () => {
      const { pump, history } = await chain([
        { afterDays: 50, aspiratedResidualMl: 11.4 },
        { afterDays: 50, aspiratedResidualMl: 11.5 },
        { afterDays: 50, aspiratedResidualMl: 8.6 },
        { afterDays: 50, aspiratedResidualMl: 8.5 },
        { afterDays: 50, aspiratedResidualMl: 8.4 },
      ]);
      const rows = history.reconciliations as { flagged: boolean; reasons: string[]; flowAccuracyToleranceMl: number }[];
      expect(rows.map((r) => [r.flagged, r.reasons])).toEqual([
        [false, []],
        [true, ['outside_flow_accuracy']],
        [false, []],
        [true, ['outside_flow_accuracy']],
        [true, ['outside_flow_accuracy']],
      ]);
      expect(rows[0].flowAccuracyToleranceMl).toBeCloseTo(1.45, 6);
      expect(history.trend).toMatchObject({ repeatedDrift: 'over_infusion', consecutiveSameDirection: 3 });
      expect((await f.http.get(`/api/pumps/${pump.id}`)).body.telemetry).toMatchObject({
        reconciliationDiscrepancy: {
          differenceMl: expect.closeTo(-1.6, 6),
          direction: 'over_infusion',
          reasons: ['outside_flow_accuracy'],
          expectedResidualMl: expect.closeTo(10, 6),
        },
        reconciliationDrift: 'over_infusion',
      });
    });

    it('with patient boluses allowed and none recorded, flags only a residual outside worst case..nominal', async () => {
      // 50 days: nominal 10 mL; every allotted bolus (10 mcg x 4/day = 0.08 mL/day) 4 mL more: worst 6 mL.
      const bolus = { patientBolus: { doseMcg: 10, maxPerDay: 4 } };
      const { history } = await chain(
        [
          { afterDays: 50, aspiratedResidualMl: 7 },
          { afterDays: 50, aspiratedResidualMl: 3.9 },
          { afterDays: 50, aspiratedResidualMl: 12.1 },
        ],
        bolus,
      );
      const rows = history.reconciliations as Record<string, unknown>[];
      expect(rows[0]).toMatchObject({
        patientBolusSource: 'none_recorded',
        expectedMinMl: 6,
        expectedMaxMl: 10,
        differenceMl: 0,
        flagged: false,
      });
      expect(rows[1]).toMatchObject({
        expectedResidualMl: 6,
        flagged: true,
        direction: 'over_infusion',
        reasons: ['over_max_difference', 'outside_flow_accuracy'],
      });
      expect(rows[2]).toMatchObject({ expectedResidualMl: 10, flagged: true, direction: 'under_delivery' });
    });

    it('uses the patient boluses entered at refill, else those counted by telemetry', async () => {
      const bolus = { patientBolus: { doseMcg: 10, maxPerDay: 4 } };
      // 50 boluses x 10 mcg at 500 mcg/mL = 1 mL: expected 10 - 1 = 9.
      const entered = await chain([{ afterDays: 50, aspiratedResidualMl: 9, patientBolusCountSinceLastFill: 50 }], bolus);
      expect(entered.history.reconciliations[0]).toMatchObject({
        patientBolusSource: 'entered',
        patientBolusCount: 50,
        patientBolusVolumeMl: 1,
        expectedResidualMl: 9,
        differenceMl: 0,
        flagged: false,
      });

      const pump = await newPump();
      await f.program(pump.id, { effectiveFrom: '2025-01-20T00:00:00Z', ...bolus });
      await f.fill(pump.id, { filledAt: new Date(start).toISOString(), volumeMl: 20 });
      // Counter 120 an hour before the fill, 220 an hour before the refill: 100 boluses = 2 mL -> expected 8.
      await post([
        { serialNumber: pump.serialNumber, recordedAt: new Date(start - 3_600_000).toISOString(), patientBolusCountTotal: 120 },
        { serialNumber: pump.serialNumber, recordedAt: new Date(start + 20 * DAY_MS).toISOString(), patientBolusCountTotal: 170 },
        {
          serialNumber: pump.serialNumber,
          recordedAt: new Date(start + 50 * DAY_MS - 3_600_000).toISOString(),
          patientBolusCountTotal: 220,
        },
      ]);
      await f.fill(pump.id, { filledAt: new Date(start + 50 * DAY_MS).toISOString(), volumeMl: 20, aspiratedResidualMl: 5.9 });
      const [row] = (await f.http.get(`/api/pumps/${pump.id}/reconciliations`)).body.reconciliations;
      expect(row).toMatchObject({
        patientBolusSource: 'telemetry',
        patientBolusCount: 100,
        patientBolusVolumeMl: 2,
        expectedMinMl: 8,
        expectedMaxMl: 8,
        flagged: true,
        direction: 'over_infusion',
      });
      expect(row.differenceMl).toBeCloseTo(-2.1, 6);
    });

    it('reconciles the next refill again when a fill dated before it is recorded late, keeping the superseded row', async () => {
      // 0.2 mL/day. A on day 0 (20 mL), C on day 80 with 4 mL aspirated: against A, 16 mL delivered, 4 expected, nothing to flag.
      const { pump } = await chain([{ afterDays: 80, aspiratedResidualMl: 4 }]);
      const fills = (await f.http.get(`/api/pumps/${pump.id}/fills`)).body as {
        id: string;
        filledAt: string;
        expectedResidualMl: number | null;
      }[];
      const refill = fills[fills.length - 1];
      expect(refill.expectedResidualMl).toBeCloseTo(4, 6);
      // B on day 40 is entered late: C's previous fill is now B, 8 mL delivered from 20, 12 expected, 4 aspirated: 8 mL short.
      const late = await f.fill(pump.id, { filledAt: new Date(start + 40 * DAY_MS).toISOString(), volumeMl: 20, aspiratedResidualMl: 12 });
      const { reconciliations } = (await f.http.get(`/api/pumps/${pump.id}/reconciliations`)).body as {
        reconciliations: Record<string, unknown>[];
      };
      expect(reconciliations).toHaveLength(2);
      expect(reconciliations[0]).toMatchObject({ fillId: late.id, flagged: false, differenceMl: 0 });
      expect(reconciliations[1]).toMatchObject({
        fillId: refill.id,
        previousFillId: late.id,
        expectedResidualMl: 12,
        flagged: true,
        direction: 'over_infusion',
      });
      expect(reconciliations[1].differenceMl).toBeCloseTo(-8, 6);
      const refillAfter = ((await f.http.get(`/api/pumps/${pump.id}/fills`)).body as { id: string; expectedResidualMl: number }[]).find(
        (x) => x.id === refill.id,
      );
      expect(refillAfter?.expectedResidualMl).toBeCloseTo(12, 6);
      expect((await telemetryOf(pump.id)).reconciliationDiscrepancy).toMatchObject({ fillId: refill.id, direction: 'over_infusion' });

      const rows = await queryRows<{ superseded_by_fill_id: string | null; difference_ml: number }>(
        server.databaseUrl,
        'SELECT superseded_by_fill_id, difference_ml FROM reservoir_reconciliations WHERE fill_id = $1 ORDER BY created_at, superseded_at NULLS LAST',
        [refill.id],
      );
      expect(rows.map((r) => [r.superseded_by_fill_id, Math.round(r.difference_ml * 1e6) / 1e6])).toEqual([
        [late.id, 0],
        [null, -8],
      ]);
      const [audit] = await queryRows<{ changes: Record<string, { before: unknown; after: unknown }> }>(
        server.databaseUrl,
        `SELECT changes FROM audit_log WHERE action = 'fill.reconciliation_revised' AND entity_id = $1`,
        [refill.id],
      );
      expect(audit.changes).toMatchObject({
        flagged: { before: false, after: true },
        expectedResidualMl: { before: expect.closeTo(4, 6), after: expect.closeTo(12, 6) },
      });
      // The app may mark a row superseded, never rewrite what it computed.
      await expect(
        queryRows(server.appDatabaseUrl, 'UPDATE reservoir_reconciliations SET difference_ml = 0 WHERE fill_id = $1', [refill.id]),
      ).rejects.toThrow(/permission denied/);
    });

    it('reconciles nothing for a first fill or a fill without an aspirated residual', async () => {
      const pump = await newPump();
      await f.program(pump.id, { effectiveFrom: '2025-01-20T00:00:00Z' });
      await f.fill(pump.id, { filledAt: '2025-03-01T09:00:00Z', aspiratedResidualMl: 0 });
      await f.fill(pump.id, { filledAt: '2025-04-01T09:00:00Z' });
      expect((await f.http.get(`/api/pumps/${pump.id}/reconciliations`)).body).toMatchObject({ reconciliations: [], trend: { count: 0 } });
    });
  });

  it('forecasts with the patient boluses telemetry counted for the past and the worst case only after the count', async () => {
    const pump = await newPump();
    // 0.2 mL/day and an allowance of 0.08 mL/day. Fill 20 mL on 1 May 00:00; 20 boluses (0.4 mL) counted by 21 May 00:00.
    await f.program(pump.id, { effectiveFrom: '2026-04-20T00:00:00Z', patientBolus: { doseMcg: 10, maxPerDay: 4 } });
    await f.fill(pump.id, { filledAt: '2026-05-01T00:00:00Z', volumeMl: 20 });
    const before = (await f.http.get(`/api/pumps/${pump.id}/forecast`)).body;
    await post([
      { serialNumber: pump.serialNumber, recordedAt: '2026-04-30T23:00:00Z', patientBolusCountTotal: 1000 },
      { serialNumber: pump.serialNumber, recordedAt: '2026-05-21T00:00:00Z', patientBolusCountTotal: 1020 },
    ]);
    const after = (await f.http.get(`/api/pumps/${pump.id}/forecast`)).body;
    // Now (1 Jun 12:00) is 31.5 days after the fill: nominal 20 - 6.3 - 0.4 = 13.3; worst 13.3 - 0.08 x 11.5 days = 12.38.
    expect(after.reportedPatientBoluses).toEqual({ countedUntil: '2026-05-21T00:00:00.000Z', deliveredMcg: 200, volumeMl: 0.4 });
    expect(after.volumeMl).toBeCloseTo(13.3, 6);
    expect(after.worstCaseVolumeMl).toBeCloseTo(12.38, 6);
    expect(before.worstCaseVolumeMl).toBeCloseTo(20 - 0.28 * 31.5, 6);
    expect(Date.parse(after.refillDeadline)).toBeGreaterThan(Date.parse(before.refillDeadline));
    // The pump page and the fleet use the same count.
    expect((await f.http.get(`/api/pumps/${pump.id}`)).body.forecast.refillDeadline).toBe(after.refillDeadline);
    const row = ((await f.http.get('/api/pumps')).body as { pump: { id: string }; refillDeadline: string }[]).find(
      (r) => r.pump.id === pump.id,
    );
    expect(row?.refillDeadline).toBe(after.refillDeadline);
  });
});
