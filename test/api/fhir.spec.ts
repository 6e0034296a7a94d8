// The read-only FHIR R4 API on real PostgreSQL: every resource kind read and searched and valid R4 (Medplum's validator and HL7's
// JSON schema), Bundle paging, OperationOutcome errors, clinic scoping, permissions and the audit rows of patient-data reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { AlertEngine } from '../../server/src/alerts/alert-engine.service';
import { fhirProblems, warmFhirValidation } from '../support/fhir-validation';
import { fixtures, queryRows } from '../support/fixtures';
import { api, JsonResponse } from '../support/http';
import { useTestServer } from '../support/test-server';

const DAY_MS = 86_400_000;
const onTheMinute = (ms: number): string => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/** A built dashboard beside the API: its client-side route fallback must leave /fhir to the FHIR API (404s included). */
function dashboardDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-fhir-client-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>PumpWatch</title>');
  return dir;
}

describe('FHIR R4 API', () => {
  const server = useTestServer({ clientDir: dashboardDir() });
  let f: ReturnType<typeof fixtures>;
  let clinicA: { id: string; name: string };
  let clinicB: { id: string };
  /** Patient A: an explanted pump and its active replacement, filled two days ago, with a program and a reading since. */
  let patientA: { id: string; mrn: string };
  let oldPumpA: { id: string };
  let pumpA: { id: string; serialNumber: string };
  /** Patient C of clinic A: a pump filled long ago (overdue: open alerts) with a booked refill. */
  let patientC: { id: string };
  let pumpC: { id: string };
  let clinicianId: string;
  let appointmentId: string;
  let patientX: { id: string };
  let pumpX: { id: string };
  const filledAt = onTheMinute(Date.now() - 2 * DAY_MS);
  const readAt = onTheMinute(Date.now() - DAY_MS);

  /** A FHIR answer: the content type and both validators' verdict are checked on every one. */
  async function fhirGet<T extends Resource = Resource>(path: string, token?: string | null): Promise<JsonResponse<T>> {
    const response = await api(server.baseUrl, token === undefined ? {} : { token }).get<T>(path);
    expect([path, response.headers.get('content-type')]).toEqual([path, 'application/fhir+json; charset=utf-8']);
    expect([path, fhirProblems(response.body)]).toEqual([path, []]);
    return response;
  }

  const idsOf = (bundle: Bundle): string[] => (bundle.entry ?? []).map((e) => e.resource?.id as string);

  beforeAll(async () => {
    // Compiling HL7's schema takes seconds of CPU: done before any request, so no kept-alive connection times out meanwhile.
    warmFhirValidation([
      'Bundle',
      'OperationOutcome',
      'CapabilityStatement',
      'Patient',
      'Device',
      'Observation',
      'Appointment',
      'Flag',
      'MedicationStatement',
      'Practitioner',
      'Organization',
    ]);
    f = fixtures(server.baseUrl);
    clinicA = await f.clinic();
    clinicB = await f.clinic();
    patientA = await f.patient(clinicA.id);
    oldPumpA = await f.pump(patientA.id, { implantDate: '2019-03-01' });
    pumpA = await f.pump(patientA.id, { replacesPumpId: oldPumpA.id, implantDate: '2026-01-15' });
    await f.fill(pumpA.id, { filledAt, concentrationMcgPerMl: 500, volumeMl: 20 });
    await f.program(pumpA.id, {
      effectiveFrom: onTheMinute(Date.parse(filledAt) - 60_000),
      steps: [{ startTime: '00:00', doseMcgPerDay: 100 }],
    });
    const gateway = (await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'fhir gateway' })).body.token as string;
    const telemetry = await api(server.baseUrl, { token: gateway }).post('/api/telemetry', {
      readings: [{ serialNumber: pumpA.serialNumber, recordedAt: readAt, reservoirVolumeMl: 19.5 }],
    });
    expect(telemetry.status).toBe(200);

    patientC = await f.patient(clinicA.id);
    pumpC = await f.pump(patientC.id);
    await f.fill(pumpC.id, { filledAt: '2026-03-01T09:00:00Z' });
    await f.program(pumpC.id);
    clinicianId = (await f.http.post('/api/clinicians', { clinicId: clinicA.id, displayName: 'Nurse FHIR', profession: 'nurse' })).body.id;
    const booked = await f.http.post('/api/appointments', {
      pumpId: pumpC.id,
      clinicianId,
      startsAt: onTheMinute(Date.now() + 3 * DAY_MS),
      overrideReason: 'overdue pump, first free slot',
    });
    expect(booked.status).toBe(201);
    appointmentId = booked.body.id;
    await server.app.get(AlertEngine).processPendingEvents();

    patientX = await f.patient(clinicB.id);
    pumpX = await f.pump(patientX.id);
  }, 120_000);

  it('checks with validators that refuse what R4 refuses (a negative control for every validation below)', () => {
    expect(fhirProblems({ resourceType: 'Patient', id: 'p1', gender: 'female' })).toEqual([]);
    // A code outside a required binding: only the JSON schema sees it (STACK-NOTES).
    expect(fhirProblems({ resourceType: 'Device', status: 'broken' } as unknown as Resource).some((p) => p.startsWith('schema:'))).toBe(
      true,
    );
    expect(fhirProblems({ resourceType: 'Patient', nickname: 'x' } as unknown as Resource).some((p) => p.startsWith('medplum:'))).toBe(
      true,
    );
    const badEntry = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: 1,
      entry: [{ resource: { resourceType: 'Device', status: 'broken' } }],
    } as unknown as Resource;
    expect(fhirProblems(badEntry).length).toBeGreaterThan(0);
    expect(
      fhirProblems({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        valueQuantity: { value: 'many' },
      } as unknown as Resource).length,
    ).toBeGreaterThan(0);
  });

  it('answers its CapabilityStatement without sign-in, naming every resource kind with read and search', async () => {
    const metadata = await fhirGet<any>('/fhir/metadata', null);
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    const resources = metadata.body.rest[0].resource as {
      type: string;
      interaction: { code: string }[];
      searchParam: { name: string }[];
    }[];
    expect(resources.map((r) => r.type).sort()).toEqual([
      'Appointment',
      'Device',
      'Flag',
      'MedicationStatement',
      'Observation',
      'Organization',
      'Patient',
      'Practitioner',
    ]);
    for (const r of resources) expect(r.interaction.map((i) => i.code)).toEqual(['read', 'search-type']);
    expect(resources.find((r) => r.type === 'Observation')!.searchParam.map((p) => p.name)).toEqual([
      '_id',
      'patient',
      'device',
      'code',
      'date',
      '_count',
      '_cursor',
    ]);
  });

  it("reads a Patient with the MRN in the clinic's identifier system, and finds it by identifier", async () => {
    const read = await fhirGet<any>(`/fhir/Patient/${patientA.id}`);
    expect(read.status).toBe(200);
    const system = `urn:pumpwatch:clinic:${clinicA.id}:mrn`;
    expect(read.body).toMatchObject({
      resourceType: 'Patient',
      id: patientA.id,
      gender: 'female',
      birthDate: '1970-05-04',
      identifier: [{ system, value: patientA.mrn, type: { coding: [{ code: 'MR' }] } }],
      managingOrganization: { reference: `Organization/${clinicA.id}` },
    });
    for (const query of [
      `identifier=${encodeURIComponent(patientA.mrn)}`,
      `identifier=${encodeURIComponent(`${system}|${patientA.mrn}`)}`,
    ]) {
      const search = await fhirGet<Bundle>(`/fhir/Patient?${query}`);
      expect(search.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      expect(idsOf(search.body)).toEqual([patientA.id]);
      expect(search.body.link?.find((l) => l.relation === 'self')?.url).toBe(`${server.baseUrl}/fhir/Patient?${query}`);
    }
    expect(
      (await fhirGet<Bundle>(`/fhir/Patient?identifier=${encodeURIComponent(`urn:pumpwatch:clinic:${clinicB.id}:mrn|${patientA.mrn}`)}`))
        .body.total,
    ).toBe(0);
  });

  it('reads the pumps as Devices, active or inactive once explanted, and searches them by patient, status and serial', async () => {
    const read = await fhirGet<any>(`/fhir/Device/${pumpA.id}`);
    expect(read.body).toMatchObject({
      resourceType: 'Device',
      id: pumpA.id,
      status: 'active',
      serialNumber: pumpA.serialNumber,
      modelNumber: 'synchromed-ii-20',
      manufacturer: 'Medtronic',
      deviceName: [{ name: 'SynchroMed II 20 mL', type: 'model-name' }],
      patient: { reference: `Patient/${patientA.id}` },
    });
    const byPatient = await fhirGet<Bundle>(`/fhir/Device?patient=Patient/${patientA.id}`);
    expect(idsOf(byPatient.body).sort()).toEqual([oldPumpA.id, pumpA.id].sort());
    const inactive = await fhirGet<Bundle>(`/fhir/Device?patient=${patientA.id}&status=inactive`);
    expect(idsOf(inactive.body)).toEqual([oldPumpA.id]);
    expect((inactive.body.entry![0].resource as any).status).toBe('inactive');
    expect(idsOf((await fhirGet<Bundle>(`/fhir/Device?identifier=${pumpA.serialNumber}`)).body)).toEqual([pumpA.id]);
  });

  it("gives the reported reservoir volume in UCUM mL and the forecast's deadline and alarm as instants, each coded and with its device", async () => {
    const forecast = (await f.http.get(`/api/pumps/${pumpA.id}/forecast`)).body;
    expect(forecast.refillDeadline).toEqual(expect.any(String));
    const search = await fhirGet<Bundle>(`/fhir/Observation?device=Device/${pumpA.id}`);
    const byCode = new Map((search.body.entry ?? []).map((e) => [(e.resource as any).code.coding[0].code as string, e.resource as any]));
    expect([...byCode.keys()].sort()).toEqual(['low-reservoir-alarm', 'refill-deadline', 'reservoir-volume']);
    const system = 'urn:pumpwatch:code-system:observation';
    expect(byCode.get('reservoir-volume')).toMatchObject({
      status: 'final',
      effectiveDateTime: readAt,
      code: { coding: [{ system }] },
      subject: { reference: `Patient/${patientA.id}` },
      device: { reference: `Device/${pumpA.id}` },
      valueQuantity: { value: 19.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
    });
    expect(byCode.get('refill-deadline')).toMatchObject({
      valueDateTime: forecast.refillDeadline,
      device: { reference: `Device/${pumpA.id}` },
    });
    expect(byCode.get('low-reservoir-alarm')).toMatchObject({
      valueDateTime: forecast.nominal.lowReservoirAlarmAt,
      device: { reference: `Device/${pumpA.id}` },
    });

    const read = await fhirGet<any>(`/fhir/Observation/${pumpA.id}-refill-deadline`);
    expect(read.body.valueDateTime).toBe(forecast.refillDeadline);
    const deadlines = await fhirGet<Bundle>(
      `/fhir/Observation?patient=${patientA.id}&code=${encodeURIComponent(`${system}|refill-deadline`)}`,
    );
    expect(idsOf(deadlines.body)).toEqual([`${pumpA.id}-refill-deadline`]);
    // The reading was a day ago: a date range over yesterday finds it alone.
    const day = readAt.slice(0, 10);
    expect(idsOf((await fhirGet<Bundle>(`/fhir/Observation?patient=${patientA.id}&date=ge${day}&date=le${day}`)).body)).toEqual([
      `${pumpA.id}-reservoir-volume`,
    ]);
  });

  it('lists a booked refill as an Appointment with the patient, the clinician and the pump', async () => {
    const read = await fhirGet<any>(`/fhir/Appointment/${appointmentId}`);
    expect(read.body).toMatchObject({ resourceType: 'Appointment', status: 'booked', minutesDuration: 30 });
    expect(read.body.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toEqual([
      `Patient/${patientC.id}`,
      `Practitioner/${clinicianId}`,
      `Device/${pumpC.id}`,
    ]);
    expect(idsOf((await fhirGet<Bundle>(`/fhir/Appointment?patient=${patientC.id}&status=booked`)).body)).toEqual([appointmentId]);
    expect(
      idsOf((await fhirGet<Bundle>(`/fhir/Appointment?device=${pumpC.id}&date=ge${new Date().toISOString().slice(0, 10)}`)).body),
    ).toEqual([appointmentId]);
    expect((await fhirGet<Bundle>(`/fhir/Appointment?patient=${patientC.id}&status=cancelled`)).body.total).toBe(0);
  });

  it('shows the open alerts on the patient as active Flags', async () => {
    const alerts = (await f.http.get(`/api/alerts?patientId=${patientC.id}`)).body as { id: string; kind: string; pumpId: string | null }[];
    expect(alerts.length).toBeGreaterThan(0);
    const flags = await fhirGet<Bundle>(`/fhir/Flag?patient=${patientC.id}&status=active`);
    expect(idsOf(flags.body).sort()).toEqual(alerts.map((a) => a.id).sort());
    const read = await fhirGet<any>(`/fhir/Flag/${alerts[0].id}`);
    expect(read.body).toMatchObject({
      resourceType: 'Flag',
      status: 'active',
      subject: { reference: `Patient/${patientC.id}` },
      code: {
        coding: [
          { system: 'urn:pumpwatch:code-system:alert-kind', code: alerts[0].kind },
          { system: 'urn:pumpwatch:code-system:alert-severity' },
        ],
      },
    });
    // Resolved alerts are inactive Flags with the period closed; none of them is listed as active.
    const inactive = await fhirGet<Bundle>(`/fhir/Flag?patient=${patientC.id},${patientA.id}&status=inactive`);
    for (const entry of inactive.body.entry ?? [])
      expect(entry.resource).toMatchObject({ status: 'inactive', period: { end: expect.any(String) } });
    expect(idsOf(inactive.body).filter((id) => idsOf(flags.body).includes(id))).toEqual([]);
  });

  it('states the program in force as an active MedicationStatement: intrathecal baclofen, daily rate and filled concentration', async () => {
    const search = await fhirGet<Bundle>(`/fhir/MedicationStatement?patient=${patientA.id}&status=active`);
    expect(search.body.total).toBe(1);
    const statement = search.body.entry![0].resource as any;
    expect(statement).toMatchObject({
      status: 'active',
      subject: { reference: `Patient/${patientA.id}` },
      derivedFrom: [{ reference: `Device/${pumpA.id}` }],
      medicationReference: { reference: '#baclofen' },
      contained: [
        {
          resourceType: 'Medication',
          code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1292' }] },
          ingredient: [{ strength: { numerator: { value: 500, code: 'ug' }, denominator: { value: 1, code: 'mL' } } }],
        },
      ],
      dosage: [
        {
          route: { coding: [{ system: 'http://snomed.info/sct', code: '72607000' }] },
          doseAndRate: [{ rateQuantity: { value: 100, unit: 'mcg/d', system: 'http://unitsofmeasure.org', code: 'ug/d' } }],
        },
      ],
    });
    expect((await fhirGet<any>(`/fhir/MedicationStatement/${statement.id}`)).body.id).toBe(statement.id);
    expect(idsOf((await fhirGet<Bundle>(`/fhir/MedicationStatement?device=${pumpA.id}`)).body)).toEqual([statement.id]);
  });

  it("reads clinicians as Practitioners and clinics as Organizations, of the caller's clinics only", async () => {
    const practitioner = await fhirGet<any>(`/fhir/Practitioner/${clinicianId}`);
    expect(practitioner.body).toMatchObject({ resourceType: 'Practitioner', active: true, name: [{ text: 'Nurse FHIR' }] });
    expect(JSON.stringify(practitioner.body)).not.toContain('pager');
    expect(idsOf((await fhirGet<Bundle>(`/fhir/Practitioner?_id=${clinicianId}&active=true`)).body)).toEqual([clinicianId]);
    const organization = await fhirGet<any>(`/fhir/Organization/${clinicA.id}`);
    expect(organization.body).toMatchObject({ resourceType: 'Organization', name: clinicA.name, active: true });

    const member = await f.member(clinicA.id, 'staff', 'fhir-staff');
    const organizations = await fhirGet<Bundle>('/fhir/Organization', member.token);
    expect(idsOf(organizations.body)).toEqual([clinicA.id]);
  });

  it('pages a search: _count per page, a next link with its cursor, no row twice, the same total on every page', async () => {
    const clinic = await f.clinic();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await f.patient(clinic.id)).id);
    const member = await f.member(clinic.id, 'clinician', 'fhir-pager');
    const first = await fhirGet<Bundle>('/fhir/Patient?_count=3', member.token);
    expect(first.body.total).toBe(5);
    expect(idsOf(first.body)).toHaveLength(3);
    const next = first.body.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toEqual(expect.stringContaining(`${server.baseUrl}/fhir/Patient?`));
    const second = await fhirGet<Bundle>(next!.slice(server.baseUrl.length), member.token);
    expect(second.body.total).toBe(5);
    expect(idsOf(second.body)).toHaveLength(2);
    expect(second.body.link?.some((l) => l.relation === 'next')).toBe(false);
    expect([...idsOf(first.body), ...idsOf(second.body)]).toEqual([...created].sort());
  });

  it('answers an unknown resource kind or id with 404 and an OperationOutcome', async () => {
    for (const path of [
      '/fhir/Encounter',
      '/fhir/Encounter/1',
      `/fhir/Patient/${clinicA.id}`,
      '/fhir/Patient/not-an-id',
      `/fhir/Observation/${pumpA.id}-nothing`,
      '/fhir/Device/00000000-0000-4000-8000-000000000000',
      `/fhir/MedicationStatement/${pumpA.id}`,
    ]) {
      const response = await fhirGet<OperationOutcome>(path);
      expect([path, response.status, response.body.resourceType, response.body.issue[0].code]).toEqual([
        path,
        404,
        'OperationOutcome',
        expect.stringMatching(/^not-(found|supported)$/),
      ]);
    }
  });

  it('refuses a bad search parameter with 400 naming it', async () => {
    const cases: [string, string][] = [
      ['/fhir/Patient?name=Smith', 'name'],
      ['/fhir/Patient?_count=0', '_count'],
      ['/fhir/Patient?_count=many', '_count'],
      ['/fhir/Patient?_cursor=forged', '_cursor'],
      ['/fhir/Observation?date=2026-02-30', 'date'],
      ['/fhir/Device?status=broken', 'status'],
      ['/fhir/Device?patient=Practitioner/1', 'patient'],
      ['/fhir/Patient?_format=xml', '_format'],
    ];
    for (const [path, parameter] of cases) {
      const response = await fhirGet<OperationOutcome>(path);
      expect([path, response.status, response.body.issue[0].code, response.body.issue[0].expression]).toEqual([
        path,
        400,
        'invalid',
        [parameter],
      ]);
      expect(response.body.issue[0].diagnostics).toContain(parameter);
    }
  });

  it("scopes by clinic: another clinic's records answer 404 and no search shows them", async () => {
    const outsider = await f.member(clinicB.id, 'admin', 'fhir-outsider');
    for (const path of [
      `/fhir/Patient/${patientA.id}`,
      `/fhir/Device/${pumpA.id}`,
      `/fhir/Observation/${pumpA.id}-refill-deadline`,
      `/fhir/Appointment/${appointmentId}`,
      `/fhir/Practitioner/${clinicianId}`,
      `/fhir/Organization/${clinicA.id}`,
    ]) {
      const response = await fhirGet<OperationOutcome>(path, outsider.token);
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect(idsOf((await fhirGet<Bundle>('/fhir/Patient', outsider.token)).body)).toEqual([patientX.id]);
    expect(idsOf((await fhirGet<Bundle>('/fhir/Device', outsider.token)).body)).toEqual([pumpX.id]);
    expect((await fhirGet<Bundle>(`/fhir/Device?patient=${patientA.id}`, outsider.token)).body.total).toBe(0);
    expect((await fhirGet<Bundle>(`/fhir/Flag?patient=${patientC.id}`, outsider.token)).body.total).toBe(0);
    expect((await fhirGet<Bundle>('/fhir/Appointment', outsider.token)).body.total).toBe(0);
  });

  it('needs a sign-in, and a gateway token may not read it (OperationOutcome 401 and 403)', async () => {
    const anonymous = await fhirGet<OperationOutcome>(`/fhir/Patient/${patientA.id}`, null);
    expect([anonymous.status, anonymous.body.issue[0].code]).toEqual([401, 'login']);
    const gateway = (await f.http.post('/api/machine-tokens', { clinicId: clinicA.id, name: 'fhir gateway 2' })).body.token as string;
    const forbidden = await fhirGet<OperationOutcome>(`/fhir/Patient/${patientA.id}`, gateway);
    expect([forbidden.status, forbidden.body.issue[0].code]).toEqual([403, 'forbidden']);
  });

  it('audits each read and search of patient data, not of clinicians or clinics', async () => {
    const member = await f.member(clinicA.id, 'staff', 'fhir-audited');
    const auditRows = () =>
      queryRows<{
        action: string;
        entity_type: string;
        entity_id: string | null;
        clinic_id: string | null;
        changes: any;
        actor_id: string;
      }>(
        server.databaseUrl,
        "SELECT action, entity_type, entity_id, clinic_id, changes, actor_id FROM audit_log WHERE actor_id = $1 AND action LIKE 'fhir.%' ORDER BY id",
        [member.id],
      );
    await fhirGet(`/fhir/Patient/${patientA.id}`, member.token);
    await fhirGet(`/fhir/Device?patient=${patientA.id}`, member.token);
    await fhirGet(`/fhir/Practitioner/${clinicianId}`, member.token);
    await fhirGet('/fhir/Organization', member.token);
    const rows = await auditRows();
    expect(rows.map((r) => [r.action, r.entity_type, r.entity_id, r.clinic_id])).toEqual([
      ['fhir.read', 'fhir.Patient', patientA.id, clinicA.id],
      ['fhir.search', 'fhir.Device', null, clinicA.id],
    ]);
    expect(rows[1].changes).toEqual({
      query: { before: null, after: `patient=${patientA.id}` },
      patientIds: { before: null, after: [patientA.id] },
    });
  });
});
