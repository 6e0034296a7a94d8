// Keeps every cached fleet query current from socket events, one row at a time: pump.changed patches its row (fetching it when
// the event came without one), an alert about a shown pump refetches that pump's row. Never a refetch of the fleet per event.
import type { Query, QueryClient } from '@tanstack/react-query';
import type { Alert, FleetPage, PumpChangedEvent } from '@pumpwatch/shared';
import { api, ApiError } from '../../lib/api';
import { minuteNow } from '../../lib/minute-ticker';
import { subscribeAlertRaised, subscribeAlertUpdated, subscribePumpChanged } from '../../lib/socket';
import { applyRowPatch, FLEET_QUERY_ROOT, loadedRows, withCounts, type FleetData, type FleetQuery, type RowPatch } from './fleet-cache';
import { markRowChanged } from './recently-changed';

/**
 * How long a patch is kept to be applied again after a page read lands: a read started before the event would otherwise put the
 * older row back (react-query builds the next pages from the pages as they were when the read began).
 */
const PATCH_MEMORY_MS = 120_000;
/** Counts that a patch could not adjust (the pump was never loaded) are read again once events settle, not once per event. */
const COUNTS_REFRESH_DEBOUNCE_MS = 1_000;
/** Patches arriving within this time are written to the cache together (one render of the table per burst, not per event). */
const PATCH_FLUSH_MS = 16;
/** Row reads asked in the same moment (a burst of alerts) go out together, each pump once. */
const ROW_FETCH_BATCH_MS = 50;

type FleetQueryKey = readonly [typeof FLEET_QUERY_ROOT, string | null, FleetQuery];

const recentPatches = new Map<string, { patch: RowPatch; atMs: number }>();
const rowsToFetch = new Map<string, number>();
let rowFetchTimer: ReturnType<typeof setTimeout> | undefined;
const countsTimers = new Map<string, ReturnType<typeof setTimeout>>();

function fleetQueries(client: QueryClient): Query<FleetData, Error, FleetData, FleetQueryKey>[] {
  return client.getQueryCache().findAll({ queryKey: [FLEET_QUERY_ROOT] }) as unknown as Query<FleetData, Error, FleetData, FleetQueryKey>[];
}

function remember(patch: RowPatch): boolean {
  const known = recentPatches.get(patch.pumpId);
  if (known && known.patch.version > patch.version) return false;
  const nowMs = Date.now();
  recentPatches.delete(patch.pumpId);
  recentPatches.set(patch.pumpId, { patch, atMs: nowMs });
  for (const [id, entry] of recentPatches) {
    if (nowMs - entry.atMs <= PATCH_MEMORY_MS) break;
    recentPatches.delete(id);
  }
  return true;
}

/** `afterRead`: the patches go onto a fresh read, whose counts are at least as new as any count this cache could not adjust. */
function patchQuery(
  client: QueryClient,
  query: Query<FleetData, Error, FleetData, FleetQueryKey>,
  patches: Iterable<RowPatch>,
  afterRead = false,
): void {
  const data = query.state.data;
  if (!data) return;
  const fleetQuery = query.queryKey[2];
  const nowMs = minuteNow();
  let next = data;
  let countsExact = true;
  for (const patch of patches) {
    const result = applyRowPatch(next, fleetQuery, patch, nowMs);
    if (!result) continue;
    next = result.data;
    countsExact &&= result.countsExact;
  }
  if (next !== data) client.setQueryData(query.queryKey, next);
  if (!countsExact && !afterRead) scheduleCountsRefresh(client, query.queryKey);
}

