// The fleet in the query cache: one infinite query per (user, q, urgency, sort, clinic) holding FleetPages, and the patch of one
// pump's row into them (replaced, moved to its place in the order, added or dropped by the filters, counts adjusted).
import { replaceEqualDeep, type InfiniteData } from '@tanstack/react-query';
import { assessFleetUrgency, fleetRowMatchesQuery, URGENCY_LEVELS } from '@pumpwatch/shared';
import type { FleetPage, FleetPump, Urgency } from '@pumpwatch/shared';
import { compareFleetRows, sortFleet, type FleetSort } from './fleet-sort';

/** Rows per request: a few screens ahead of the reader, well under 100 KB on the wire. */
export const FLEET_PAGE_SIZE = 100;

export interface FleetQuery {
  q: string;
  urgency: Urgency | null;
  sort: FleetSort;
  clinicId: string | null;
}

export type FleetData = InfiniteData<FleetPage, string | null>;

export const FLEET_QUERY_ROOT = 'fleet';
export const fleetQueryKey = (userId: string | null, query: FleetQuery) => [FLEET_QUERY_ROOT, userId, query] as const;
/** Every fleet query of one user (a prefix of fleetQueryKey). */
export const fleetQueryKeyOf = (userId: string | null) => [FLEET_QUERY_ROOT, userId] as const;

/** A row as known now: pump.changed's row, GET fleet-row's, or null once the pump left the fleet; `version` orders them. */
export interface RowPatch {
  pumpId: string;
  row: FleetPump | null;
  version: number;
  /**
   * Read just now (GET fleet-row): it also replaces a row of the same version, which the server recomputes as the clock moves
   * (volume, reasons) without a new version.
   */
  read?: boolean;
}

/** Whether `patch` is newer than what is held at version `held`. */
export function supersedes(patch: RowPatch, held: number): boolean {
  return patch.version > held || (patch.read === true && patch.version === held);
}

/** A row without a version (a server before the read model) loses against any patch. */
export function rowVersion(row: FleetPump): number {
  return row.fleetRowVersion ?? -1;
}

function emptyCounts(): Record<Urgency, number> {
  return Object.fromEntries(URGENCY_LEVELS.map((u) => [u, 0])) as Record<Urgency, number>;
}

/** The row's urgency at `nowMs`, as the server ranks it when it answers (the stored one was computed at its last change). */
export function urgencyAt(row: FleetPump, nowMs: number): Urgency {
  return assessFleetUrgency(row, nowMs).urgency;
}

/** Rows re-assessed at a minute, kept per row object: a burst of patches places each against the same loaded rows. */
const assessed = new WeakMap<FleetPump, { nowMs: number; row: FleetPump }>();

function atNow(row: FleetPump, nowMs: number): FleetPump {
  const known = assessed.get(row);
  if (known && known.nowMs === nowMs) return known.row;
  const fresh = { ...row, ...assessFleetUrgency(row, nowMs) };
  assessed.set(row, { nowMs, row: fresh });
  return fresh;
}

/** In the fleet the query counts (clinic and q; the chips' counts ignore the urgency filter). */
function inCountedFleet(row: FleetPump, query: FleetQuery): boolean {
  return (query.clinicId === null || row.clinic.id === query.clinicId) && fleetRowMatchesQuery(row, query.q);
}

function inQuery(row: FleetPump, query: FleetQuery, nowMs: number): boolean {
  return inCountedFleet(row, query) && (query.urgency === null || urgencyAt(row, nowMs) === query.urgency);
}

/** A server before the read model answers every row as a bare list: one page, filtered, counted and ordered here. */
export function asFleetPage(answer: FleetPage | FleetPump[], query: FleetQuery, nowMs: number): FleetPage {
  if (!Array.isArray(answer)) return answer;
  const counts = emptyCounts();
  for (const row of answer) counts[urgencyAt(row, nowMs)] += 1;
  const rows = sortFleet(
    answer.filter((row) => inQuery(row, query, nowMs)),
    query.sort,
    nowMs,
  );
  return { rows, nextCursor: null, counts, total: rows.length, lastEventId: 0 };
}

/** The last row object read per pump, across every fleet query (filter, order, chip): bounded, emptied when full. */
const lastReadRow = new Map<string, FleetPump>();
const LAST_READ_ROWS_KEPT = 20_000;

