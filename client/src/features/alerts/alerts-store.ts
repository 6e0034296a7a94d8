// The signed-in user's unresolved alerts, one store for the whole dashboard: loaded a page at a time (every critical at once, more on
// demand), then kept live from alert.raised / alert.updated, patched by id; the counts per severity follow the same events.
import { useSyncExternalStore } from 'react';
import {
  ALERT_SEVERITIES,
  compareAlertsForList,
  hiddenBySnooze,
  type Alert,
  type AlertChange,
  type AlertSeverity,
  type AlertSeverityCounts,
  type Page,
  type SnoozeMinutes,
  type UserSnooze,
} from '@pumpwatch/shared';
import { api, type AlertListPage } from '../../lib/api';
import {
  subscribeAlertRaised,
  subscribeAlertSnoozed,
  subscribeAlertUpdated,
  subscribePageSent,
  subscribeReconnect,
} from '../../lib/socket';

export type AlertsLoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface AlertsSnapshot {
  status: AlertsLoadStatus;
  error: string | null;
  /** Open and acknowledged alerts of the user's clinics, in compareAlertsForList's order (as GET /api/alerts); the user's snoozed ones included. */
  alerts: readonly Alert[];
  /** The user's own snoozes still running, by alert id (per user: an alert.snoozed event of another user is ignored). */
  snoozes: ReadonlyMap<string, UserSnooze>;
  /** The latest page that went to this user, by alert id (in-app paging). */
  pagesToMe: ReadonlyMap<string, Page>;
  /**
   * Every unresolved alert of the user's clinics per severity (the user's snoozed ones included, as `alerts`), loaded or not: the
   * list's x-severity-counts, moved by each live event since. null until the first answer (or from a server that does not count).
   */
  severityCounts: AlertSeverityCounts | null;
  /** More alerts wait on the server beyond the ones loaded (loadMoreAlerts). */
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last "more" failed, until the next try. */
  moreError: string | null;
}

/** Alerts per request: the first page, and each "show more". */
export const ALERT_PAGE_SIZE = 100;
/** The server lists at most this many per request (a reload after a reconnect asks for as many as were loaded, up to this). */
const LIST_LIMIT_MAX = 1000;
/** The first load keeps reading while its pages end on a critical alert (title count and sound need them all); a bound on it. */
const MAX_CRITICAL_PAGES = 20;
/** A live event whose count effect cannot be known (a severity change of an alert never loaded) re-reads the counts after this. */
const COUNTS_REFRESH_DELAY_MS = 3_000;
/**
 * Live events are shown together: the first after a quiet spell at once, then at most once per this long, or per the last
 * publication's own cost (sort and render) when that is longer. Publishing every event re-sorted and re-rendered the whole list each
 * time: at 5,000 pumps (thousands of alerts) an alert burst (a replay after a reconnect, a sweep raising labs due) kept the page's
 * main thread busy for seconds per second, and the socket events behind it, fleet row patches included, waited tens of seconds.
 */
const LIVE_PUBLISH_MIN_GAP_MS = 50;

let userId: string | null = null;
let status: AlertsLoadStatus = 'idle';
let error: string | null = null;
const byId = new Map<string, Alert>();
/** Resolved alerts with the event id of their resolution: an older event arriving late must not bring them back. */
const resolved = new Map<string, number>();
const snoozes = new Map<string, UserSnooze>();
const pagesToMe = new Map<string, Page>();
/** Events received while a load is on its way, re-applied on its answer so none is lost between the two. */
let duringLoad: Alert[] | null = null;
let loadSeq = 0;
let nextCursor: string | null = null;
let loadingMore = false;
let moreError: string | null = null;
let unsubscribe: (() => void)[] = [];
const listeners = new Set<() => void>();
let snapshot: AlertsSnapshot = {
  status,
  error,
  alerts: [],
  snoozes,
  pagesToMe,
  severityCounts: null,
  hasMore: false,
  loadingMore,
  moreError,
};

// ---- Counts per severity: the answer's counts as of its x-last-event-id, plus what each later event changed ----

