// Drug library on real PostgreSQL (issue 13): hard limits refused whatever the reason, soft limits until a reason is given (stored
// and audited), the clinic's library read by everyone of the clinic and edited by its administrator within the code's bounds.
import type { AlertDetail, ClinicDrugLibrary, Fill, Program, RefillPlanProposal } from '@pumpwatch/shared';
import { DEFAULT_DRUG_LIBRARY } from '@pumpwatch/shared';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { ManualClock } from '../../server/src/infra/clock';
import { countRows, fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { useTestServer } from '../support/test-server';

const START = '2026-06-01T12:00:00.000Z';
const oneStep = (doseMcgPerDay: number) => [{ startTime: '00:00', doseMcgPerDay }];

describe('drug library', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock(START);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  let clinic: { id: string };
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    clinic = await f.clinic({ name: 'Library Clinic' });
  });

  const pumpOf = async (origin: 'spinal' | 'cerebral' | null, pump: Record<string, unknown> = {}, clinicId = clinic.id) => {
    const patient = await f.patient(clinicId, origin === null ? {} : { spasticityOrigin: origin });
    return f.pump(patient.id, pump) as Promise<{ id: string }>;
  };
  const setProgram = (pumpId: string, body: Record<string, unknown>) =>
    f.http.post(`/api/pumps/${pumpId}/programs`, { effectiveFrom: '2026-05-01T08:00:00Z', ...body });
  const fields = (body: { fields: { field: string; message: string }[] }) => body.fields.map((x) => x.field);

  describe('programs', () => {
    it('refuses 50,000 mcg/day (a tenfold typing error) with 422 naming the step and the hard limit, whatever the reason', async () => {
      const pump = await pumpOf('spinal');
      const refused = await setProgram(pump.id, { steps: oneStep(50000), doseChangeReason: 'Prescribed' });
      expect(refused.status).toBe(422);
      expect(refused.body.fields).toEqual([
        {
          field: 'steps.0.doseMcgPerDay',
          message: expect.stringMatching(/50000 mcg\/day is above the drug library's hard limit of 2000 mcg\/day.*whatever the reason/),
        },
      ]);
      expect((await f.http.get(`/api/pumps/${pump.id}/programs`)).body).toEqual([]);
    });

    it('answers 400 for a number that cannot be a dose at all', async () => {
      const pump = await pumpOf('spinal');
      const refused = await setProgram(pump.id, { steps: oneStep(1e7) });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'steps.0.doseMcgPerDay', message: expect.stringContaining('not a dose') }]);
    });

    it("refuses a dose above the origin's hard limit with 422 naming the step, even with a reason", async () => {
      // Cerebral hard limit 1000 mcg/day (label's highest reported cerebral maintenance); 1500 is within the schema's 2000 bound.
      const pump = await pumpOf('cerebral');
      const before = await countRows(server.databaseUrl, 'programs');
      const refused = await setProgram(pump.id, { steps: oneStep(1500), doseChangeReason: 'Severe spasticity' });
      expect(refused.status).toBe(422);
      expect(refused.body.fields).toEqual([
        {
          field: 'steps.0.doseMcgPerDay',
          message: expect.stringMatching(/1500 mcg\/day is above the drug library's hard limit of 1000 mcg\/day.*whatever the reason/),
        },
      ]);
      expect(await countRows(server.databaseUrl, 'programs')).toBe(before);
    });

    it('asks a reason for 1,500 mcg/day (spinal soft limit 1000), then stores and audits the override with it', async () => {
      const pump = await pumpOf('spinal');
      const refused = await setProgram(pump.id, { steps: oneStep(1500) });
      expect(refused.status).toBe(422);
      expect(fields(refused.body)).toEqual(['steps.0.doseMcgPerDay', 'doseChangeReason']);
      expect(refused.body.fields[0].message).toMatch(/1500 mcg\/day is above the drug library's soft limit of 1000 mcg\/day/);

      const accepted = await setProgram(pump.id, { steps: oneStep(1500), doseChangeReason: 'Refractory spasticity; neurosurgery agrees' });
      expect(accepted.status).toBe(201);
      const program = accepted.body as Program;
      expect(program.doseChangeReason).toBe('Refractory spasticity; neurosurgery agrees');
      expect(program.limitOverrides).toEqual([
        expect.objectContaining({ level: 'soft', rule: 'daily_dose', field: 'steps.0.doseMcgPerDay', value: 1500, limit: 1000 }),
      ]);
      expect(((await f.http.get(`/api/pumps/${pump.id}/programs`)).body as Program[])[0].limitOverrides).toEqual(program.limitOverrides);
      const [stored] = await queryRows<{ limit_overrides: unknown[] }>(
        server.databaseUrl,
        'SELECT limit_overrides FROM programs WHERE id = $1',
        [program.id],
      );
      expect(stored.limit_overrides).toHaveLength(1);
      const [audit] = await queryRows<{ changes: Record<string, { after: unknown }> }>(
        server.databaseUrl,
        "SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'program.set'",
        [program.id],
      );
      expect(audit.changes.limitOverrides.after).toEqual([expect.objectContaining({ field: 'steps.0.doseMcgPerDay', limit: 1000 })]);
      expect(audit.changes.doseChangeReason.after).toBe('Refractory spasticity; neurosurgery agrees');
    });

    it('asks a reason when 480 mcg/day of continuous flow becomes one 480 mcg bolus (same daily total)', async () => {
      const pump = await pumpOf('spinal');
      expect((await setProgram(pump.id, { steps: oneStep(480) })).status).toBe(201);
      const bolusOnly = { effectiveFrom: '2026-05-10T08:00:00Z', steps: oneStep(0), periodicBoluses: [{ time: '08:00', doseMcg: 480 }] };
      const refused = await setProgram(pump.id, bolusOnly);
      expect(refused.status).toBe(422);
      // 480 mcg > the 200 mcg soft limit of one bolus; 100% of the day as boluses > the 50% soft share.
      expect(fields(refused.body)).toEqual(['periodicBoluses.0.doseMcg', 'periodicBoluses', 'doseChangeReason']);
      const accepted = await setProgram(pump.id, { ...bolusOnly, doseChangeReason: 'Trial of flex dosing for night spasms' });
      expect(accepted.status).toBe(201);
      expect((accepted.body as Program).limitOverrides.map((v) => v.rule)).toEqual(['periodic_bolus', 'bolus_share']);
    });

    it('accepts an ordinary program without a reason and records no override', async () => {
      const pump = await pumpOf(null);
      const res = await setProgram(pump.id, {
        steps: oneStep(400),
        patientBolus: { doseMcg: 50, maxPerDay: 4 },
        periodicBoluses: [{ time: '08:00', doseMcg: 40 }],
      });
      expect(res.status).toBe(201);
      expect((res.body as Program).limitOverrides).toEqual([]);
    });

    it('refuses patient boluses above the hard count and asks a reason above the soft dose', async () => {
      const pump = await pumpOf('spinal');
      const tooMany = await setProgram(pump.id, { steps: oneStep(300), patientBolus: { doseMcg: 50, maxPerDay: 30 } });
      expect([tooMany.status, fields(tooMany.body)]).toEqual([422, ['patientBolus.maxPerDay']]); // beyond the hard count of 24
      const large = await setProgram(pump.id, { steps: oneStep(300), patientBolus: { doseMcg: 150, maxPerDay: 4 } });
      expect([large.status, fields(large.body)]).toEqual([422, ['patientBolus.doseMcg', 'doseChangeReason']]);
    });
  });

  describe('fills', () => {
    it('refuses on a Prometra a concentration it is not labelled for (50 mcg/mL), whatever the reason', async () => {
      const pump = await pumpOf('spinal', { modelId: 'prometra-ii-20' });
      const refused = await f.http.post(`/api/pumps/${pump.id}/fills`, {
        filledAt: '2026-05-01T09:00:00Z',
        concentrationMcgPerMl: 50,
        volumeMl: 20,
        limitOverrideReason: 'Screening',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.fields).toEqual([
        { field: 'concentrationMcgPerMl', message: expect.stringMatching(/outside the drug library's 500-2000 mcg\/mL/) },
      ]);
      expect((await f.http.get(`/api/pumps/${pump.id}/fills`)).body).toEqual([]);
    });

    it('asks a limitOverrideReason for 50 mcg/mL on a SynchroMed, then stores it and shows it with the fill', async () => {
      const pump = await pumpOf('spinal');
      const body = { filledAt: '2026-05-01T09:00:00Z', concentrationMcgPerMl: 50, volumeMl: 20 };
      const refused = await f.http.post(`/api/pumps/${pump.id}/fills`, body);
      expect([refused.status, fields(refused.body)]).toEqual([422, ['concentrationMcgPerMl', 'limitOverrideReason']]);
      const accepted = await f.http.post(`/api/pumps/${pump.id}/fills`, { ...body, limitOverrideReason: 'Very low dose, 25 mcg/day' });
      expect(accepted.status).toBe(201);
      const fill = accepted.body as Fill;
      expect(fill).toMatchObject({
        limitOverrideReason: 'Very low dose, 25 mcg/day',
        limitOverrides: [expect.objectContaining({ field: 'concentrationMcgPerMl', rule: 'concentration' })],
      });
      const [audit] = await queryRows<{ changes: Record<string, { after: unknown }> }>(
        server.databaseUrl,
        "SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'fill.recorded'",
        [fill.id],
      );
      expect(audit.changes.limitOverrideReason.after).toBe('Very low dose, 25 mcg/day');
    });

    it("refuses a constant-flow fill whose dose (flow x concentration) passes the origin's hard limit", async () => {
      // 1 mL/day x 2000 mcg/mL = 2000 mcg/day; origin not recorded: the cerebral hard limit of 1000 applies.
      const pump = await pumpOf(null, { modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 1 });
      const refused = await f.http.post(`/api/pumps/${pump.id}/fills`, {
        filledAt: '2026-05-01T09:00:00Z',
        concentrationMcgPerMl: 2000,
        volumeMl: 30,
        limitOverrideReason: 'x',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.fields).toEqual([
        {
          field: 'concentrationMcgPerMl',
          message: expect.stringMatching(/2000 mcg\/day is above the drug library's hard limit of 1000 mcg\/day/),
        },
      ]);
      expect(
        (await f.http.post(`/api/pumps/${pump.id}/fills`, { filledAt: '2026-05-01T09:00:00Z', concentrationMcgPerMl: 500, volumeMl: 30 }))
          .status,
      ).toBe(201);
    });

    it('refuses a concentration beyond every labelled one with 422 (hard), and a number that is no concentration with 400', async () => {
      const pump = await pumpOf('spinal');
      const refused = await f.http.post(`/api/pumps/${pump.id}/fills`, {
        filledAt: '2026-05-01T09:00:00Z',
        concentrationMcgPerMl: 20000,
        volumeMl: 20,
      });
      expect([refused.status, fields(refused.body)]).toEqual([422, ['concentrationMcgPerMl']]);
      const nonsense = await f.http.post(`/api/pumps/${pump.id}/fills`, {
        filledAt: '2026-05-01T09:00:00Z',
        concentrationMcgPerMl: 1e6,
        volumeMl: 20,
      });
      expect([nonsense.status, fields(nonsense.body)]).toEqual([400, ['concentrationMcgPerMl']]);
    });
  });

  describe('taper plans', () => {
    it("refuses a target dose beyond the origin's hard limit, naming the step, whatever the reason", async () => {
      const patient = await f.patient(clinic.id, { spasticityOrigin: 'cerebral' });
      const plan = {
        startsAt: '2026-06-02T08:00:00Z',
        bridge: { drug: 'oral_baclofen', doseMgPerDay: 30 },
        reintroductionDoseMcgPerDay: 100,
        stepLimitOverrideReason: 'x',
        steps: [
          { at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 1500 },
          { at: '2026-06-05T09:00:00Z', targetDoseMcgPerDay: 1200 },
        ],
      };
      const refused = await f.http.post(`/api/patients/${patient.id}/taper-plans`, plan);
      expect(refused.status).toBe(422);
      // Cerebral hard limit 1000 mcg/day.
      expect(fields(refused.body)).toEqual(['steps.0.targetDoseMcgPerDay', 'steps.1.targetDoseMcgPerDay']);
      const nonsense = await f.http.post(`/api/patients/${patient.id}/taper-plans`, {
        ...plan,
        steps: [{ at: '2026-06-02T09:00:00Z', targetDoseMcgPerDay: 30000 }],
      });
      expect([nonsense.status, fields(nonsense.body)]).toEqual([422, ['steps.0.targetDoseMcgPerDay']]);
    });
  });

  describe('refill planner', () => {
    it('flags, without refusing, the pumps whose program in force is outside the library (a library tightened since)', async () => {
      const own = await f.clinic({ name: 'Planner Library Clinic' });
      const pumpIn = async (dose: number, reason?: string) => {
        const pump = await pumpOf('spinal', {}, own.id);
        await f.fill(pump.id, { filledAt: '2026-05-01T09:00:00Z', concentrationMcgPerMl: 2000, volumeMl: 20 });
        await f.program(pump.id, {
          effectiveFrom: '2026-05-01T08:00:00Z',
          steps: oneStep(dose),
          ...(reason ? { doseChangeReason: reason } : {}),
        });
        return pump.id;
      };
      const confirmed = await pumpIn(1500, 'Refractory spasticity'); // soft, confirmed: not flagged until the hard limit drops below it
      const ordinary = await pumpIn(900);
      const quiet = await pumpIn(400);
      const plan = async () => {
        const res = await f.http.post('/api/refill-plan', { clinicId: own.id, from: START, to: '2026-08-01T00:00:00Z' });
        expect(res.status).toBe(200);
        return (res.body as RefillPlanProposal).outsideDrugLibrary;
      };
      expect(await plan()).toEqual([]);
      expect(
        (await f.http.call('PUT', `/api/clinics/${own.id}/drug-library`, { dailyDoseMcgPerDay: { spinal: { soft: 800, hard: 1200 } } }))
          .status,
      ).toBe(200);
      const flagged = await plan();
      expect(flagged.map((p) => p.pumpId).sort()).toEqual([confirmed, ordinary].sort());
      expect(flagged.find((p) => p.pumpId === confirmed)!.violations).toEqual([
        expect.objectContaining({ level: 'hard', field: 'steps.0.doseMcgPerDay', limit: 1200 }),
      ]);
      expect(flagged.find((p) => p.pumpId === ordinary)!.violations).toEqual([
        expect.objectContaining({ level: 'soft', field: 'steps.0.doseMcgPerDay', limit: 800 }),
      ]);
      expect(flagged.some((p) => p.pumpId === quiet)).toBe(false);
    });
  });

  describe('telemetry', () => {
    it('raises outside_drug_library (critical) when a pump reports a dose or concentration beyond a hard limit, and clears it when back inside', async () => {
      const gateway = api(server.baseUrl, {
        token: (await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'dl-gateway' })).body.token,
      });
      const patient = await f.patient(clinic.id, { spasticityOrigin: 'spinal' });
      const pump = (await f.pump(patient.id, { modelId: 'prometra-ii-20' })) as { id: string; serialNumber: string };
      await f.fill(pump.id, { filledAt: '2026-05-20T09:00:00Z', concentrationMcgPerMl: 1000, volumeMl: 20 });
      await f.program(pump.id, { effectiveFrom: '2026-05-20T08:00:00Z', steps: oneStep(400) });
      const report = async (recordedAt: string, reading: Record<string, unknown>) => {
        expect(
          (await gateway.post('/api/telemetry', { readings: [{ serialNumber: pump.serialNumber, recordedAt, ...reading }] })).status,
        ).toBe(200);
        await server.app.get(AlertEngine).sweep();
        return ((await f.http.get(`/api/alerts?pumpId=${pump.id}`)).body as AlertDetail[]).find((a) => a.kind === 'outside_drug_library');
      };
      expect(await report('2026-06-01T09:00:00Z', { programDoseMcgPerDay: 400, programConcentrationMcgPerMl: 1000 })).toBeUndefined();
      // A tenfold programming error: 4000 mcg/day is above the spinal hard limit of 2000; 50 mcg/mL is not labelled for Prometra.
      const alert = await report('2026-06-01T10:00:00Z', { programDoseMcgPerDay: 4000, programConcentrationMcgPerMl: 50 });
      expect(alert).toMatchObject({
        severity: 'critical',
        status: 'open',
        title: 'Pump outside the drug library',
        facts: { fields: ['programConcentrationMcgPerMl', 'programDoseMcgPerDay'], reportedDoseMcgPerDay: 4000 },
      });
      expect(alert!.message).toMatch(/4000 mcg\/day is above the drug library's hard limit of 2000 mcg\/day/);
      const back = await report('2026-06-01T11:00:00Z', { programDoseMcgPerDay: 400, programConcentrationMcgPerMl: 1000 });
      expect(back === undefined || back.status === 'resolved').toBe(true);
    });
  });

  describe("the clinic's library", () => {
    it('is read by every role of the clinic, edited by its administrator within the bounds (audited), and used by the checks', async () => {
      const own = await f.clinic({ name: 'Edited Library Clinic' });
      const staff = await f.member(own.id, 'staff', 'dl-staff');
      const clinician = await f.member(own.id, 'clinician', 'dl-clinician');
      const read = await staff.http.get(`/api/clinics/${own.id}/drug-library`);
      expect(read.status).toBe(200);
      expect(read.body as ClinicDrugLibrary).toEqual({
        clinicId: own.id,
        library: DEFAULT_DRUG_LIBRARY,
        overrides: null,
        defaults: DEFAULT_DRUG_LIBRARY,
      });
      expect((await clinician.http.call('PUT', `/api/clinics/${own.id}/drug-library`, {})).status).toBe(403);

      const aboveBound = await f.http.call('PUT', `/api/clinics/${own.id}/drug-library`, {
        dailyDoseMcgPerDay: { spinal: { hard: 2500 } },
      });
      expect(aboveBound.status).toBe(422);
      expect(aboveBound.body.fields).toEqual([
        { field: 'dailyDoseMcgPerDay.spinal.hard', message: "must not exceed the code's bound of 2000" },
      ]);
      const malformed = await f.http.call('PUT', `/api/clinics/${own.id}/drug-library`, { periodicBolusMcg: { soft: -1 } });
      expect([malformed.status, fields(malformed.body)]).toEqual([400, ['periodicBolusMcg.soft']]);

      const edited = await f.http.call('PUT', `/api/clinics/${own.id}/drug-library`, {
        dailyDoseMcgPerDay: { spinal: { soft: 800, hard: 1200 } },
      });
      expect(edited.status).toBe(200);
      expect((edited.body as ClinicDrugLibrary).library.dailyDoseMcgPerDay.spinal).toEqual({ soft: 800, hard: 1200 });
      expect((await staff.http.get(`/api/clinics/${own.id}/drug-library`)).body.overrides).toEqual({
        dailyDoseMcgPerDay: { spinal: { soft: 800, hard: 1200 } },
      });
      const [audit] = await queryRows<{ changes: Record<string, { before: unknown; after: unknown }> }>(
        server.databaseUrl,
        "SELECT changes FROM audit_log WHERE entity_id = $1 AND action = 'clinic.drug_library_changed'",
        [own.id],
      );
      expect(audit.changes.drugLibraryOverrides).toEqual({
        before: null,
        after: { dailyDoseMcgPerDay: { spinal: { soft: 800, hard: 1200 } } },
      });

      const pump = await pumpOf('spinal', {}, own.id);
      const hard = await setProgram(pump.id, { steps: oneStep(1300), doseChangeReason: 'x' });
      expect([hard.status, hard.body.fields[0].message]).toEqual([422, expect.stringMatching(/hard limit of 1200/)]);
      // The other clinic keeps the defaults: 1300 is only soft there.
      const other = await pumpOf('spinal');
      expect((await setProgram(other.id, { steps: oneStep(1300), doseChangeReason: 'x' })).status).toBe(201);

      expect((await f.http.call('PUT', `/api/clinics/${own.id}/drug-library`, {})).body.overrides).toBeNull(); // back to the defaults
      expect((await setProgram(pump.id, { steps: oneStep(1300), doseChangeReason: 'x' })).status).toBe(201);
    });

    it("answers 404 for another clinic's library", async () => {
      const other = await f.clinic({ name: 'Library Outsider Clinic' });
      const outsider = await f.member(other.id, 'admin', 'dl-outsider');
      expect((await outsider.http.get(`/api/clinics/${clinic.id}/drug-library`)).status).toBe(404);
      expect((await outsider.http.call('PUT', `/api/clinics/${clinic.id}/drug-library`, {})).status).toBe(404);
    });
  });
});
