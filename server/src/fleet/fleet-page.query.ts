// One page of the fleet read model in SQL: filter (clinics, words of `q`, urgency), order (urgency or a column, either direction)
// and keyset paging with an opaque cursor, plus the counts per urgency; urgency is ranked at `now`, exactly as assessFleetUrgency.
import { DomainError, FleetPage, FleetPump, FleetSortKey, foldForSearch, Urgency, URGENCY_CONFIG, URGENCY_LEVELS } from '@pumpwatch/shared';
import { fleetRowAt, StoredFleetRow } from './fleet-row.calculator';

/** Anything that runs SQL (a DataSource or a transaction's EntityManager). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export type FleetSortDirection = 'ascending' | 'descending';

export interface FleetPageQuery {
  /** Clinics the caller sees (null: every clinic), already narrowed to `clinicId` when one was asked for. */
  clinicIds: readonly string[] | null;
  q?: string;
  urgencies?: readonly Urgency[];
  sort: FleetSortKey;
  direction: FleetSortDirection;
  /** Rows per page; null answers every row (the bare array of GET /api/pumps). */
  limit: number | null;
  cursor?: string;
}

type KeyType = 'int' | 'timestamptz' | 'float8' | 'text' | 'uuid';
interface SortTerm {
  expr: string;
  type: KeyType;
  descending: boolean;
}

/** The parameters every statement shares: $1 now, $2 the clinics (null: all), $3 the folded words of q. */
function baseParameters(query: FleetPageQuery, now: Date): unknown[] {
  const words = foldForSearch(query.q ?? '')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  return [now, query.clinicIds === null ? null : [...query.clinicIds], words];
}

// The band edges are URGENCY_CONFIG's (shared/src/clinical-config.ts), the one source of the fleet's bands; whole numbers, inlined.
const CRITICAL_DAYS = Math.trunc(URGENCY_CONFIG.criticalDays);
const URGENT_DAYS = Math.trunc(URGENCY_CONFIG.urgentDays);
const WARNING_DAYS = Math.trunc(URGENCY_CONFIG.warningDays);
const NO_FORECAST_HOURS = Math.trunc(URGENCY_CONFIG.noForecastCriticalAfterHours);

const NO_FORECAST = `(status <> 'ok' OR refill_deadline IS NULL)`;
const LONG_WITHOUT_FORECAST = `(no_forecast_since IS NOT NULL AND no_forecast_since < $1::timestamptz - make_interval(hours => ${NO_FORECAST_HOURS}))`;

/** assessFleetUrgency's level at $1 (days left <= a band's days falls in that band; below zero is overdue). */
const URGENCY_SQL = `(CASE
  WHEN delivery_interrupted THEN 'delivery_interrupted'
  WHEN ${NO_FORECAST} THEN 'no_forecast'
  WHEN refill_deadline < $1::timestamptz THEN 'overdue'
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${CRITICAL_DAYS}) THEN 'critical'
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${URGENT_DAYS}) THEN 'urgent'
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${WARNING_DAYS}) THEN 'warning'
  ELSE 'ok' END)`;

/** compareByUrgency's rank: a pump long without a forecast sits with the critical ones, a new one with the pumps due soon. */
const RANK_SQL = `(CASE
  WHEN delivery_interrupted THEN 0
  WHEN ${NO_FORECAST} THEN (CASE WHEN ${LONG_WITHOUT_FORECAST} THEN 2 ELSE 4 END)
  WHEN refill_deadline < $1::timestamptz THEN 1
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${CRITICAL_DAYS}) THEN 2
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${URGENT_DAYS}) THEN 3
  WHEN refill_deadline <= $1::timestamptz + make_interval(days => ${WARNING_DAYS}) THEN 4
  ELSE 5 END)`;

/** An unknown deadline or volume sorts first ascending (nobody knows how close that pump is to empty), as on the dashboard. */
const DEADLINE_SQL = `COALESCE(refill_deadline, '-infinity'::timestamptz)`;
const DAYS_LEFT_SQL = `COALESCE(CASE WHEN status = 'ok' THEN refill_deadline END, '-infinity'::timestamptz)`;
const VOLUME_SQL = `COALESCE(volume_ml, '-infinity'::float8)`;
const NAME_SQL = `(sort_name COLLATE "C")`;

/** The full order: the asked column in its direction, then urgency, then the patient's name and the pump id (stable keyset). */
function sortTerms(sort: FleetSortKey, descending: boolean): SortTerm[] {
  const urgency: SortTerm[] = [
    { expr: RANK_SQL, type: 'int', descending: false },
    { expr: DEADLINE_SQL, type: 'timestamptz', descending: false },
  ];
  const tail: SortTerm[] = [
    { expr: NAME_SQL, type: 'text', descending: false },
    { expr: 'pump_id', type: 'uuid', descending: false },
  ];
  switch (sort) {
    case 'urgency':
      return [...urgency.map((t) => ({ ...t, descending })), ...tail];
    case 'patient':
      return [{ expr: NAME_SQL, type: 'text', descending }, ...urgency, { expr: 'pump_id', type: 'uuid', descending: false }];
    case 'daysLeft':
      return [{ expr: DAYS_LEFT_SQL, type: 'timestamptz', descending }, ...urgency, ...tail];
    case 'deadline':
      return [{ expr: DEADLINE_SQL, type: 'timestamptz', descending }, ...urgency, ...tail];
    case 'reservoir':
      return [{ expr: VOLUME_SQL, type: 'float8', descending }, ...urgency, ...tail];
  }
}

