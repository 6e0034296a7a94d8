// The spreadsheet import's public contract: its columns, the template, the dry run and the confirmation answers.

/** The documented columns, in the template's order (the clinic's words; units in the names). */
export const IMPORT_COLUMNS = [
  'mrn',
  'displayName',
  'birthDate',
  'sex',
  'weightKg',
  'pumpModel',
  'serialNumber',
  'implantDate',
  'lastFilledAt',
  'concentrationMcgPerMl',
  'volumeMl',
  'doseMcgPerDay',
] as const;
/** Optional columns beyond the template: a constant-flow pump's label values, and the reason a soft drug-library limit or the dose guard asks for. */
export const OPTIONAL_IMPORT_COLUMNS = ['reservoirCapacityMl', 'flowRateMlPerDay', 'doseChangeReason'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number] | (typeof OPTIONAL_IMPORT_COLUMNS)[number];

/** How a day written with slashes is read: 05/01/2026 is 5 January day-first, 1 May month-first. Dots are always day-first. */
export type ImportDateOrder = 'day-first' | 'month-first';
export const IMPORT_DATE_ORDERS: readonly ImportDateOrder[] = ['day-first', 'month-first'];

export type ImportRowOutcome = 'create' | 'update' | 'unchanged' | 'refused';

export interface ImportRowResult {
  /** The spreadsheet's own row number (the header is row 1). */
  row: number;
  outcome: ImportRowOutcome;
  /** Why a row is refused, by column. */
  fields?: { field: string; message: string }[];
  /** The row's MRN, name and serial as read, so the table can say which patient a row is. */
  mrn?: string | null;
  displayName?: string | null;
  serialNumber?: string | null;
}

export interface ImportSummary {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  refused: number;
  dateOrder: ImportDateOrder;
  timeZone: string;
  /** Header cells that are not import columns: read past, never stored. */
  ignoredColumns: string[];
  expiresAt: string;
}

/** POST /api/clinics/:id/imports: nothing is written yet. */
export interface ImportDryRun {
  importId: string;
  rows: ImportRowResult[];
  summary: ImportSummary;
}

/** POST /api/clinics/:id/imports/:importId/confirm: every row not refused in the dry run, written together or not at all. */
export interface ImportConfirmation {
  created: number;
  updated: number;
  unchanged: number;
}

/** GET /api/imports/template.csv: the header and one example row (a simple continuous program). */
export const IMPORT_TEMPLATE_CSV =
  [
    IMPORT_COLUMNS.join(','),
    'MRN-000123,Jane Example,1975-04-30,female,68,synchromed-ii-20,NGP123456H,2021-06-15,2026-11-20 09:30,500,20,150',
  ].join('\r\n') + '\r\n';

/** Largest upload and row count accepted: a clinic's fleet is hundreds of pumps, not tens of thousands. */
export const IMPORT_LIMITS = { maxFileBytes: 2 * 1024 * 1024, maxRows: 5000, pendingHours: 24 } as const;