/** Where an alert is counted: its severity, or null (resolved, or not raised yet). */
type Counted = AlertSeverity | null;
/** One event's move in the counts; `from` undefined: not knowable here (a severity change of an alert this page never saw). */
interface CountStep {
  eventId: number;
  from: Counted | undefined;
  to: Counted;
}

let severityCounts: AlertSeverityCounts | null = null;
/** The event the counts were read at: later events move them. */
let countsEventId = 0;
/** Each alert's place in the counts after the latest event (or answer) about it, with that event's id. */
const countedAs = new Map<string, { counted: Counted; eventId: number }>();
/** Steps taken while a counts answer is on its way, taken again on top of it when they came after what it reflects. */
let stepsDuringCountsRead: CountStep[] | null = null;
let countsRefreshTimer: ReturnType<typeof setTimeout> | null = null;
let countsSeq = 0;

function takeStep(step: CountStep): void {
  if (severityCounts === null || step.eventId <= countsEventId) return;
  if (step.from === undefined) {
    scheduleCountsRefresh();
    return;
  }
  const next = { ...severityCounts };
  if (step.from !== null) next[step.from] = Math.max(0, next[step.from] - 1);
  if (step.to !== null) next[step.to]++;
  severityCounts = next;
}

function countLiveEvent(eventId: number, alert: Alert, change: AlertChange | 'raised'): void {
  const known = countedAs.get(alert.id);
  if (known && known.eventId >= eventId) return;
  const to: Counted = alert.status === 'resolved' ? null : alert.severity;
  // Unknown alert: a raise is new; any other change but a severity change kept its severity and came from an unresolved state.
  const from = known ? known.counted : change === 'raised' ? null : change === 'severity_changed' ? undefined : alert.severity;
  countedAs.set(alert.id, { counted: to, eventId });
  const step = { eventId, from, to };
  stepsDuringCountsRead?.push(step);
  takeStep(step);
}

/** The counts of an answer: what it reflects (x-last-event-id), then the steps of events after it that arrived meanwhile. */
function takeCounts(page: AlertListPage, steps: CountStep[]): void {
  if (page.severityCounts === null) return;
  severityCounts = page.severityCounts;
  countsEventId = page.lastEventId ?? 0;
  for (const alert of page.alerts) {
    const known = countedAs.get(alert.id);
    if (!known || known.eventId < alert.lastEventId)
      countedAs.set(alert.id, { counted: alert.status === 'resolved' ? null : alert.severity, eventId: alert.lastEventId });
  }
  for (const step of steps) takeStep(step);
}

function scheduleCountsRefresh(): void {
  if (countsRefreshTimer !== null || userId === null) return;
  countsRefreshTimer = setTimeout(() => {
    countsRefreshTimer = null;
    void refreshCounts();
  }, COUNTS_REFRESH_DELAY_MS);
}

/** Re-reads the counts alone (a one-alert page), keeping the loaded alerts. */
async function refreshCounts(): Promise<void> {
  // A load on its way brings fresh counts anyway.
  if (duringLoad !== null || userId === null) return;
  const mine = ++countsSeq;
  const seq = loadSeq;
  const steps: CountStep[] = [];
  stepsDuringCountsRead = steps;
  try {
    const page = await api.listAlertsPage({ includeSnoozed: true, limit: 1 });
    if (mine !== countsSeq || seq !== loadSeq) return;
    takeCounts({ ...page, alerts: [] }, steps);
    publish();
  } catch {
    // The counts stay as they were; the next uncertain event tries again.
  } finally {
    if (mine === countsSeq) stepsDuringCountsRead = null;
  }
}

let livePublishTimer: ReturnType<typeof setTimeout> | null = null;
/** performance.now() before which the next live publication waits (see LIVE_PUBLISH_MIN_GAP_MS). */
let nextLivePublishAt = 0;

/** A live event changed the store: published with the others arriving meanwhile (see LIVE_PUBLISH_MIN_GAP_MS). */
function publishLive(): void {
  if (livePublishTimer !== null) return;
  livePublishTimer = setTimeout(
    () => {
      livePublishTimer = null;
      const started = performance.now();
      publish();
      // React renders the store's subscribers in a microtask publish() queued: this one runs after that render.
      queueMicrotask(() => {
        const now = performance.now();
        nextLivePublishAt = now + Math.max(LIVE_PUBLISH_MIN_GAP_MS, now - started);
      });
    },
    Math.max(0, nextLivePublishAt - performance.now()),
  );
}

