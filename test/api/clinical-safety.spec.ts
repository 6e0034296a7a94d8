// Clinical safety on real PostgreSQL with a ManualClock: lab results and the kidney alerts (live on the socket), the dose guard on
// programs and constant-flow fills (422 naming doseChangeReason, audited, abrupt_dose_reduction paged as urgent), taper plans, side
// effects and possible neurotoxicity, check-ups, labs due and review overdue from the sweep, settings, clinic scoping and roles.
import type {
  Alert,
  AlertDetail,
  AlertPages,
  AlertRaisedEvent,
  ClinicalSummary,
  LabResult,
  Program,
  TaperPlanRecord,
} from '@pumpwatch/shared';
import { io, Socket } from 'socket.io-client';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { PagingService } from '../../server/src/paging/paging.service';
import { fixtures, queryRows } from '../support/fixtures';
import { adminToken, api } from '../support/http';
import { useTestServer } from '../support/test-server';

const START = '2026-06-01T12:00:00.000Z';
const MINUTE = 60_000;

// The kidney patient: male, born 1950-05-04 (76 at the lab), 70 kg, serum creatinine 1.6 mg/dL (= 141.44 umol/L):
// Cockcroft-Gault (140 - 76) x 70 / (72 x 1.6) = 4480 / 115.2 = 38.9 mL/min (below 50: warning; not below 30);
// CKD-EPI 2021 male: 142 x (1.6/0.9)^-1.200 x 0.9938^76 = 142 x 0.50135 x 0.62335 = 44.4 mL/min/1.73 m2, KDIGO G3b.
const KIDNEY_PATIENT = { birthDate: '1950-05-04', sex: 'male', weightKg: 70 };

