// FHIR Observation and MedicationStatement searches paged in SQL (Observations from the fleet read model) answer exactly what the
// reference path answers (every pump's history and forecast, matched and paged in memory): same resources, values, order, total
// and links, page after page, on a fixture fleet with readings before and after fills, pumps without fill or program, an explanted
// pump, superseded and future programs, two clinics and a clinic-scoped caller; again after the clock moves past a program start,
// after a fill and a reading recompute a row's search columns, and after migration 1797000000000 backfills them from the rows.
import type { Bundle } from '@medplum/fhirtypes';
import { AddFleetRowObservationColumns1797000000000 } from '../../migrations/1797000000000-AddFleetRowObservationColumns';
import { SYSTEM_ACTOR, type Actor } from '../../server/src/auth/actor';
import { FhirResourcesService, type FhirResourceType } from '../../server/src/fhir/fhir-resources.service';
import { pageInMemory, pageRequestOf, searchsetBundleOfPage, type RawQuery } from '../../server/src/fhir/fhir-search';
import { FhirService } from '../../server/src/fhir/fhir.service';
import { ManualClock } from '../../server/src/infra/clock';
import { bulkLoadFleet } from '../support/bulk-fleet';
import { fixtures, queryRows } from '../support/fixtures';
import { api } from '../support/http';
import { runMigrationStep } from '../support/migration-step';
import { useTestServer } from '../support/test-server';

// Sub-second on purpose: the forecast observations are effective at the search's instant to the whole second on both paths.
const START = '2026-06-10T08:00:00.345Z';
const BASE_URL = 'https://fhir.example/fhir';
const SYSTEM = 'urn:pumpwatch:code-system:observation';

