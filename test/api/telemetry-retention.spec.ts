// Telemetry downsampling on real PostgreSQL as the owner: exactly which readings remain, NULL retention untouched, audited, app still cannot delete.
import { readingsKeptByRetention } from '@pumpwatch/shared';
import { Client } from 'pg';
import { downsampleTelemetry } from '../../server/src/telemetry/telemetry-retention';
import { fixtures, queryRows } from '../support/fixtures';
import { useTestServer } from '../support/test-server';

// Retention 30 days at 2026-06-01T12:30Z: cutoff 2026-05-02T12:30Z.
const NOW = new Date('2026-06-01T12:30:00Z');

interface Row {
  at: string;
  alarms?: string[];
  battery?: string;
  dose?: number;
  concentration?: number;
}
const PUMP_READINGS: Row[] = [
  { at: '2026-04-01T10:05:00Z', battery: 'ok', alarms: [], dose: 100, concentration: 500 }, // kept: first dose and concentration reported
  { at: '2026-04-01T10:20:00Z', battery: 'ok', dose: 100, concentration: 500 }, // deleted: nothing new, not last of 10:00
  { at: '2026-04-01T10:35:00Z', alarms: ['low_reservoir'] }, // kept: alarm
  { at: '2026-04-01T10:50:00Z', battery: 'ok' }, // kept: last of 10:00
  { at: '2026-04-01T11:05:00Z', battery: 'eri' }, // kept: battery not ok
  { at: '2026-04-01T11:20:00Z', dose: 120 }, // kept: dose changed 100 -> 120
  { at: '2026-04-01T11:40:00Z', dose: 120 }, // deleted: same dose, not last of 11:00
  { at: '2026-04-01T11:55:00Z' }, // kept: last of 11:00
  { at: '2026-05-02T12:05:00Z' }, // deleted: not the last old reading of 12:00
  { at: '2026-05-02T12:20:00Z' }, // kept: last old reading of the hour the cutoff splits
  { at: '2026-05-02T12:40:00Z' }, // kept: after the cutoff
  { at: '2026-05-31T08:00:00Z' }, // kept: recent
  { at: '2026-05-31T08:10:00Z' }, // kept: recent
];
const PUMP_KEPT = [
  '2026-04-01T10:05',
  '2026-04-01T10:35',
  '2026-04-01T10:50',
  '2026-04-01T11:05',
  '2026-04-01T11:20',
  '2026-04-01T11:55',
  '2026-05-02T12:20',
  '2026-05-02T12:40',
  '2026-05-31T08:00',
  '2026-05-31T08:10',
];
// A second pump of the same clinic in the same hour: decided on its own readings.
const SECOND_PUMP_READINGS: Row[] = [{ at: '2026-04-01T10:10:00Z' }, { at: '2026-04-01T10:40:00Z' }];

