// Reading the import's spreadsheet: CSV dialects, dates in the clinic's order and zone, and each refusal named by column.
import { parseCsv } from './csv-table';
import { IMPORT_TEMPLATE_CSV, type ImportDateOrder } from './import-contracts';
import { defaultDateOrderOf, readImportTable } from './import-rows';

const HEADER =
  'mrn;displayName;birthDate;sex;weightKg;pumpModel;serialNumber;implantDate;lastFilledAt;concentrationMcgPerMl;volumeMl;doseMcgPerDay';
const BERLIN: { timeZone: string; dateOrder: ImportDateOrder } = { timeZone: 'Europe/Berlin', dateOrder: 'day-first' };

const read = (lines: string[], options = BERLIN) => readImportTable(parseCsv(lines.join('\r\n')), options);

describe('parseCsv', () => {
  it.each([
    [
      'semicolons with a BOM',
      '\uFEFFa;b\r\n1;2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'commas without a BOM',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted separators, doubled quotes and a line break',
      'a;b\n"x;y";"say ""hi""\nthere"\n',
      [
        ['a', 'b'],
        ['x;y', 'say "hi"\nthere'],
      ],
    ],
    [
      'empty cells as null, a last line without newline',
      'a,b,c\n1,,3',
      [
        ['a', 'b', 'c'],
        ['1', null, '3'],
      ],
    ],
  ])('reads %s', (_name, input, expected) => {
    expect(parseCsv(input)).toEqual(expected);
  });
});

