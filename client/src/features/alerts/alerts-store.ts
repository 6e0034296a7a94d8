// The signed-in user's unresolved alerts, one store for the whole dashboard: loaded once, then kept live from alert.raised / alert.updated.
import { useSyncExternalStore } from 'react';
import { compareAlertsForList, hiddenBySnooze, type Alert, type Page, type SnoozeMinutes, type UserSnooze } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { subscribeAlertRaised, subscribeAlertSnoozed, subscribeAlertUpdated, subscribePageSent, subscribeReconnect } from '../../lib/socket';

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
}

/** The server lists at most this many per request; a clinic with more has bigger problems than this panel. */
const LIST_LIMIT = 1000;

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
let unsubscribe: (() => void)[] = [];
const listeners = new Set<() => void>();
let snapshot: AlertsSnapshot = { status, error, alerts: [], snoozes, pagesToMe };

function publish(): void {
  snapshot = {
    status,
    error,
    alerts: [...byId.values()].sort(compareAlertsForList),
    snoozes: new Map(snoozes),
    pagesToMe: new Map(pagesToMe),
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

function onLiveAlert(alert: Alert): void {
  if (userId === null) return;
  duringLoad?.push(alert);
  apply(alert, false);
  publish();
}

async function load(): Promise<void> {
  const mine = ++loadSeq;
  duringLoad = [];
  status = byId.size === 0 ? 'loading' : status;
  publish();
  try {
    // Snoozed ones too, with their end: a live event about a snoozed alert must not bring it back early.
    const list = await api.listAlerts({ includeSnoozed: true, limit: LIST_LIMIT });
    if (mine !== loadSeq) return;
    const missed = duringLoad ?? [];
    byId.clear();
    snoozes.clear();
    for (const alert of list) apply(alert, true);
    for (const alert of missed) apply(alert, false);
    status = 'ready';
    error = null;
  } catch (err) {
    if (mine !== loadSeq) return;
    status = 'error';
    error = err instanceof Error ? err.message : String(err);
  } finally {
    if (mine === loadSeq) duringLoad = null;
  }
  publish();
}

/** Loads the alerts of `forUserId` and follows them live; another user starts from nothing. */
export function startAlerts(forUserId: string): void {
  if (userId === forUserId) return;
  stopAlerts();
  userId = forUserId;
  unsubscribe = [
    subscribeAlertRaised((event) => onLiveAlert(event.alert)),
    subscribeAlertUpdated((event) => onLiveAlert(event.alert)),
    subscribePageSent((event) => {
      if (userId === null || event.page.recipient?.userId !== userId) return;
      pagesToMe.set(event.page.alertId, event.page);
      publish();
    }),
    // Snoozed on another of this user's dashboards: hidden here too.
    subscribeAlertSnoozed((event) => {
      if (userId === null || event.userId !== userId) return;
      snoozes.set(event.alertId, { snoozedUntil: event.snoozedUntil, severityAtSnooze: event.severityAtSnooze });
      publish();
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
  duringLoad = null;
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
  return useSyncExternalStore(subscribe, () => snapshot, () => snapshot);
}
