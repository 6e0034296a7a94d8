// Which critical alerts someone has looked at in this browser: a raise or re-raise not looked at yet carries the "new" mark.
import { useSyncExternalStore } from 'react';
import type { Alert } from '@pumpwatch/shared';

const SEEN_KEY = 'pumpwatch.alertsSeen';
/** Enough for every alert a clinic has open at once; the oldest marks are dropped first. */
const SEEN_MAX = 500;

/** One mark per raise: a re-raise (new lastRaisedAt) is new again. */
export function seenKey(alert: Pick<Alert, 'id' | 'lastRaisedAt'>): string {
  return `${alert.id}@${alert.lastRaisedAt}`;
}

function readSeen(): string[] {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(SEEN_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    // Storage refused or damaged: everything unseen shows as new, the safe side.
    return [];
  }
}

let seen: ReadonlySet<string> = new Set(typeof window !== 'undefined' ? readSeen() : []);
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  // Looked at in another tab of this browser: the mark goes here too.
  window.addEventListener('storage', (event) => {
    if (event.key !== SEEN_KEY) return;
    seen = new Set(readSeen());
    notify();
  });
}

/** A person opened, focused or clicked these alerts' card (or acted on them): their current raise is no longer new. */
export function markAlertsSeen(alerts: readonly Pick<Alert, 'id' | 'lastRaisedAt'>[]): void {
  const keys = alerts.map(seenKey).filter((k) => !seen.has(k));
  if (keys.length === 0) return;
  const next = [...readSeen().filter((k) => !keys.includes(k)), ...keys].slice(-SEEN_MAX);
  seen = new Set([...seen, ...keys]);
  try {
    window.localStorage.setItem(SEEN_KEY, JSON.stringify(next));
  } catch {
    // Not stored: seen for this visit only.
  }
  notify();
}

/** A critical alert still waiting for someone (open) whose latest raise nobody looked at in this browser. */
export function isNewCritical(alert: Pick<Alert, 'id' | 'lastRaisedAt' | 'severity' | 'status'>, seenKeys: ReadonlySet<string>): boolean {
  return alert.severity === 'critical' && alert.status === 'open' && !seenKeys.has(seenKey(alert));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSeenAlerts(): ReadonlySet<string> {
  return useSyncExternalStore(
    subscribe,
    () => seen,
    () => seen,
  );
}