describe('FHIR searches paged in SQL', () => {
  const clock = new ManualClock(START);
  const server = useTestServer({ clock, sessionHours: 24 * 365 });
  let clinicB: { id: string };
  let readPump: { id: string; serialNumber: string; patientId: string };
  let programsPump: { id: string };
  let explanted: { id: string };
  let futureProgramId: string;
  let bulkPumpIds: string[];
  let gateway: string;

  beforeAll(async () => {
    const f = fixtures(server.baseUrl);
    bulkPumpIds = (await bulkLoadFleet(server.app, { pumps: 12, clinicName: 'FHIR bulk clinic' })).pumpIds;
    clinicB = await f.clinic();
    gateway = (await f.http.post('/api/machine-tokens', { clinicId: clinicB.id, name: 'fhir paging gateway' })).body.token as string;
    const post = async (path: string, body: unknown) => {
      const res = await f.http.post(path, body);
      if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    };

    // A reading after the fill in force (compared: an Observation) and a pump whose only reading precedes its fill (none).
    const patient = await f.patient(clinicB.id);
    readPump = { ...(await f.pump(patient.id)), patientId: patient.id };
    await f.program(readPump.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(readPump.id, { filledAt: '2026-05-20T09:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    const earlyRead = await f.pump((await f.patient(clinicB.id)).id);
    await f.program(earlyRead.id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill(earlyRead.id, { filledAt: '2026-06-05T09:00:00Z' });
    const telemetry = await api(server.baseUrl, { token: gateway }).post('/api/telemetry', {
      readings: [
        { serialNumber: readPump.serialNumber, recordedAt: '2026-06-01T06:30:00Z', reservoirVolumeMl: 13.25 },
        { serialNumber: earlyRead.serialNumber, recordedAt: '2026-06-01T06:30:00Z', reservoirVolumeMl: 4 },
      ],
    });
    expect(telemetry.status).toBe(200);

    // Superseded, in force and future programs with a patient bolus (worst case differs from nominal).
    programsPump = await f.pump((await f.patient(clinicB.id)).id);
    await f.program(programsPump.id, { effectiveFrom: '2026-04-01T08:00:00Z', steps: [{ startTime: '00:00', doseMcgPerDay: 100 }] });
    await f.program(programsPump.id, {
      effectiveFrom: '2026-05-15T08:00:00Z',
      steps: [
        { startTime: '00:00', doseMcgPerDay: 100 },
        { startTime: '08:00', doseMcgPerDay: 110 },
      ],
      patientBolus: { doseMcg: 2, maxPerDay: 2 },
    });
    futureProgramId = (
      await post(`/api/pumps/${programsPump.id}/programs`, {
        effectiveFrom: '2026-06-20T08:00:00Z',
        steps: [{ startTime: '00:00', doseMcgPerDay: 115 }],
      })
    ).id;
    await f.fill(programsPump.id, { filledAt: '2026-05-16T09:00:00Z', volumeMl: 18, concentrationMcgPerMl: 1000 });

    // No fill; no program; an explanted pump with its programs and the replacement that ended it.
    await f.program((await f.pump((await f.patient(clinicB.id)).id)).id, { effectiveFrom: '2026-05-01T08:00:00Z' });
    await f.fill((await f.pump((await f.patient(clinicB.id)).id)).id, { filledAt: '2026-05-01T09:00:00Z' });
    const replaced = await f.patient(clinicB.id);
    explanted = await f.pump(replaced.id, { implantDate: '2019-03-01' });
    await f.program(explanted.id, { effectiveFrom: '2026-02-01T08:00:00Z' });
    await f.fill(explanted.id, { filledAt: '2026-02-01T09:00:00Z' });
    const replacement = await f.pump(replaced.id, { replacesPumpId: explanted.id, implantDate: '2026-05-02' });
    await f.program(replacement.id, { effectiveFrom: '2026-05-02T10:00:00Z' });
    await f.fill(replacement.id, { filledAt: '2026-05-02T11:00:00Z' });
  }, 180_000);

  const clinicianOfB = (): Actor => ({
    ...SYSTEM_ACTOR,
    kind: 'user',
    label: 'clinician of B',
    administersAllClinics: false,
    clinicRoles: [{ clinicId: clinicB.id, role: 'clinician' }],
  });

  /** The reference Bundle: the kind's every-history match, paged in memory. */
  async function referenceBundle(actor: Actor, type: FhirResourceType, query: RawQuery): Promise<Bundle> {
    const page = pageRequestOf(query);
    const result = pageInMemory(await server.app.get(FhirResourcesService).kinds[type].search(actor, query), page, (m) => m.resource.id);
    return searchsetBundleOfPage({ ...result, shown: result.shown.map((m) => m.resource) }, page, {
      baseUrl: BASE_URL,
      resourceType: type,
      query,
    }) as Bundle;
  }

  /** Walks every page of the SQL-paged search by its next links, each page equal to the reference's; answers every id seen. */
  async function expectSamePages(actor: Actor, type: FhirResourceType, firstQuery: RawQuery): Promise<string[]> {
    const seen: string[] = [];
    let query: RawQuery | null = firstQuery;
    for (let pages = 0; query !== null; pages++) {
      expect(pages).toBeLessThan(100);
      const paged = await server.app.get(FhirService).search(actor, type, query, BASE_URL);
      expect([type, query, paged]).toEqual([type, query, await referenceBundle(actor, type, query)]);
      seen.push(...(paged.entry ?? []).map((e) => e.resource?.id as string));
      const next = paged.link?.find((l) => l.relation === 'next')?.url;
      query = next ? queryOf(next) : null;
    }
    return seen;
  }

  const cursorAfter = (id: string): string => Buffer.from(`after:${id}`, 'utf8').toString('base64url');

  /** fleet_rows' search columns, as the rows stand. */
  const searchColumns = () =>
    queryRows<Record<string, unknown>>(
      server.databaseUrl,
      `SELECT pump_id, patient_id, reported_reading_at, nominal_low_reservoir_alarm_at, status, refill_deadline,
              row->'pump'->>'patientId' AS row_patient_id,
              (row->'forecastFacts'->'reportedReservoir'->>'recordedAt')::timestamptz AS row_reading_at,
              (row->'forecastFacts'->>'nominalLowReservoirAlarmAt')::timestamptz AS row_alarm_at
       FROM fleet_rows ORDER BY pump_id`,
    );

  const queryOf = (url: string): RawQuery => {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of new URL(url).searchParams) {
      const before = query[name];
      query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    }
    return query;
  };

  const observationQueries = (): RawQuery[] => [
    {},
    { _count: '7' },
    { code: 'reservoir-volume' },
    { code: `${SYSTEM}|refill-deadline,low-reservoir-alarm`, _count: '4' },
    { code: 'other-system|refill-deadline' },
    { date: 'ge2026-05-25' },
    { date: ['ge2026-06-01', 'lt2026-06-02'] },
    { date: 'eq2026-06-01T06:30:00Z' },
    { date: `eq${clock.now().toISOString().slice(0, 10)}`, _count: '5' },
    { date: 'ne2026-06-01' },
    { date: 'lt2026-01-01' },
    { patient: `Patient/${readPump.patientId}` },
    { device: `Device/${programsPump.id},Device/${explanted.id}` },
    { device: 'not-a-pump-id' },
    { _id: `${readPump.id}-reservoir-volume,${programsPump.id}-refill-deadline,${bulkPumpIds[0]}-low-reservoir-alarm` },
    { _id: 'not-an-observation' },
    { patient: readPump.patientId, code: 'reservoir-volume', date: 'ge2026-06-01' },
    // Cursors the server never gave out but accepts: after a bare pump id, an upper-case one, a prefix, an id with an unknown code.
    { _cursor: cursorAfter(readPump.id), _count: '2' },
    { _cursor: cursorAfter(programsPump.id.toUpperCase()), _count: '3' },
    { _cursor: cursorAfter(bulkPumpIds[3].slice(0, 9)), _count: '5' },
    { _cursor: cursorAfter(`${bulkPumpIds[5]}-m`), _count: '4' },
  ];

  const statementQueries = (): RawQuery[] => [
    {},
    { _count: '6' },
    { status: 'active' },
    { status: 'intended,completed', _count: '2' },
    { device: explanted.id },
    { patient: readPump.patientId },
    { _id: `${futureProgramId},not-a-program` },
  ];

  it('answers every Observation search exactly as the reference does, page after page, for every clinic and for one clinic', async () => {
    for (const actor of [SYSTEM_ACTOR, clinicianOfB()])
      for (const query of observationQueries()) await expectSamePages(actor, 'Observation', query);
    // The fixtures are what they claim: the compared reading, the missing one, and every active pump's forecast observations.
    const all = await expectSamePages(SYSTEM_ACTOR, 'Observation', { code: 'reservoir-volume' });
    expect(all).toEqual([`${readPump.id}-reservoir-volume`]);
    const scoped = await expectSamePages(clinicianOfB(), 'Observation', { _count: '3' });
    expect(scoped.filter((id) => id.startsWith(explanted.id))).toEqual([]);
    expect(scoped.filter((id) => id.startsWith(programsPump.id))).toEqual([
      `${programsPump.id}-low-reservoir-alarm`,
      `${programsPump.id}-refill-deadline`,
    ]);
    expect(
      (await expectSamePages(SYSTEM_ACTOR, 'Observation', {})).filter((id) => bulkPumpIds.some((p) => id.startsWith(p))).length,
    ).toBeGreaterThan(12);
  }, 300_000);

  it('answers every MedicationStatement search exactly as the reference does, active, completed and intended programs alike', async () => {
    for (const actor of [SYSTEM_ACTOR, clinicianOfB()])
      for (const query of statementQueries()) await expectSamePages(actor, 'MedicationStatement', query);
    expect(await expectSamePages(clinicianOfB(), 'MedicationStatement', { status: 'intended' })).toEqual([futureProgramId]);
  }, 300_000);

  it('still answers as the reference once the clock has moved past a program start and the stored rows are older than their age limit', async () => {
    clock.set('2026-06-21T09:30:00.999Z');
    for (const query of observationQueries()) await expectSamePages(clinicianOfB(), 'Observation', query);
    for (const query of statementQueries()) await expectSamePages(clinicianOfB(), 'MedicationStatement', query);
    expect(await expectSamePages(clinicianOfB(), 'MedicationStatement', { status: 'intended' })).toEqual([]);
  }, 300_000);

  it('follows a recomputed row: a fill after the only reading removes its reservoir volume, a reading after the fill brings it back', async () => {
    const f = fixtures(server.baseUrl);
    await f.fill(readPump.id, { filledAt: '2026-06-21T08:00:00Z', volumeMl: 20, concentrationMcgPerMl: 500 });
    for (const query of observationQueries()) await expectSamePages(clinicianOfB(), 'Observation', query);
    expect(await expectSamePages(clinicianOfB(), 'Observation', { code: 'reservoir-volume' })).toEqual([]);

    const telemetry = await api(server.baseUrl, { token: gateway }).post('/api/telemetry', {
      readings: [{ serialNumber: readPump.serialNumber, recordedAt: '2026-06-21T09:00:00Z', reservoirVolumeMl: 19.9 }],
    });
    expect(telemetry.status).toBe(200);
    for (const query of observationQueries()) await expectSamePages(clinicianOfB(), 'Observation', query);
    expect(await expectSamePages(clinicianOfB(), 'Observation', { date: 'eq2026-06-21T09:00:00Z', code: 'reservoir-volume' })).toEqual([
      `${readPump.id}-reservoir-volume`,
    ]);
    const [row] = (await searchColumns()).filter((r) => r.pump_id === readPump.id);
    expect(row).toMatchObject({ patient_id: readPump.patientId, reported_reading_at: new Date('2026-06-21T09:00:00Z') });
  }, 300_000);

  it('keeps the search columns of every row equal to its stored row, and the migration backfills the same columns from the rows', async () => {
    await expectSamePages(SYSTEM_ACTOR, 'Observation', { _count: '1' });
    const written = await searchColumns();
    // The fixtures hold each case: a compared reading, none, an alarm instant, none ('no_fill', 'no_program').
    expect(written.some((r) => r.reported_reading_at !== null)).toBe(true);
    expect(written.some((r) => r.reported_reading_at === null && r.status === 'ok')).toBe(true);
    expect(written.some((r) => r.nominal_low_reservoir_alarm_at !== null)).toBe(true);
    expect(new Set(written.map((r) => r.status))).toEqual(new Set(['ok', 'no_fill', 'no_program']));
    for (const r of written) {
      expect([r.pump_id, r.patient_id, r.reported_reading_at, r.nominal_low_reservoir_alarm_at]).toEqual([
        r.pump_id,
        r.row_patient_id,
        r.row_reading_at,
        r.row_alarm_at,
      ]);
    }

    const migration = new AddFleetRowObservationColumns1797000000000();
    await runMigrationStep(server.databaseUrl, migration, 'down');
    await runMigrationStep(server.databaseUrl, migration, 'up');
    expect(await searchColumns()).toEqual(written);
    for (const query of observationQueries()) await expectSamePages(SYSTEM_ACTOR, 'Observation', query);
  }, 300_000);
});
