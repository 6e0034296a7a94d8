// Clinics and patients over HTTP on real PostgreSQL: happy paths and refused input that writes nothing.
import { ManualClock } from '../../server/src/infra/clock';
import { countAllRows, fixtures } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

describe('clinics and patients', () => {
  let f: ReturnType<typeof fixtures>;
  const server = useTestServer({ clock: new ManualClock('2026-06-01T12:00:00Z') });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
  });

  it('registers a clinic and lists it', async () => {
    const clinic = await f.clinic({ name: 'Lyon Spasticity Clinic', timeZone: 'Europe/Paris' });
    expect(clinic).toMatchObject({ name: 'Lyon Spasticity Clinic', timeZone: 'Europe/Paris' });
    expect(clinic.id).toMatch(/^[0-9a-f-]{36}$/);
    const list = await f.http.get('/api/clinics');
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toContain(clinic.id);
  });

  it('registers a patient, reads it back and lists it by clinic', async () => {
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id, {
      mrn: 'A-1001',
      displayName: 'Jeanne Roux',
      birthDate: '1968-02-29',
      sex: 'female',
      weightKg: 61.5,
    });
    expect(patient).toMatchObject({
      clinicId: clinic.id,
      mrn: 'A-1001',
      displayName: 'Jeanne Roux',
      birthDate: '1968-02-29',
      sex: 'female',
      weightKg: 61.5,
    });
    expect((await f.http.get(`/api/patients/${patient.id}`)).body).toEqual(patient);
    const list = await f.http.get(`/api/patients?clinicId=${clinic.id}`);
    expect(list.body).toEqual([patient]);
  });

  it('allows the same MRN in two clinics', async () => {
    const [a, b] = [await f.clinic(), await f.clinic()];
    await f.patient(a.id, { mrn: 'SHARED-1' });
    await expect(f.patient(b.id, { mrn: 'SHARED-1' })).resolves.toMatchObject({ mrn: 'SHARED-1' });
  });

  it('answers 404 for an unknown patient id in the URL, malformed or not', async () => {
    for (const id of ['6f1c1d2e-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await f.http.get(`/api/patients/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    }
  });

  type BadCase = [string, () => Promise<{ path: string; body: unknown }>, number, string];
  const badCases: BadCase[] = [
    ['an unknown time zone', async () => ({ path: '/api/clinics', body: { name: 'X', timeZone: 'Mars/Olympus' } }), 400, 'timeZone'],
    ['a missing clinic name', async () => ({ path: '/api/clinics', body: { timeZone: 'Europe/Paris' } }), 400, 'name'],
    [
      'an unknown clinicId',
      async () => ({
        path: '/api/patients',
        body: { clinicId: '6f1c1d2e-0000-4000-8000-000000000000', mrn: 'Z1', displayName: 'Z', birthDate: '1980-01-01', sex: 'male' },
      }),
      404,
      'clinicId',
    ],
    [
      'a malformed clinicId',
      async () => ({
        path: '/api/patients',
        body: { clinicId: 'clinic-1', mrn: 'Z1', displayName: 'Z', birthDate: '1980-01-01', sex: 'male' },
      }),
      400,
      'clinicId',
    ],
    [
      'a malformed birth date',
      async () => {
        const clinic = await f.clinic();
        return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'Z2', displayName: 'Z', birthDate: '1980-13-45', sex: 'male' } };
      },
      400,
      'birthDate',
    ],
    [
      'a birth date in the future',
      async () => {
        const clinic = await f.clinic();
        return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'Z3', displayName: 'Z', birthDate: '2030-01-01', sex: 'male' } };
      },
      422,
      'birthDate',
    ],
    [
      'a duplicate MRN in the same clinic',
      async () => {
        const clinic = await f.clinic();
        await f.patient(clinic.id, { mrn: 'DUP-1' });
        return {
          path: '/api/patients',
          body: { clinicId: clinic.id, mrn: 'DUP-1', displayName: 'Other', birthDate: '1980-01-01', sex: 'male' },
        };
      },
      409,
      'mrn',
    ],
    [
      'a negative weight',
      async () => {
        const clinic = await f.clinic();
        return {
          path: '/api/patients',
          body: { clinicId: clinic.id, mrn: 'Z4', displayName: 'Z', birthDate: '1980-01-01', sex: 'male', weightKg: -3 },
        };
      },
      400,
      'weightKg',
    ],
  ];

  it.each(badCases)('refuses %s, naming the field, and writes nothing', async (_name, setup, status, field) => {
    const { path, body } = await setup();
    const before = await countAllRows(server.databaseUrl);
    const res = await f.http.post(path, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ statusCode: status });
    expect(res.body.fields.map((x: { field: string }) => x.field)).toContain(field);
    expect(await countAllRows(server.databaseUrl)).toEqual(before);
  });

  it('answers 404 naming clinicId when listing the patients of an unknown clinic', async () => {
    const res = await f.http.get('/api/patients?clinicId=6f1c1d2e-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'clinicId' })]);
  });

  it('filters the patient list by every word of the name or MRN, regardless of accents and case', async () => {
    const clinic = await f.clinic();
    const helene = await f.patient(clinic.id, { mrn: 'FLT-0042', displayName: 'Hélène Dupré' });
    const henri = await f.patient(clinic.id, { mrn: 'FLT-0043', displayName: 'Henri Dupont' });
    const ids = async (q: string) =>
      ((await f.http.get(`/api/patients?clinicId=${clinic.id}&q=${encodeURIComponent(q)}`)).body as { id: string }[]).map((p) => p.id);
    expect(await ids('helene')).toEqual([helene.id]);
    expect(await ids('DUP')).toEqual([helene.id, henri.id]);
    expect(await ids('dup 0043')).toEqual([henri.id]);
    expect(await ids('nobody')).toEqual([]);
    const tooLong = await f.http.get(`/api/patients?q=${'x'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields.map((x: { field: string }) => x.field)).toContain('q');
  });

  it("lists a patient's pumps, the active one first, then the explanted one it replaced", async () => {
    const patient = await f.patient((await f.clinic()).id);
    expect((await f.http.get(`/api/patients/${patient.id}/pumps`)).body).toEqual([]);
    const old = await f.pump(patient.id);
    const replacement = await f.pump(patient.id, { replacesPumpId: old.id, implantDate: '2026-05-30' });
    const res = await f.http.get(`/api/patients/${patient.id}/pumps`);
    expect(res.status).toBe(200);
    expect(res.body.map((p: { id: string; explantedAt: string | null }) => [p.id, p.explantedAt])).toEqual([
      [replacement.id, null],
      [old.id, '2026-06-01T12:00:00.000Z'],
    ]);
    expect((await f.http.get('/api/patients/6f1c1d2e-0000-4000-8000-000000000000/pumps')).status).toBe(404);
  });

  it('corrects the name, MRN, birth date and sex, audited field by field', async () => {
    const clinic = await f.clinic();
    const patient = await f.patient(clinic.id, {
      mrn: 'ID-1',
      displayName: 'Jean Marten',
      birthDate: '1970-05-04',
      sex: 'male',
      weightKg: 70,
    });
    const res = await f.http.call('PATCH', `/api/patients/${patient.id}`, {
      displayName: 'Jean Martin',
      mrn: 'ID-2',
      birthDate: '1971-05-04',
      sex: 'other',
      previousWithdrawal: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      displayName: 'Jean Martin',
      mrn: 'ID-2',
      birthDate: '1971-05-04',
      sex: 'other',
      previousWithdrawal: true,
      weightKg: 70,
    });
    expect((await f.http.get(`/api/patients/${patient.id}`)).body).toEqual(res.body);
    const audit = (await f.http.get(`/api/audit?entityType=patient&entityId=${patient.id}`)).body as {
      action: string;
      changes: Record<string, unknown>;
    }[];
    const update = audit.find((a) => a.action === 'patient.updated');
    expect(Object.keys(update?.changes ?? {})).toEqual(
      expect.arrayContaining(['displayName', 'mrn', 'birthDate', 'sex', 'previousWithdrawal']),
    );
  });

  type BadPatch = [string, Record<string, unknown>, number, string];
  const badPatches: BadPatch[] = [
    ['an empty name', { displayName: '' }, 400, 'displayName'],
    ['a cleared MRN', { mrn: null }, 400, 'mrn'],
    ['a sex outside the list', { sex: 'none' }, 400, 'sex'],
    ['a birth date in the future', { birthDate: '2030-01-01' }, 422, 'birthDate'],
    ['an MRN another patient of the clinic holds', { mrn: 'TAKEN-1' }, 409, 'mrn'],
    ['a height above 250 cm', { heightCm: 251 }, 400, 'heightCm'],
  ];

  it.each(badPatches)('refuses a correction with %s, naming the field, and changes nothing', async (_name, body, status, field) => {
    const clinic = await f.clinic();
    await f.patient(clinic.id, { mrn: 'TAKEN-1' });
    const patient = await f.patient(clinic.id, { mrn: 'MINE-1' });
    const before = await countAllRows(server.databaseUrl);
    const res = await f.http.call('PATCH', `/api/patients/${patient.id}`, body);
    expect(res.status).toBe(status);
    expect(res.body.fields.map((x: { field: string }) => x.field)).toContain(field);
    expect((await f.http.get(`/api/patients/${patient.id}`)).body).toEqual(patient);
    expect(await countAllRows(server.databaseUrl)).toEqual(before);
  });

  it('answers a malformed JSON body with 400 naming the body', async () => {
    const res = await f.http.post('/api/clinics', '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'body' })]);
  });
});