/**
 * The page with each row that equals the one last read for its pump replaced by that very object: a new filter's answer then
 * re-renders only the rows that changed (the table's rows are memoised on the row object), not every row on screen.
 */
export function withKnownRows(page: FleetPage): FleetPage {
  if (lastReadRow.size > LAST_READ_ROWS_KEPT) lastReadRow.clear();
  const rows = page.rows.map((row) => {
    const held = lastReadRow.get(row.pump.id);
    const kept = held === undefined ? row : replaceEqualDeep(held, row);
    lastReadRow.set(row.pump.id, kept);
    return kept;
  });
  return { ...page, rows };
}

/** Every loaded row in order, each pump once (a row that moved between two page reads is shown where it was read first). */
export function loadedRows(data: { pages: readonly FleetPage[] } | undefined): FleetPump[] {
  if (!data) return [];
  const seen = new Set<string>();
  const rows: FleetPump[] = [];
  for (const page of data.pages) {
    for (const row of page.rows) {
      if (seen.has(row.pump.id)) continue;
      seen.add(row.pump.id);
      rows.push(row);
    }
  }
  return rows;
}

export function hasMorePages(data: { pages: readonly FleetPage[] }): boolean {
  return data.pages.length > 0 && data.pages[data.pages.length - 1].nextCursor !== null;
}

export interface PatchResult {
  data: FleetData;
  /** False when the pump's place in the counts before this change is unknown (never loaded): the counts need a fresh read. */
  countsExact: boolean;
}

/**
 * `data` with the patch applied, or null when it changes nothing (an older or equal version, a pump neither shown nor joining).
 * The row lands where the order puts it among the loaded rows; past the last loaded row while more pages exist it is left to the
 * next page, whose keyset cursor will bring it.
 */
export function applyRowPatch(data: FleetData, query: FleetQuery, patch: RowPatch, nowMs: number): PatchResult | null {
  let old: FleetPump | null = null;
  for (const page of data.pages) {
    old = page.rows.find((row) => row.pump.id === patch.pumpId) ?? null;
    if (old) break;
  }
  if (old && !supersedes(patch, rowVersion(old))) return null;
  const joins = patch.row !== null && inQuery(patch.row, query, nowMs);
  const counted = patch.row !== null && inCountedFleet(patch.row, query);
  const more = hasMorePages(data);
  const pages = data.pages.map((page) => ({ ...page, rows: page.rows.filter((row) => row.pump.id !== patch.pumpId) }));

  let inserted = false;
  if (joins && patch.row) {
    const row = patch.row;
    const placed = atNow(row, nowMs);
    let target: { page: number; index: number } | null = null;
    for (let p = 0; p < pages.length && target === null; p++) {
      const index = pages[p].rows.findIndex((other) => compareFleetRows(placed, atNow(other, nowMs), query.sort, nowMs) < 0);
      if (index >= 0) target = { page: p, index };
    }
    if (target === null && !more && pages.length > 0) target = { page: pages.length - 1, index: pages[pages.length - 1].rows.length };
    if (target !== null) {
      pages[target.page].rows.splice(target.index, 0, row);
      inserted = true;
    }
  }

  // Counts and total are exact when the old row was loaded, or when every page is loaded and the query has no urgency filter (a
  // pump absent from the rows was then outside the counted fleet).
  const countsExact = old !== null || (!more && query.urgency === null);
  const first = pages[0];
  if (first && countsExact && (old !== null || counted)) {
    const counts = { ...first.counts };
    let total = first.total;
    if (old) {
      const was = urgencyAt(old, nowMs);
      counts[was] = Math.max(0, (counts[was] ?? 0) - 1);
      total = Math.max(0, total - 1);
    }
    if (patch.row !== null && counted) {
      const now = urgencyAt(patch.row, nowMs);
      counts[now] = (counts[now] ?? 0) + 1;
    }
    if (joins) total += 1;
    pages[0] = { ...first, counts, total };
  } else if (!old && !inserted) {
    // Nothing shown changes: either nothing at all, or counts this cache cannot know without a read.
    return countsExact ? null : { data, countsExact };
  }
  return { data: { ...data, pages }, countsExact };
}

/** Fresh counts and total (from a one-row read of the same query) written into the cached first page. */
export function withCounts(data: FleetData, fresh: FleetPage): FleetData {
  if (data.pages.length === 0) return data;
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first, counts: fresh.counts, total: fresh.total }, ...rest] };
}
