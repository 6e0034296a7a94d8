// Fleet table order and filter: the sortable columns, the urgency chips' filter, both kept in the URL (?sort=&dir=&urgency=).
import { compareByUrgency } from '@pumpwatch/shared';
import type { FleetPump, Urgency } from '@pumpwatch/shared';

export type FleetSortKey = 'urgency' | 'patient' | 'daysLeft' | 'deadline' | 'reservoir';
export type SortDirection = 'ascending' | 'descending';
export interface FleetSort { key: FleetSortKey; direction: SortDirection }

export const FLEET_SORT_KEYS: readonly FleetSortKey[] = ['urgency', 'patient', 'daysLeft', 'deadline', 'reservoir'];
export const URGENCY_ORDER: readonly Urgency[] = ['delivery_interrupted', 'overdue', 'critical', 'no_forecast', 'urgent', 'warning', 'ok'];
export const DEFAULT_SORT: FleetSort = { key: 'urgency', direction: 'ascending' };

export function parseSort(key: string | null, dir: string | null): FleetSort {
  const k = FLEET_SORT_KEYS.find((s) => s === key) ?? DEFAULT_SORT.key;
  return { key: k, direction: dir === 'descending' ? 'descending' : 'ascending' };
}

export function parseUrgency(value: string | null): Urgency | null {
  return URGENCY_ORDER.find((u) => u === value) ?? null;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Unknown values (no forecast, no volume) sort first in ascending order: nobody knows how close that pump is to empty. */
function byNullableNumber(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

function compareBy(key: FleetSortKey, a: FleetPump, b: FleetPump, nowMs: number): number {
  switch (key) {
    case 'urgency': return compareByUrgency(a, b, nowMs);
    case 'patient': return collator.compare(a.patient.displayName, b.patient.displayName);
    case 'daysLeft': return byNullableNumber(a.daysLeft, b.daysLeft);
    case 'deadline': return byNullableNumber(a.refillDeadline ? Date.parse(a.refillDeadline) : null, b.refillDeadline ? Date.parse(b.refillDeadline) : null);
    case 'reservoir': return byNullableNumber(a.volumeMl, b.volumeMl);
  }
}

/** A sorted copy; ties fall back to urgency, so within equal values the most dangerous pump still comes first. */
export function sortFleet<T extends FleetPump>(rows: readonly T[], sort: FleetSort, nowMs: number): T[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareBy(sort.key, a, b, nowMs) || compareByUrgency(a, b, nowMs));
}