/** Patches that arrived since the last flush: a burst of events (a replay after a reconnect) becomes one cache write and one render. */
const pendingPatches: RowPatch[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** One row as it is now, into every cached fleet query (those not on screen too, so going back to the fleet shows it current). */
function applyPatch(client: QueryClient, patch: RowPatch): void {
  if (!remember(patch)) return;
  pendingPatches.push(patch);
  if (flushTimer !== undefined) return;
  flushTimer = setTimeout(() => {
    flushTimer = undefined;
    const patches = pendingPatches.splice(0);
    for (const query of fleetQueries(client)) patchQuery(client, query, patches);
  }, PATCH_FLUSH_MS);
}

function scheduleCountsRefresh(client: QueryClient, key: FleetQueryKey): void {
  const hash = JSON.stringify(key);
  clearTimeout(countsTimers.get(hash));
  countsTimers.set(
    hash,
    setTimeout(() => {
      countsTimers.delete(hash);
      const query = key[2];
      api
        .listFleetPage({
          limit: 1,
          q: query.q,
          urgency: query.urgency,
          sort: query.sort.key,
          dir: query.sort.direction,
          clinicId: query.clinicId,
        })
        .then((answer) => {
          if (Array.isArray(answer)) return;
          client.setQueryData<FleetData>(key, (data) => (data ? withCounts(data, answer as FleetPage) : data));
        })
        .catch(() => undefined); // the counts stay as they were; the next change or read corrects them
    }, COUNTS_REFRESH_DEBOUNCE_MS),
  );
}

function isShown(client: QueryClient, pumpId: string): boolean {
  return fleetQueries(client).some((query) => loadedRows(query.state.data).some((row) => row.pump.id === pumpId));
}

/** Reads the rows of these pumps now (GET /api/pumps/:id/fleet-row), `eventId` being the event that asked. */
function fetchRow(client: QueryClient, pumpId: string, eventId: number): void {
  rowsToFetch.set(pumpId, Math.max(eventId, rowsToFetch.get(pumpId) ?? 0));
  if (rowFetchTimer !== undefined) return;
  rowFetchTimer = setTimeout(() => {
    rowFetchTimer = undefined;
    const batch = [...rowsToFetch];
    rowsToFetch.clear();
    for (const [id, askedBy] of batch) {
      api.getFleetRow(id).then(
        (row) => applyPatch(client, { pumpId: id, row, version: row.fleetRowVersion ?? askedBy, read: true }),
        (error: unknown) => {
          // 404 naming the pump: it left the fleet (explanted) or this user no longer sees it.
          if (error instanceof ApiError && error.status === 404 && 'id' in error.fields)
            applyPatch(client, { pumpId: id, row: null, version: askedBy });
        },
      );
    }
  }, ROW_FETCH_BATCH_MS);
}

function onPumpChanged(client: QueryClient, event: PumpChangedEvent): void {
  markRowChanged(event.pumpId);
  if (event.fleetRow !== undefined) {
    applyPatch(client, { pumpId: event.pumpId, row: event.fleetRow, version: event.fleetRow?.fleetRowVersion ?? event.eventId });
  } else if (fleetQueries(client).length > 0) {
    fetchRow(client, event.pumpId, event.eventId);
  }
}

/** The pumps an alert is about that some cached fleet shows: its pump, or the shown pumps of its patient. */
function shownPumpsOf(client: QueryClient, alert: Alert): string[] {
  if (alert.pumpId) return isShown(client, alert.pumpId) ? [alert.pumpId] : [];
  const ids = new Set<string>();
  for (const query of fleetQueries(client)) {
    for (const row of loadedRows(query.state.data)) if (row.patient.id === alert.patientId) ids.add(row.pump.id);
  }
  return [...ids];
}

/** Sign-out: the rows kept for late page reads go with the cache. */
export function forgetFleetPatches(): void {
  recentPatches.clear();
  pendingPatches.length = 0;
  rowsToFetch.clear();
}

/**
 * Starts the fleet's live updates for the life of the page (socket listeners survive sign-in changes; the cache is keyed by user).
 * A page read that lands after events gets those events' rows again. After a reconnect the server replays every missed event in
 * order, and each patches its row as it did live: no refetch.
 */
export function startFleetLiveUpdates(client: QueryClient): () => void {
  const stops = [
    subscribePumpChanged((event) => {
      if (event) onPumpChanged(client, event);
    }),
    subscribeAlertRaised((event) => {
      for (const id of shownPumpsOf(client, event.alert)) fetchRow(client, id, event.eventId);
    }),
    subscribeAlertUpdated((event) => {
      for (const id of shownPumpsOf(client, event.alert)) fetchRow(client, id, event.eventId);
    }),
    client.getQueryCache().subscribe((cacheEvent) => {
      if (cacheEvent.type !== 'updated' || cacheEvent.action.type !== 'success' || cacheEvent.action.manual) return;
      if (cacheEvent.query.queryKey[0] !== FLEET_QUERY_ROOT || recentPatches.size === 0) return;
      const query = cacheEvent.query as unknown as Query<FleetData, Error, FleetData, FleetQueryKey>;
      patchQuery(
        client,
        query,
        [...recentPatches.values()].map((entry) => entry.patch),
        true,
      );
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