interface CursorBody {
  s: FleetSortKey;
  d: FleetSortDirection;
  k: string[];
}

function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, query: FleetPageQuery, terms: number): string[] {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw DomainError.invalid('cursor', 'is not a cursor this fleet gave out');
  }
  if (!Array.isArray(body.k) || body.k.length !== terms || !body.k.every((v) => typeof v === 'string')) {
    throw DomainError.invalid('cursor', 'is not a cursor this fleet gave out');
  }
  if (body.s !== query.sort || body.d !== query.direction) {
    throw DomainError.invalid(
      'cursor',
      `was given for sort=${String(body.s)}&dir=${String(body.d)}; ask for the first page again after changing the order`,
    );
  }
  return body.k;
}

/** (t1, t2, …) after (v1, v2, …) in the terms' own directions: t1 past v1, or equal and the rest after. */
function keysetCondition(terms: SortTerm[], firstParameter: number): string {
  const clause = (i: number): string => {
    const term = terms[i];
    const value = `$${firstParameter + i}::${term.type}`;
    const past = `${term.expr} ${term.descending ? '<' : '>'} ${value}`;
    if (i === terms.length - 1) return past;
    return `(${past} OR (${term.expr} = ${value} AND ${clause(i + 1)}))`;
  };
  return clause(0);
}

const SCOPE_SQL = `($2::uuid[] IS NULL OR clinic_id = ANY($2::uuid[]))
  AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS word WHERE strpos(search_text, word) = 0)`;

interface RowRecord {
  row: StoredFleetRow;
  version: string;
  [key: `k${number}`]: string;
}

/** Counts per urgency (every level present, zero when none), over the clinics and q, not the urgency filter. */
async function countsOf(db: Queryable, parameters: unknown[]): Promise<Record<Urgency, number>> {
  const rows = (await db.query(
    `SELECT ${URGENCY_SQL} AS urgency, count(*)::int AS n FROM fleet_rows WHERE ${SCOPE_SQL} GROUP BY 1`,
    parameters,
  )) as { urgency: Urgency; n: number }[];
  const counts = Object.fromEntries(URGENCY_LEVELS.map((u) => [u, 0])) as Record<Urgency, number>;
  for (const { urgency, n } of rows) counts[urgency] = n;
  return counts;
}

/** The stored row brought to `now`: urgency, days left and the deadline reasons move with the clock. */
function rowAt(record: RowRecord, nowMs: number): FleetPump {
  return fleetRowAt(record.row, Number(record.version), nowMs);
}

/** One page (or, with `limit` null, every row) in the asked order, with the counts and the cursor of the next page. */
export async function fleetPageOf(db: Queryable, query: FleetPageQuery, now: Date, lastEventId: number): Promise<FleetPage> {
  const parameters = baseParameters(query, now);
  const terms = sortTerms(query.sort, query.direction === 'descending');
  const where = [SCOPE_SQL];
  const rowParameters = [...parameters];
  if (query.urgencies && query.urgencies.length > 0) {
    rowParameters.push([...query.urgencies]);
    where.push(`${URGENCY_SQL} = ANY($${rowParameters.length}::text[])`);
  }
  if (query.cursor !== undefined) {
    const keys = decodeCursor(query.cursor, query, terms.length);
    where.push(keysetCondition(terms, rowParameters.length + 1));
    rowParameters.push(...keys);
  }
  let limitSql = '';
  if (query.limit !== null) {
    rowParameters.push(query.limit + 1);
    limitSql = `LIMIT $${rowParameters.length}`;
  }
  const selectKeys = terms.map((t, i) => `(${t.expr})::text AS k${i}`).join(', ');
  const orderBy = terms.map((t) => `${t.expr} ${t.descending ? 'DESC' : 'ASC'}`).join(', ');
  const [records, counts] = await Promise.all([
    db.query(
      `SELECT row, version, ${selectKeys} FROM fleet_rows WHERE ${where.join(' AND ')} ORDER BY ${orderBy} ${limitSql}`,
      rowParameters,
    ) as Promise<RowRecord[]>,
    countsOf(db, parameters),
  ]);
  const asked = query.urgencies && query.urgencies.length > 0 ? query.urgencies : URGENCY_LEVELS;
  const more = query.limit !== null && records.length > query.limit;
  const page = more ? records.slice(0, query.limit as number) : records;
  const last = page[page.length - 1];
  const nowMs = now.getTime();
  return {
    rows: page.map((record) => rowAt(record, nowMs)),
    nextCursor: more && last ? encodeCursor({ s: query.sort, d: query.direction, k: terms.map((_, i) => last[`k${i}`]) }) : null,
    counts,
    total: asked.reduce((sum, u) => sum + counts[u], 0),
    lastEventId,
  };
}
