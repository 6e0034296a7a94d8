// The dashboard's one socket.io connection (same origin, /socket.io), opened only while signed in; typed from the shared event map.
import { io, type Socket } from 'socket.io-client';
import {
  SOCKET_EVENTS,
  type AlertRaisedEvent,
  type AlertSnoozedEvent,
  type AlertUpdatedEvent,
  type OnCallChangedEvent,
  type PageSentEvent,
  type PumpChangedEvent,
  type ServerToClientEvents,
  type SocketHandshakeAuth,
} from '@pumpwatch/shared';
import { useSyncExternalStore } from 'react';

export type LiveSocket = Socket<ServerToClientEvents, Record<string, never>>;
export type ConnectionState = 'connecting' | 'live' | 'offline';

/** The server's connect_error messages when the handshake carries no usable session. */
const SESSION_REFUSALS = new Set(['unauthenticated', 'password_change_required']);
/** Back-off after the server refuses or drops us while the session still answers: never a tight loop. */
const AUTH_RETRY_FIRST_MS = 1_000;
const AUTH_RETRY_MAX_MS = 60_000;
/**
 * socket.io's own reconnection (network loss, server restart): forever, from 0.5 s doubling up to 2 s, with jitter. A clinic dashboard
 * is live again within a couple of seconds of the network coming back (up to 10 s, it could stay dark ~10 s after a long outage).
 */
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 2_000;

let socket: LiveSocket | null = null;
let state: ConnectionState = 'offline';
/** The connection was live at least once since sign-in: only then does "offline" mean "disconnected" (the banner). */
let everLive = false;
/**
 * Highest eventId seen on any event (pump.changed, alert.*, page.sent, on_call.changed). Kept across sockets, also the fresh one made at sign-in,
 * so the server replays every event of the user's clinics after it in the handshake: nothing missed while offline is lost.
 */
let lastEventId: number | null = null;
/**
 * The lowest `x-last-event-id` of the reads answered before any event arrived: a socket that has no lastEventId yet resumes from it,
 * so an event committed between a page's first read and its socket is replayed, not lost.
 */
let lowestReadEventId: number | null = null;
let authRetryTimer: ReturnType<typeof setTimeout> | undefined;
let authRetryDelayMs = AUTH_RETRY_FIRST_MS;
const stateListeners = new Set<() => void>();
type LiveEventName = keyof ServerToClientEvents;
type LiveEventOf<K extends LiveEventName> = Parameters<ServerToClientEvents[K]>[0];
// Listeners live here, not on a socket, so they survive the fresh socket made after each sign-in; one set per pushed event.
const liveListeners: { [K in LiveEventName]: Set<(event: LiveEventOf<K>) => void> } = {
  [SOCKET_EVENTS.pumpChanged]: new Set(),
  [SOCKET_EVENTS.alertRaised]: new Set(),
  [SOCKET_EVENTS.alertUpdated]: new Set(),
  [SOCKET_EVENTS.pageSent]: new Set(),
  [SOCKET_EVENTS.onCallChanged]: new Set(),
  [SOCKET_EVENTS.alertSnoozed]: new Set(),
};
const reconnectListeners = new Set<() => void>();
/** Asks the session store whether we are still signed in (it redirects to sign-in when not). */
let checkSession: () => Promise<boolean> = async () => false;

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  if (next === 'live') everLive = true;
  for (const l of stateListeners) l();
}

function noteEventId(eventId: unknown): void {
  if (typeof eventId === 'number' && Number.isSafeInteger(eventId) && eventId >= 0 && (lastEventId === null || eventId > lastEventId))
    lastEventId = eventId;
  // Ids at or below the resume point are never sent again: forget them.
  if (lastEventId !== null) for (const id of aheadEventIds) if (id <= lastEventId) aheadEventIds.delete(id);
}

/**
 * Ids of alerts received `sentAhead` (before the pump.changed they overtook): they do not move lastEventId, since what they
 * overtook may still be on its way; a replay may send them again, and that copy is dropped (its id still moves lastEventId).
 */
