// Migrations on an empty real PostgreSQL database: up creates the schema, down removes every table again.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../server/src/infra/data-source';
import { migrations } from '../../migrations';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const TABLES = [
  'acknowledge_links',
  'alert_escalations',
  'alert_evaluation_cursor',
  'alert_history',
  'alert_snoozes',
  'alerts',
  'appointments',
  'audit_log',
  'calendar_feed_tokens',
  'check_ups',
  'clinic_closures',
  'clinic_drug_library',
  'clinic_memberships',
  'clinician_availability',
  'clinicians',
  'clinics',
  'escalation_policies',
  'event_counter',
  'events',
  'fills',
  'fleet_projection_cursor',
  'fleet_rows',
  'import_batches',
  'lab_results',
  'login_failures_by_address',
  'machine_tokens',
  'notification_channels',
  'notification_incidents',
  'on_call_shifts',
  'pages',
  'patients',
  'programs',
  'pump_events',
  'pump_telemetry_latest',
  'pumps',
  'reservoir_reconciliations',
  'rooms',
  'sessions',
  'side_effect_reports',
  'taper_plans',
  'telemetry_readings',
  'users',
  'webhook_endpoints',
];

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ ...dataSourceOptions(database.url), migrationsRun: false });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const tables = async (): Promise<string[]> => {
    const rows: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY table_name`,
    );
    return rows.map((r) => r.table_name);
  };

  it('runs every migration on an empty database and reverts them all with down', async () => {
    expect(await tables()).toEqual([]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => new m().name));
    expect(await tables()).toEqual(TABLES);
    const [counter] = await dataSource.query('SELECT last_event_id::int AS last FROM event_counter');
    expect(counter.last).toBe(0);

    for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);

    // And up again, as a redeploy after a rollback would.
    await dataSource.runMigrations();
    expect(await tables()).toEqual(TABLES);
  });

  it('enforces one active pump per patient and unique serial numbers in the schema itself', async () => {
    const [clinic] = await dataSource.query(`INSERT INTO clinics (name, time_zone) VALUES ('C', 'UTC') RETURNING id`);
    const [patient] = await dataSource.query(
      `INSERT INTO patients (clinic_id, mrn, display_name, birth_date, sex) VALUES ($1, 'M1', 'P', '1970-01-01', 'male') RETURNING id`,
      [clinic.id],
    );
    const insertPump = (serial: string) =>
      dataSource.query(
        `INSERT INTO pumps (patient_id, clinic_id, model_id, serial_number, implant_date, reservoir_capacity_ml, low_reservoir_alarm_ml)
       VALUES ($1, $2, 'synchromed-ii-20', $3, '2025-01-01', 20, 2)`,
        [patient.id, clinic.id, serial],
      );
    await insertPump('S1');
    await expect(insertPump('S2')).rejects.toMatchObject({ driverError: { constraint: 'pumps_one_active_per_patient' } });
    await dataSource.query(`UPDATE pumps SET explanted_at = now() WHERE serial_number = 'S1'`);
    await expect(insertPump('S1')).rejects.toMatchObject({ driverError: { constraint: 'pumps_serial_number_key' } });
    await expect(insertPump('S2')).resolves.toBeDefined();
  });
});
