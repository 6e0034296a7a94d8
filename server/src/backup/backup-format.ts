// Writes and restores PumpWatch backups: every table of schema public, read in one snapshot with COPY, in one file.
/*
 * The .pwbackup file is gzip (node:zlib) around UTF-8 text lines:
 *   1. a JSON header: format, formatVersion, createdAt, the applied migrations, the COPY session settings, and per
 *      table (parents before children) its columns and row count, and the sequences' values;
 *   2. per table, in header order: a JSON line {"table", "rowCount"}, exactly rowCount lines of COPY text format, and
 *      a line `\.` (COPY text escapes every backslash and newline inside values, so neither can appear in a row);
 *   3. a JSON trailer {"end": "pumpwatch-backup", "sha256"} over every byte before it.
 * Restore checks the counts, the terminators and the digest in a full pass before it touches the database.
 */
import { createHash, Hash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { migrations as knownMigrations } from '../../../migrations';
import { loadConfig } from '../infra/config';
import { dataSourceOptions } from '../infra/data-source';
import { runningEmbeddedPostgresUrl, startEmbeddedPostgres } from '../infra/embedded-postgres';
import { findRepoRoot } from '../infra/paths';

export const BACKUP_FORMAT = 'pumpwatch-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_EXTENSION = '.pwbackup';

/** A refusal with a message for the operator (bad file, non-empty target, unknown migration). */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupColumn {
  name: string;
  /** format_type() of the column, checked against the restore target. */
  type: string;
}

export interface BackupTable {
  name: string;
  columns: BackupColumn[];
  rowCount: number;
}

export interface BackupMigration {
  timestamp: number;
  name: string;
}

export interface BackupSequence {
  name: string;
  /** bigint, as text. */
  lastValue: string;
  isCalled: boolean;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: typeof BACKUP_FORMAT_VERSION;
  createdAt: string;
  serverVersion: string;
  /** The latest applied migration: the schema version the rows belong to. */
  migration: BackupMigration | null;
  migrations: BackupMigration[];
  /** Settings both sides of the COPY use, so dates, floats and bytea read back exactly as written. */
  session: Record<string, string>;
  /** In load order: every table after the tables it references. */
  tables: BackupTable[];
  sequences: BackupSequence[];
}

export interface BackupSummary {
  path: string;
  bytes: number;
  header: BackupHeader;
}

export interface WriteBackupOptions {
  /** After a table's rows are in the file: progress for the CLI, and the point where tests commit rows concurrently. */
  onTableWritten?: (table: BackupTable) => void | Promise<void>;
}

export interface RestoreOptions {
  onTableLoaded?: (table: BackupTable) => void | Promise<void>;
}

export interface RestoreSummary {
  header: BackupHeader;
  /** Migrations this restore ran on the target before loading (those it had not applied yet). */
  migrationsRun: string[];
}

// TimeZone and DateStyle fix the text of timestamps, extra_float_digits makes double precision exact on any version.
const SESSION: Record<string, string> = {
  client_encoding: 'UTF8',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  extra_float_digits: '3',
  bytea_output: 'hex',
  statement_timeout: '0',
};

/**
 * Rows a migration inserts itself, allowed in an "empty" target and replaced by the backup's rows. Keyed by table,
 * the predicate matches exactly the seeded row: a counter that has moved means the database has been used.
 */
const SEEDED_ROWS: Record<string, string> = {
  event_counter: 'id = 1 AND last_event_id = 0',
  // The fleet read model's projection cursor starts at 0 (migration 1796781600000); its rows are rebuilt from the events anyway.
  fleet_projection_cursor: 'id = 1 AND last_event_id = 0',
};

const MIGRATIONS_TABLE = 'migrations';
const NEWLINE = 0x0a;
const END_OF_COPY = '\\.';
const MAX_JSON_LINE_BYTES = 64 * 1024 * 1024;

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const qualified = (table: string): string => `public.${ident(table)}`;
const columnList = (table: BackupTable): string => table.columns.map((column) => ident(column.name)).join(', ');

// ---------------------------------------------------------------------------------------------------------------------
// Catalog: what the database holds, read from pg_catalog so tables of later migrations need no code change.

interface CatalogTable {
  name: string;
  columns: BackupColumn[];
}

interface ForeignKey {
  child: string;
  parent: string;
}

/** Ordinary tables of schema public, except TypeORM's migrations table and tables owned by an extension. */
async function catalogTables(client: Client): Promise<CatalogTable[]> {
  const result = await client.query<{ table: string; column: string | null; type: string | null }>(
    `
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> $1
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY c.relname, a.attnum`,
    [MIGRATIONS_TABLE],
  );
  const tables = new Map<string, CatalogTable>();
  for (const row of result.rows) {
    const table = tables.get(row.table) ?? { name: row.table, columns: [] };
    tables.set(row.table, table);
    if (row.column !== null && row.type !== null) table.columns.push({ name: row.column, type: row.type });
  }
  return [...tables.values()];
}

async function catalogForeignKeys(client: Client): Promise<ForeignKey[]> {
  const result = await client.query<ForeignKey>(`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid
    JOIN pg_namespace cn ON cn.oid = child.relnamespace
    JOIN pg_class parent ON parent.oid = k.confrelid
    JOIN pg_namespace pn ON pn.oid = parent.relnamespace
    WHERE k.contype = 'f' AND cn.nspname = 'public' AND pn.nspname = 'public'`);
  return result.rows;
}

async function hasMigrationsTable(client: Client): Promise<boolean> {
  const result = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [`public.${MIGRATIONS_TABLE}`]);
  return result.rows[0].present;
}

