// Fleet table order and filter: the sortable columns, the urgency chips' filter, both kept in the URL (?sort=&dir=&urgency=).
import { compareByUrgency, FLEET_SORT_KEYS, foldForSearch, URGENCY_LEVELS } from '@pumpwatch/shared';
import type { FleetPump, FleetSortKey, Urgency } from '@pumpwatch/shared';

export type { FleetSortKey };
export type SortDirection = 'ascending' | 'descending';
export interface FleetSort {
  key: FleetSortKey;
  direction: SortDirection;
}

export const URGENCY_ORDER: readonly Urgency[] = URGENCY_LEVELS;
export const DEFAULT_SORT: FleetSort = { key: 'urgency', direction: 'ascending' };

export function parseSort(key: string | null, dir: string | null): FleetSort {
  const k = FLEET_SORT_KEYS.find((s) => s === key) ?? DEFAULT_SORT.key;
  return { key: k, direction: dir === 'descending' ? 'descending' : 'ascending' };
}

export function parseUrgency(value: string | null): Urgency | null {
  return URGENCY_ORDER.find((u) => u === value) ?? null;
}

/** Names compare as the server orders them: accents and case folded, then code point by code point (PostgreSQL's "C" collation). */
function compareNames(a: string, b: string): number {
  const x = foldForSearch(a);
  const y = foldForSearch(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Unknown values (no forecast, no volume) sort first in ascending order: nobody knows how close that pump is to empty. */
function byNullableNumber(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

function compareBy(key: FleetSortKey, a: FleetPump, b: FleetPump, nowMs: number): number {
  switch (key) {
    case 'urgency':
      return compareByUrgency(a, b, nowMs);
    case 'patient':
      return compareNames(a.patient.displayName, b.patient.displayName);
    case 'daysLeft':
      return byNullableNumber(a.daysLeft, b.daysLeft);
    case 'deadline':
      return byNullableNumber(
        a.refillDeadline ? Date.parse(a.refillDeadline) : null,
        b.refillDeadline ? Date.parse(b.refillDeadline) : null,
      );
    case 'reservoir':
      return byNullableNumber(a.volumeMl, b.volumeMl);
  }
}

/**
 * The fleet's order, as the server pages it: ties fall back to urgency (so within equal values the most dangerous pump still comes
 * first), then patient name, then pump id. The rows' urgency must be the one at `nowMs` (assessFleetUrgency).
 */
export function compareFleetRows(a: FleetPump, b: FleetPump, sort: FleetSort, nowMs: number): number {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return (
    sign * compareBy(sort.key, a, b, nowMs) ||
    compareByUrgency(a, b, nowMs) ||
    compareNames(a.patient.displayName, b.patient.displayName) ||
    (a.pump.id < b.pump.id ? -1 : a.pump.id > b.pump.id ? 1 : 0)
  );
}

/** A sorted copy (see compareFleetRows). */
export function sortFleet<T extends FleetPump>(rows: readonly T[], sort: FleetSort, nowMs: number): T[] {
  return [...rows].sort((a, b) => compareFleetRows(a, b, sort, nowMs));
}