describe('telemetry retention (downsampling as the database owner)', () => {
  let owner: Client;
  let clinicA: { id: string };
  let clinicB: { id: string };
  let pumpA: { id: string };
  let pumpA2: { id: string };
  let pumpB: { id: string };

  const insert = async (pumpId: string, rows: Row[]) => {
    for (const row of rows) {
      await owner.query(
        `INSERT INTO telemetry_readings (pump_id, recorded_at, alarms, battery_status, program_dose_mcg_per_day, program_concentration_mcg_per_ml)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [pumpId, row.at, row.alarms ?? null, row.battery ?? null, row.dose ?? null, row.concentration ?? null],
      );
    }
  };
  const remaining = async (pumpId: string): Promise<string[]> =>
    (
      await queryRows<{ at: string }>(
        server.databaseUrl,
        `SELECT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS at FROM telemetry_readings WHERE pump_id = $1 ORDER BY recorded_at`,
        [pumpId],
      )
    ).map((row) => row.at);

  // Before useTestServer: afterAll hooks run in registration order, and the owner's connection must close before the server does.
  afterAll(async () => {
    await owner?.end();
  });
  const server = useTestServer();
  beforeAll(async () => {
    const f = fixtures(server.baseUrl);
    clinicA = await f.clinic();
    clinicB = await f.clinic();
    pumpA = await f.pump((await f.patient(clinicA.id)).id);
    pumpA2 = await f.pump((await f.patient(clinicA.id)).id);
    pumpB = await f.pump((await f.patient(clinicB.id)).id);
    owner = new Client({ connectionString: server.databaseUrl });
    await owner.connect();
    await insert(pumpA.id, PUMP_READINGS);
    await insert(pumpA2.id, SECOND_PUMP_READINGS);
    await insert(pumpB.id, PUMP_READINGS);
    await owner.query('UPDATE clinics SET telemetry_retention_days = 30 WHERE id = $1', [clinicA.id]);
  });

  it('keeps the last reading per pump and UTC hour, alarms, battery not ok, program changes and every recent reading', async () => {
    const results = await downsampleTelemetry(owner, NOW);
    // Deleted: pump A 10:20, 11:40, 12:05 and pump A2 10:10; kept old: pump A's 7 before the cutoff and pump A2's 10:40.
    expect(results.find((result) => result.clinicId === clinicA.id)).toEqual({
      clinicId: clinicA.id,
      retentionDays: 30,
      cutoff: '2026-05-02T12:30:00.000Z',
      deleted: 4,
      kept: 8,
    });
    expect(await remaining(pumpA.id)).toEqual(PUMP_KEPT);
    expect(await remaining(pumpA2.id)).toEqual(['2026-04-01T10:40']);
    // The SQL and the shared rule agree on the same readings.
    const facts = PUMP_READINGS.map((row) => ({
      pumpId: 'a',
      recordedAt: row.at,
      alarms: row.alarms ?? null,
      batteryStatus: (row.battery ?? null) as 'ok' | 'eri' | null,
      programDoseMcgPerDay: row.dose ?? null,
      programConcentrationMcgPerMl: row.concentration ?? null,
    }));
    expect(readingsKeptByRetention(facts, NOW, 30).map((reading) => reading.recordedAt.slice(0, 16))).toEqual(PUMP_KEPT);
  });

  it('leaves a clinic with no retention setting untouched', async () => {
    expect((await remaining(pumpB.id)).length).toBe(PUMP_READINGS.length);
    const audited = await queryRows(
      server.databaseUrl,
      `SELECT 1 FROM audit_log WHERE action = 'telemetry.downsampled' AND clinic_id = $1`,
      [clinicB.id],
    );
    expect(audited).toEqual([]);
  });

  it('writes one audit row per clinic and run, as the system, with the counts', async () => {
    const rows = await queryRows(
      server.databaseUrl,
      `SELECT actor_type, action, entity_type, entity_id, changes FROM audit_log WHERE action = 'telemetry.downsampled' AND clinic_id = $1`,
      [clinicA.id],
    );
    expect(rows).toEqual([
      {
        actor_type: 'system',
        action: 'telemetry.downsampled',
        entity_type: 'clinic',
        entity_id: clinicA.id,
        changes: { retentionDays: 30, cutoff: '2026-05-02T12:30:00.000Z', deleted: 4, kept: 8 },
      },
    ]);
  });

  it('deletes nothing more when run again at the same time', async () => {
    const again = await downsampleTelemetry(owner, NOW);
    expect(again.find((result) => result.clinicId === clinicA.id)).toMatchObject({ deleted: 0, kept: 8 });
    expect(await remaining(pumpA.id)).toEqual(PUMP_KEPT);
  });

  it('still refuses DELETE on readings to the app role', async () => {
    await expect(queryRows(server.appDatabaseUrl, 'DELETE FROM telemetry_readings WHERE pump_id = $1', [pumpB.id])).rejects.toMatchObject({
      code: '42501',
    });
    expect((await remaining(pumpB.id)).length).toBe(PUMP_READINGS.length);
  });
});