async function appliedMigrations(client: Client): Promise<BackupMigration[]> {
  const result = await client.query<{ timestamp: string; name: string }>(
    `SELECT "timestamp"::text AS timestamp, name FROM public.${MIGRATIONS_TABLE} ORDER BY "timestamp", id`,
  );
  return result.rows.map((row) => ({ timestamp: Number(row.timestamp), name: row.name }));
}

/**
 * Parents before children (Kahn, ties by name so both sides compute the same order). A table referencing itself is
 * fine: one COPY is one statement and PostgreSQL checks a non-deferred foreign key at the end of the statement, so the
 * replaced pump may come after its replacement in the file. A cycle across tables cannot be loaded table by table.
 */
export function loadOrder(tables: string[], foreignKeys: ForeignKey[]): string[] {
  const present = new Set(tables);
  const parents = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const { child, parent } of foreignKeys) {
    if (child !== parent && present.has(child) && present.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const remaining = new Set([...tables].sort());
  while (remaining.size > 0) {
    const ready = [...remaining].find((table) => [...(parents.get(table) ?? [])].every((parent) => !remaining.has(parent)));
    if (ready === undefined) {
      throw new BackupError(
        `foreign keys form a cycle between tables ${[...remaining].join(', ')}: they cannot be loaded one after the other`,
      );
    }
    ordered.push(ready);
    remaining.delete(ready);
  }
  return ordered;
}

async function setSession(client: Client): Promise<void> {
  for (const [name, value] of Object.entries(SESSION)) await client.query(`SELECT set_config($1, $2, true)`, [name, value]);
}

// ---------------------------------------------------------------------------------------------------------------------
// Export.

async function withClient<T>(source: Client | string, work: (client: Client) => Promise<T>): Promise<T> {
  if (typeof source !== 'string') return work(source);
  const client = new Client({ connectionString: source });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Writes `outputPath` (via a `.partial` file renamed at the end, so a failed run never leaves a file that looks whole). */
export async function writeBackup(source: Client | string, outputPath: string, options: WriteBackupOptions = {}): Promise<BackupSummary> {
  const target = path.resolve(outputPath);
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists: choose another file`);
  const partial = `${target}.partial`;
  return withClient(source, async (client) => {
    // One snapshot for every table: rows committed by others while the export runs are in none of them.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const header = await readHeader(client);
      const bytes = await writeFile(client, header, partial, options);
      await client.query('COMMIT');
      fs.renameSync(partial, target);
      return { path: target, bytes, header };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      fs.rmSync(partial, { force: true });
      throw error;
    }
  });
}

async function readHeader(client: Client): Promise<BackupHeader> {
  await setSession(client);
  if (!(await hasMigrationsTable(client))) {
    throw new BackupError(
      'the database has no PumpWatch schema (no migrations table): start PumpWatch on it once, or check DATABASE_URL / PUMPWATCH_DATA_DIR',
    );
  }
  const catalog = await catalogTables(client);
  // Keeps a concurrent migration from changing a table between reading its columns and copying it.
  const lockList = [...catalog.map((table) => qualified(table.name)), `public.${MIGRATIONS_TABLE}`].join(', ');
  await client.query(`LOCK TABLE ${lockList} IN ACCESS SHARE MODE`);
  const migrations = await appliedMigrations(client);
  const order = loadOrder(
    catalog.map((table) => table.name),
    await catalogForeignKeys(client),
  );
  const byName = new Map(catalog.map((table) => [table.name, table]));
  const tables: BackupTable[] = [];
  for (const name of order) {
    const count = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(name)}`);
    tables.push({ name, columns: byName.get(name)?.columns ?? [], rowCount: Number(count.rows[0].n) });
  }
  const version = await client.query<{ server_version: string }>('SHOW server_version');
  return {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    serverVersion: version.rows[0].server_version,
    migration: migrations.at(-1) ?? null,
    migrations,
    session: { ...SESSION },
    tables,
    sequences: await readSequences(client),
  };
}

