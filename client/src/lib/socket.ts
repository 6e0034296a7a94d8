// The dashboard's one socket.io connection (same origin, /socket.io), opened only while signed in; typed from the shared event map.
import { io, type Socket } from 'socket.io-client';
import { SOCKET_EVENTS, type PumpChangedEvent, type ServerToClientEvents } from '@pumpwatch/shared';
import { useSyncExternalStore } from 'react';

export type LiveSocket = Socket<ServerToClientEvents, Record<string, never>>;
export type ConnectionState = 'connecting' | 'live' | 'offline';

/** The server's connect_error message when the handshake carries no valid session. */
const UNAUTHENTICATED = 'unauthenticated';
/** Back-off after the server refuses or drops us while the session still answers: never a tight loop. */
const AUTH_RETRY_FIRST_MS = 1_000;
const AUTH_RETRY_MAX_MS = 60_000;

let socket: LiveSocket | null = null;
let state: ConnectionState = 'offline';
let authRetryTimer: ReturnType<typeof setTimeout> | undefined;
let authRetryDelayMs = AUTH_RETRY_FIRST_MS;
const stateListeners = new Set<() => void>();
// Listeners live here, not on a socket, so they survive the fresh socket made after each sign-in.
const pumpChangedListeners = new Set<(event: PumpChangedEvent) => void>();
const reconnectListeners = new Set<() => void>();
/** Asks the session store whether we are still signed in (it redirects to sign-in when not). */
let checkSession: () => Promise<boolean> = async () => false;

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const l of stateListeners) l();
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
      if (socket === s) s.connect();
    }, authRetryDelayMs);
    authRetryDelayMs = Math.min(authRetryDelayMs * 2, AUTH_RETRY_MAX_MS);
  });
}

/** Opens the connection for the signed-in user; the session cookie goes with the same-origin handshake. */
export function openLiveSocket(): void {
  closeLiveSocket();
  const s: LiveSocket = io({ path: '/socket.io', reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 5000, withCredentials: true });
  let everConnected = false;
  s.on('connect', () => {
    authRetryDelayMs = AUTH_RETRY_FIRST_MS;
    setState('live');
    // Events sent while offline are lost: every view refetches after a reconnect.
    if (everConnected) for (const l of reconnectListeners) l();
    everConnected = true;
  });
  s.on('disconnect', (reason) => {
    setState('offline');
    // The server ends the connection itself when the session expires or is revoked; socket.io will not retry that.
    if (reason === 'io server disconnect') onSessionRefused(s);
  });
  s.on('connect_error', (err) => {
    if (err.message === UNAUTHENTICATED) onSessionRefused(s);
    else setState('offline');
  });
  s.on(SOCKET_EVENTS.pumpChanged, (event) => {
    for (const l of pumpChangedListeners) l(event);
  });
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
}

export function isLiveSocketOpen(): boolean {
  return socket !== null;
}

/** Calls `onChange` for every pump.changed event, and with null after a reconnect (anything may have changed). */
export function subscribePumpChanged(onChange: (event: PumpChangedEvent | null) => void): () => void {
  const onEvent = (event: PumpChangedEvent) => onChange(event);
  const onReconnect = () => onChange(null);
  pumpChangedListeners.add(onEvent);
  reconnectListeners.add(onReconnect);
  return () => {
    pumpChangedListeners.delete(onEvent);
    reconnectListeners.delete(onReconnect);
  };
}

function subscribeState(listener: () => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeState, () => state, () => state);
}
