// Reads the import's table (CSV or XLSX cells) into records for the patients, pumps, fills and programs use cases, refusing each bad
// row by column: missing values, unknown models, dates that do not exist, times in an unknown format, duplicates within the file.
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { PUMP_MODEL_IDS, PUMP_MODELS, PumpModelId } from '../clinical-config';
import { createFillSchema, createPatientSchema, createPumpSchema, programStepSchema, SEXES, Sex } from '../contracts';
import { EARLIEST_DATE, isCalendarDate, LATEST_DATE_EXCLUSIVE } from '../date-fields';
import { datePatternOf, isUnitedStatesTimeZone } from '../clinic-locale';
import type { ImportCell } from './csv-table';
import { IMPORT_COLUMNS, ImportColumn, ImportDateOrder, OPTIONAL_IMPORT_COLUMNS } from './import-contracts';

export type ImportFieldError = { field: string; message: string };

/** One row as the use cases take it; `fill` and `program` are the last refill and the simple continuous program in force from it. */
export interface ImportRecord {
  patient: { mrn: string; displayName: string; birthDate: string; sex: Sex; weightKg?: number };
  pump?: { modelId: PumpModelId; serialNumber: string; implantDate: string; reservoirCapacityMl?: number; flowRateMlPerDay?: number };
  fill?: { filledAt: string; concentrationMcgPerMl: number; volumeMl: number };
  program?: { doseMcgPerDay: number };
  doseChangeReason?: string;
}

export interface ReadImportRow {
  row: number;
  record: ImportRecord | null;
  fields: ImportFieldError[];
  mrn: string | null;
  displayName: string | null;
  serialNumber: string | null;
}

export interface ReadImportTable {
  rows: ReadImportRow[];
  ignoredColumns: string[];
  /** Set when the file as a whole cannot be read (no header, no mrn column): the answer is a 400 naming `file`. */
  fileError: string | null;
}

export interface ImportReadOptions {
  timeZone: string;
  dateOrder: ImportDateOrder;
}

const KNOWN_COLUMNS: readonly ImportColumn[] = [...IMPORT_COLUMNS, ...OPTIONAL_IMPORT_COLUMNS];

/**
 * The date order a clinic writes: its chosen locale's (month-first when the locale writes the month first, as en-US), else from its
 * zone, month-first in the United States and day-first elsewhere (the rule its default locale follows).
 */
export function defaultDateOrderOf(timeZone: string, chosenLocale?: string | null): ImportDateOrder {
  if (chosenLocale) return datePatternOf(chosenLocale).order[0] === 'month' ? 'month-first' : 'day-first';
  return isUnitedStatesTimeZone(timeZone) ? 'month-first' : 'day-first';
}

const text = (cell: ImportCell): string | null => {
  if (cell === null) return null;
  if (cell instanceof Date) return null;
  const value = String(cell).trim();
  return value === '' ? null : value;
};

/** A number as typed: 12.5 or, from decimal-comma locales, 12,5. */
function readNumber(cell: ImportCell): number | string {
  if (typeof cell === 'number') return cell;
  const value = text(cell) ?? '';
  const normal = /^-?\d+,\d+$/.test(value) ? value.replace(',', '.') : value;
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : 'must be a number (e.g. 12.5 or 12,5)';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A cell XLSX typed as a date holds the wall-clock as written, as its UTC fields. */
const wallClockOfDateCell = (date: Date) => ({
  day: `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`,
  time: `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`,
});

/** 'YYYY-MM-DD' from ISO, `D.M.YYYY` or `D/M/YYYY` (`M/D/YYYY` month-first); an error message otherwise. */
function readDayText(value: string, order: ImportDateOrder): { day: string } | { error: string } {
  let parts: [number, number, number] | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dotted) parts = [Number(dotted[3]), Number(dotted[2]), Number(dotted[1])];
  else if (slashed)
    parts =
      order === 'day-first'
        ? [Number(slashed[3]), Number(slashed[2]), Number(slashed[1])]
        : [Number(slashed[3]), Number(slashed[1]), Number(slashed[2])];
  const example = order === 'day-first' ? '2026-01-31, 31.01.2026 or 31/01/2026' : '2026-01-31, 31.01.2026 or 01/31/2026';
  if (!parts) return { error: `must be a date such as ${example}` };
  const day = `${pad(parts[0], 4)}-${pad(parts[1])}-${pad(parts[2])}`;
  if (!isCalendarDate(day))
    return { error: `is not a date that exists (${value} read ${order === 'day-first' ? 'day/month/year' : 'month/day/year'})` };
  if (day < EARLIEST_DATE || day >= LATEST_DATE_EXCLUSIVE)
    return { error: `must be from ${EARLIEST_DATE} and before ${LATEST_DATE_EXCLUSIVE}` };
  return { day };
}

