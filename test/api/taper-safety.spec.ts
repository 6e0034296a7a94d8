// Tapers and re-introduction that cannot become an abrupt stop (issue 13) on real PostgreSQL with a ManualClock: a taper plan beyond
// the clinic's step limits (a step to 0, a larger cut, steps too close) needs stepLimitOverrideReason and shows the withdrawal
// checklist; re-introduction above the pre-holiday dose needs doseChangeReason and every re-introduction opens the overdose watch a
// clinician resolves; the clinical summary says which kidney value each flag used (the Beers eGFR rule for older adults).
import type { Alert, ClinicalSummary, TaperPlanRecord } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { fixtures, queryRows } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

const START = '2026-06-01T12:00:00.000Z';

describe('taper safety', () => {
  let f: ReturnType<typeof fixtures>;
  let engine: AlertEngine;
  const clock = new ManualClock(START);
  let clinic: { id: string };
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    engine = server.app.get(AlertEngine);
    clinic = await f.clinic({ name: 'Taper Clinic' });
  });
  beforeEach(() => clock.set(START));

  const program = (pumpId: string, effectiveFrom: string, doseMcgPerDay: number, extra: Record<string, unknown> = {}) =>
    f.http.post(`/api/pumps/${pumpId}/programs`, { effectiveFrom, steps: [{ startTime: '00:00', doseMcgPerDay }], ...extra });
  const patientAlerts = async (patientId: string, query = ''): Promise<Alert[]> =>
    ((await f.http.get(`/api/alerts?patientId=${patientId}${query}`)).body as Alert[]).filter((a) => a.subject === 'patient');
  /** A patient on 300 mcg/day from 2026-05-01. */
  const onPump = async (clinicId = clinic.id, doseMcgPerDay = 300) => {
    const patient = await f.patient(clinicId, { communicationDifficulty: true });
    const pump = await f.pump(patient.id);
    await f.program(pump.id, { effectiveFrom: '2026-05-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay }] });
    await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 2000 });
    await engine.processPendingEvents();
    return { patient, pump };
  };
  const bridge = { drug: 'oral_baclofen', doseMgPerDay: 30 };
  // 300 -> 240 -> 192 -> 154: 20%, 20%, 19.8%, each 24 h after the previous: within the default limits.
  const gentle = [
    { at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 240 },
    { at: '2026-06-03T09:00:00Z', targetDoseMcgPerDay: 192 },
    { at: '2026-06-04T09:00:00Z', targetDoseMcgPerDay: 154 },
  ];

  describe('taper plan step limits', () => {
    it('refuses a step to 0 without stepLimitOverrideReason (422 naming it), writing nothing', async () => {
      const { patient } = await onPump();
      const res = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        startsAt: '2026-06-02T08:00:00Z',
        steps: [...gentle, { at: '2026-06-05T09:00:00Z', targetDoseMcgPerDay: 0 }],
        bridge,
        reintroductionDoseMcgPerDay: 50,
      });
      expect(res.status).toBe(422);
      expect(res.body.fields).toEqual([
        {
          field: 'stepLimitOverrideReason',
          message: expect.stringMatching(
            /^is required: Step 4 \(2026-06-05T09:00:00Z\) stops intrathecal baclofen \(0 mcg\/day, from 154 mcg\/day\)\..*withdrawal checklist/,
          ),
        },
      ]);
      expect(await queryRows(server.databaseUrl, 'SELECT id FROM taper_plans WHERE patient_id = $1', [patient.id])).toEqual([]);
    });

    it('accepts it with a reason, storing and auditing the reason, and answers the withdrawal checklist to confirm', async () => {
      const { patient } = await onPump();
      const reason = 'Holiday to 0 agreed with the patient; inpatient for the last step';
      const res = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        startsAt: '2026-06-02T08:00:00Z',
        steps: [...gentle, { at: '2026-06-05T09:00:00Z', targetDoseMcgPerDay: 0 }],
        bridge,
        reintroductionDoseMcgPerDay: 50,
        stepLimitOverrideReason: reason,
      });
      expect(res.status).toBe(201);
      const plan = res.body as TaperPlanRecord;
      expect(plan).toMatchObject({
        stepLimitOverrideReason: reason,
        stepLimitFindings: [{ kind: 'step_to_zero', stepIndex: 3, fromDoseMcgPerDay: 154, toDoseMcgPerDay: 0 }],
      });
      expect(plan.withdrawalChecklist?.earlySigns).toEqual(
        expect.arrayContaining([
          'Muscle rigidity',
          'Rhabdomyolysis (dark urine, raised CK)',
          'Hypotension',
          expect.stringMatching(/^Autonomic dysreflexia/),
        ]),
      );
      expect(plan.withdrawalChecklist?.riskFactors).toContainEqual({
        factor: 'communicationDifficulty',
        label: expect.any(String),
        present: true,
      });
      const audit = await queryRows<{ changes: { stepLimitOverrideReason: { after: string } } }>(
        server.databaseUrl,
        'SELECT changes FROM audit_log WHERE entity_id = $1',
        [plan.id],
      );
      expect(audit.map((a) => a.changes.stepLimitOverrideReason.after)).toEqual([reason]);
      expect((await f.http.get(`/api/patients/${patient.id}/taper-plans`)).body[0]).toMatchObject({
        stepLimitOverrideReason: reason,
        withdrawalChecklist: { earlySigns: expect.any(Array) },
      });
    });

    it('accepts a plan within the limits without a reason and without a checklist', async () => {
      const { patient } = await onPump();
      const res = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        startsAt: '2026-06-02T08:00:00Z',
        steps: gentle,
        bridge,
        reintroductionDoseMcgPerDay: 50,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ stepLimitFindings: [], stepLimitOverrideReason: null, withdrawalChecklist: null });
    });

    it("judges steps by the clinic's own per-step percent and minimum spacing", async () => {
      const own = await f.clinic();
      const settings = await f.http.call('PUT', `/api/clinics/${own.id}/clinical-safety-settings`, {
        abruptReductionPercent: 25,
        taperStepMinSpacingHours: 48,
      });
      expect(settings.body).toMatchObject({ abruptReductionPercent: 25, taperStepMinSpacingHours: 48 });
      expect(
        (await f.http.call('PUT', `/api/clinics/${own.id}/clinical-safety-settings`, { taperStepMinSpacingHours: 0.5 })).body.fields,
      ).toEqual([{ field: 'taperStepMinSpacingHours', message: 'must be at least 1' }]);
      const { patient } = await onPump(own.id);
      // 300 -> 225 is 25% (the clinic's limit); 225 -> 180 is 20% but only 24 h later (the clinic asks 48 h).
      const res = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        startsAt: '2026-06-02T08:00:00Z',
        steps: [
          { at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 225 },
          { at: '2026-06-03T09:00:00Z', targetDoseMcgPerDay: 180 },
        ],
        bridge,
        reintroductionDoseMcgPerDay: 50,
      });
      expect(res.status).toBe(422);
      expect(res.body.fields[0].message).toMatch(
        /Step 2 \(2026-06-03T09:00:00Z\) comes 24 h after the previous step, less than the clinic's 48 h between steps\./,
      );
      expect(res.body.fields[0].message).not.toMatch(/Step 1/);
    });

    it('guards a program that goes further than the step in force as an abrupt reduction', async () => {
      const { patient, pump } = await onPump();
      expect(
        (
          await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
            startsAt: '2026-06-02T08:00:00Z',
            steps: gentle,
            bridge,
            reintroductionDoseMcgPerDay: 50,
          })
        ).status,
      ).toBe(201);
      clock.set('2026-06-02T09:00:00Z');
      // The step is 240; 230 is 23.3% below the 300 in force.
      const further = await program(pump.id, '2026-06-02T09:00:00Z', 230);
      expect(further.status).toBe(422);
      expect(further.body.fields[0]).toMatchObject({
        field: 'doseChangeReason',
        message: expect.stringMatching(/below the taper plan's 240 mcg\/day/),
      });
      expect((await program(pump.id, '2026-06-02T09:00:00Z', 240)).status).toBe(201);
    });
  });

  describe('re-introduction after a drug holiday', () => {
    /** 300 -> 240 -> 192 -> 154 -> 0 with a reason, followed by programs, then the plan completed on 06-08. */
    const holiday = async () => {
      const { patient, pump } = await onPump();
      const steps = [...gentle, { at: '2026-06-05T09:00:00Z', targetDoseMcgPerDay: 0 }];
      const created = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        startsAt: '2026-06-02T08:00:00Z',
        steps,
        bridge,
        reintroductionDoseMcgPerDay: 50,
        stepLimitOverrideReason: 'Holiday for tolerance',
      });
      expect(created.status).toBe(201);
      for (const step of steps) {
        clock.set(step.at);
        expect([step.at, (await program(pump.id, step.at, step.targetDoseMcgPerDay)).status]).toEqual([step.at, 201]);
      }
      clock.set('2026-06-08T09:00:00Z');
      expect(
        (
          await f.http.post(`/api/patients/${patient.id}/taper-plans/${created.body.id}/end`, {
            outcome: 'completed',
            note: 'Holiday done',
          })
        ).status,
      ).toBe(200);
      return { patient, pump };
    };

    it('needs doseChangeReason above the pre-holiday dose, then stores it and opens the overdose watch', async () => {
      const { patient, pump } = await holiday();
      clock.set('2026-06-10T09:00:00Z');
      const above = await program(pump.id, '2026-06-10T09:00:00Z', 320);
      expect(above.status).toBe(422);
      expect(above.body.fields[0]).toMatchObject({
        field: 'doseChangeReason',
        message: expect.stringMatching(/Re-introduction at 320 mcg\/day is above the 300 mcg\/day in force before the drug holiday/),
      });
      const accepted = await program(pump.id, '2026-06-10T09:00:00Z', 320, {
        doseChangeReason: 'Severe spasticity returned; titrating under admission',
      });
      expect(accepted.status).toBe(201);
      expect(accepted.body.doseChangeReason).toBe('Severe spasticity returned; titrating under admission');
      const watch = (await patientAlerts(patient.id)).find((a) => a.kind === 'overdose_watch');
      expect(watch).toMatchObject({
        severity: 'warning',
        status: 'open',
        withdrawalRisk: false,
        facts: { preHolidayDoseMcgPerDay: 300, newDoseMcgPerDay: 320, watchUntil: '2026-06-17T09:00:00.000Z' },
      });
      expect(watch!.message).toMatch(/respiratory depression, drowsiness or somnolence, hypotonia/);
    });

    it('re-introduces at the planned dose without a reason; the overdose watch stays until a clinician resolves it', async () => {
      const { patient, pump } = await holiday();
      clock.set('2026-06-10T09:00:00Z');
      expect((await program(pump.id, '2026-06-10T09:00:00Z', 50)).status).toBe(201);
      const watch = (await patientAlerts(patient.id)).find((a) => a.kind === 'overdose_watch');
      expect(watch).toMatchObject({ status: 'open', facts: { holidayDoseMcgPerDay: 0, reintroductionDoseMcgPerDay: 50 } });
      // Time alone does not clear it: the sweep judges patients, never this kind.
      clock.set('2026-06-20T09:00:00Z');
      await engine.processPendingEvents();
      expect((await f.http.get(`/api/alerts/${watch!.id}`)).body.status).toBe('open');
      // A second rise is ordinary titration (50 -> 57: +14%, within the cerebral 15% for an unrecorded origin), not a new re-introduction.
      expect((await program(pump.id, '2026-06-20T09:00:00Z', 57)).status).toBe(201);
      const resolved = await f.http.post(`/api/alerts/${watch!.id}/resolve`, { note: 'No drowsiness or breathing problems over the week' });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ status: 'resolved' });
      expect((await patientAlerts(patient.id)).filter((a) => a.kind === 'overdose_watch')).toEqual([]);
    });
  });

  describe('which kidney value a flag used', () => {
    it('says CrCl or eGFR on each flag of the clinical summary, with the Beers eGFR rule for an older adult', async () => {
      // Female, born 1950-05-04 (76), 80 kg, creatinine 1.1 mg/dL: CrCl (140 - 76) x 80 / (72 x 1.1) x 0.85 = 54.9 mL/min (not below 50);
      // CKD-EPI 2021 female: 142 x (1.1/0.7)^-1.200 x 0.9938^76 x 1.012 = 51.2 mL/min/1.73 m2: below 60 at 76 -> Beers dose review.
      const patient = await f.patient(clinic.id, { birthDate: '1950-05-04', sex: 'female', weightKg: 80 });
      await f.pump(patient.id);
      expect(
        (
          await f.http.post(`/api/patients/${patient.id}/labs`, {
            kind: 'serum_creatinine',
            value: 1.1,
            unit: 'mg/dL',
            takenAt: '2026-05-20T08:00:00Z',
          })
        ).status,
      ).toBe(201);
      const summary = (await f.http.get(`/api/patients/${patient.id}/clinical-summary`)).body as ClinicalSummary;
      expect(summary.renal.latest).toMatchObject({ creatinineClearanceMlPerMin: 54.9 });
      const egfr = summary.renal.latest!.egfrMlPerMin173m2!;
      expect(egfr).toBeLessThan(60);
      expect(summary.renal.flags).toEqual([
        expect.objectContaining({
          kind: 'renal_dose_review',
          title: 'Renal: dose review (older adult)',
          basis: { measure: 'eGFR', label: 'eGFR', value: egfr, unit: 'mL/min/1.73 m2', takenAt: '2026-05-20T08:00:00.000Z' },
        }),
      ]);
      expect(summary.renal.thresholds).toMatchObject({ beersOlderAdultEgfrBelowMlPerMin173m2: 60, beersOlderAdultFromAgeYears: 65 });
      expect((await patientAlerts(patient.id)).find((a) => a.kind === 'renal_dose_review')).toMatchObject({
        facts: { rule: 'beers_older_adult', measure: 'eGFR' },
      });
    });
  });
});