function publish(): void {
  // Everything changed so far goes out now: a live publication waiting for its turn has nothing left to add.
  if (livePublishTimer !== null) {
    clearTimeout(livePublishTimer);
    livePublishTimer = null;
  }
  snapshot = {
    status,
    error,
    alerts: [...byId.values()].sort(compareAlertsForList),
    snoozes: new Map(snoozes),
    pagesToMe: new Map(pagesToMe),
    severityCounts: severityCounts && { ...severityCounts },
    hasMore: nextCursor !== null,
    loadingMore,
    moreError,
  };
  for (const l of listeners) l();
}

/**
 * Takes `alert` unless what we hold is newer: `lastEventId` is the event of the alert's latest change, so an answer or event
 * at or below it is already reflected. `fromRest`: the answer carries this user's snooze (socket events never do).
 */
function apply(received: Alert, fromRest: boolean): void {
  // An event stored before lastRaisedAt existed (replayed after an upgrade) has none: its first raise is its latest known one.
  const alert = received.lastRaisedAt ? received : { ...received, lastRaisedAt: received.firstRaisedAt };
  const current = byId.get(alert.id);
  if (current && current.lastEventId > alert.lastEventId) return;
  const resolvedBy = resolved.get(alert.id);
  if (resolvedBy !== undefined && resolvedBy >= alert.lastEventId) return;
  if (alert.status === 'resolved') {
    byId.delete(alert.id);
    snoozes.delete(alert.id);
    pagesToMe.delete(alert.id);
    resolved.set(alert.id, alert.lastEventId);
    return;
  }
  byId.set(alert.id, alert);
  if (fromRest) {
    // The server names a snooze only while it still hides the alert: record the severity it was judged at.
    if (alert.snoozedUntil) snoozes.set(alert.id, { snoozedUntil: alert.snoozedUntil, severityAtSnooze: alert.severity });
    else snoozes.delete(alert.id);
  }
}

/** A live event: the alert patched by id (never a refetch of the list), the counts moved by what changed. */
function onLiveAlert(eventId: number, alert: Alert, change: AlertChange | 'raised'): void {
  if (userId === null) return;
  duringLoad?.push(alert);
  apply(alert, false);
  countLiveEvent(eventId, alert, change);
  publishLive();
}

async function load(): Promise<void> {
  const mine = ++loadSeq;
  countsSeq++;
  duringLoad = [];
  stepsDuringCountsRead = [];
  const steps = stepsDuringCountsRead;
  status = byId.size === 0 ? 'loading' : status;
  publish();
  try {
    // Snoozed ones too, with their end: a live event about a snoozed alert must not bring it back early. After a reconnect, as
    // many as were shown, so the list does not shrink under the nurse's eyes.
    const limit = Math.min(LIST_LIMIT_MAX, Math.max(ALERT_PAGE_SIZE, byId.size));
    const first = await api.listAlertsPage({ includeSnoozed: true, limit });
    if (mine !== loadSeq) return;
    const list = [...first.alerts];
    let cursor = first.nextCursor;
    // Every critical alert, however many: the tab title and the alarm sound count them, and a critical one is never behind "more".
    for (
      let pages = 0;
      cursor !== null && list.length > 0 && list[list.length - 1].severity === 'critical' && pages < MAX_CRITICAL_PAGES;
      pages++
    ) {
      const more = await api.listAlertsPage({ includeSnoozed: true, limit: ALERT_PAGE_SIZE, cursor });
      if (mine !== loadSeq) return;
      list.push(...more.alerts);
      cursor = more.nextCursor;
    }
    const missed = duringLoad ?? [];
    byId.clear();
    snoozes.clear();
    for (const alert of list) apply(alert, true);
    for (const alert of missed) apply(alert, false);
    nextCursor = cursor;
    moreError = null;
    takeCounts(first, steps);
    status = 'ready';
    error = null;
  } catch (err) {
    if (mine !== loadSeq) return;
    status = 'error';
    error = err instanceof Error ? err.message : String(err);
  } finally {
    if (mine === loadSeq) {
      duringLoad = null;
      if (stepsDuringCountsRead === steps) stepsDuringCountsRead = null;
    }
  }
  publish();
}