const aheadEventIds = new Set<number>();

/** Whether to hand an event to the listeners: false for the second copy of an alert received ahead. */
function takeEvent(event: { eventId?: unknown; sentAhead?: unknown } | undefined): boolean {
  const eventId = event?.eventId;
  if (typeof eventId !== 'number') return true;
  if (event?.sentAhead === true) {
    if (aheadEventIds.has(eventId)) return false;
    aheadEventIds.add(eventId);
    return true;
  }
  const copy = aheadEventIds.has(eventId);
  noteEventId(eventId);
  return !copy;
}

/** An API answer reflected every event up to `eventId` (its x-last-event-id header); only the lowest before the first event matters. */
export function noteReadEventId(eventId: number): void {
  if (lastEventId !== null || !Number.isSafeInteger(eventId) || eventId < 0) return;
  if (lowestReadEventId === null || eventId < lowestReadEventId) lowestReadEventId = eventId;
}

/** A first read on its way: a handshake with no lastEventId yet waits for it (at most READ_WAIT_MAX_MS), to resume from its header. */
const readsInFlight = new Set<Promise<unknown>>();
const READ_WAIT_MAX_MS = 5_000;

export function noteReadInFlight(read: Promise<unknown>): void {
  if (lastEventId !== null) return;
  readsInFlight.add(read);
  const done = () => readsInFlight.delete(read);
  read.then(done, done);
}

async function firstReadsAnswered(): Promise<void> {
  if (lastEventId !== null || readsInFlight.size === 0) return;
  await Promise.race([Promise.allSettled([...readsInFlight]), new Promise((resolve) => setTimeout(resolve, READ_WAIT_MAX_MS))]);
}

/** What the next handshake asks to replay after: the last event received, else the lowest point the page's reads reflect. */
function resumeFrom(): number | null {
  // Once a handshake carried it, every later event reaches this page (replayed or live): it is the page's position from then on.
  if (lastEventId === null && lowestReadEventId !== null) lastEventId = lowestReadEventId;
  return lastEventId;
}

export function setSocketSessionCheck(check: () => Promise<boolean>): void {
  checkSession = check;
}

/** The server refused or dropped us for the session: stop socket.io's own retries and let the session store decide. */
function onSessionRefused(s: LiveSocket): void {
  s.disconnect();
  setState('offline');
  void checkSession().then((stillSignedIn) => {
    if (!stillSignedIn || socket !== s) return;
    clearTimeout(authRetryTimer);
    authRetryTimer = setTimeout(() => {
      if (socket === s) {
        setState('connecting');
        s.connect();
      }
    }, authRetryDelayMs);
    authRetryDelayMs = Math.min(authRetryDelayMs * 2, AUTH_RETRY_MAX_MS);
  });
}

/** Opens the connection for the signed-in user; the session cookie goes with the same-origin handshake. */
export function openLiveSocket(): void {
  closeLiveSocket();
  const s: LiveSocket = io({
    path: '/socket.io',
    withCredentials: true,
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.5,
    // A function, so every attempt (socket.io's reconnects and ours) sends the id seen last, not the one at creation; the first one
    // waits for the page's first reads, so it resumes from the last event they reflect.
    auth: (send: (auth: SocketHandshakeAuth) => void) => {
      void firstReadsAnswered().then(() => {
        const from = resumeFrom();
        send(from === null ? {} : { lastEventId: from });
      });
    },
  });
  let everConnected = false;
  s.on('connect', () => {
    authRetryDelayMs = AUTH_RETRY_FIRST_MS;
    setState('live');
    // The server replays what we missed after lastEventId; views refetch as well, for state older than this page's first event.
    if (everConnected) for (const l of reconnectListeners) l();
    everConnected = true;
  });
  s.on('disconnect', (reason) => {
    setState('offline');
    // The server ends the connection itself when the session expires or is revoked; socket.io will not retry that.
    if (reason === 'io server disconnect') onSessionRefused(s);
  });
  s.on('connect_error', (err) => {
    if (SESSION_REFUSALS.has(err.message)) onSessionRefused(s);
    else setState('offline');
  });
  for (const name of Object.keys(liveListeners) as LiveEventName[]) {
    // Every pushed event carries the shared eventId: the next handshake asks for what came after the highest (not counting alerts
    // sent ahead, see takeEvent).
    s.on(name, ((event: { eventId?: unknown; sentAhead?: unknown } | undefined) => {
      if (!takeEvent(event)) return;
      for (const l of liveListeners[name] as Set<(e: unknown) => void>) l(event);
    }) as never);
  }
  socket = s;
  setState('connecting');
}