/** Sequences of schema public except TypeORM's own; nextval is outside transactions, so these may run ahead of max(id). */
async function readSequences(client: Client): Promise<BackupSequence[]> {
  const result = await client.query<{ name: string }>(
    `
    SELECT s.relname AS name
    FROM pg_class s
    JOIN pg_namespace n ON n.oid = s.relnamespace
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class t ON t.oid = d.refobjid
    WHERE n.nspname = 'public' AND s.relkind = 'S' AND t.relname IS DISTINCT FROM $1
    ORDER BY s.relname`,
    [MIGRATIONS_TABLE],
  );
  const sequences: BackupSequence[] = [];
  for (const { name } of result.rows) {
    const value = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${qualified(name)}`,
    );
    sequences.push({ name, lastValue: value.rows[0].last_value, isCalled: value.rows[0].is_called });
  }
  return sequences;
}

async function writeFile(client: Client, header: BackupHeader, partialPath: string, options: WriteBackupOptions): Promise<number> {
  const gzip = zlib.createGzip();
  const file = fs.createWriteStream(partialPath);
  const written = pipeline(gzip, file);
  written.catch(() => undefined);
  const digest = createHash('sha256');
  const write = async (chunk: Buffer, hashed = true): Promise<void> => {
    if (hashed) digest.update(chunk);
    if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), written]);
  };
  const writeLine = (line: string): Promise<void> => write(Buffer.from(`${line}\n`, 'utf8'));

  try {
    await writeLine(JSON.stringify(header));
    for (const table of header.tables) {
      await writeLine(JSON.stringify({ table: table.name, rowCount: table.rowCount }));
      let rows = 0;
      // Streamed chunk by chunk: the database is never held in memory.
      const copy = client.query(copyTo(`COPY ${qualified(table.name)} (${columnList(table)}) TO STDOUT`));
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) rows++;
        await write(chunk);
      }
      if (rows !== table.rowCount) throw new Error(`table ${table.name}: COPY gave ${rows} rows, the snapshot counted ${table.rowCount}`);
      await writeLine(END_OF_COPY);
      await options.onTableWritten?.(table);
    }
    // The trailer is outside its own digest.
    await write(Buffer.from(`${JSON.stringify({ end: BACKUP_FORMAT, sha256: digest.digest('hex') })}\n`, 'utf8'), false);
    gzip.end();
    await written;
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    throw error;
  }
  // On disk before it is renamed into place: a backup that vanishes in a crash is worse than a slow one.
  const handle = await fs.promises.open(partialPath, 'r+');
  try {
    await handle.sync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a file.

/** Sequential reader of a backup file: lines for the JSON parts, raw byte ranges for the COPY rows, one running digest. */
class BackupReader {
  private readonly input: zlib.Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private position = 0;
  private ended = false;
  private readonly digest: Hash = createHash('sha256');

  constructor(private readonly filePath: string) {
    this.input = zlib.createGunzip();
    const file = fs.createReadStream(filePath);
    file.on('error', (error) => this.input.destroy(error));
    file.pipe(this.input);
    this.chunks = this.input[Symbol.asyncIterator]();
  }

  close(): void {
    this.input.destroy();
  }

  damaged(detail: string): BackupError {
    return new BackupError(`${this.filePath} is not a valid PumpWatch backup (damaged, truncated or another kind of file): ${detail}`);
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (error) {
      throw this.damaged(error instanceof Error ? error.message : String(error));
    }
    if (next.done) {
      this.ended = true;
      return false;
    }
    const rest = this.buffer.subarray(this.position);
    this.buffer = rest.length > 0 ? Buffer.concat([rest, next.value]) : next.value;
    this.position = 0;
    return true;
  }

  async line(what: string): Promise<string> {
    let searchFrom = this.position;
    for (;;) {
      const end = this.buffer.indexOf(NEWLINE, searchFrom);
      if (end >= 0) {
        const line = this.buffer.subarray(this.position, end + 1);
        this.digest.update(line);
        this.position = end + 1;
        return line.subarray(0, line.length - 1).toString('utf8');
      }
      const scanned = this.buffer.length - this.position;
      if (scanned > MAX_JSON_LINE_BYTES) throw this.damaged(`${what} is longer than any this format writes`);
      if (!(await this.more())) throw this.damaged(`the file ends inside ${what}`);
      searchFrom = this.position + scanned;
    }
  }

  async json(what: string): Promise<Record<string, unknown>> {
    const text = await this.line(what);
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw this.damaged(`${what} is not a JSON object`);
  }

  /** Exactly `count` COPY rows, as byte ranges ready to stream into COPY FROM. */
  async *rows(count: number, table: string): AsyncGenerator<Buffer> {
    let remaining = count;
    while (remaining > 0) {
      if (this.position >= this.buffer.length && !(await this.more()))
        throw this.damaged(`the file ends inside the rows of table ${table}`);
      let end = this.position;
      while (remaining > 0) {
        const at = this.buffer.indexOf(NEWLINE, end);
        if (at < 0) {
          end = this.buffer.length;
          break;
        }
        end = at + 1;
        remaining--;
      }
      const slice = this.buffer.subarray(this.position, end);
      this.digest.update(slice);
      this.position = end;
      yield slice;
    }
  }

  digestSoFar(): string {
    return this.digest.copy().digest('hex');
  }

  async expectEnd(): Promise<void> {
    if (this.position < this.buffer.length || (await this.more())) throw this.damaged('there is data after the trailer');
  }
}

function validHeader(value: Record<string, unknown>, reader: BackupReader): BackupHeader {
  if (value.format !== BACKUP_FORMAT) throw reader.damaged('the first line is not a PumpWatch backup header');
  if (value.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `backup format version ${String(value.formatVersion)} is not supported (this PumpWatch reads version ${BACKUP_FORMAT_VERSION})`,
    );
  }
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const tablesOk =
    Array.isArray(value.tables) &&
    value.tables.every(
      (t) =>
        isObject(t) &&
        isString(t.name) &&
        isCount(t.rowCount) &&
        Array.isArray(t.columns) &&
        t.columns.every((c) => isObject(c) && isString(c.name) && isString(c.type)),
    );
  const migrationsOk =
    Array.isArray(value.migrations) && value.migrations.every((m) => isObject(m) && isString(m.name) && isCount(m.timestamp));
  const sequencesOk =
    Array.isArray(value.sequences) &&
    value.sequences.every(
      (s) => isObject(s) && isString(s.name) && isString(s.lastValue) && /^-?\d+$/.test(s.lastValue) && typeof s.isCalled === 'boolean',
    );
  if (!tablesOk || !migrationsOk || !sequencesOk || !isString(value.createdAt) || !isObject(value.session)) {
    throw reader.damaged('the header is incomplete');
  }
  return value as unknown as BackupHeader;
}

/**
 * Reads the whole file once: header, every section's row count and terminator, the trailer's digest. `load` receives
 * each table's rows (a stream it must consume); without it the pass only verifies.
 */
async function readBackup(
  filePath: string,
  load?: { table: (table: BackupTable, rows: AsyncGenerator<Buffer>) => Promise<void> },
): Promise<BackupHeader> {
  if (!fs.existsSync(filePath)) throw new BackupError(`${filePath} does not exist`);
  const reader = new BackupReader(filePath);
  try {
    const header = validHeader(await reader.json('the header'), reader);
    for (const table of header.tables) {
      const section = await reader.json(`the start of table ${table.name}`);
      if (section.table !== table.name || section.rowCount !== table.rowCount)
        throw reader.damaged(`the section of table ${table.name} does not match the header`);
      const rows = reader.rows(table.rowCount, table.name);
      if (load) await load.table(table, rows);
      else for await (const chunk of rows) void chunk;
      if ((await reader.line(`the end of table ${table.name}`)) !== END_OF_COPY) {
        throw reader.damaged(`table ${table.name} holds more rows than the ${table.rowCount} its header announces`);
      }
    }
    const expected = reader.digestSoFar();
    const trailer = await reader.json('the trailer');
    if (trailer.end !== BACKUP_FORMAT || trailer.sha256 !== expected)
      throw reader.damaged('the SHA-256 in the trailer does not match the content');
    await reader.expectEnd();
    return header;
  } finally {
    reader.close();
  }
}

/** Checks a whole file without a database and returns its header. */
export function verifyBackupFile(filePath: string): Promise<BackupHeader> {
  return readBackup(path.resolve(filePath));
}

/** The header alone (first line), for listing a backup. */
export async function readBackupHeader(filePath: string): Promise<BackupHeader> {
  const reader = new BackupReader(path.resolve(filePath));
  try {
    return validHeader(await reader.json('the header'), reader);
  } finally {
    reader.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Restore.

const migrationName = (migration: (typeof knownMigrations)[number]): string => new migration().name;

/**
 * Loads `inputPath` into the database at `url`, which must hold no application data. Runs the backup's migrations,
 * then loads every table in one transaction: a failure leaves at most the empty, migrated schema.
 */
export async function restoreBackup(url: string, inputPath: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const filePath = path.resolve(inputPath);
  const header = await verifyBackupFile(filePath);

  // The rows belong to exactly the schema of the backup's migrations: this code must know every one, in order.
  const codeNames = knownMigrations.map(migrationName);
  const backupNames = header.migrations.map((migration) => migration.name);
  const unknown = backupNames.filter((name) => !codeNames.includes(name));
  if (unknown.length > 0) {
    throw new BackupError(
      `the backup needs migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which this PumpWatch does not have: restore with the version that wrote it, or a later one`,
    );
  }
  if (backupNames.some((name, index) => codeNames[index] !== name)) {
    throw new BackupError(
      `the backup's migrations (${backupNames.join(', ')}) are not the first ones of this PumpWatch (${codeNames.join(', ')})`,
    );
  }

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await refuseUnlessEmpty(client, backupNames);
    const migrationsRun = await runMigrations(url, knownMigrations.slice(0, backupNames.length), applied.length);
    await loadTables(client, filePath, header, options);
    return { header, migrationsRun };
  } finally {
    await client.end();
  }
}