describe('clinical safety', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  let otherClinic: { id: string };
  const sockets: Socket[] = [];
  const members = {} as Record<
    'clinician' | 'staff' | 'outsider',
    { token: string; id: string; email: string; http: ReturnType<typeof api> }
  >;

  // Before useTestServer: afterAll hooks run in registration order, and the sockets must close before the server does.
  afterAll(() => {
    for (const socket of sockets) socket.close();
  });
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Kidney Clinic' });
    otherClinic = await f.clinic({ name: 'Other Clinic' });
    members.clinician = await f.member(clinic.id, 'clinician', 'cs-clinician');
    members.staff = await f.member(clinic.id, 'staff', 'cs-staff');
    members.outsider = await f.member(otherClinic.id, 'admin', 'cs-outsider');
  });
  beforeEach(() => clock.set(START));

  const connect = async (): Promise<{ name: string; payload: AlertRaisedEvent }[]> => {
    const socket = io(server.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await adminToken(server.baseUrl) },
    });
    sockets.push(socket);
    const received: { name: string; payload: AlertRaisedEvent }[] = [];
    socket.onAny((name: string, payload: AlertRaisedEvent) => received.push({ name, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return received;
  };
  const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const patientAlerts = async (patientId: string, query = ''): Promise<Alert[]> => {
    const res = await f.http.get(`/api/alerts?patientId=${patientId}${query}`);
    expect(res.status).toBe(200);
    return (res.body as Alert[]).filter((a) => a.subject === 'patient');
  };
  const alertOf = async (patientId: string, kind: string): Promise<Alert | undefined> =>
    (await patientAlerts(patientId)).find((a) => a.kind === kind);
  const lab = (patientId: string, body: Record<string, unknown>, http = f.http) =>
    http.post(`/api/patients/${patientId}/labs`, {
      kind: 'serum_creatinine',
      value: 1.6,
      unit: 'mg/dL',
      takenAt: '2026-05-20T08:00:00Z',
      ...body,
    });
  /** A patient with an active pump on 300 mcg/day from 2026-05-01 (and a fill), its events evaluated. */
  const onPump = async (patientOverrides: Record<string, unknown> = {}, doseMcgPerDay = 300) => {
    const patient = await f.patient(clinic.id, patientOverrides);
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay }] });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 2000 });
    await engine.processPendingEvents();
    return { patient, pump };
  };
  const program = (pumpId: string, effectiveFrom: string, doseMcgPerDay: number, extra: Record<string, unknown> = {}) =>
    f.http.post(`/api/pumps/${pumpId}/programs`, { effectiveFrom, steps: [{ startTime: '00:00', doseMcgPerDay }], ...extra });

  describe('lab results and kidney alerts', () => {
    it('stores a serum creatinine with clearance, eGFR and stage, and raises the renal dose-review alert, live on the socket', async () => {
      const received = await connect();
      const patient = await f.patient(clinic.id, KIDNEY_PATIENT);
      const res = await lab(patient.id, {});
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        patientId: patient.id,
        kind: 'serum_creatinine',
        value: 1.6,
        unit: 'mg/dL',
        takenAt: '2026-05-20T08:00:00.000Z',
        weightKg: 70,
        heightCm: null,
        serumCreatinineMgPerDl: 1.6,
        ageYears: 76,
        creatinineClearanceMlPerMin: 38.9,
        creatinineClearanceReason: null,
        egfrMlPerMin173m2: 44.4,
        egfrMethod: 'ckd_epi_2021',
        egfrReason: null,
        kdigoStage: 'G3b',
      });
      expect(res.body.reliabilityNote).toMatch(/low \(spinal cord injury/);

      const alert = await alertOf(patient.id, 'renal_dose_review');
      expect(alert).toMatchObject({
        subject: 'patient',
        pumpId: null,
        pump: null,
        patientId: patient.id,
        clinicId: clinic.id,
        severity: 'warning',
        status: 'open',
        title: 'Renal: dose review',
        facts: { measure: 'CrCl', valueMlPerMin: 38.9, thresholdMlPerMin: 50 },
      });
      await waitFor(
        () => received.some((r) => r.name === 'alert.raised' && r.payload.alert.id === alert!.id),
        'alert.raised on the socket',
      );
      const detail = (await f.http.get(`/api/alerts/${alert!.id}`)).body as AlertDetail;
      expect(detail.history.map((h) => [h.action, h.actor.type])).toEqual([['raised', 'system']]);
      const audit = await queryRows<{ action: string; actor_label: string }>(
        server.databaseUrl,
        'SELECT action, actor_label FROM audit_log WHERE entity_id = $1 ORDER BY id',
        [res.body.id],
      );
      expect(audit).toEqual([{ action: 'lab_result.recorded', actor_label: 'admin@pumpwatch.test' }]);
      expect((await f.http.get(`/api/patients/${patient.id}/labs`)).body.map((l: LabResult) => l.id)).toEqual([res.body.id]);
    });

    it('takes umol/L (141.44 umol/L = 1.6 mg/dL) and the weight given with the lab', async () => {
      const patient = await f.patient(clinic.id, { ...KIDNEY_PATIENT, weightKg: undefined });
      const withoutWeight = await lab(patient.id, { value: 141.44, unit: 'umol/L' });
      expect(withoutWeight.status).toBe(201);
      // No weight on the lab or the patient: no clearance, and the reason says so; eGFR needs none.
      expect(withoutWeight.body).toMatchObject({
        serumCreatinineMgPerDl: 1.6,
        creatinineClearanceMlPerMin: null,
        egfrMlPerMin173m2: 44.4,
        kdigoStage: 'G3b',
      });
      expect(withoutWeight.body.creatinineClearanceReason).toMatch(/needs a weight/);
      const withWeight = await lab(patient.id, { value: 141.44, unit: 'umol/L', weightKg: 70, takenAt: '2026-05-21T08:00:00Z' });
      expect(withWeight.body).toMatchObject({ unit: 'umol/L', value: 141.44, weightKg: 70, creatinineClearanceMlPerMin: 38.9 });
    });

    it('raises it as urgent below 30 mL/min and resolves it by itself when kidney function recovers', async () => {
      const patient = await f.patient(clinic.id, KIDNEY_PATIENT);
      // 2.4 mg/dL: 4480 / (72 x 2.4) = 25.9 mL/min, below 30.
      await lab(patient.id, { value: 2.4 });
      const urgent = await alertOf(patient.id, 'renal_dose_review');
      expect(urgent).toMatchObject({ severity: 'urgent', facts: { valueMlPerMin: 25.9, thresholdMlPerMin: 30 } });
      // 1.0 mg/dL a week later: 4480 / 72 = 62.2 mL/min.
      await lab(patient.id, { value: 1.0, takenAt: '2026-05-27T08:00:00Z' });
      expect(await alertOf(patient.id, 'renal_dose_review')).toBeUndefined();
      expect((await f.http.get(`/api/alerts/${urgent!.id}`)).body).toMatchObject({
        status: 'resolved',
        resolutionNote: 'Resolved automatically: the condition no longer holds.',
      });
    });

    it('flags a fall of more than 25% from the previous result', async () => {
      const patient = await f.patient(clinic.id, KIDNEY_PATIENT);
      // Aged 75 before the birthday on 4 May: (140 - 75) x 70 = 4550.
      await lab(patient.id, { value: 1.0, takenAt: '2026-04-01T08:00:00Z' }); // 4550 / 72 = 63.2 mL/min
      await lab(patient.id, { value: 1.4, takenAt: '2026-05-01T08:00:00Z' }); // 4550 / 100.8 = 45.1: a fall of 18.1 / 63.2 = 28.6%
      expect(await alertOf(patient.id, 'renal_function_fall')).toMatchObject({
        severity: 'warning',
        facts: { previousValue: 63.2, latestValue: 45.1, fallPercent: 28.6 },
      });
    });

    it.each([
      ['a takenAt in the future', { takenAt: '2026-06-01T12:10:00Z' }, 422, 'takenAt'],
      ['a takenAt before the birth date', { takenAt: '1949-01-01T00:00:00Z' }, 422, 'takenAt'],
      ['an unknown unit', { unit: 'mmol/L' }, 400, 'unit'],
      ['a value in the other unit', { value: 141.44 }, 400, 'value'],
      ['another kind', { kind: 'potassium' }, 400, 'kind'],
    ])('refuses %s, naming the field, and stores nothing', async (_name, body, status, field) => {
      const patient = await f.patient(clinic.id, KIDNEY_PATIENT);
      const res = await lab(patient.id, body);
      expect(res.status).toBe(status);
      expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual([field]);
      expect((await f.http.get(`/api/patients/${patient.id}/labs`)).body).toEqual([]);
    });
  });

  describe('the dose guard on programs', () => {
    it('refuses a 40% cut without a taper plan or a reason (422 naming doseChangeReason), changing nothing', async () => {
      const { patient, pump } = await onPump();
      const res = await program(pump.id, '2026-06-01T10:00:00Z', 180);
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual([
        {
          field: 'doseChangeReason',
          message: expect.stringMatching(/^is required for this dose change: The daily dose falls 40% from 300/),
        },
      ]);
      expect((await f.http.get(`/api/pumps/${pump.id}/programs`)).body).toHaveLength(1);
      expect(await patientAlerts(patient.id)).toEqual([]);
      const [events] = await queryRows<{ n: number }>(
        server.databaseUrl,
        `SELECT count(*)::int AS n FROM events WHERE type = 'program.set' AND pump_id = $1`,
        [pump.id],
      );
      expect(events.n).toBe(1);
    });

    it('accepts it with the reason, stores and audits the reason, and raises the urgent abrupt-reduction alert with the withdrawal checklist, paged as urgent', async () => {
      const { patient, pump } = await onPump({ spinalCordInjuryT6OrAbove: true });
      const reason = 'Excess sedation and weakness; cut agreed with the patient, daily phone check for 3 days';
      const res = await members.clinician.http.post(`/api/pumps/${pump.id}/programs`, {
        effectiveFrom: '2026-06-01T10:00:00Z',
        steps: [{ startTime: '00:00', doseMcgPerDay: 180 }],
        doseChangeReason: reason,
      });
      expect(res.status).toBe(201);
      expect(res.body as Program).toMatchObject({
        doseMcgPerDay: 180,
        doseChangeReason: reason,
        doseChangeContext: 'post_implant_titration',
      });

      const [audit] = await queryRows<{ actor_label: string; changes: Record<string, { before: unknown; after: any }> }>(
        server.databaseUrl,
        `SELECT actor_label, changes FROM audit_log WHERE action = 'program.set' AND entity_id = $1`,
        [res.body.id],
      );
      expect(audit.actor_label).toBe(members.clinician.email);
      expect(audit.changes.doseChangeReason).toEqual({ before: null, after: reason });
      expect(audit.changes.doseGuard.after).toMatchObject({
        requiresReason: true,
        previousDosesInForceMcgPerDay: [300],
        findings: [{ kind: 'abrupt_dose_reduction', severity: 'urgent' }],
      });

      const alert = (await alertOf(patient.id, 'abrupt_dose_reduction'))!;
      expect(alert).toMatchObject({
        subject: 'patient',
        pumpId: null,
        severity: 'urgent',
        status: 'open',
        title: 'Abrupt dose reduction',
        withdrawalRisk: true,
        facts: { reductionPercent: 40, comparedWithMcgPerDay: 300, newDoseMcgPerDay: 180, doseChangeReason: reason, source: 'program' },
      });
      expect(alert.message).toContain(`reason given: “${reason}”`);
      expect(alert.withdrawal?.riskFactors.find((r) => r.factor === 'spinalCordInjuryT6OrAbove')?.present).toBe(true);
      expect(alert.withdrawal?.earlySigns).toContain('Return of spasticity');

      // Paged under the urgent rule: an escalation starts, due after the clinic's 30 minutes (default policy).
      const paging = server.app.get(PagingService);
      await paging.sweep();
      const pages = (await f.http.get(`/api/alerts/${alert.id}/pages`)).body as AlertPages;
      expect(pages.escalation).toMatchObject({
        pagingStartedAt: new Date(Date.parse(START) + 30 * MINUTE).toISOString(),
        lastPagedAt: null,
      });
      clock.set(new Date(Date.parse(START) + 30 * MINUTE));
      await paging.sweep();
      expect(((await f.http.get(`/api/alerts/${alert.id}/pages`)).body as AlertPages).pages.length).toBeGreaterThan(0);

      // The pump sweep never judges patient kinds: the alert stays open until a clinician resolves it with a note.
      await engine.sweep();
      expect((await f.http.get(`/api/alerts/${alert.id}`)).body).toMatchObject({ status: 'open', conditionClearedAt: null });
      expect(
        (await members.clinician.http.post(`/api/alerts/${alert.id}/resolve`, { note: 'Seen at home: no withdrawal signs' })).status,
      ).toBe(200);
    });

    it('asks a reason for a stop and for a rise above range, and flags suspected tolerance', async () => {
      const stop = await onPump();
      expect((await program(stop.pump.id, '2026-06-01T10:00:00Z', 0)).body.fields[0].field).toBe('doseChangeReason');
      expect(
        (await program(stop.pump.id, '2026-06-01T10:00:00Z', 0, { doseChangeReason: 'Pocket infection: explant planned' })).status,
      ).toBe(201);
      expect(await alertOf(stop.patient.id, 'abrupt_dose_reduction')).toMatchObject({
        title: 'Intrathecal baclofen stopped',
        severity: 'urgent',
      });

      // Origin not recorded: the cerebral titration limit (15%) applies; 300 -> 360 is +20%.
      const rise = await onPump();
      expect((await program(rise.pump.id, '2026-06-01T10:00:00Z', 360)).body.fields[0].field).toBe('doseChangeReason');
      // Recorded as spinal: 30% is the titration limit, so +20% passes.
      expect(
        (
          await members.clinician.http.call('PATCH', `/api/patients/${rise.patient.id}`, {
            spasticityOrigin: 'spinal',
            heightCm: 178,
            weightKg: 72.5,
          })
        ).body,
      ).toMatchObject({ spasticityOrigin: 'spinal', heightCm: 178, weightKg: 72.5 });
      expect((await program(rise.pump.id, '2026-06-01T10:00:00Z', 360)).status).toBe(201);
      expect(await patientAlerts(rise.patient.id)).toEqual([]);
      // At a refill (a fill during the 24 h before) the spinal limit is 40%: 360 -> 480 (+33%) passes without a reason.
      await f.fill(rise.pump.id, { filledAt: '2026-06-01T11:00:00Z', volumeMl: 20, concentrationMcgPerMl: 2000 });
      clock.set('2026-06-03T12:00:00Z');
      const atRefill = await program(rise.pump.id, '2026-06-02T10:00:00Z', 480);
      expect(atRefill.status).toBe(201);
      expect(atRefill.body.doseChangeContext).toBe('refill_adjustment');
      // 540 is +50% over the 360 in force 24 h before: refused, then accepted with a reason.
      expect((await program(rise.pump.id, '2026-06-02T12:00:00Z', 540)).status).toBe(422);
      const refill = await program(rise.pump.id, '2026-06-02T12:00:00Z', 540, {
        doseChangeContext: 'refill_adjustment',
        doseChangeReason: 'Severe spasms at night',
      });
      expect(refill.status).toBe(201);
      expect(await alertOf(rise.patient.id, 'escalation_above_range')).toMatchObject({
        severity: 'warning',
        facts: { increasePercent: 50, limitPercent: 40, limitOrigin: 'spinal' },
      });
      // No dose was in force 12 months before (first program 2026-05-01): no tolerance finding.
      expect(await alertOf(rise.patient.id, 'tolerance_suspected')).toBeUndefined();

      const tolerance = await onPump({ spasticityOrigin: 'spinal' }, 200);
      // A year of history: 200 mcg/day since 2025-05-01 (the fixture pump was implanted 2025-01-10).
      await queryRows(server.databaseUrl, `UPDATE programs SET effective_from = '2025-05-01T08:00:00Z' WHERE pump_id = $1`, [
        tolerance.pump.id,
      ]);
      expect((await program(tolerance.pump.id, '2026-06-01T10:00:00Z', 250)).status).toBe(201); // +25%, within 30%
      clock.set('2026-06-05T12:00:00Z');
      expect((await program(tolerance.pump.id, '2026-06-05T10:00:00Z', 320)).status).toBe(201); // +28%; 120 above the dose a year before
      expect(await alertOf(tolerance.patient.id, 'tolerance_suspected')).toMatchObject({
        severity: 'warning',
        facts: { baselineDoseMcgPerDay: 200, increaseMcgPerDay: 120 },
      });
      expect((await alertOf(tolerance.patient.id, 'tolerance_suspected'))!.message).toMatch(/reconciliation history/);
    });

    it("uses the clinic's own abrupt-reduction step", async () => {
      const stepClinic = await f.clinic();
      expect(
        (await f.http.call('PUT', `/api/clinics/${stepClinic.id}/clinical-safety-settings`, { abruptReductionPercent: 30 })).body,
      ).toEqual({
        clinicId: stepClinic.id,
        labsIntervalMonths: 12,
        reviewIntervalMonths: 6,
        abruptReductionPercent: 30,
        taperStepMinSpacingHours: 24,
      });
      const patient = await f.patient(stepClinic.id);
      const pump = await f.pump(patient.id);
      await program(pump.id, '2026-05-01T08:00:00Z', 300);
      expect((await program(pump.id, '2026-06-01T10:00:00Z', 225)).status).toBe(201); // -25%: within the clinic's 30%
      expect((await program(pump.id, '2026-06-03T10:00:00Z', 150)).status).toBe(422); // -33%
    });

    it('guards a constant-flow fill whose concentration cuts the daily dose', async () => {
      const patient = await f.patient(clinic.id);
      const pump = await f.pump(patient.id, { modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.25 });
      await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 30, concentrationMcgPerMl: 2000 }); // 500 mcg/day
      // 0.25 x 500 = 125 mcg/day: -75%, with a labelled concentration (a dilution would also need the drug library's limitOverrideReason)
      const body = { filledAt: '2026-06-01T09:00:00Z', volumeMl: 30, concentrationMcgPerMl: 500 };
      const refused = await f.http.post(`/api/pumps/${pump.id}/fills`, body);
      expect(refused.status).toBe(422);
      expect(refused.body.fields[0].field).toBe('doseChangeReason');
      expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toHaveLength(1);
      const accepted = await f.http.post(`/api/pumps/${pump.id}/fills`, { ...body, doseChangeReason: 'Drowsy on 500 mcg/day' });
      expect(accepted.status).toBe(201);
      expect(accepted.body.doseChangeReason).toBe('Drowsy on 500 mcg/day');
      expect(await alertOf(patient.id, 'abrupt_dose_reduction')).toMatchObject({
        severity: 'urgent',
        facts: { reductionPercent: 75, source: 'fill' },
      });
    });
  });

  describe('taper plans', () => {
    // 400 -> 300 -> 200 -> 100 -> 0: each step cuts 25-100%, far more than 20%: the plan needs a reason, then programs follow it.
    const plan = {
      startsAt: '2026-06-02T08:00:00Z',
      steps: [
        { at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 300 },
        { at: '2026-06-05T09:00:00Z', targetDoseMcgPerDay: 200 },
        { at: '2026-06-08T09:00:00Z', targetDoseMcgPerDay: 100 },
        { at: '2026-06-11T09:00:00Z', targetDoseMcgPerDay: 0 },
      ],
      bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
      reintroductionDoseMcgPerDay: 100,
      note: 'Drug holiday for tolerance',
      stepLimitOverrideReason: 'Supervised inpatient holiday: larger steps under daily review',
    };

    it('accepts its own steps without a reason, refuses a step below the plan, and shows the planned line and step tasks', async () => {
      const { patient, pump } = await onPump(KIDNEY_PATIENT, 400);
      await lab(patient.id, {}); // CrCl 38.9: the oral bridge is halved
      const created = await members.clinician.http.post(`/api/patients/${patient.id}/taper-plans`, plan);
      expect(created.status).toBe(201);
      expect(created.body as TaperPlanRecord).toMatchObject({
        status: 'active',
        startsAt: '2026-06-02T08:00:00.000Z',
        reintroductionDoseMcgPerDay: 100,
        endedAt: null,
        bridgeAdvice: { recommendedMgPerDay: 15, reductionFraction: 0.5 },
        stepLimitOverrideReason: plan.stepLimitOverrideReason,
      });
      // 400 -> 300 (25%), 300 -> 200 (33.3%), 200 -> 100 (50%), 100 -> 0 (a stop)
      expect((created.body as TaperPlanRecord).stepLimitFindings.map((x) => `${x.stepIndex}:${x.kind}`)).toEqual([
        '0:reduction_above_limit',
        '1:reduction_above_limit',
        '2:reduction_above_limit',
        '3:step_to_zero',
      ]);
      expect((await members.clinician.http.post(`/api/patients/${patient.id}/taper-plans`, plan)).status).toBe(409);

      for (const [at, dose] of [
        ['2026-06-02T09:00:00Z', 300],
        ['2026-06-05T09:00:00Z', 200],
      ] as const) {
        clock.set(at);
        expect([at, (await program(pump.id, at, dose)).status]).toEqual([at, 201]);
      }
      // Stopping at the 100 step goes below the plan: abrupt, so a reason is required.
      clock.set('2026-06-08T09:00:00Z');
      const below = await program(pump.id, '2026-06-08T09:00:00Z', 0);
      expect(below.status).toBe(422);
      expect(below.body.fields[0]).toMatchObject({
        field: 'doseChangeReason',
        message: expect.stringMatching(/below the taper plan's 100 mcg\/day/),
      });
      expect((await program(pump.id, '2026-06-08T09:00:00Z', 100)).status).toBe(201);

      const summary = (await f.http.get(`/api/patients/${patient.id}/clinical-summary`)).body as ClinicalSummary;
      expect(summary.taperTasks.map((t) => t.status)).toEqual(['done', 'done', 'done', 'upcoming']);
      expect(summary.plannedDoseLine).toEqual([
        { at: '2026-06-02T08:00:00.000Z', doseMcgPerDay: 400 },
        ...plan.steps.map((s) => ({ at: s.at, doseMcgPerDay: s.targetDoseMcgPerDay })),
      ]);
      expect(summary.doseHistory.map((h) => h.doseMcgPerDay)).toEqual([400, 300, 200, 100]);

      clock.set('2026-06-11T09:00:00Z');
      expect((await program(pump.id, '2026-06-11T09:00:00Z', 0)).status).toBe(201);
      // Re-introduction at the planned dose after the last step needs no reason either, and opens the overdose watch.
      clock.set('2026-06-18T09:00:00Z');
      expect((await program(pump.id, '2026-06-18T09:00:00Z', 100)).status).toBe(201);
      expect((await patientAlerts(patient.id)).map((a) => a.kind).sort()).toEqual(['overdose_watch', 'renal_dose_review']);

      const ended = await members.clinician.http.post(`/api/patients/${patient.id}/taper-plans/${created.body.id}/end`, {
        outcome: 'completed',
        note: 'Re-introduced at 100 mcg/day',
      });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({
        status: 'completed',
        endedAt: '2026-06-18T09:00:00.000Z',
        endNote: 'Re-introduced at 100 mcg/day',
      });
      expect(
        (
          await members.clinician.http.post(`/api/patients/${patient.id}/taper-plans/${created.body.id}/end`, {
            outcome: 'cancelled',
            note: 'x',
          })
        ).status,
      ).toBe(409);
      // Without an active plan the guard is back: 100 -> 50 is a 50% cut.
      clock.set('2026-06-20T09:00:00Z');
      expect((await program(pump.id, '2026-06-20T09:00:00Z', 50)).status).toBe(422);
      expect((await f.http.get(`/api/patients/${patient.id}/taper-plans`)).body.map((p: TaperPlanRecord) => p.status)).toEqual([
        'completed',
      ]);
    });

    it('refuses a plan whose steps raise the dose', async () => {
      const patient = await f.patient(clinic.id);
      const res = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        ...plan,
        steps: [plan.steps[1], { at: '2026-06-09T09:00:00Z', targetDoseMcgPerDay: 250 }],
      });
      expect(res.status).toBe(400);
      expect(res.body.fields.map((x: { field: string }) => x.field)).toEqual(['steps.1.targetDoseMcgPerDay']);
    });
  });

  describe('side effects and check-ups', () => {
    it('raises the urgent possible-neurotoxicity alert for confusion when the latest clearance is below 50', async () => {
      // 46 years old, 50 kg, 2.0 mg/dL: (140 - 46) x 50 / (72 x 2.0) = 4700 / 144 = 32.6 mL/min.
      const patient = await f.patient(clinic.id, { birthDate: '1980-01-01', sex: 'male', weightKg: 50 });
      expect((await lab(patient.id, { value: 2.0 })).body.creatinineClearanceMlPerMin).toBe(32.6);
      const report = await members.clinician.http.post(`/api/patients/${patient.id}/side-effects`, {
        kind: 'confusion',
        severity: 'mild',
        reportedAt: '2026-06-01T09:30:00Z',
        reportedBy: 'patient',
        text: 'Wife says he is muddled since Friday',
      });
      expect(report.status).toBe(201);
      expect(report.body).toMatchObject({
        patientId: patient.id,
        kind: 'confusion',
        severity: 'mild',
        reportedBy: 'patient',
        onsetOn: null,
      });
      const alert = await alertOf(patient.id, 'mental_status_change');
      expect(alert).toMatchObject({
        severity: 'urgent',
        title: 'Possible neurotoxicity',
        facts: { latestCrClMlPerMin: 32.6, sideEffectKind: 'confusion', sideEffectReportId: report.body.id },
      });
      expect(alert!.message).toMatch(/creatinine clearance 32.6 mL\/min \(below 50\)/);
      expect((await f.http.get(`/api/patients/${patient.id}/side-effects`)).body).toHaveLength(1);
    });

    it('raises a warning for a new mental-status change without a risk factor, and urgent when it worsens to severe', async () => {
      const patient = await f.patient(clinic.id, { birthDate: '1980-01-01', sex: 'male', weightKg: 80 });
      await lab(patient.id, { value: 0.9 }); // (140 - 46) x 80 / 64.8 = 116 mL/min
      await f.http.post(`/api/patients/${patient.id}/side-effects`, {
        kind: 'memory_problems',
        severity: 'mild',
        reportedAt: '2026-05-30T09:00:00Z',
        reportedBy: 'staff',
      });
      const warning = (await alertOf(patient.id, 'mental_status_change'))!;
      expect(warning).toMatchObject({ severity: 'warning', title: 'Mental status change' });
      await f.http.post(`/api/patients/${patient.id}/side-effects`, {
        kind: 'memory_problems',
        severity: 'severe',
        reportedAt: '2026-06-01T09:00:00Z',
        reportedBy: 'staff',
      });
      expect(await alertOf(patient.id, 'mental_status_change')).toMatchObject({
        id: warning.id,
        severity: 'urgent',
        title: 'Possible neurotoxicity',
      });
      // Drowsiness that is not severe is an expected effect, not a mental-status change.
      const quiet = await f.patient(clinic.id);
      await f.http.post(`/api/patients/${quiet.id}/side-effects`, {
        kind: 'drowsiness',
        severity: 'moderate',
        reportedAt: '2026-06-01T09:00:00Z',
        reportedBy: 'patient',
      });
      expect(await patientAlerts(quiet.id)).toEqual([]);
    });

    it('raises labs due and review overdue from the sweep, and resolves each when a lab or a check-up is recorded', async () => {
      const { patient } = await onPump();
      await engine.sweep();
      const due = await patientAlerts(patient.id);
      expect(due.map((a) => [a.kind, a.severity]).sort()).toEqual([
        ['clinical_review_overdue', 'warning'],
        ['labs_due', 'warning'],
      ]);
      // Implant 2025-01-10 (Paris) + 6 months; no check-up yet.
      expect(due.find((a) => a.kind === 'clinical_review_overdue')!.facts).toMatchObject({
        basis: 'implant',
        dueAt: '2025-07-09T22:00:00.000Z',
      });

      await lab(patient.id, { value: 0.8 });
      expect((await patientAlerts(patient.id)).map((a) => a.kind)).toEqual(['clinical_review_overdue']);
      const checkUp = await members.clinician.http.post(`/api/patients/${patient.id}/check-ups`, {
        at: '2026-06-01T10:00:00Z',
        modifiedAshworth: '1+',
        patientRating: 7,
        note: 'Walks better',
      });
      expect(checkUp.status).toBe(201);
      expect(checkUp.body).toMatchObject({ modifiedAshworth: '1+', patientRating: 7, note: 'Walks better' });
      expect(await patientAlerts(patient.id)).toEqual([]);
      // 2026-06-01 12:00 Paris + 6 months = 2026-12-01 12:00 Paris (CET) = 11:00Z: overdue after that; the lab is due only in May 2027.
      clock.set('2026-12-01T11:00:00Z');
      await engine.sweep();
      expect(await patientAlerts(patient.id)).toEqual([]);
      clock.set('2026-12-01T11:00:01Z');
      await engine.sweep();
      expect((await patientAlerts(patient.id)).map((a) => a.kind)).toEqual(['clinical_review_overdue']);

      const summary = (await f.http.get(`/api/patients/${patient.id}/clinical-summary`)).body as ClinicalSummary;
      expect(summary.review).toMatchObject({
        overdue: true,
        basis: 'check_up',
        lastReviewAt: '2026-06-01T10:00:00.000Z',
        intervalMonths: 6,
      });
      expect(summary.checkUps).toEqual([expect.objectContaining({ modifiedAshworth: '1+', modifiedAshworthValue: 1.5 })]);
      expect(summary.renal.labsDueAt).toBe('2027-05-20T08:00:00.000Z');
    });

    it('refuses a check-up in the future and a rating above 10', async () => {
      const patient = await f.patient(clinic.id);
      expect(
        (
          await f.http.post(`/api/patients/${patient.id}/check-ups`, {
            at: '2026-06-02T10:00:00Z',
            modifiedAshworth: '2',
            patientRating: 5,
          })
        ).body.fields,
      ).toEqual([{ field: 'at', message: 'is in the future' }]);
      expect(
        (
          await f.http.post(`/api/patients/${patient.id}/check-ups`, {
            at: '2026-06-01T10:00:00Z',
            modifiedAshworth: '2',
            patientRating: 11,
          })
        ).status,
      ).toBe(400);
    });
  });

  describe('the clinical summary', () => {
    it('shows the kidney trend, the neurotoxicity badge from age 65, the reliability note and the dose history', async () => {
      const { patient } = await onPump(KIDNEY_PATIENT);
      await lab(patient.id, { value: 1.0, takenAt: '2026-02-01T08:00:00Z' });
      await lab(patient.id, {});
      const summary = (await f.http.get(`/api/patients/${patient.id}/clinical-summary`)).body as ClinicalSummary;
      expect(summary).toMatchObject({
        ageYears: 76,
        clinic: { id: clinic.id, timeZone: 'Europe/Paris' },
        settings: { labsIntervalMonths: 12, reviewIntervalMonths: 6, abruptReductionPercent: 20 },
        neurotoxicity: { atRisk: true, reasons: ['age', 'kidney_function'] },
        currentDoseMcgPerDay: 300,
        renal: {
          latest: { creatinineClearanceMlPerMin: 38.9 },
          thresholds: { doseReviewWarningBelowMlPerMin: 50, doseReviewUrgentBelowMlPerMin: 30 },
        },
      });
      // 2026-02-01: aged 75, (140 - 75) x 70 / 72 = 63.2; then 38.9, a fall of 38.4%.
      expect(summary.renal.results.map((r) => r.creatinineClearanceMlPerMin)).toEqual([63.2, 38.9]);
      expect(summary.renal.flags.map((f) => f.kind)).toEqual(['renal_dose_review', 'renal_function_fall']);
      expect(summary.renal.reliabilityNote).toMatch(/muscle mass is low/);
      expect(summary.doseHistory).toEqual([expect.objectContaining({ doseMcgPerDay: 300, source: 'program' })]);

      const young = await f.patient(clinic.id, { birthDate: '1990-01-01' });
      expect((await f.http.get(`/api/patients/${young.id}/clinical-summary`)).body.neurotoxicity).toEqual({
        atRisk: false,
        reasons: [],
        message: null,
      });
    });
  });

  describe('access', () => {
    it("answers 404 for another clinic's patient on every clinical-safety route, and 403 to staff for writes", async () => {
      const patient = await f.patient(clinic.id, KIDNEY_PATIENT);
      const planId = '00000000-0000-4000-8000-000000000000';
      const reads = ['labs', 'side-effects', 'check-ups', 'taper-plans', 'clinical-summary'];
      for (const path of reads) {
        expect([path, (await members.outsider.http.get(`/api/patients/${patient.id}/${path}`)).status]).toEqual([path, 404]);
        expect([path, (await members.staff.http.get(`/api/patients/${patient.id}/${path}`)).status]).toEqual([path, 200]);
      }
      const writes: [string, unknown][] = [
        ['labs', { kind: 'serum_creatinine', value: 1, unit: 'mg/dL', takenAt: '2026-05-01T08:00:00Z' }],
        ['side-effects', { kind: 'confusion', severity: 'mild', reportedAt: '2026-05-01T08:00:00Z', reportedBy: 'staff' }],
        ['check-ups', { at: '2026-05-01T08:00:00Z', modifiedAshworth: '1', patientRating: 5 }],
        [
          'taper-plans',
          {
            startsAt: '2026-06-02T08:00:00Z',
            steps: [{ at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 100 }],
            bridge: { drug: 'oral_baclofen', doseMgPerDay: 10 },
            reintroductionDoseMcgPerDay: 50,
          },
        ],
        [`taper-plans/${planId}/end`, { outcome: 'cancelled', note: 'x' }],
      ];
      for (const [path, body] of writes) {
        expect([path, (await members.outsider.http.post(`/api/patients/${patient.id}/${path}`, body)).status]).toEqual([path, 404]);
        expect([path, (await members.staff.http.post(`/api/patients/${patient.id}/${path}`, body)).status]).toEqual([path, 403]);
      }
      expect((await members.outsider.http.get(`/api/clinics/${clinic.id}/clinical-safety-settings`)).status).toBe(404);
      expect((await members.staff.http.get(`/api/clinics/${clinic.id}/clinical-safety-settings`)).status).toBe(200);
      expect(
        (await members.clinician.http.call('PUT', `/api/clinics/${clinic.id}/clinical-safety-settings`, { labsIntervalMonths: 6 })).status,
      ).toBe(403);
      expect((await members.outsider.http.get(`/api/alerts?patientId=${patient.id}`)).status).toBe(404);
      expect((await members.clinician.http.get(`/api/patients/00000000-0000-4000-8000-000000000001/labs`)).status).toBe(404);
      expect((await members.clinician.http.get(`/api/patients/not-a-uuid/labs`)).status).toBe(404);
    });
  });
});