function readDay(cell: ImportCell, order: ImportDateOrder): { day: string } | { error: string } {
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? { error: 'is not a date that exists' } : readDayText(wallClockOfDateCell(cell).day, order);
  return readDayText(text(cell) ?? '', order);
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * An instant: ISO with Z or an offset as written; otherwise a day (as readDay) and a 24-hour time `HH:MM[:SS]` on the clinic's
 * clock, separated by a space or `T`. A wall-clock time the clinic's clock skipped (spring forward) is refused.
 */
function readInstant(cell: ImportCell, options: ImportReadOptions): { at: string } | { error: string } {
  let day: string;
  let time: string;
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { error: 'is not a date that exists' };
    ({ day, time } = wallClockOfDateCell(cell));
  } else {
    const value = text(cell) ?? '';
    const withOffset = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})$/i.exec(value);
    if (withOffset) {
      if (!isCalendarDate(withOffset[1])) return { error: `is not a date that exists (${value})` };
      const parsed = DateTime.fromISO(`${withOffset[1]}T${withOffset[2]}${withOffset[3].toUpperCase()}`, { setZone: true });
      if (!parsed.isValid)
        return { error: `must be a date and a 24-hour time, e.g. 2026-01-31 09:30 (read as ${options.timeZone}) or 2026-01-31T08:30:00Z` };
      return { at: parsed.toUTC().toISO({ suppressMilliseconds: true }) as string };
    }
    const split = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})(?:T|\s+)(.+)$/.exec(value);
    if (!split) {
      const dayOnly = readDayText(value, options.dateOrder);
      return 'day' in dayOnly ? { error: 'needs the time of the refill too (24-hour HH:MM, e.g. 2026-01-31 09:30)' } : dayOnly;
    }
    const readDayPart = readDayText(split[1], options.dateOrder);
    if ('error' in readDayPart) return readDayPart;
    day = readDayPart.day;
    time = split[2];
  }
  const clock = TIME.exec(time);
  if (!clock) return { error: `has a time in an unknown format (${time}): write it as 24-hour HH:MM, e.g. 14:30` };
  const [hour, minute, second] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
  const dayCheck = readDayText(day, options.dateOrder);
  if ('error' in dayCheck) return dayCheck;
  const [y, m, d] = day.split('-').map(Number);
  const local = DateTime.fromObject({ year: y, month: m, day: d, hour, minute, second }, { zone: options.timeZone });
  if (!local.isValid || local.hour !== hour || local.minute !== minute) {
    return { error: `${day} ${pad(hour)}:${pad(minute)} does not exist in ${options.timeZone} (the clocks changed)` };
  }
  return { at: local.toUTC().toISO({ suppressMilliseconds: true }) as string };
}

function readModel(cell: ImportCell): { modelId: PumpModelId } | { error: string } {
  const value = (text(cell) ?? '').toLowerCase().replace(/\s+/g, ' ');
  const found = PUMP_MODEL_IDS.find((id) => id === value || PUMP_MODELS[id].name.toLowerCase() === value);
  return found ? { modelId: found } : { error: `is not a known pump model: use one of ${PUMP_MODEL_IDS.join(', ')}` };
}

const SEX_WORDS: Record<string, Sex> = { f: 'female', m: 'male', ...Object.fromEntries(SEXES.map((s) => [s, s])) };

/** Zod issues of the shared request schemas, named by the import's column. */
function issuesOf(result: z.ZodSafeParseResult<unknown>, columnOf: (path: string) => string): ImportFieldError[] {
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ field: columnOf(issue.path.join('.')), message: issue.message }));
}

