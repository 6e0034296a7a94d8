// Pumps over HTTP on real PostgreSQL: registration rules, replacement, the fleet list and the pump page.
import { ManualClock } from '../../server/src/infra/clock';
import { countAllRows, fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

const UNKNOWN_ID = '6f1c1d2e-0000-4000-8000-000000000000';

describe('pumps', () => {
  let f: ReturnType<typeof fixtures>;
  const clock = new ManualClock('2026-06-01T12:00:00Z');
  const server = useTestServer({ clock });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  it('registers a pump with the alarm volume and capacity of its model', async () => {
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id, { modelId: 'prometra-ii-40', serialNumber: 'PMT-0001' });
    expect(pump).toMatchObject({
      patientId: patient.id,
      clinicId: clinic.id,
      modelId: 'prometra-ii-40',
      serialNumber: 'PMT-0001',
      implantDate: '2025-01-10',
      reservoirCapacityMl: 40,
      lowReservoirAlarmMl: 3,
      flowRateMlPerDay: null,
      explantedAt: null,
      explantReason: null,
      replacesPumpId: null,
    });
  });

  it('keeps an alarm volume set by the clinician (4 mL on a SynchroMed II)', async () => {
    const patient = await f.patient((await f.clinic()).id);
    expect(await f.pump(patient.id, { lowReservoirAlarmMl: 4 })).toMatchObject({ lowReservoirAlarmMl: 4, reservoirCapacityMl: 20 });
  });

  it('registers a constant-flow pump with capacity and flow from the device label', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const pump = await f.pump(patient.id, { modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.5 });
    expect(pump).toMatchObject({ modelId: 'constant-flow', reservoirCapacityMl: 35, flowRateMlPerDay: 0.5, lowReservoirAlarmMl: 2 });
  });

  it('replaces the active pump atomically: the old one is explanted now, the new one names it', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const old = await f.pump(patient.id, { serialNumber: 'NGP-OLD-1' });
    const replacement = await f.pump(patient.id, {
      serialNumber: 'NGP-NEW-1',
      modelId: 'synchromed-ii-40',
      replacesPumpId: old.id,
      implantDate: '2026-05-30',
    });
    expect(replacement).toMatchObject({ replacesPumpId: old.id, explantedAt: null });
    const oldNow = (await f.http.get(`/api/pumps/${old.id}`)).body;
    expect(oldNow.pump).toMatchObject({ explantedAt: '2026-06-01T12:00:00.000Z', explantReason: 'replacement' });
    expect(oldNow.forecast).toBeNull();
    const fleet = (await f.http.get('/api/pumps')).body as { pump: { id: string } }[];
    expect(fleet.map((p) => p.pump.id)).toContain(replacement.id);
    expect(fleet.map((p) => p.pump.id)).not.toContain(old.id);
  });

  it('records the explant reason given with a replacement', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const old = await f.pump(patient.id);
    await f.pump(patient.id, { replacesPumpId: old.id, explantReason: 'infection' });
    expect((await f.http.get(`/api/pumps/${old.id}`)).body.pump.explantReason).toBe('infection');
  });

  type BadCase = [string, () => Promise<Record<string, unknown>>, number, string];
  const withPatient = async (body: Record<string, unknown>) => {
    const patient = await f.patient((await f.clinic()).id);
    return { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: `S-${Math.random()}`, implantDate: '2025-01-10', ...body };
  };
  const badCases: BadCase[] = [
    ['an unknown model', () => withPatient({ modelId: 'synchromed-v' }), 400, 'modelId'],
    ['an unknown patientId', () => withPatient({ patientId: UNKNOWN_ID }), 404, 'patientId'],
    ['a malformed implant date', () => withPatient({ implantDate: '10/01/2025' }), 400, 'implantDate'],
    ['an implant date in the future', () => withPatient({ implantDate: '2026-06-02' }), 422, 'implantDate'],
    [
      'a duplicate serial number',
      async () => {
        const patient = await f.patient((await f.clinic()).id);
        await f.pump(patient.id, { serialNumber: 'NGP-DUP' });
        return withPatient({ serialNumber: 'NGP-DUP' });
      },
      409,
      'serialNumber',
    ],
    [
      'a second active pump without replacesPumpId',
      async () => {
        const patient = await f.patient((await f.clinic()).id);
        await f.pump(patient.id);
        return { patientId: patient.id, modelId: 'synchromed-ii-20', serialNumber: 'NGP-SECOND', implantDate: '2025-02-01' };
      },
      422,
      'replacesPumpId',
    ],
    [
      "replacesPumpId naming another patient's pump",
      async () => {
        const clinic = await f.clinic();
        const [a, b] = [await f.patient(clinic.id), await f.patient(clinic.id)];
        await f.pump(a.id);
        const other = await f.pump(b.id);
        return {
          patientId: a.id,
          modelId: 'synchromed-ii-20',
          serialNumber: 'NGP-WRONG-REPL',
          implantDate: '2025-02-01',
          replacesPumpId: other.id,
        };
      },
      422,
      'replacesPumpId',
    ],
    [
      'an unknown replacesPumpId',
      async () => {
        const patient = await f.patient((await f.clinic()).id);
        await f.pump(patient.id);
        return {
          patientId: patient.id,
          modelId: 'synchromed-ii-20',
          serialNumber: 'NGP-UNKNOWN-REPL',
          implantDate: '2025-02-01',
          replacesPumpId: UNKNOWN_ID,
        };
      },
      404,
      'replacesPumpId',
    ],
    [
      'a constant-flow pump without its capacity',
      () => withPatient({ modelId: 'constant-flow', flowRateMlPerDay: 0.5 }),
      422,
      'reservoirCapacityMl',
    ],
    [
      'a constant-flow pump without its flow rate',
      () => withPatient({ modelId: 'constant-flow', reservoirCapacityMl: 35 }),
      422,
      'flowRateMlPerDay',
    ],
    ["a capacity other than the model's", () => withPatient({ reservoirCapacityMl: 30 }), 422, 'reservoirCapacityMl'],
    ['an alarm volume at the capacity', () => withPatient({ lowReservoirAlarmMl: 20 }), 422, 'lowReservoirAlarmMl'],
    ['a negative alarm volume', () => withPatient({ lowReservoirAlarmMl: -1 }), 400, 'lowReservoirAlarmMl'],
  ];

  it.each(badCases)('refuses %s, naming the field, and writes nothing', async (_name, setup, status, field) => {
    const body = await setup();
    const before = await countAllRows(server.databaseUrl);
    const res = await f.http.post('/api/pumps', body);
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(res.body.fields.map((x: { field: string }) => x.field)).toContain(field);
    expect(await countAllRows(server.databaseUrl)).toEqual(before);
  });

  it('leaves the old pump active when the replacement is refused', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const old = await f.pump(patient.id, { serialNumber: 'NGP-KEEP' });
    const res = await f.http.post('/api/pumps', {
      patientId: patient.id,
      modelId: 'synchromed-ii-20',
      serialNumber: 'NGP-KEEP',
      implantDate: '2026-05-01',
      replacesPumpId: old.id,
    });
    expect(res.status).toBe(409);
    expect((await f.http.get(`/api/pumps/${old.id}`)).body.pump.explantedAt).toBeNull();
  });

  it('answers 404 naming id for an unknown pump', async () => {
    for (const path of [
      `/api/pumps/${UNKNOWN_ID}`,
      '/api/pumps/nope',
      `/api/pumps/${UNKNOWN_ID}/fills`,
      `/api/pumps/${UNKNOWN_ID}/programs`,
      `/api/pumps/${UNKNOWN_ID}/forecast`,
    ]) {
      const res = await f.http.get(path);
      expect(res.status).toBe(404);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    }
  });

  it('shows the pump page with patient, clinic, history and forecast', async () => {
    const clinic = await f.clinic({ timeZone: 'America/New_York' });
    const patient = await f.patient(clinic.id);
    const pump = await f.pump(patient.id);
    await f.program(pump.id);
    await f.fill(pump.id);
    const res = await f.http.get(`/api/pumps/${pump.id}`);
    expect(res.status).toBe(200);
    expect(res.body.pump).toEqual(pump);
    expect(res.body.patient).toEqual(patient);
    expect(res.body.clinic).toEqual(clinic);
    expect(res.body.fills).toHaveLength(1);
    expect(res.body.programs).toHaveLength(1);
    expect(res.body.forecast).toMatchObject({ pumpId: pump.id, status: 'ok', at: '2026-06-01T12:00:00.000Z' });
    expect(res.body.forecast.curve.length).toBeGreaterThan(10);
  });

  describe('fleet list', () => {
    let clinicId: string;
    const made: Record<string, string> = {};
    beforeAll(async () => {
      const clinic = await f.clinic({ name: 'Fleet Clinic' });
      clinicId = clinic.id;
      // 20 mL at 500 mcg/mL: 100 mcg/day = 0.2 mL/day, alarm 2 mL after 90 days; filled on 2026-03-01 09:00Z
      // -> deadline 2026-05-30 09:00Z (overdue on 2026-06-01 12:00Z).
      const add = async (key: string, displayName: string, setup: (pumpId: string) => Promise<void>) => {
        const patient = await f.patient(clinicId, { displayName, mrn: `MRN-${key}` });
        const pump = await f.pump(patient.id, { serialNumber: `SER-${key}` });
        await setup(pump.id);
        made[key] = pump.id;
      };
      await add('ok', 'Olga Okay', async (id) => {
        await f.program(id, { effectiveFrom: '2026-05-20T08:00:00Z' });
        await f.fill(id, { filledAt: '2026-05-20T09:00:00Z' });
      });
      await add('overdue', 'Oscar Overdue', async (id) => {
        await f.program(id);
        await f.fill(id);
      });
      // Filled 2026-03-05 09:00Z: deadline 2026-06-03 09:00Z, 1.875 days left: critical.
      await add('critical', 'Cora Critical', async (id) => {
        await f.program(id);
        await f.fill(id, { filledAt: '2026-03-05T09:00:00Z' });
      });
      // Filled 2026-03-20 09:00Z: deadline 2026-06-18 09:00Z, 16.9 days left: warning.
      await add('warning', 'Walt Warning', async (id) => {
        await f.program(id);
        await f.fill(id, { filledAt: '2026-03-20T09:00:00Z' });
      });
      await add('nofill', 'Nina Nofill', async (id) => {
        await f.program(id);
      });
    });

    it('lists active pumps most urgent first: overdue, critical, then a new pump without forecast with the ones due soon, ok', async () => {
      const res = await f.http.get(`/api/pumps?clinicId=${clinicId}`);
      expect(res.status).toBe(200);
      // Registered now (less than 24 h without a forecast): it ranks with 'warning', first there since nobody knows its deadline.
      expect(res.body.map((p: { pump: { id: string } }) => p.pump.id)).toEqual([
        made.overdue,
        made.critical,
        made.nofill,
        made.warning,
        made.ok,
      ]);
      expect(res.body.map((p: { urgency: string }) => p.urgency)).toEqual(['overdue', 'critical', 'no_forecast', 'warning', 'ok']);
      const critical = res.body[1];
      expect(critical).toMatchObject({
        status: 'ok',
        refillDeadline: '2026-06-03T09:00:00.000Z',
        deadlineReason: 'low_reservoir',
        daysLeft: 1.875,
        concentrationMcgPerMl: 500,
        doseMcgPerDay: 100,
        lastFilledAt: '2026-03-05T09:00:00.000Z',
        patient: { mrn: 'MRN-critical', displayName: 'Cora Critical' },
        clinic: { id: clinicId, name: 'Fleet Clinic', timeZone: 'Europe/Paris' },
      });
      // 88.125 days at 0.2 mL/day since the fill: 20 - 17.625 mL.
      expect(critical.volumeMl).toBeCloseTo(2.375, 6);
      expect(res.body[2]).toMatchObject({
        status: 'no_fill',
        statusReason: 'no fill recorded',
        urgency: 'no_forecast',
        volumeMl: null,
        refillDeadline: null,
        daysLeft: null,
      });
    });

    it('filters by patient name, MRN or serial number', async () => {
      const byName = await f.http.get(`/api/pumps?clinicId=${clinicId}&q=cora`);
      expect(byName.body.map((p: { pump: { id: string } }) => p.pump.id)).toEqual([made.critical]);
      const byMrn = await f.http.get(`/api/pumps?clinicId=${clinicId}&q=MRN-warn`);
      expect(byMrn.body.map((p: { pump: { id: string } }) => p.pump.id)).toEqual([made.warning]);
      const bySerial = await f.http.get(`/api/pumps?q=SER-overdue`);
      expect(bySerial.body.map((p: { pump: { id: string } }) => p.pump.id)).toEqual([made.overdue]);
      const wildcard = await f.http.get(`/api/pumps?clinicId=${clinicId}&q=%25`);
      expect(wildcard.body).toEqual([]);
    });

    it('answers 404 naming clinicId for an unknown clinic filter', async () => {
      const res = await f.http.get(`/api/pumps?clinicId=${UNKNOWN_ID}`);
      expect(res.status).toBe(404);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'clinicId' })]);
    });
  });
});