/** The next page after the loaded ones ("Show more"); alerts already held (from live events) are kept, patched by id. */
export async function loadMoreAlerts(): Promise<void> {
  if (userId === null || nextCursor === null || loadingMore || status !== 'ready') return;
  const mine = loadSeq;
  loadingMore = true;
  moreError = null;
  publish();
  try {
    const page = await api.listAlertsPage({ includeSnoozed: true, limit: ALERT_PAGE_SIZE, cursor: nextCursor });
    if (mine !== loadSeq) return;
    for (const alert of page.alerts) apply(alert, true);
    nextCursor = page.nextCursor;
  } catch (err) {
    if (mine !== loadSeq) return;
    moreError = err instanceof Error ? err.message : String(err);
  } finally {
    if (mine === loadSeq) loadingMore = false;
  }
  publish();
}

/** Loads the alerts of `forUserId` and follows them live; another user starts from nothing. */
export function startAlerts(forUserId: string): void {
  if (userId === forUserId) return;
  stopAlerts();
  userId = forUserId;
  unsubscribe = [
    subscribeAlertRaised((event) => onLiveAlert(event.eventId, event.alert, 'raised')),
    subscribeAlertUpdated((event) => onLiveAlert(event.eventId, event.alert, event.change)),
    subscribePageSent((event) => {
      if (userId === null || event.page.recipient?.userId !== userId) return;
      pagesToMe.set(event.page.alertId, event.page);
      publishLive();
    }),
    // Snoozed on another of this user's dashboards: hidden here too.
    subscribeAlertSnoozed((event) => {
      if (userId === null || event.userId !== userId) return;
      snoozes.set(event.alertId, { snoozedUntil: event.snoozedUntil, severityAtSnooze: event.severityAtSnooze });
      publishLive();
    }),
    // The server replays what was missed; a fresh list as well covers anything older than the events we ever saw.
    subscribeReconnect(() => void load()),
  ];
  void load();
}

/** Forgets everything (sign-out): the next user must never see the previous user's alerts. */
export function stopAlerts(): void {
  for (const u of unsubscribe) u();
  unsubscribe = [];
  userId = null;
  loadSeq++;
  countsSeq++;
  duringLoad = null;
  nextCursor = null;
  loadingMore = false;
  moreError = null;
  severityCounts = null;
  countsEventId = 0;
  countedAs.clear();
  stepsDuringCountsRead = null;
  if (countsRefreshTimer !== null) clearTimeout(countsRefreshTimer);
  countsRefreshTimer = null;
  byId.clear();
  resolved.clear();
  snoozes.clear();
  pagesToMe.clear();
  status = 'idle';
  error = null;
  publish();
}

export function reloadAlerts(): void {
  if (userId !== null) void load();
}

export async function acknowledgeAlert(id: string, note: string): Promise<void> {
  const trimmed = note.trim();
  apply(await api.acknowledgeAlert(id, trimmed ? { note: trimmed } : {}), true);
  publish();
}

export async function resolveAlert(id: string, note: string): Promise<void> {
  apply(await api.resolveAlert(id, { note: note.trim() }), true);
  publish();
}

export async function snoozeAlert(id: string, minutes: SnoozeMinutes): Promise<void> {
  apply(await api.snoozeAlert(id, { minutes }), true);
  publish();
}

/** Whether the user's own snooze hides `alert` at `nowIso` (until it ends, or the alert got more severe than when snoozed). */
export function isSnoozed(alert: Alert, snoozeMap: ReadonlyMap<string, UserSnooze>, nowIso: string): boolean {
  return hiddenBySnooze(snoozeMap.get(alert.id) ?? null, alert.severity, nowIso);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useAlerts(): AlertsSnapshot {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => snapshot,
  );
}

/** How many of each severity the store holds (snoozed included, as severityCounts counts them). */
export function loadedCountsOf(alerts: readonly Alert[]): AlertSeverityCounts {
  const counts = Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, 0])) as AlertSeverityCounts;
  for (const alert of alerts) counts[alert.severity]++;
  return counts;
}