/** Reads the header (case and spaces ignored) and every non-empty row below it. */
export function readImportTable(table: ImportCell[][], options: ImportReadOptions): ReadImportTable {
  const headerIndex = table.findIndex((row) => row.some((cell) => text(cell) !== null));
  if (headerIndex < 0)
    return { rows: [], ignoredColumns: [], fileError: 'is empty: the first line must name the columns (see the template)' };
  const header = table[headerIndex].map((cell) => text(cell) ?? '');
  const columnAt = new Map<ImportColumn, number>();
  const ignoredColumns: string[] = [];
  header.forEach((name, index) => {
    const known = KNOWN_COLUMNS.find((c) => c.toLowerCase() === name.replace(/\s+/g, '').toLowerCase());
    if (known && !columnAt.has(known)) columnAt.set(known, index);
    else if (name !== '') ignoredColumns.push(name);
  });
  const missing = ['mrn', 'displayName', 'birthDate', 'sex'].filter((c) => !columnAt.has(c as ImportColumn));
  if (missing.length > 0)
    return { rows: [], ignoredColumns, fileError: `has no column ${missing.join(', ')} in its first line (see the template)` };

  const rows: ReadImportRow[] = [];
  const firstRowOfSerial = new Map<string, number>();
  const firstRowOfMrn = new Map<string, number>();
  for (let i = headerIndex + 1; i < table.length; i++) {
    const cells = table[i];
    const cellOf = (column: ImportColumn): ImportCell => {
      const index = columnAt.get(column);
      const cell = index === undefined ? null : (cells[index] ?? null);
      return typeof cell === 'string' && cell.trim() === '' ? null : cell;
    };
    if (KNOWN_COLUMNS.every((c) => cellOf(c) === null)) continue;
    const row = readRow(i + 1, cellOf, options);
    // Within one file a serial or an MRN names one pump or patient: a second row for it is refused, naming the first.
    if (row.serialNumber !== null) {
      const key = row.serialNumber.toUpperCase();
      const first = firstRowOfSerial.get(key);
      if (first !== undefined) row.fields.push({ field: 'serialNumber', message: `duplicate of row ${first}` });
      else firstRowOfSerial.set(key, row.row);
    }
    if (row.mrn !== null) {
      const first = firstRowOfMrn.get(row.mrn);
      if (first !== undefined) row.fields.push({ field: 'mrn', message: `duplicate of row ${first}` });
      else firstRowOfMrn.set(row.mrn, row.row);
    }
    if (row.fields.length > 0) row.record = null;
    rows.push(row);
  }
  return { rows, ignoredColumns, fileError: null };
}

