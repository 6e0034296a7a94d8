// Backup and restore on real PostgreSQL: a round trip keeps every row exactly, and bad files or used targets are refused.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { BackupTable, readBackupHeader, restoreBackup, writeBackup } from '../../server/src/backup/backup-format';
import { dataSourceOptions } from '../../server/src/infra/data-source';
import { createTestDatabase, TestDatabase } from '../support/test-database';

jest.setTimeout(60_000);

// The tables of today's migrations: each gets rows here, so the round trip covers every column type in use.
const POPULATED = [
  'audit_log',
  'clinic_memberships',
  'clinics',
  'event_counter',
  'events',
  'fills',
  'machine_tokens',
  'patients',
  'programs',
  'pumps',
  'sessions',
  'users',
];

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`SET TimeZone = 'UTC'`);
  return client;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrationsRun: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

/** Every table of schema public (but TypeORM's), each row as PostgreSQL's own JSON text: bytea, jsonb and instants exact. */
async function contents(url: string): Promise<Record<string, string[]>> {
  return withClient(url, async (client) => {
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
    );
    const all: Record<string, string[]> = {};
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM public."${name}" t ORDER BY 1`);
      all[name] = rows.rows.map((r) => r.row);
    }
    return all;
  });
}

async function migrationNames(url: string): Promise<string[]> {
  return withClient(url, async (client) =>
    (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY "timestamp"')).rows.map((r) => r.name),
  );
}

async function publicTables(url: string): Promise<string[]> {
  return withClient(url, async (client) =>
    (await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map(
      (r) => r.name,
    ),
  );
}

const gunzip = (file: string): string => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
const gzipTo = (file: string, text: string): void => fs.writeFileSync(file, zlib.gzipSync(Buffer.from(text, 'utf8')));

describe('backup and restore', () => {
  const databases: TestDatabase[] = [];
  const fresh = async (): Promise<TestDatabase> => {
    const database = await createTestDatabase('pumpwatch_backup');
    databases.push(database);
    return database;
  };
  let source: TestDatabase;
  let dir: string;
  let backupFile: string;
  const sessionHash = Buffer.concat([Buffer.from([0, 0, 255, 10, 92]), randomBytes(27)]);
  const machineHash = Buffer.concat([Buffer.from([92, 46, 10]), randomBytes(29)]);
  const ids: { replacedPump: string; replacingPump: string } = { replacedPump: '', replacingPump: '' };
  /** The source's rows when backupFile was written (later tests add rows to the source). */
  let backedUp: Record<string, string[]> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pumpwatch-backup-test-'));
    backupFile = path.join(dir, 'a.pwbackup');
    source = await fresh();
    await migrate(source.url);
    await withClient(source.url, async (db) => {
      const [paris] = (
        await db.query(
          `INSERT INTO clinics (name, time_zone, created_at) VALUES ('Clinique Saint-Éloi', 'Europe/Paris', '2026-01-02T03:04:05.123456Z') RETURNING id`,
        )
      ).rows;
      const [other] = (
        await db.query(`INSERT INTO clinics (name, time_zone) VALUES ('Tab\there, line
break, back\\slash and "quotes"', 'America/New_York') RETURNING id`)
      ).rows;
      const [patient] = (
        await db.query(
          `INSERT INTO patients (clinic_id, mrn, display_name, birth_date, sex, weight_kg) VALUES ($1, 'M1', 'Zoë O''Brien', '1970-05-04', 'female', 61.3) RETURNING id`,
          [paris.id],
        )
      ).rows;
      const [patient2] = (
        await db.query(
          `INSERT INTO patients (clinic_id, mrn, display_name, birth_date, sex) VALUES ($1, 'M2', '\\N', '1988-02-29', 'unknown') RETURNING id`,
          [other.id],
        )
      ).rows;
      const insertPump = `INSERT INTO pumps (patient_id, clinic_id, model_id, serial_number, implant_date, reservoir_capacity_ml, low_reservoir_alarm_ml,
        explanted_at, explant_reason, replaces_pump_id) VALUES ($1, $2, 'synchromed-ii-20', $3, $4, 20, 2, $5, $6, $7) RETURNING id`;
      const [old] = (
        await db.query(insertPump, [patient.id, paris.id, 'NGP-OLD', '2019-01-10', '2025-01-10T08:00:00Z', 'replacement', null])
      ).rows;
      const [replacing] = (await db.query(insertPump, [patient.id, paris.id, 'NGP-NEW', '2025-01-10', null, null, old.id])).rows;
      // A later update moves the replaced pump behind its replacement on disk: the copy then lists the child first.
      await db.query(`UPDATE pumps SET flow_rate_ml_per_day = 0.1 + 0.2 WHERE id = $1`, [old.id]);
      await db.query(insertPump, [patient2.id, other.id, 'NGP-2', '2024-06-01', null, null, null]);
      ids.replacedPump = old.id;
      ids.replacingPump = replacing.id;
      await db.query(
        `INSERT INTO fills (pump_id, filled_at, concentration_mcg_per_ml, volume_ml, aspirated_residual_ml, stability_days, bridge_bolus, expected_residual_ml)
        VALUES ($1, '2026-03-01T09:00:00.000001Z', 500, 20, 1.7, 180, '{"doseMcg": 50, "note": "ünïcode \\\\ \\n", "exact": 0.30000000000000004}', 1/3::double precision)`,
        [replacing.id],
      );
      await db.query(
        `INSERT INTO fills (pump_id, filled_at, concentration_mcg_per_ml, volume_ml, stability_days) VALUES ($1, '2025-11-01T10:00:00Z', 2000, 18.5, 90)`,
        [old.id],
      );
      await db.query(
        `INSERT INTO programs (pump_id, effective_from, steps, periodic_boluses, patient_bolus, dose_mcg_per_day)
        VALUES ($1, '2026-03-01T08:00:00Z', '[{"startTime": "00:00", "doseMcgPerDay": 100}, {"startTime": "22:00", "doseMcgPerDay": 80.25}]', '[]', null, 97.8125)`,
        [replacing.id],
      );
      await db.query(`UPDATE event_counter SET last_event_id = 3`);
      for (const id of [1, 2, 3]) {
        await db.query(`INSERT INTO events (id, clinic_id, pump_id, type, payload) VALUES ($1, $2, $3, 'pump.changed', $4)`, [
          id,
          paris.id,
          replacing.id,
          { eventId: id, nested: { list: [1, 'two', null] } },
        ]);
      }
      const [admin] = (
        await db.query(
          `INSERT INTO users (email, display_name, password_hash, administers_all_clinics) VALUES ('Admin@Example.org', 'Admin', '$argon2id$v=19$m=19456,t=2,p=1$x$y', true) RETURNING id`,
        )
      ).rows;
      const [nurse] = (
        await db.query(
          `INSERT INTO users (email, display_name, password_hash, locked_until) VALUES ('nurse@example.org', 'Nurse', 'h', '2026-04-01T00:00:00Z') RETURNING id`,
        )
      ).rows;
      await db.query(
        `INSERT INTO clinic_memberships (user_id, clinic_id, role) VALUES ($1, $2, 'clinician'), ($1, $3, 'staff'), ($4, $2, 'admin')`,
        [nurse.id, paris.id, other.id, admin.id],
      );
      await db.query(
        `INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at, revoked_at) VALUES ($1, $2, 'csrf', '2026-05-01T12:00:00Z', NULL)`,
        [nurse.id, sessionHash],
      );
      await db.query(
        `INSERT INTO machine_tokens (clinic_id, name, token_hash, created_by_user_id, last_used_at) VALUES ($1, 'Gateway 1', $2, $3, now())`,
        [paris.id, machineHash, admin.id],
      );
      for (const action of ['user.create', 'pump.create', 'fill.create']) {
        await db.query(
          `INSERT INTO audit_log (actor_type, actor_id, actor_label, action, entity_type, entity_id, clinic_id, changes, request_id)
          VALUES ('user', $1, 'Admin', $2, 'pump', $3, $4, $5, 'req-1')`,
          [admin.id, action, replacing.id, paris.id, { before: null, after: { serialNumber: 'NGP-NEW' } }],
        );
      }
      await db.query(
        `INSERT INTO audit_log (actor_type, actor_label, action, entity_type) VALUES ('system', 'migration', 'system.start', 'system')`,
      );
    });
  });

  afterAll(async () => {
    for (const database of databases) await database.drop().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores every table of a fresh database exactly, with the same migrations and sequences continuing', async () => {
    const before = await contents(source.url);
    expect(POPULATED.filter((table) => (before[table]?.length ?? 0) === 0)).toEqual([]);
    const onDisk = await withClient(source.url, async (db) =>
      (await db.query<{ id: string }>('SELECT id FROM pumps ORDER BY ctid')).rows.map((r) => r.id),
    );
    expect(onDisk.indexOf(ids.replacingPump)).toBeLessThan(onDisk.indexOf(ids.replacedPump));

    const written: string[] = [];
    const summary = await writeBackup(source.url, backupFile, {
      onTableWritten: (table) => {
        written.push(table.name);
      },
    });
    expect(summary.header.migration?.name).toBe(new migrations[migrations.length - 1]().name);
    expect(summary.header.migrations.map((m) => m.name)).toEqual(migrations.map((m) => new m().name));
    expect(Object.fromEntries(summary.header.tables.map((t: BackupTable) => [t.name, t.rowCount]))).toEqual(
      Object.fromEntries(Object.entries(before).map(([table, rows]) => [table, rows.length])),
    );
    expect(written).toEqual(summary.header.tables.map((t) => t.name));
    expect(written.indexOf('clinics')).toBeLessThan(written.indexOf('pumps'));
    expect(written.indexOf('users')).toBeLessThan(written.indexOf('machine_tokens'));
    expect(fs.existsSync(`${backupFile}.partial`)).toBe(false);

    const target = await fresh();
    const restored = await restoreBackup(target.url, backupFile);
    expect(restored.migrationsRun).toEqual(migrations.map((m) => new m().name));

    expect(await contents(target.url)).toEqual(before);
    backedUp = before;
    expect(await migrationNames(target.url)).toEqual(await migrationNames(source.url));
    await withClient(target.url, async (db) => {
      const session = await db.query<{ token_hash: Buffer }>('SELECT token_hash FROM sessions');
      expect(session.rows[0].token_hash.equals(sessionHash)).toBe(true);
      const token = await db.query<{ token_hash: Buffer }>('SELECT token_hash FROM machine_tokens');
      expect(token.rows[0].token_hash.equals(machineHash)).toBe(true);
      const fill = await db.query<{ expected: number; filled: string }>(
        `SELECT expected_residual_ml AS expected, to_char(filled_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS filled FROM fills WHERE bridge_bolus IS NOT NULL`,
      );
      expect(fill.rows[0]).toEqual({ expected: 1 / 3, filled: '2026-03-01T09:00:00.000001' });
      const [max] = (await db.query<{ max: string }>('SELECT max(id)::text AS max FROM audit_log')).rows;
      const [next] = (
        await db.query<{ id: string }>(
          `INSERT INTO audit_log (actor_type, actor_label, action, entity_type) VALUES ('system', 'test', 'after.restore', 'system') RETURNING id`,
        )
      ).rows;
      expect(BigInt(next.id)).toBe(BigInt(max.max) + 1n);
      // The append-only guard came with the migrations and still refuses.
      await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    });
  });

  it('refuses a database that holds data and changes nothing in it', async () => {
    const before = await contents(source.url);
    await expect(restoreBackup(source.url, backupFile)).rejects.toThrow(/not empty \(rows in .*clinics/);
    expect(await contents(source.url)).toEqual(before);

    // A used event counter alone is data too: ids handed out must never be handed out again.
    const counted = await fresh();
    await migrate(counted.url);
    await withClient(counted.url, (db) => db.query('UPDATE event_counter SET last_event_id = 7'));
    await expect(restoreBackup(counted.url, backupFile)).rejects.toThrow(/not empty \(rows in event_counter\)/);
    expect((await contents(counted.url)).event_counter).toEqual(['{"id": 1, "last_event_id": 7}']);
  });

  it('restores into a database the server already migrated (empty but for the seeded event counter)', async () => {
    const target = await fresh();
    await migrate(target.url);
    const restored = await restoreBackup(target.url, backupFile);
    expect(restored.migrationsRun).toEqual([]);
    expect(await contents(target.url)).toEqual(backedUp);
  });

  it('refuses damaged, truncated and tampered files before changing anything', async () => {
    const target = await fresh();
    const bytes = fs.readFileSync(backupFile);
    const text = gunzip(backupFile);
    const lines = text.split('\n');
    const clinicRow = lines.findIndex((line) => line.includes('Clinique Saint-'));
    const cases: { name: string; write: (file: string) => void; message: RegExp }[] = [
      {
        name: 'truncated',
        write: (file) => fs.writeFileSync(file, bytes.subarray(0, bytes.length - 40)),
        message: /not a valid PumpWatch backup.*(unexpected end|ends inside)/,
      },
      {
        name: 'a flipped compressed byte',
        write: (file) => {
          const copy = Buffer.from(bytes);
          copy[Math.floor(copy.length / 2)] ^= 0xff;
          fs.writeFileSync(file, copy);
        },
        message: /not a valid PumpWatch backup/,
      },
      {
        name: 'a changed value (valid gzip)',
        write: (file) => gzipTo(file, text.replace('Clinique Saint-', 'Clinique Sainte-')),
        message: /SHA-256 in the trailer does not match/,
      },
      {
        name: 'a missing row',
        write: (file) => gzipTo(file, lines.filter((_, i) => i !== clinicRow).join('\n')),
        message: /not a valid PumpWatch backup/,
      },
      { name: 'not a backup at all', write: (file) => fs.writeFileSync(file, 'id,name\n1,x\n'), message: /not a valid PumpWatch backup/ },
      { name: 'a missing file', write: () => undefined, message: /does not exist/ },
    ];
    for (const { name, write, message } of cases) {
      const file = path.join(dir, `bad-${name.replace(/\W+/g, '-')}.pwbackup`);
      write(file);
      await expect({
        name,
        result: await restoreBackup(target.url, file).then(
          () => 'restored',
          (error: Error) => error.message,
        ),
      }).toEqual({ name, result: expect.stringMatching(message) });
      expect(await publicTables(target.url)).toEqual([]);
    }
  });

  it('leaves no row behind when loading fails half-way (one transaction)', async () => {
    const target = await fresh();
    await migrate(target.url);
    // clinics load first, then patients hit this constraint.
    await withClient(target.url, (db) => db.query(`ALTER TABLE patients ADD CONSTRAINT refuse_m2 CHECK (mrn <> 'M2')`));
    await expect(restoreBackup(target.url, backupFile)).rejects.toThrow(/refuse_m2/);
    const after = await contents(target.url);
    // Only the rows migrations seed themselves remain: the event counter and the fleet projection cursor, both at 0.
    expect(
      Object.entries(after)
        .filter(([, rows]) => rows.length > 0)
        .map(([table]) => table),
    ).toEqual(['event_counter', 'fleet_projection_cursor']);
    expect(after.event_counter).toEqual(['{"id": 1, "last_event_id": 0}']);
    expect(after.fleet_projection_cursor).toEqual([expect.stringContaining('"last_event_id": 0')]);
    // Still a valid restore target once the cause is gone.
    await withClient(target.url, (db) => db.query('ALTER TABLE patients DROP CONSTRAINT refuse_m2'));
    await restoreBackup(target.url, backupFile);
    expect(await contents(target.url)).toEqual(backedUp);
  });

  it('restores rows as they were even when a table has an insert trigger, and leaves the trigger on', async () => {
    const target = await fresh();
    await migrate(target.url);
    await withClient(target.url, async (db) => {
      await db.query(
        `CREATE FUNCTION rename_clinic() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := 'renamed'; RETURN NEW; END $$`,
      );
      await db.query(`CREATE TRIGGER clinics_rename BEFORE INSERT ON clinics FOR EACH ROW EXECUTE FUNCTION rename_clinic()`);
    });
    await restoreBackup(target.url, backupFile);
    expect(await contents(target.url)).toEqual(backedUp);
    await withClient(target.url, async (db) => {
      expect((await db.query(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'clinics_rename'`)).rows).toEqual([{ tgenabled: 'O' }]);
    });
  });

  it('exports one snapshot: rows committed by another connection during the export are not in the file', async () => {
    const file = path.join(dir, 'during.pwbackup');
    const before = await contents(source.url);
    let committedDuring: string | null = null;
    const summary = await writeBackup(source.url, file, {
      onTableWritten: async () => {
        if (committedDuring !== null) return;
        committedDuring = await withClient(source.url, async (db) => {
          await db.query(
            `INSERT INTO audit_log (actor_type, actor_label, action, entity_type) VALUES ('system', 'test', 'during.backup', 'system')`,
          );
          return (
            await db.query<{ id: string }>(
              `INSERT INTO clinics (name, time_zone) VALUES ('Committed during the backup', 'UTC') RETURNING id`,
            )
          ).rows[0].id;
        });
      },
    });
    const order = summary.header.tables.map((t) => t.name);
    expect(order.indexOf('clinics')).toBeGreaterThan(0);
    expect(committedDuring).not.toBeNull();
    const header = await readBackupHeader(file);
    expect(Object.fromEntries(header.tables.map((t) => [t.name, t.rowCount]))).toEqual(
      Object.fromEntries(Object.entries(before).map(([table, rows]) => [table, rows.length])),
    );

    const target = await fresh();
    await restoreBackup(target.url, file);
    expect(await contents(target.url)).toEqual(before);
    expect((await contents(source.url)).clinics).toHaveLength(before.clinics.length + 1);
  });
});
