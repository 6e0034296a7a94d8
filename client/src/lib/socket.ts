// The dashboard's one socket.io connection (same origin, /socket.io), typed from the shared event map; reconnects by itself.
import { io, type Socket } from 'socket.io-client';
import { SOCKET_EVENTS, type PumpChangedEvent, type ServerToClientEvents } from '@pumpwatch/shared';
import { useSyncExternalStore } from 'react';

export type LiveSocket = Socket<ServerToClientEvents, Record<string, never>>;
export type ConnectionState = 'connecting' | 'live' | 'offline';

let socket: LiveSocket | null = null;
let state: ConnectionState = 'connecting';
const stateListeners = new Set<() => void>();
const reconnectListeners = new Set<() => void>();

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const l of stateListeners) l();
}

export function getSocket(): LiveSocket {
  if (socket) return socket;
  const s: LiveSocket = io({ path: '/socket.io', reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 5000 });
  let everConnected = false;
  s.on('connect', () => {
    setState('live');
    // Events sent while offline are lost: every view refetches after a reconnect.
    if (everConnected) for (const l of reconnectListeners) l();
    everConnected = true;
  });
  s.on('disconnect', () => setState('offline'));
  s.on('connect_error', () => setState('offline'));
  socket = s;
  return s;
}

/** Calls `onChange` for every pump.changed event, and with null after a reconnect (anything may have changed). */
export function subscribePumpChanged(onChange: (event: PumpChangedEvent | null) => void): () => void {
  const s = getSocket();
  const onEvent = (event: PumpChangedEvent) => onChange(event);
  const onReconnect = () => onChange(null);
  s.on(SOCKET_EVENTS.pumpChanged, onEvent);
  reconnectListeners.add(onReconnect);
  return () => {
    s.off(SOCKET_EVENTS.pumpChanged, onEvent);
    reconnectListeners.delete(onReconnect);
  };
}

function subscribeState(listener: () => void): () => void {
  getSocket();
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeState, () => state, () => state);
}