describe('readImportTable', () => {
  it('reads a full row: day-first dates, decimal commas, the refill time on the clinic clock (Berlin, winter: UTC+1)', () => {
    const { rows, fileError } = read([
      HEADER,
      'M1;Anna Berg;30.04.1975;F;68,5;SynchroMed II 20 mL;SN-1;15.06.2021;20.11.2026 09:30;500;20;150',
    ]);
    expect(fileError).toBeNull();
    expect(rows).toEqual([
      {
        row: 2,
        mrn: 'M1',
        displayName: 'Anna Berg',
        serialNumber: 'SN-1',
        fields: [],
        record: {
          patient: { mrn: 'M1', displayName: 'Anna Berg', birthDate: '1975-04-30', sex: 'female', weightKg: 68.5 },
          pump: { modelId: 'synchromed-ii-20', serialNumber: 'SN-1', implantDate: '2021-06-15' },
          // 09:30 in Berlin on 20 November (CET, UTC+1) is 08:30Z.
          fill: { filledAt: '2026-11-20T08:30:00Z', concentrationMcgPerMl: 500, volumeMl: 20 },
          program: { doseMcgPerDay: 150 },
        },
      },
    ]);
  });

  it.each([
    // [case, cell, date order, zone, expected lastFilledAt]
    ['ISO with Z kept as written', '2026-07-01T08:00:00Z', 'day-first', 'Europe/Berlin', '2026-07-01T08:00:00Z'],
    ['ISO local on the clinic clock (Berlin summer, UTC+2)', '2026-07-01 10:00', 'day-first', 'Europe/Berlin', '2026-07-01T08:00:00Z'],
    ['month-first slashes (New York summer, UTC-4)', '07/01/2026 08:00', 'month-first', 'America/New_York', '2026-07-01T12:00:00Z'],
    ['day-first slashes with seconds', '01/07/2026 10:00:30', 'day-first', 'Europe/Berlin', '2026-07-01T08:00:30Z'],
  ])('reads lastFilledAt: %s', (_name, cell, dateOrder, timeZone, expected) => {
    const { rows } = read([HEADER, `M1;A;1970-01-01;male;;synchromed-ii-40;S1;2020-01-01;${cell};500;20;100`], {
      timeZone,
      dateOrder: dateOrder as 'day-first' | 'month-first',
    });
    expect(rows[0].fields).toEqual([]);
    expect(rows[0].record?.fill?.filledAt).toBe(expected);
  });

  it.each([
    ['a missing MRN', ';A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;;;;', 'mrn', 'is required'],
    ['an unknown model', 'M1;A;1970-01-01;male;;Medstream 9;S1;2020-01-01;;;;', 'pumpModel', 'is not a known pump model'],
    ['a day that does not exist', 'M1;A;31.02.1970;male;;;;;;;;', 'birthDate', 'is not a date that exists'],
    [
      'a 12-hour time',
      'M1;A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;2026-01-05 9:30 PM;500;20;100',
      'lastFilledAt',
      'has a time in an unknown format',
    ],
    [
      'a time with a dot',
      'M1;A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;05.01.2026 9.30;500;20;100',
      'lastFilledAt',
      'has a time in an unknown format',
    ],
    [
      'a refill without its time',
      'M1;A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;05.01.2026;500;20;100',
      'lastFilledAt',
      'needs the time of the refill',
    ],
    [
      'a time the clocks skipped (Berlin, 29 March 2026 02:30)',
      'M1;A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;29.03.2026 02:30;500;20;100',
      'lastFilledAt',
      'does not exist in Europe/Berlin',
    ],
    [
      'a fill without its pump',
      'M1;A;1970-01-01;male;;;;;2026-01-05 09:30;500;20;',
      'pumpModel',
      'is required for the fill and program columns',
    ],
    [
      'a word for a volume',
      'M1;A;1970-01-01;male;;synchromed-ii-20;S1;2020-01-01;2026-01-05 09:30;500;twenty;100',
      'volumeMl',
      'must be a number',
    ],
    ['an unknown sex', 'M1;A;1970-01-01;x;;;;;;;;', 'sex', 'must be one of'],
  ])('refuses %s, naming the column', (_name, line, field, message) => {
    const { rows } = read([HEADER, line]);
    expect(rows[0].record).toBeNull();
    expect(rows[0].fields).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
  });

  it('refuses a second row with the same serial (any case) or MRN as a duplicate of the first', () => {
    const { rows } = read([
      HEADER,
      'M1;A;1970-01-01;male;;synchromed-ii-20;SN-1;2020-01-01;;;;',
      'M2;B;1970-01-01;male;;synchromed-ii-20;sn-1;2020-01-01;;;;',
      'M1;C;1970-01-01;male;;;;;;;;',
    ]);
    expect(rows.map((r) => [r.row, r.fields])).toEqual([
      [2, []],
      [3, [{ field: 'serialNumber', message: 'duplicate of row 2' }]],
      [4, [{ field: 'mrn', message: 'duplicate of row 2' }]],
    ]);
  });

  it('skips empty lines, reads past unknown columns and refuses a file without the patient columns', () => {
    const withExtra = read(['mrn,displayName,birthDate,sex,notes', ',,,,', 'M1,A,1970-01-01,male,call first']);
    expect(withExtra.ignoredColumns).toEqual(['notes']);
    expect(withExtra.rows.map((r) => r.row)).toEqual([3]);
    expect(read(['serialNumber,volumeMl', 'S1,20']).fileError).toBe(
      'has no column mrn, displayName, birthDate, sex in its first line (see the template)',
    );
  });

  it('reads the template it hands out without a refusal', () => {
    const { rows } = readImportTable(parseCsv(IMPORT_TEMPLATE_CSV), { timeZone: 'UTC', dateOrder: 'day-first' });
    expect(rows).toHaveLength(1);
    expect(rows[0].fields).toEqual([]);
  });

  it.each([
    ['America/Chicago', 'month-first'],
    ['Pacific/Honolulu', 'month-first'],
    ['America/Toronto', 'day-first'],
    ['Europe/Paris', 'day-first'],
  ])('orders slashed dates for %s %s by default', (zone, order) => {
    expect(defaultDateOrderOf(zone)).toBe(order);
    expect(defaultDateOrderOf(zone, null)).toBe(order);
  });

  it.each([
    ['Europe/Paris', 'en-US', 'month-first'],
    ['America/Chicago', 'en-GB', 'day-first'],
    ['America/New_York', 'de-DE', 'day-first'],
    ['Europe/Berlin', 'fr-FR', 'day-first'],
  ])("follows the clinic's chosen locale over its zone: %s written in %s is %s", (zone, locale, order) => {
    expect(defaultDateOrderOf(zone, locale)).toBe(order);
  });
});
