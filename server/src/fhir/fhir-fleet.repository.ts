// The SQL of FHIR searches that page in the database: Observations from the fleet read model (fleet_rows), MedicationStatements from
// the programs table, filtered, ordered by id and cut to one page there, so a search costs the same at 5,000 pumps as at 50.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { StoredFleetRow } from '../fleet/fleet-row.calculator';
import type { DateCondition, PageRequest } from './fhir-search';
import { OBSERVATION_CODES } from './fhir-systems';

/** Which pumps a search covers: clinics (null: every clinic), and the patients and pumps it names (undefined: any). */
export interface FhirPumpScope {
  clinicIds: string[] | null;
  patientIds?: string[];
  pumpIds?: string[];
}

export interface ObservationFilter extends FhirPumpScope {
  /** `_id`, lower case. */
  ids?: string[];
  /** The observation codes asked for (every code when the search names none). */
  codes: string[];
  /** Whether the forecast observations, effective at the search's instant, meet the `date` conditions. */
  forecastMeetsDates: boolean;
  /** The `date` conditions the reported reading's instant must meet. */
  dates: readonly DateCondition[];
}

export interface StatementFilter extends FhirPumpScope {
  ids?: string[];
  statuses?: string[];
  now: Date;
}

/** One page of ids (ordered as the Bundle is) with the total over every page; `more`: a further page follows. */
export interface IdPage<T> {
  total: number;
  more: boolean;
  entries: T[];
}

interface PageRecord {
  total: number;
  id: string | null;
  pump_id: string | null;
}

/** A uuid as PostgreSQL writes it (uuid::text), as it starts every Observation id. */
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const PUMP_SCOPE_SQL = (clinic: string, patient: string, pump: string) => `($1::uuid[] IS NULL OR ${clinic} = ANY($1::uuid[]))
      AND ($2::uuid[] IS NULL OR ${patient} = ANY($2::uuid[]))
      AND ($3::uuid[] IS NULL OR ${pump} = ANY($3::uuid[]))`;

/**
 * A `date` condition on an instant as fhir-search's meetsDates reads it (an instant is the period [t, t]); `bind` adds a parameter
 * and answers its placeholder (only the bounds the condition uses are bound: PostgreSQL refuses a parameter it cannot type).
 */
function dateConditionSql(condition: DateCondition, instant: string, bind: (value: unknown) => string): string {
  const start = () => `${bind(new Date(condition.startMs).toISOString())}::timestamptz`;
  const end = () => `${bind(new Date(condition.endMs).toISOString())}::timestamptz`;
  switch (condition.prefix) {
    case 'eq':
      return `(${instant} >= ${start()} AND ${instant} < ${end()})`;
    case 'ne':
      return `NOT (${instant} >= ${start()} AND ${instant} < ${end()})`;
    case 'gt':
      return `${instant} >= ${end()}`;
    case 'lt':
      return `${instant} < ${start()}`;
    case 'ge':
      return `${instant} >= ${start()}`;
    case 'le':
      return `${instant} < ${end()}`;
  }
}

/**
 * The pumps of an Observation search as SQL on fleet_rows f (one clinic as an equality, so its index is walked in pump order), or
 * null when it can match nothing: an `_id` names no pump's observation.
 */
function observationScopeSql(filter: ObservationFilter, bind: (value: unknown) => string): string | null {
  const conditions: string[] = [];
  if (filter.clinicIds !== null)
    conditions.push(
      filter.clinicIds.length === 1
        ? `f.clinic_id = ${bind(filter.clinicIds[0])}::uuid`
        : `f.clinic_id = ANY(${bind(filter.clinicIds)}::uuid[])`,
    );
  if (filter.patientIds !== undefined) conditions.push(`f.patient_id = ANY(${bind(filter.patientIds)}::uuid[])`);
  if (filter.pumpIds !== undefined) conditions.push(`f.pump_id = ANY(${bind(filter.pumpIds)}::uuid[])`);
  if (filter.ids !== undefined) {
    // `<pumpId>-<code>`: only the named pumps' rows are read.
    const pumpIds = [...new Set(filter.ids.map((id) => id.slice(0, 36)).filter((id) => LOWER_CASE_UUID.test(id)))];
    if (pumpIds.length === 0) return null;
    conditions.push(`f.pump_id = ANY(${bind(pumpIds)}::uuid[])`);
  }
  return conditions.length === 0 ? 'true' : conditions.join(' AND ');
}

