// Spreadsheet import (issue 17) on real PostgreSQL: a 200-row file with 7 bad rows as CSV (`;`, BOM) and as XLSX, the dry run
// writing nothing, confirm writing the 193 others through the use cases, a second import changing nothing, and all-or-none.
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import type { FleetPump, ImportDryRun } from '@pumpwatch/shared';
import { IMPORT_COLUMNS } from '@pumpwatch/shared';
import { countAllRows, fixtures, queryRows } from '../support/fixtures';
import { adminToken } from '../support/http';
import { useTestServer } from '../support/test-server';

jest.setTimeout(240_000);

const DAY_MS = 86_400_000;
const MODELS = ['synchromed-ii-20', 'SynchroMed II 40 mL', 'prometra-ii-20'];
const pad = (n: number) => String(n).padStart(2, '0');

type Cell = string | number | Date | null;

/** Spreadsheet row number (header = 1) of the generated row i. */
const rowOf = (i: number) => i + 2;
/** The 7 bad rows and what each must be refused for. */
const BAD: Record<number, { field: string; message: RegExp }> = {
  [rowOf(10)]: { field: 'pumpModel', message: /is not a known pump model/ },
  [rowOf(20)]: { field: 'volumeMl', message: /must not exceed the reservoir capacity \(20 mL\)/ },
  [rowOf(30)]: { field: 'birthDate', message: /is not a date that exists/ },
  [rowOf(40)]: { field: 'serialNumber', message: new RegExp(`^duplicate of row ${rowOf(39)}$`) },
  [rowOf(50)]: { field: 'mrn', message: /is required/ },
  [rowOf(60)]: { field: 'doseMcgPerDay', message: /above the drug library's hard limit/ },
  [rowOf(70)]: { field: 'lastFilledAt', message: /has a time in an unknown format/ },
};

/**
 * 200 rows of a Berlin clinic: refills 1-59 days ago at 09:30 on the clinic's clock (day-first dates as clinics type them, every
 * fifth row in ISO), 500 mcg/mL, 18 mL, 100-595 mcg/day (inside the library for a cerebral origin: soft limit 703).
 */
function generateRows(tag: string, now: Date, xlsx: boolean): Cell[][] {
  const rows: Cell[][] = [[...IMPORT_COLUMNS]];
  for (let i = 0; i < 200; i++) {
    const filled = new Date(now.getTime() - (1 + (i % 59)) * DAY_MS);
    const [y, m, d] = [filled.getUTCFullYear(), filled.getUTCMonth() + 1, filled.getUTCDate()];
    let lastFilledAt: Cell = i % 5 === 0 ? `${y}-${pad(m)}-${pad(d)} 09:30` : `${pad(d)}.${pad(m)}.${y} 09:30`;
    // XLSX: every third row as a real date cell (its UTC fields are the wall clock written in the sheet).
    if (xlsx && i % 3 === 0) lastFilledAt = new Date(Date.UTC(y, m - 1, d, 9, 30));
    const row: Cell[] = [
      `${tag}-MRN-${String(i).padStart(4, '0')}`,
      `Patient ${tag} ${i}`,
      `${pad(1 + (i % 28))}.${pad(1 + (i % 12))}.${1950 + (i % 40)}`,
      i % 2 ? 'male' : 'F',
      xlsx ? 60 + (i % 30) : `${60 + (i % 30)},5`,
      MODELS[i % 3],
      `${tag}-SN-${String(i).padStart(4, '0')}`,
      `2022-01-${pad(1 + (i % 28))}`,
      lastFilledAt,
      xlsx ? 500 : '500',
      xlsx ? 18 : '18',
      xlsx ? 100 + 5 * (i % 100) : String(100 + 5 * (i % 100)),
    ];
    rows.push(row);
  }
  const set = (i: number, column: (typeof IMPORT_COLUMNS)[number], value: Cell) => {
    rows[i + 1][IMPORT_COLUMNS.indexOf(column)] = value;
  };
  set(10, 'pumpModel', 'Medstream 9');
  set(20, 'pumpModel', 'synchromed-ii-20');
  set(20, 'volumeMl', xlsx ? 25 : '25');
  set(30, 'birthDate', '31.02.1970');
  set(40, 'serialNumber', rows[40][IMPORT_COLUMNS.indexOf('serialNumber')]);
  set(50, 'mrn', null);
  set(60, 'doseMcgPerDay', xlsx ? 5000 : '5000');
  set(70, 'lastFilledAt', '05.01.2026 9.30 Uhr');
  return rows;
}

const csvOf = (rows: Cell[][]): Buffer => {
  const escape = (cell: Cell) =>
    cell === null ? '' : /[;"\n]/.test(String(cell)) ? `"${String(cell).replace(/"/g, '""')}"` : String(cell);
  return Buffer.from(`\uFEFF${rows.map((r) => r.map(escape).join(';')).join('\r\n')}\r\n`, 'utf8');
};

async function xlsxOf(rows: Cell[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Pumps');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('spreadsheet import', () => {
  const server = useTestServer();
  let f: ReturnType<typeof fixtures>;
  let token: string;

  const upload = async (clinicId: string, file: Buffer, name: string, extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)]), name);
    for (const [key, value] of Object.entries(extra)) form.append(key, value);
    const response = await fetch(`${server.baseUrl}/api/clinics/${clinicId}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: response.status, body: await response.json() };
  };
  const confirm = (clinicId: string, importId: string) => f.http.post(`/api/clinics/${clinicId}/imports/${importId}/confirm`);
  /** The clinic's records and the events of their use cases (the alert engine's own events follow later, on its own). */
  const clinicalCounts = async (clinicId: string) =>
    (
      await queryRows<{ patients: number; pumps: number; fills: number; programs: number; events: number }>(
        server.databaseUrl,
        `
    SELECT (SELECT count(*)::int FROM patients WHERE clinic_id = $1) AS patients, (SELECT count(*)::int FROM pumps WHERE clinic_id = $1) AS pumps,
           (SELECT count(*)::int FROM fills JOIN pumps ON pumps.id = fills.pump_id WHERE pumps.clinic_id = $1) AS fills,
           (SELECT count(*)::int FROM programs JOIN pumps ON pumps.id = programs.pump_id WHERE pumps.clinic_id = $1) AS programs,
           (SELECT count(*)::int FROM events WHERE clinic_id = $1 AND type IN ('patient.created', 'patient.updated', 'pump.created', 'fill.recorded', 'program.set')) AS events`,
        [clinicId],
      )
    )[0];

  const expectSevenRefused = (dryRun: ImportDryRun) => {
    const refused = dryRun.rows.filter((r) => r.outcome === 'refused');
    expect(refused.map((r) => r.row).sort((a, b) => a - b)).toEqual(
      Object.keys(BAD)
        .map(Number)
        .sort((a, b) => a - b),
    );
    for (const row of refused) {
      const expected = BAD[row.row];
      expect({ row: row.row, fields: row.fields }).toEqual({
        row: row.row,
        fields: expect.arrayContaining([{ field: expected.field, message: expect.stringMatching(expected.message) }]),
      });
    }
  };

  beforeAll(async () => {
    f = fixtures(server.baseUrl);
    token = await adminToken(server.baseUrl);
  });

  it('imports a 200-row CSV (; and BOM): 7 refused with their reasons, 193 created on confirm, a second import unchanged', async () => {
    const clinic = await f.clinic({ timeZone: 'Europe/Berlin' });
    const file = csvOf(generateRows('CSV', new Date(), false));

    const before = await countAllRows(server.databaseUrl);
    const beforeInClinic = await clinicalCounts(clinic.id);
    const dryRun = await upload(clinic.id, file, 'fleet.csv');
    expect(dryRun.status).toBe(200);
    expectSevenRefused(dryRun.body);
    expect(dryRun.body.summary).toMatchObject({
      rows: 200,
      create: 193,
      update: 0,
      unchanged: 0,
      refused: 7,
      dateOrder: 'day-first',
      timeZone: 'Europe/Berlin',
    });
    // The dry run went through the use cases and rolled everything back: not a row, not an event.
    expect(await clinicalCounts(clinic.id)).toEqual(beforeInClinic);
    expect(await countAllRows(server.databaseUrl)).toMatchObject({
      patients: before.patients,
      pumps: before.pumps,
      fills: before.fills,
      programs: before.programs,
    });

    const confirmed = await confirm(clinic.id, dryRun.body.importId);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ created: 193, updated: 0, unchanged: 0 });
    expect(await clinicalCounts(clinic.id)).toMatchObject({ patients: 193, pumps: 193, fills: 193, programs: 193, events: 4 * 193 });
    // The rows' events were written together at the end of the confirm (the sequence is held for one statement): consecutive ids.
    const [span] = await queryRows<{ n: number; first: string; last: string }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n, min(id)::text AS first, max(id)::text AS last FROM events WHERE clinic_id = $1 AND type IN ('patient.created', 'pump.created', 'fill.recorded', 'program.set')`,
      [clinic.id],
    );
    expect(Number(span.last) - Number(span.first) + 1).toBe(span.n);
    // Through the use cases: audited, and on the event outbox.
    const audited = await queryRows<{ action: string; n: number }>(
      server.databaseUrl,
      `SELECT action, count(*)::int AS n FROM audit_log WHERE clinic_id = $1 AND action <> 'clinic.created' GROUP BY action ORDER BY action`,
      [clinic.id],
    );
    expect(audited).toEqual([
      { action: 'fill.recorded', n: 193 },
      { action: 'import.confirmed', n: 1 },
      { action: 'patient.created', n: 193 },
      { action: 'program.set', n: 193 },
      { action: 'pump.created', n: 193 },
    ]);
    // A 09:30 refill on the Berlin clock, read from a day-first row (row 3: i = 1, refilled 2 days ago).
    const [fill] = await queryRows<{ filled_at: Date }>(
      server.databaseUrl,
      `SELECT fills.filled_at FROM fills JOIN pumps ON pumps.id = fills.pump_id WHERE pumps.serial_number = 'CSV-SN-0001'`,
    );
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(fill.filled_at)).toBe(
      '09:30',
    );

    // The fleet shows every imported pump with its forecast.
    const fleet = await f.http.get<FleetPump[]>(`/api/pumps?clinicId=${clinic.id}`);
    expect(fleet.status).toBe(200);
    expect(fleet.body).toHaveLength(193);
    expect(fleet.body.filter((p) => p.status !== 'ok' || p.refillDeadline === null)).toEqual([]);

    const counts = await clinicalCounts(clinic.id);
    const again = await upload(clinic.id, file, 'fleet.csv');
    expect(again.status).toBe(200);
    expectSevenRefused(again.body);
    expect(again.body.summary).toMatchObject({ create: 0, update: 0, unchanged: 193, refused: 7 });
    const second = await confirm(clinic.id, again.body.importId);
    expect(second.body).toEqual({ created: 0, updated: 0, unchanged: 193 });
    expect(await clinicalCounts(clinic.id)).toEqual(counts);

    // Confirmed once: a second confirm of the same import is refused, naming it.
    const twice = await confirm(clinic.id, again.body.importId);
    expect(twice.status).toBe(409);
    expect(twice.body.fields).toEqual([
      {
        field: 'importId',
        message: expect.stringMatching(/^\(the import of fleet\.csv\) was already confirmed at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+$/),
      },
    ]);
    expect(twice.body.fields[0].message).not.toContain(again.body.importId);
  });

  it('never holds the event sequence during a dry run: other writes (telemetry, alarms) go on while 200 rows are rehearsed', async () => {
    const clinic = await f.clinic();
    const file = csvOf(generateRows('HOLD', new Date(), false));
    const probe = new Client({ connectionString: server.databaseUrl });
    await probe.connect();
    try {
      // What every write does: take the event counter row. Other writers (the alert engine) hold it for a statement; an import
      // that held it for its whole transaction would hold it for the many seconds 200 rows take, past this lock timeout.
      const counterFree = async () => {
        await probe.query('BEGIN');
        try {
          await probe.query("SET LOCAL lock_timeout = '5s'");
          await probe.query('SELECT 1 FROM event_counter WHERE id = 1 FOR UPDATE');
          return true;
        } catch {
          return false;
        } finally {
          await probe.query('ROLLBACK');
        }
      };
      let done = false;
      const dryRun = upload(clinic.id, file, 'hold.csv').finally(() => {
        done = true;
      });
      const probes: boolean[] = [await counterFree()];
      while (!done) probes.push(await counterFree());
      expect((await dryRun).status).toBe(200);
      expect(probes.filter((free) => !free)).toEqual([]);
    } finally {
      await probe.end();
    }
  });

  it('imports the same 200 rows built as XLSX with exceljs (numbers and date cells as Excel stores them)', async () => {
    const clinic = await f.clinic({ timeZone: 'Europe/Berlin' });
    const dryRun = await upload(clinic.id, await xlsxOf(generateRows('XLSX', new Date(), true)), 'fleet.xlsx');
    expect(dryRun.status).toBe(200);
    expectSevenRefused(dryRun.body);
    expect(dryRun.body.summary).toMatchObject({ create: 193, refused: 7 });
    expect((await confirm(clinic.id, dryRun.body.importId)).body).toEqual({ created: 193, updated: 0, unchanged: 0 });
    expect(await clinicalCounts(clinic.id)).toMatchObject({ patients: 193, pumps: 193, fills: 193, programs: 193 });
    const [fill] = await queryRows<{ filled_at: Date }>(
      server.databaseUrl,
      `SELECT fills.filled_at FROM fills JOIN pumps ON pumps.id = fills.pump_id WHERE pumps.serial_number = 'XLSX-SN-0003'`,
    );
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(fill.filled_at)).toBe(
      '09:30',
    );
  });

  it('writes nothing when one row fails at confirm (a pump registered meanwhile with a serial of the file)', async () => {
    const clinic = await f.clinic({ timeZone: 'Europe/Berlin' });
    const rows = generateRows('AON', new Date(), false).slice(0, 6);
    const dryRun = await upload(clinic.id, csvOf(rows), 'five.csv');
    expect(dryRun.body.summary).toMatchObject({ create: 5, refused: 0 });
    // Between dry run and confirm someone registers row 5's serial on another patient.
    const other = await f.patient(clinic.id);
    await f.pump(other.id, { serialNumber: 'AON-SN-0003' });
    const before = await clinicalCounts(clinic.id);

    const confirmed = await confirm(clinic.id, dryRun.body.importId);
    expect(confirmed.status).toBe(409);
    expect(confirmed.body.fields).toEqual([
      { field: 'importId', message: 'row 5 changed since the dry run; nothing was imported, upload the file again' },
      { field: 'rows.5.serialNumber', message: 'is already registered to another patient' },
    ]);
    // Rows 2-4 went through the use cases before row 5 failed: all rolled back with it.
    expect(await clinicalCounts(clinic.id)).toEqual(before);
    expect(before).toMatchObject({ patients: 1, pumps: 1 });
  });

  it('answers the template, and refuses a missing, oversized or unreadable file and an unknown import by name', async () => {
    const template = await fetch(`${server.baseUrl}/api/imports/template.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await template.text()).split('\r\n')[0]).toBe(IMPORT_COLUMNS.join(','));

    const clinic = await f.clinic();
    const none = await f.http.post(`/api/clinics/${clinic.id}/imports`, {});
    expect(none.status).toBe(400);
    expect(none.body.fields).toEqual([{ field: 'file', message: expect.stringMatching(/is required/) }]);

    const tooLarge = await upload(clinic.id, Buffer.alloc(3 * 1024 * 1024, 'a'), 'huge.csv');
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.fields).toEqual([{ field: 'file', message: 'is larger than the 2 MB limit' }]);

    const latin1 = await upload(clinic.id, Buffer.from('mrn;displayName;birthDate;sex\nM1;Ren\xe9;1970-01-01;male\n', 'latin1'), 'old.csv');
    expect(latin1.status).toBe(400);
    expect(latin1.body.fields).toEqual([{ field: 'file', message: expect.stringMatching(/is not UTF-8 text/) }]);

    const badOrder = await upload(clinic.id, Buffer.from('mrn,displayName,birthDate,sex\n'), 'x.csv', { dateOrder: 'year-first' });
    expect(badOrder.status).toBe(400);
    expect(badOrder.body.fields[0].field).toBe('dateOrder');

    const unknown = await confirm(clinic.id, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.fields).toEqual([
      { field: 'importId', message: expect.stringMatching(/^00000000-0000-4000-8000-000000000000 is not a pending import of this clinic/) },
    ]);
  });

  it('reads month-first slashes when asked, and refuses a clinician of another clinic as if the clinic did not exist', async () => {
    const clinic = await f.clinic({ timeZone: 'America/Chicago' });
    const csv = Buffer.from('mrn,displayName,birthDate,sex\r\nUS-1,Ada,04/30/1975,female\r\n');
    const dryRun = await upload(clinic.id, csv, 'us.csv');
    expect(dryRun.body.summary.dateOrder).toBe('month-first');
    expect(dryRun.body.rows).toEqual([{ row: 2, outcome: 'create', mrn: 'US-1', displayName: 'Ada', serialNumber: null }]);
    const dayFirst = await upload(clinic.id, csv, 'us.csv', { dateOrder: 'day-first' });
    expect(dayFirst.body.rows[0]).toMatchObject({
      outcome: 'refused',
      fields: [{ field: 'birthDate', message: expect.stringMatching(/is not a date that exists/) }],
    });

    // A clinic that chose its locale reads slashes in that locale's order: a Paris clinic writing en-US, month first.
    const parisInEnglish = await f.clinic({ timeZone: 'Europe/Paris' });
    expect((await f.http.call('PATCH', `/api/clinics/${parisInEnglish.id}/settings`, { locale: 'en-US' })).status).toBe(200);
    const byLocale = await upload(parisInEnglish.id, csv, 'paris.csv');
    expect(byLocale.body.summary.dateOrder).toBe('month-first');
    expect(byLocale.body.rows[0]).toMatchObject({ outcome: 'create', mrn: 'US-1' });

    const elsewhere = await f.clinic();
    const outsider = await f.member(elsewhere.id, 'clinician', 'import-outsider');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(csv)]), 'us.csv');
    const refused = await fetch(`${server.baseUrl}/api/clinics/${clinic.id}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${outsider.token}` },
      body: form,
    });
    expect(refused.status).toBe(404);
    expect((await refused.json()).fields).toEqual([{ field: 'id', message: 'is not a known clinic' }]);
  });
});
