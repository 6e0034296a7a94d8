// One shared minute clock for the cells that show relative time (days left, "last seen"): only they re-render when it ticks.
import { useSyncExternalStore } from 'react';

/** Days-left figures have one decimal (2.4 h) and telemetry "last seen" is in hours: a minute is fine enough. */
const TICK_MS = 60_000;

let nowMs = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    nowMs = Date.now();
    timer = setInterval(() => {
      nowMs = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current minute's instant (ms); the component re-renders once a minute. */
export function useMinuteNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => nowMs,
    () => nowMs,
  );
}

/**
 * A value derived from the current minute; the component re-renders only when that value changes (compare by ===, so return a
 * string, number or boolean), e.g. a row's urgency band, which changes a few times in a pump's cycle, not every minute.
 */
export function useAtMinute<T extends string | number | boolean | null>(derive: (nowMs: number) => T): T {
  return useSyncExternalStore(
    subscribe,
    () => derive(nowMs),
    () => derive(nowMs),
  );
}

/** The ticker's instant, for code outside React (sorting a patched row into place). */
export function minuteNow(): number {
  return Math.max(nowMs, Date.now());
}