/** Refuses a target with application data or with a migration the backup lacks; returns the migrations already applied. */
async function refuseUnlessEmpty(client: Client, backupNames: string[]): Promise<string[]> {
  const tables = await catalogTables(client);
  const applied = (await hasMigrationsTable(client)) ? (await appliedMigrations(client)).map((migration) => migration.name) : [];
  if (tables.length > 0 && applied.length === 0) {
    throw new BackupError(
      `the target database holds tables (${tables.map((t) => t.name).join(', ')}) but no PumpWatch migrations: restore only into an empty database`,
    );
  }
  const extra = applied.filter((name, index) => backupNames[index] !== name);
  if (extra.length > 0) {
    throw new BackupError(
      `the target database has migration ${extra[0]}, which the backup (at ${backupNames.at(-1) ?? 'no migration'}) lacks: restore into an empty database`,
    );
  }
  const used: string[] = [];
  for (const table of tables) {
    const seeded = SEEDED_ROWS[table.name];
    const result = await client.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${qualified(table.name)}${seeded ? ` WHERE NOT (${seeded})` : ''}) AS used`,
    );
    if (result.rows[0].used) used.push(table.name);
  }
  if (used.length > 0) {
    throw new BackupError(
      `the target database is not empty (rows in ${used.join(', ')}): restore only into an empty database; nothing was changed`,
    );
  }
  return applied;
}

async function runMigrations(url: string, wanted: typeof knownMigrations, alreadyApplied: number): Promise<string[]> {
  if (wanted.length === alreadyApplied) return [];
  const dataSource = new DataSource({ ...dataSourceOptions(url), migrations: wanted, migrationsRun: false, extra: { max: 1 } });
  await dataSource.initialize();
  try {
    const run = await dataSource.runMigrations({ transaction: 'all' });
    return run.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

interface InsertTrigger {
  table: string;
  name: string;
  /** pg_trigger.tgenabled: O origin, A always, R replica. */
  enabled: 'O' | 'A' | 'R';
}

async function loadTables(client: Client, filePath: string, header: BackupHeader, options: RestoreOptions): Promise<void> {
  await client.query('BEGIN');
  try {
    await setSession(client);
    const target = new Map((await catalogTables(client)).map((table) => [table.name, table]));
    checkSchema(header, target, await catalogForeignKeys(client));
    const names = header.tables.map((table) => table.name);
    // No writer may slip in between the emptiness check and the commit.
    if (names.length > 0) await client.query(`LOCK TABLE ${names.map(qualified).join(', ')} IN EXCLUSIVE MODE`);
    await refuseUnlessEmpty(
      client,
      header.migrations.map((migration) => migration.name),
    );
    for (const [table, seeded] of Object.entries(SEEDED_ROWS)) {
      if (names.includes(table)) await client.query(`DELETE FROM ${qualified(table)} WHERE ${seeded}`);
    }
    // The rows are restored as they were: a trigger that stamps or derives values on insert must not run again.
    const triggers = await insertTriggers(client, names);
    for (const trigger of triggers) await client.query(`ALTER TABLE ${qualified(trigger.table)} DISABLE TRIGGER ${ident(trigger.name)}`);

    await readBackup(filePath, {
      table: async (table, rows) => {
        if (table.rowCount === 0) {
          for await (const chunk of rows) void chunk;
        } else {
          const copy = client.query(copyFrom(`COPY ${qualified(table.name)} (${columnList(table)}) FROM STDIN`));
          await pipeline(rows, copy);
          if (copy.rowCount !== table.rowCount)
            throw new BackupError(`table ${table.name}: PostgreSQL loaded ${copy.rowCount} rows, the backup holds ${table.rowCount}`);
        }
        await options.onTableLoaded?.(table);
      },
    });

    const enable = { O: 'ENABLE TRIGGER', A: 'ENABLE ALWAYS TRIGGER', R: 'ENABLE REPLICA TRIGGER' } as const;
    for (const trigger of triggers)
      await client.query(`ALTER TABLE ${qualified(trigger.table)} ${enable[trigger.enabled]} ${ident(trigger.name)}`);
    await restoreSequences(client, header, names);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Every backed-up table and column must exist with the same type, and the file's order must load parents first. */
function checkSchema(header: BackupHeader, target: Map<string, CatalogTable>, foreignKeys: ForeignKey[]): void {
  for (const table of header.tables) {
    const present = target.get(table.name);
    if (!present) throw new BackupError(`table ${table.name} of the backup does not exist after the migrations`);
    for (const column of table.columns) {
      const type = present.columns.find((c) => c.name === column.name)?.type;
      if (type !== column.type) {
        throw new BackupError(
          `column ${table.name}.${column.name} (${column.type}) ${type ? `is ${type}` : 'does not exist'} after the migrations`,
        );
      }
    }
  }
  const position = new Map(header.tables.map((table, index) => [table.name, index]));
  for (const { child, parent } of foreignKeys) {
    const childAt = position.get(child);
    const parentAt = position.get(parent);
    if (child !== parent && childAt !== undefined && parentAt !== undefined && parentAt > childAt) {
      throw new BackupError(`the backup lists table ${child} before ${parent}, which it references`);
    }
  }
}

async function insertTriggers(client: Client, tables: string[]): Promise<InsertTrigger[]> {
  // tgtype bit 2 (value 4) is INSERT; internal triggers are the foreign-key checks, which must keep running.
  const result = await client.query<InsertTrigger>(
    `
    SELECT c.relname AS table, t.tgname AS name, t.tgenabled AS enabled
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 4) <> 0 AND c.relname = ANY($1)
    ORDER BY c.relname, t.tgname`,
    [tables],
  );
  return result.rows;
}

/** Each sequence goes back to its recorded value, and never below the largest id now in its column. */
async function restoreSequences(client: Client, header: BackupHeader, tables: string[]): Promise<void> {
  for (const sequence of header.sequences) {
    const exists = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [qualified(sequence.name)]);
    if (!exists.rows[0].present) throw new BackupError(`sequence ${sequence.name} of the backup does not exist after the migrations`);
    await client.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [qualified(sequence.name), sequence.lastValue, sequence.isCalled]);
  }
  const owned = await client.query<{ sequence: string; table: string; column: string }>(
    `
    SELECT s.relname AS sequence, t.relname AS table, a.attname AS column
    FROM pg_class s
    JOIN pg_namespace n ON n.oid = s.relnamespace
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE n.nspname = 'public' AND s.relkind = 'S' AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) AND t.relname = ANY($1)`,
    [tables],
  );
  for (const { sequence, table, column } of owned.rows) {
    await client.query(
      `
      SELECT setval($1::regclass, x.m)
      FROM (SELECT max(${ident(column)})::bigint AS m FROM ${qualified(table)}) x, ${qualified(sequence)} s
      WHERE x.m IS NOT NULL AND x.m >= CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END`,
      [qualified(sequence)],
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Where the command-line tools find the database: as the server does.

export interface CliDatabase {
  url: string;
  description: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in the server's data folder: the running one when a
 * PumpWatch server is up (a second server on the folder would be refused), else started here and stopped by close().
 */
export async function cliDatabase(purpose: 'backup' | 'restore' | 'seed', env: NodeJS.ProcessEnv = process.env): Promise<CliDatabase> {
  const config = loadConfig(env);
  const none = async (): Promise<void> => undefined;
  if (config.databaseUrl) return { url: config.databaseUrl, description: 'the PostgreSQL at DATABASE_URL', close: none };
  const databaseDir = path.join(config.dataDir, 'postgres');
  const running = runningEmbeddedPostgresUrl(databaseDir, 'pumpwatch');
  if (running) return { url: running, description: `the running embedded PostgreSQL in ${databaseDir}`, close: none };
  if (purpose === 'backup' && !fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    throw new BackupError(
      `there is no embedded database in ${databaseDir}: set PUMPWATCH_DATA_DIR to the server's data folder, or DATABASE_URL`,
    );
  }
  const server = await startEmbeddedPostgres({ databaseDir, databaseName: 'pumpwatch' });
  return { url: server.url, description: `the embedded PostgreSQL in ${databaseDir}`, close: () => server.stop() };
}

/** `backups/pumpwatch-20260501T093000Z.pwbackup` under the repository root. */
export function defaultBackupPath(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return path.join(findRepoRoot(), 'backups', `pumpwatch-${stamp}${BACKUP_EXTENSION}`);
}

/** The message of an error on one line, for the CLIs' exit message. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