function readRow(rowNumber: number, cellOf: (column: ImportColumn) => ImportCell, options: ImportReadOptions): ReadImportRow {
  const fields: ImportFieldError[] = [];
  const refuse = (field: ImportColumn, message: string) => fields.push({ field, message });
  const mrn = text(cellOf('mrn'));
  const displayName = text(cellOf('displayName'));
  const serialNumber = text(cellOf('serialNumber'));
  const given = (column: ImportColumn) => cellOf(column) !== null;
  const required = (column: ImportColumn, why: string): boolean => {
    if (given(column)) return true;
    refuse(column, `is required${why}`);
    return false;
  };
  const day = (column: ImportColumn): string | undefined => {
    const read = readDay(cellOf(column), options.dateOrder);
    if ('error' in read) {
      refuse(column, read.error);
      return undefined;
    }
    return read.day;
  };
  const number = (column: ImportColumn): number | undefined => {
    if (!given(column)) return undefined;
    const read = readNumber(cellOf(column));
    if (typeof read === 'string') {
      refuse(column, read);
      return undefined;
    }
    return read;
  };

  // Patient: every row names one.
  const hasMrn = required('mrn', '');
  required('displayName', '');
  const birthDate = required('birthDate', '') ? day('birthDate') : undefined;
  let sex: Sex | undefined;
  if (required('sex', '')) {
    sex = SEX_WORDS[(text(cellOf('sex')) ?? '').toLowerCase()];
    if (!sex) refuse('sex', `must be one of ${SEXES.join(', ')} (or f, m)`);
  }
  const weightKg = number('weightKg');
  const patient = {
    mrn: mrn ?? '',
    displayName: displayName ?? '',
    birthDate: birthDate ?? '',
    sex: sex ?? 'unknown',
    ...(weightKg !== undefined ? { weightKg } : {}),
  };
  if (hasMrn && birthDate && sex) fields.push(...issuesOf(createPatientSchema.omit({ clinicId: true }).safeParse(patient), (path) => path));

  // Pump: all three or none; the fill and the program need one.
  const pumpColumns: ImportColumn[] = ['pumpModel', 'serialNumber', 'implantDate'];
  const fillColumns: ImportColumn[] = ['lastFilledAt', 'concentrationMcgPerMl', 'volumeMl'];
  const wantsFill = fillColumns.some(given);
  const wantsPump = pumpColumns.some(given) || wantsFill || given('doseMcgPerDay');
  let pump: ImportRecord['pump'];
  if (wantsPump) {
    const why = pumpColumns.some(given) ? ' with the other pump columns' : ' for the fill and program columns';
    const model = required('pumpModel', why) ? readModel(cellOf('pumpModel')) : null;
    if (model && 'error' in model) refuse('pumpModel', model.error);
    required('serialNumber', why);
    const implantDate = required('implantDate', why) ? day('implantDate') : undefined;
    const reservoirCapacityMl = number('reservoirCapacityMl');
    const flowRateMlPerDay = number('flowRateMlPerDay');
    if (model && 'modelId' in model && serialNumber && implantDate) {
      pump = {
        modelId: model.modelId,
        serialNumber,
        implantDate,
        ...(reservoirCapacityMl !== undefined ? { reservoirCapacityMl } : {}),
        ...(flowRateMlPerDay !== undefined ? { flowRateMlPerDay } : {}),
      };
      fields.push(
        ...issuesOf(
          createPumpSchema
            .pick({ modelId: true, serialNumber: true, implantDate: true, reservoirCapacityMl: true, flowRateMlPerDay: true })
            .safeParse(pump),
          (path) => (path === 'modelId' ? 'pumpModel' : path),
        ),
      );
    }
  }

  let fill: ImportRecord['fill'];
  if (wantsFill) {
    const why = ' with the other fill columns (lastFilledAt, concentrationMcgPerMl, volumeMl)';
    let filledAt: string | undefined;
    if (required('lastFilledAt', why)) {
      const read = readInstant(cellOf('lastFilledAt'), options);
      if ('error' in read) refuse('lastFilledAt', read.error);
      else filledAt = read.at;
    }
    const concentrationMcgPerMl = required('concentrationMcgPerMl', why) ? number('concentrationMcgPerMl') : undefined;
    const volumeMl = required('volumeMl', why) ? number('volumeMl') : undefined;
    if (filledAt && concentrationMcgPerMl !== undefined && volumeMl !== undefined) {
      fill = { filledAt, concentrationMcgPerMl, volumeMl };
      fields.push(
        ...issuesOf(createFillSchema.pick({ filledAt: true, concentrationMcgPerMl: true, volumeMl: true }).safeParse(fill), (path) =>
          path === 'filledAt' ? 'lastFilledAt' : path,
        ),
      );
    }
  }

  let program: ImportRecord['program'];
  if (given('doseMcgPerDay')) {
    const doseMcgPerDay = number('doseMcgPerDay');
    if (!given('lastFilledAt'))
      refuse('lastFilledAt', 'is required with doseMcgPerDay (the program is recorded as in force from the last fill)');
    if (doseMcgPerDay !== undefined) {
      program = { doseMcgPerDay };
      fields.push(...issuesOf(programStepSchema.safeParse({ startTime: '00:00', doseMcgPerDay }), () => 'doseMcgPerDay'));
    }
  }
  const doseChangeReason = text(cellOf('doseChangeReason')) ?? undefined;

  const record: ImportRecord | null =
    fields.length > 0
      ? null
      : {
          patient,
          ...(pump ? { pump } : {}),
          ...(fill ? { fill } : {}),
          ...(program ? { program } : {}),
          ...(doseChangeReason ? { doseChangeReason } : {}),
        };
  return { row: rowNumber, record, fields, mrn, displayName, serialNumber };
}