/** One page after the cursor of the `matches` CTE (id, pump_id), in code-unit order of the id as fhir-search orders, and its count. */
const PAGE_SQL = (afterParameter: number, limitParameter: number) => `
  , counted AS (SELECT count(*)::int AS total FROM matches)
  SELECT counted.total, page.id, page.pump_id
  FROM counted
  LEFT JOIN LATERAL (
    SELECT id, pump_id FROM matches
    WHERE $${afterParameter}::text IS NULL OR id COLLATE "C" > $${afterParameter}::text
    ORDER BY id COLLATE "C" LIMIT $${limitParameter}
  ) page ON true
  ORDER BY page.id COLLATE "C"`;

@Injectable()
export class FhirFleetRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The page of Observation ids (`<pumpId>-<code>`) with their pump's stored row. An observation exists exactly when
   * toFhirObservations makes it: the reading the forecast compared; the deadline and the nominal alarm of an 'ok' forecast.
   * Matched, counted and paged on fleet_rows' columns (migration 1797000000000): only the page's rows' JSON is read.
   */
  async observationPage(filter: ObservationFilter, page: PageRequest): Promise<IdPage<{ id: string; row: StoredFleetRow }>> {
    const parameters: unknown[] = [];
    const bind = (value: unknown): string => `$${parameters.push(value)}`;
    const scope = observationScopeSql(filter, bind);
    if (scope === null) return { total: 0, more: false, entries: [] };
    const readingDates = filter.dates.map((condition) => dateConditionSql(condition, 'f.reported_reading_at', bind));
    const forecastMeetsDates = filter.forecastMeetsDates ? 'true' : 'false';
    const presentSql: Record<string, string> = {
      [OBSERVATION_CODES.reservoirVolume.code]: ['f.reported_reading_at IS NOT NULL', ...readingDates].join(' AND '),
      [OBSERVATION_CODES.refillDeadline.code]: `${forecastMeetsDates} AND f.status = 'ok' AND f.refill_deadline IS NOT NULL`,
      [OBSERVATION_CODES.lowReservoirAlarm.code]:
        `${forecastMeetsDates} AND f.status = 'ok' AND f.nominal_low_reservoir_alarm_at IS NOT NULL`,
    };
    const codes = Object.keys(presentSql).filter((code) => filter.codes.includes(code));
    if (codes.length === 0) return { total: 0, more: false, entries: [] };
    const namedIds = filter.ids === undefined ? null : bind(filter.ids);
    const after = page.afterId === null ? null : bind(page.afterId);
    /** The observation `code` of row f matches; `paged`: and it follows the cursor. */
    const matchSql = (code: string, paged: boolean): string =>
      [
        `(${presentSql[code]})`,
        ...(namedIds === null ? [] : [`f.pump_id::text || '-${code}' = ANY(${namedIds}::text[])`]),
        ...(paged && after !== null ? [`(f.pump_id::text || '-${code}') COLLATE "C" > ${after}::text`] : []),
      ].join(' AND ');
    // An id is its pump's uuid (36 characters of lower-case hex, whose "C" order is uuid order), '-' and the code: ids in order are
    // pumps in order, each pump's codes in order. So the page is its first `count + 1` pumps with an id after the cursor, walked
    // in pump order along an index from the cursor's pump, and no row's JSON is read until the page is known.
    const afterPump = page.afterId !== null && LOWER_CASE_UUID.test(page.afterId.slice(0, 36)) ? bind(page.afterId.slice(0, 36)) : null;
    const limit = bind(page.count + 1);
    const records: PageRecord[] = await this.dataSource.query(
      `SELECT counted.total, page.id, page.pump_id
       FROM (
         SELECT COALESCE(sum(${codes.map((code) => `CASE WHEN ${matchSql(code, false)} THEN 1 ELSE 0 END`).join(' + ')}), 0)::int AS total
         FROM fleet_rows f WHERE ${scope}
       ) counted
       LEFT JOIN LATERAL (
         SELECT f.pump_id::text || '-' || c.code AS id, f.pump_id
         FROM (
           SELECT f.pump_id, f.status, f.refill_deadline, f.reported_reading_at, f.nominal_low_reservoir_alarm_at
           FROM fleet_rows f
           WHERE ${scope}${afterPump === null ? '' : ` AND f.pump_id >= ${afterPump}::uuid`}
             AND (${codes.map((code) => matchSql(code, true)).join(' OR ')})
           ORDER BY f.pump_id LIMIT ${limit}
         ) f
         CROSS JOIN LATERAL (VALUES ${codes.map((code) => `('${code}', ${matchSql(code, true)})`).join(', ')}) AS c(code, present)
         WHERE c.present
         ORDER BY f.pump_id, c.code COLLATE "C" LIMIT ${limit}
       ) page ON true
       ORDER BY page.id COLLATE "C"`,
      parameters,
    );
    const ids = pageIds(records);
    const rows: { pump_id: string; row: StoredFleetRow }[] =
      ids.length === 0
        ? []
        : await this.dataSource.query('SELECT pump_id, row FROM fleet_rows WHERE pump_id = ANY($1::uuid[])', [
            [...new Set(ids.map((r) => r.pumpId))],
          ]);
    const rowByPump = new Map(rows.map((r) => [r.pump_id, r.row]));
    return pageOf(
      records,
      page,
      ids.flatMap(({ id, pumpId }) => {
        const row = rowByPump.get(pumpId);
        return row ? [{ id, row }] : [];
      }),
    );
  }

  /**
   * The page of program ids (MedicationStatement ids) with their pump, the status as toFhirMedicationStatements gives it: 'intended'
   * before its start on an active pump, 'completed' once the next program or the explant ended it, else 'active'.
   */
  async statementPage(filter: StatementFilter, page: PageRequest): Promise<IdPage<{ id: string; pumpId: string }>> {
    const records: PageRecord[] = await this.dataSource.query(
      `WITH statements AS MATERIALIZED (
         SELECT g.id::text AS id, g.pump_id,
           CASE
             WHEN g.effective_from > $6::timestamptz AND p.explanted_at IS NULL THEN 'intended'
             WHEN LEAST(lead(g.effective_from) OVER (PARTITION BY g.pump_id ORDER BY g.effective_from), p.explanted_at) <= $6::timestamptz
               THEN 'completed'
             ELSE 'active'
           END AS status
         FROM programs g JOIN pumps p ON p.id = g.pump_id
         WHERE ${PUMP_SCOPE_SQL('p.clinic_id', 'p.patient_id', 'p.id')}
       ),
       matches AS (
         SELECT id, pump_id FROM statements
         WHERE ($4::text[] IS NULL OR id = ANY($4::text[])) AND ($5::text[] IS NULL OR status = ANY($5::text[]))
       )${PAGE_SQL(7, 8)}`,
      [
        filter.clinicIds,
        filter.patientIds ?? null,
        filter.pumpIds ?? null,
        filter.ids ?? null,
        filter.statuses ?? null,
        filter.now,
        page.afterId,
        page.count + 1,
      ],
    );
    return pageOf(records, page, pageIds(records));
  }
}

function pageIds(records: PageRecord[]): { id: string; pumpId: string }[] {
  return records.flatMap((r) => (r.id === null || r.pump_id === null ? [] : [{ id: r.id, pumpId: r.pump_id }]));
}

/** The first `count` entries; one more read than shown tells whether a next page follows. */
function pageOf<T>(records: PageRecord[], page: PageRequest, entries: T[]): IdPage<T> {
  return { total: records[0]?.total ?? 0, more: pageIds(records).length > page.count, entries: entries.slice(0, page.count) };
}