/** Closes the connection (sign-out, expired session, another user signing in). */
export function closeLiveSocket(): void {
  clearTimeout(authRetryTimer);
  authRetryDelayMs = AUTH_RETRY_FIRST_MS;
  if (socket) {
    const s = socket;
    socket = null;
    s.removeAllListeners();
    s.disconnect();
  }
  setState('offline');
  // A deliberate close is not a lost connection: no "disconnected" banner until the next socket has been live.
  everLive = false;
  for (const l of stateListeners) l();
}

export function isLiveSocketOpen(): boolean {
  return socket !== null;
}

/** The highest event id received so far (null before the first event). */
export function lastReceivedEventId(): number | null {
  return lastEventId;
}

function subscribeTo<K extends LiveEventName>(name: K, listener: (event: LiveEventOf<K>) => void): () => void {
  liveListeners[name].add(listener);
  return () => liveListeners[name].delete(listener);
}

/** Calls `onChange` for every pump.changed event, and with null after a reconnect (anything may have changed). */
export function subscribePumpChanged(onChange: (event: PumpChangedEvent | null) => void): () => void {
  const unsubscribe = subscribeTo(SOCKET_EVENTS.pumpChanged, onChange);
  const onReconnect = () => onChange(null);
  reconnectListeners.add(onReconnect);
  return () => {
    unsubscribe();
    reconnectListeners.delete(onReconnect);
  };
}

/** Calls `onRaised` for every alert.raised event (replayed ones after a reconnect included, in order). */
export function subscribeAlertRaised(onRaised: (event: AlertRaisedEvent) => void): () => void {
  return subscribeTo(SOCKET_EVENTS.alertRaised, onRaised);
}

/** Calls `onUpdated` for every alert.updated event (acknowledged, resolved, re-fired, severity changed...). */
export function subscribeAlertUpdated(onUpdated: (event: AlertUpdatedEvent) => void): () => void {
  return subscribeTo(SOCKET_EVENTS.alertUpdated, onUpdated);
}

/** Calls `onSent` for every page.sent event of the user's clinics (an in-app page reaches its recipient this way). */
export function subscribePageSent(onSent: (event: PageSentEvent) => void): () => void {
  return subscribeTo(SOCKET_EVENTS.pageSent, onSent);
}

/** Calls `onChanged` for every on_call.changed event of the user's clinics (a shift added, changed or cancelled). */
export function subscribeOnCallChanged(onChanged: (event: OnCallChangedEvent) => void): () => void {
  return subscribeTo(SOCKET_EVENTS.onCallChanged, onChanged);
}

/** Calls `onSnoozed` for every alert.snoozed event of the user's clinics (any user's: the listener keeps its own). */
export function subscribeAlertSnoozed(onSnoozed: (event: AlertSnoozedEvent) => void): () => void {
  return subscribeTo(SOCKET_EVENTS.alertSnoozed, onSnoozed);
}

/** Calls `onReconnect` each time the connection is live again after a loss. */
export function subscribeReconnect(onReconnect: () => void): () => void {
  reconnectListeners.add(onReconnect);
  return () => reconnectListeners.delete(onReconnect);
}

function subscribeState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    subscribeState,
    () => state,
    () => state,
  );
}

/** True while the connection is down after having been live: what the "disconnected" banner shows. */
export function useDisconnected(): boolean {
  return useSyncExternalStore(
    subscribeState,
    () => everLive && state !== 'live',
    () => false,
  );
}
