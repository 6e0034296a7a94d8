// App-wide critical-alert signals: keeps the alert store running while signed in, beeps and flashes the title while a critical alert waits.
import { useEffect, useMemo, useRef } from 'react';
import { useNow } from '../../lib/use-now';
import { isSnoozed, startAlerts, stopAlerts, useAlerts } from './alerts-store';
import { playCriticalBeep, useAlarmMuted } from './alarm-sound';

/** One title change per second: half a flash per second, far below the 3 flashes per second of WCAG 2.3.1. */
const TITLE_FLASH_MS = 1_000;
/** The sound repeats while nobody acknowledges: often enough to be noticed, rarely enough to let people talk. */
const BEEP_REPEAT_MS = 10_000;
export const TITLE_FLASH_PREFIX = '⚠ CRITICAL ALERT · ';

function withoutPrefix(title: string): string {
  return title.startsWith(TITLE_FLASH_PREFIX) ? title.slice(TITLE_FLASH_PREFIX.length) : title;
}

/** Ids of open (unacknowledged), not snoozed critical alerts: what must reach a person now. */
export function useUnacknowledgedCriticalIds(): string[] {
  const { alerts, snoozes } = useAlerts();
  // Snoozes end with time: look again every 15 s.
  const now = useNow(15_000);
  return useMemo(() => {
    const nowIso = new Date(now).toISOString();
    return alerts.filter((a) => a.severity === 'critical' && a.status === 'open' && !isSnoozed(a, snoozes, nowIso)).map((a) => a.id);
  }, [alerts, snoozes, now]);
}

export function AlertWatcher({ userId }: { userId: string }) {
  useEffect(() => {
    startAlerts(userId);
    return () => stopAlerts();
  }, [userId]);

  const criticalIds = useUnacknowledgedCriticalIds();
  const alarming = criticalIds.length > 0;
  const muted = useAlarmMuted();
  const heard = useRef<Set<string>>(new Set());

  // Title flash: the tab says so even when the dashboard is behind other windows.
  useEffect(() => {
    if (!alarming) return;
    let on = false;
    const timer = setInterval(() => {
      on = !on;
      // Read the title each time: the page may have changed its own title since the last flash.
      const base = withoutPrefix(document.title);
      document.title = on ? `${TITLE_FLASH_PREFIX}${base}` : base;
    }, TITLE_FLASH_MS);
    return () => {
      clearInterval(timer);
      document.title = withoutPrefix(document.title);
    };
  }, [alarming]);

  // Sound: at once for a critical alert not heard yet, then again every few seconds until it is acknowledged.
  const idsKey = criticalIds.join(',');
  useEffect(() => {
    const ids = idsKey ? idsKey.split(',') : [];
    const fresh = ids.some((id) => !heard.current.has(id));
    heard.current = new Set(ids);
    if (ids.length === 0 || muted) return;
    if (fresh) playCriticalBeep();
    const timer = setInterval(playCriticalBeep, BEEP_REPEAT_MS);
    return () => clearInterval(timer);
  }, [idsKey, muted]);

  return null;
}
