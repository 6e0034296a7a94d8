// The audit trail on real PostgreSQL: every kind of write appends one row with the right actor, fields before -> after,
// no secret, in the same transaction (a refused write leaves none), and GET /api/audit filters and scopes it.
import { Client } from 'pg';
import { fixtures } from '../support/fixtures';
import { api, signIn } from '../support/http';
import { TEST_ADMIN } from '../support/test-accounts';
import { useTestServer } from '../support/test-server';

interface AuditRow {
  id: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  clinicId: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId: string | null;
  entityLabel?: string | null;
  labels?: Record<string, string>;
}

describe('audit trail', () => {
  let f: ReturnType<typeof fixtures>;
  let adminId: string;
  const server = useTestServer({ demo: true });
  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    adminId = (await f.http.get('/api/auth/me')).body.user.id;
  });

  const entriesFor = async (entityType: string, entityId: string): Promise<AuditRow[]> => {
    const response = await f.http.get(`/api/audit?entityType=${entityType}&entityId=${entityId}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('records each clinical write once, by the user who made it, with the created fields', async () => {
    const clinic = await f.clinic({ name: 'Audit Clinic' });
    const patient = await f.patient(clinic.id, { displayName: 'Audrey Audit' });
    const pump = await f.pump(patient.id);
    const fill = await f.fill(pump.id);
    const program = await f.program(pump.id);
    const expectations: [string, string, string][] = [
      ['clinic', clinic.id, 'clinic.created'],
      ['patient', patient.id, 'patient.created'],
      ['pump', pump.id, 'pump.created'],
      ['fill', fill.id, 'fill.recorded'],
      ['program', program.id, 'program.set'],
    ];
    for (const [entityType, entityId, action] of expectations) {
      const rows = await entriesFor(entityType, entityId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorType: 'user', actorId: adminId, actorLabel: TEST_ADMIN.email, action, clinicId: clinic.id });
    }
    expect((await entriesFor('patient', patient.id))[0].changes.displayName).toEqual({ before: null, after: 'Audrey Audit' });
    expect((await entriesFor('fill', fill.id))[0].changes.volumeMl).toEqual({ before: null, after: 20 });
  });

  it('names what each row changed and the ids among its fields, as the administrator knows them', async () => {
    const clinic = await f.clinic({ name: 'Audit Names Clinic' });
    const patient = await f.patient(clinic.id, { displayName: 'Noémie Named', mrn: 'MRN-NAMED-1' });
    const pump = await f.pump(patient.id, { serialNumber: 'SN-NAMED-0042' });
    const clinician = await f.clinicianWithSessions(clinic.id, 'Dr Lea Label', []);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const shift = await f.http.post('/api/on-call-shifts', {
      clinicianId: clinician.id,
      startsAt,
      endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    });
    expect(shift.status).toBe(201);

    expect((await entriesFor('patient', patient.id))[0]).toMatchObject({ entityLabel: 'Noémie Named (MRN MRN-NAMED-1)' });
    const [pumpRow] = await entriesFor('pump', pump.id);
    expect(pumpRow).toMatchObject({ entityLabel: 'Noémie Named: pump SN SN-NAMED-0042' });
    // The pump's patientId and clinicId among its created fields read as the patient and the clinic.
    expect(pumpRow.labels).toMatchObject({ [patient.id]: 'Noémie Named (MRN MRN-NAMED-1)' });
    expect(Object.values(pumpRow.labels ?? {})).not.toContain(pump.id);
    const [shiftRow] = await entriesFor('on_call_shift', shift.body.id);
    expect(shiftRow).toMatchObject({
      entityLabel: 'Dr Lea Label, primary on call',
      labels: expect.objectContaining({ [clinician.id]: 'Dr Lea Label' }),
    });
    // The page shows the row's type beside its label: the label is the name alone, not 'machine token Ward 3 gateway'.
    const token = await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'Ward 3 gateway' });
    expect(token.status).toBe(201);
    const [tokenRow] = await entriesFor('machine_token', token.body.id);
    expect(tokenRow).toMatchObject({ entityType: 'machine_token', entityLabel: 'Ward 3 gateway' });
    const room = await f.http.post('/api/rooms', { clinicId: clinic.id, name: 'Consult 2' });
    expect(room.status).toBe(201);
    expect((await entriesFor('room', room.body.id))[0]).toMatchObject({ entityType: 'room', entityLabel: 'Consult 2' });
    // An MRI recorded by the administrator: the audit keeps the account e-mail as the actor, and the event's own field the name.
    const mri = await f.http.post(`/api/pumps/${pump.id}/events`, { kind: 'mri', at: new Date(Date.now() - 3_600_000).toISOString() });
    expect(mri.status).toBe(201);
    const [mriRow] = await entriesFor('pump_event', mri.body.id);
    expect(mriRow).toMatchObject({ actorLabel: TEST_ADMIN.email, changes: { recordedByLabel: { before: null, after: 'Administrator' } } });
    // A row whose entity has no name (a session) answers null, never a guess.
    const sessions = (await f.http.get('/api/audit?entityType=session&limit=1')).body as AuditRow[];
    for (const row of sessions) expect(row.entityLabel).toBeNull();
  });

  it('records an explant as the fields that changed, before -> after', async () => {
    const patient = await f.patient((await f.clinic()).id);
    const old = await f.pump(patient.id);
    await f.pump(patient.id, { replacesPumpId: old.id, explantReason: 'infection' });
    const rows = await entriesFor('pump', old.id);
    expect(rows.map((r) => r.action)).toEqual(['pump.explanted', 'pump.created']);
    expect(rows[0].changes.explantReason).toEqual({ before: null, after: 'infection' });
    expect(Object.keys(rows[0].changes).sort()).toEqual(['explantReason', 'explantedAt']);
  });

  it('records the request id the answer carried', async () => {
    const response = await f.http.call('POST', '/api/clinics', { name: 'Request Id Clinic', timeZone: 'UTC' });
    expect(response.status).toBe(201);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect((await entriesFor('clinic', response.body.id))[0].requestId).toBe(requestId);
  });

  it('writes nothing for a refused write', async () => {
    const before = (await f.http.get('/api/audit?limit=1000')).body.length;
    const patient = await f.patient((await f.clinic()).id);
    const afterSetup = (await f.http.get('/api/audit?limit=1000')).body.length;
    expect(afterSetup).toBe(before + 2);
    const refused = await f.http.post('/api/pumps', {
      patientId: patient.id,
      modelId: 'synchromed-ii-20',
      serialNumber: 'AUD-FUT',
      implantDate: '2199-01-01',
    });
    expect(refused.status).toBe(422);
    expect((await f.http.get('/api/audit?limit=1000')).body.length).toBe(afterSetup);
  });

  it('records accounts, passwords, sessions and gateway tokens, and never a secret', async () => {
    const clinic = await f.clinic();
    const user = (
      await f.http.post('/api/users', {
        email: 'audit-user@pumpwatch.test',
        displayName: 'Audit User',
        password: 'initial-password-1',
        clinicRoles: [{ clinicId: clinic.id, role: 'staff' }],
      })
    ).body;
    const token = await signIn(server.baseUrl, 'audit-user@pumpwatch.test', 'initial-password-1');
    await api(server.baseUrl, { token }).post('/api/auth/password', {
      currentPassword: 'initial-password-1',
      newPassword: 'secret-new-password-1',
    });
    await f.http.post(`/api/users/${user.id}/password`, { password: 'reset-password-value-1' });
    expect(
      (
        await api(server.baseUrl, { token: null }).post('/api/auth/login', {
          email: 'audit-user@pumpwatch.test',
          password: 'wrong-password-value',
        })
      ).status,
    ).toBe(401);
    const gateway = (await f.http.post('/api/machine-tokens', { clinicId: clinic.id, name: 'Audit gateway' })).body;
    await f.http.post(`/api/machine-tokens/${gateway.id}/revoke`);

    const userRows = await entriesFor('user', user.id);
    expect(userRows.map((r) => [r.action, r.actorLabel]).reverse()).toEqual([
      ['user.created', TEST_ADMIN.email],
      ['user.password_changed', 'audit-user@pumpwatch.test'],
      ['user.password_reset', TEST_ADMIN.email],
      ['user.login_failed', 'sign-in'],
    ]);
    expect(userRows.find((r) => r.action === 'user.created')?.changes.clinicRoles).toEqual({
      before: null,
      after: [{ clinicId: clinic.id, role: 'staff' }],
    });
    expect((await entriesFor('machine_token', gateway.id)).map((r) => r.action)).toEqual([
      'machine_token.revoked',
      'machine_token.created',
    ]);
    const sessions = (await f.http.get(`/api/audit?entityType=session&userId=${user.id}`)).body as AuditRow[];
    expect(sessions.map((r) => r.action)).toEqual(['session.created']);

    // No password, hash or token in any row, read straight from the table.
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const everything = JSON.stringify((await client.query('SELECT * FROM audit_log')).rows);
      for (const secret of [
        'initial-password-1',
        'secret-new-password-1',
        'reset-password-value-1',
        'wrong-password-value',
        gateway.token,
        token,
        '$argon2id',
      ]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      await client.end();
    }
  });

  it('records the demo seed as the system', async () => {
    const rows = (await f.http.get('/api/audit?entityType=clinic&limit=1000')).body as AuditRow[];
    expect(rows.filter((r) => r.action === 'demo.seeded')).toEqual([
      expect.objectContaining({ actorType: 'system', actorId: null, actorLabel: 'system' }),
    ]);
  });

  it('filters by user and time and pages newest first', async () => {
    const all = (await f.http.get(`/api/audit?userId=${adminId}&limit=1000`)).body as (AuditRow & { at: string })[];
    expect(all.length).toBeGreaterThan(5);
    expect(all.every((r) => r.actorId === adminId)).toBe(true);
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((a, b) => b - a));
    const page = (await f.http.get(`/api/audit?userId=${adminId}&limit=2&beforeId=${all[1].id}`)).body as AuditRow[];
    expect(page.map((r) => r.id)).toEqual([all[2].id, all[3].id]);
    expect((await f.http.get(`/api/audit?to=${encodeURIComponent(all[all.length - 1].at)}&userId=${adminId}`)).body).toEqual([]);
    expect((await f.http.get('/api/audit?limit=0')).status).toBe(400);
    expect((await f.http.get('/api/audit?from=yesterday')).body.fields[0].field).toBe('from');
  });

  it('shows a clinic administrator the rows of their clinic only', async () => {
    const other = await f.clinic({ name: 'Elsewhere' });
    await f.patient(other.id);
    const token = await signIn(server.baseUrl, 'demo-admin@pumpwatch.example', 'demo-admin-password');
    const rows = (await api(server.baseUrl, { token }).get('/api/audit?limit=1000')).body as AuditRow[];
    const demoClinicId = (await api(server.baseUrl, { token }).get('/api/clinics')).body[0].id;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.clinicId === demoClinicId || r.actorLabel === 'demo-admin@pumpwatch.example')).toBe(true);
  });
});
