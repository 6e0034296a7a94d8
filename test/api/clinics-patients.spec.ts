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
    const patient = await f.patient(clinic.id, { mrn: 'A-1001', displayName: 'Jeanne Roux', birthDate: '1968-02-29', sex: 'female', weightKg: 61.5 });
    expect(patient).toMatchObject({ clinicId: clinic.id, mrn: 'A-1001', displayName: 'Jeanne Roux', birthDate: '1968-02-29', sex: 'female', weightKg: 61.5 });
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
    ['an unknown clinicId', async () => ({ path: '/api/patients', body: { clinicId: '6f1c1d2e-0000-4000-8000-000000000000', mrn: 'Z1', displayName: 'Z', birthDate: '1980-01-01', sex: 'male' } }), 404, 'clinicId'],
    ['a malformed clinicId', async () => ({ path: '/api/patients', body: { clinicId: 'clinic-1', mrn: 'Z1', displayName: 'Z', birthDate: '1980-01-01', sex: 'male' } }), 400, 'clinicId'],
    ['a malformed birth date', async () => {
      const clinic = await f.clinic();
      return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'Z2', displayName: 'Z', birthDate: '1980-13-45', sex: 'male' } };
    }, 400, 'birthDate'],
    ['a birth date in the future', async () => {
      const clinic = await f.clinic();
      return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'Z3', displayName: 'Z', birthDate: '2030-01-01', sex: 'male' } };
    }, 422, 'birthDate'],
    ['a duplicate MRN in the same clinic', async () => {
      const clinic = await f.clinic();
      await f.patient(clinic.id, { mrn: 'DUP-1' });
      return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'DUP-1', displayName: 'Other', birthDate: '1980-01-01', sex: 'male' } };
    }, 409, 'mrn'],
    ['a negative weight', async () => {
      const clinic = await f.clinic();
      return { path: '/api/patients', body: { clinicId: clinic.id, mrn: 'Z4', displayName: 'Z', birthDate: '1980-01-01', sex: 'male', weightKg: -3 } };
    }, 400, 'weightKg'],
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

  it('answers a malformed JSON body with 400 naming the body', async () => {
    const res = await f.http.post('/api/clinics', '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'body' })]);
  });
});
