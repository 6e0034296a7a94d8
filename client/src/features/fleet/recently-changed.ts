// Pumps named by pump.changed in the last few seconds, so a live change catches the eye; each row reads only its own flag.
import { useSyncExternalStore } from 'react';

/** How long a row that just changed stays highlighted. */
const CHANGED_HIGHLIGHT_MS = 2500;

const changedAt = new Map<string, ReturnType<typeof setTimeout>>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

export function markRowChanged(pumpId: string): void {
  clearTimeout(changedAt.get(pumpId));
  changedAt.set(
    pumpId,
    setTimeout(() => {
      changedAt.delete(pumpId);
      notify();
    }, CHANGED_HIGHLIGHT_MS),
  );
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True for a few seconds after the pump changed; only this row re-renders when it flips. */
export function useRecentlyChanged(pumpId: string): boolean {
  return useSyncExternalStore(
    subscribe,
    () => changedAt.has(pumpId),
    () => false,
  );
}
