// App-wide critical-alert signals: keeps the alert store running while signed in; the tab title counts the unacknowledged critical
// alerts (flashing only for users who can act on one); the sound plays only for those users, when a critical alert is raised or
// escalated and then at the clinic's repeat interval until someone acknowledges it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ALERT_CONFIG, type Alert } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { useNow } from '../../lib/use-now';
import { canUseRoute } from '../auth/use-can';
import { useSession } from '../auth/session-store';
import { isSnoozed, startAlerts, stopAlerts, useAlerts } from './alerts-store';
import { playCriticalBeep, setAlarmMuteUser, setAlarmSoundWanted, useAlarmMuted, useAudioState } from './alarm-sound';
import { seenKey } from './alert-seen';

/** One title change per second: half a flash per second, far below the 3 flashes per second of WCAG 2.3.1. */
const TITLE_FLASH_MS = 1_000;
export const TITLE_FLASH_PREFIX = '⚠ CRITICAL ALERT · ';
/** "(2) " before the page's own title: the count of unacknowledged critical alerts, as mail and chat tabs show unread counts. */
const COUNT_PREFIX = /^(⚠ CRITICAL ALERT · )?\(\d+\) /;
/** Who may acknowledge an alert of a clinic may act on it: the same route table as the server's guard. */
const ACT_ROUTE = 'POST /api/alerts/:id/acknowledge';

function withoutPrefix(title: string): string {
  return title.replace(COUNT_PREFIX, '').replace(TITLE_FLASH_PREFIX, '');
}

/** Open (unacknowledged), not snoozed by this user, critical alerts: what must reach a person now. */
export function useUnacknowledgedCriticals(): Alert[] {
  const { alerts, snoozes } = useAlerts();
  // Snoozes end with time: look again every 15 s.
  const now = useNow(15_000);
  return useMemo(() => {
    const nowIso = new Date(now).toISOString();
    return alerts.filter((a) => a.severity === 'critical' && a.status === 'open' && !isSnoozed(a, snoozes, nowIso));
  }, [alerts, snoozes, now]);
}

export function useUnacknowledgedCriticalIds(): string[] {
  return useUnacknowledgedCriticals().map((a) => a.id);
}

/** Each clinic's sound repeat (GET /api/clinics/:id/settings), read once per clinic per visit; the default until it answers. */
const repeatSecondsByClinic = new Map<string, number>();
function useRepeatSeconds(clinicIds: readonly string[]): number {
  const [, setLoaded] = useState(0);
  const key = [...new Set(clinicIds)].sort().join(',');
  useEffect(() => {
    let current = true;
    for (const clinicId of key ? key.split(',') : []) {
      if (repeatSecondsByClinic.has(clinicId)) continue;
      repeatSecondsByClinic.set(clinicId, ALERT_CONFIG.defaultAlertSoundRepeatSeconds);
      api.getClinicSettings(clinicId).then(
        (settings) => {
          repeatSecondsByClinic.set(clinicId, settings.alertSoundRepeatSeconds);
          if (current) setLoaded((n) => n + 1);
        },
        () => repeatSecondsByClinic.delete(clinicId),
      );
    }
    return () => {
      current = false;
    };
  }, [key]);
  const seconds = (key ? key.split(',') : []).map((id) => repeatSecondsByClinic.get(id) ?? ALERT_CONFIG.defaultAlertSoundRepeatSeconds);
  // Several clinics waiting: the most insistent of their settings.
  return seconds.length > 0 ? Math.min(...seconds) : ALERT_CONFIG.defaultAlertSoundRepeatSeconds;
}

export function AlertWatcher({ userId }: { userId: string }) {
  const { user } = useSession();
  useEffect(() => {
    startAlerts(userId);
    setAlarmMuteUser(userId);
    return () => {
      stopAlerts();
      setAlarmMuteUser(null);
    };
  }, [userId]);

  const critical = useUnacknowledgedCriticals();
  // The sound and the flashing are for those who can act: clinicians and administrators of the alert's clinic.
  const actionable = critical.filter((a) => canUseRoute(user, ACT_ROUTE, a.clinicId));
  const mayActSomewhere = canUseRoute(user, ACT_ROUTE);
  const muted = useAlarmMuted();
  const audio = useAudioState();
  const repeatSeconds = useRepeatSeconds(actionable.map((a) => a.clinicId));

  useEffect(() => {
    setAlarmSoundWanted(mayActSomewhere);
    return () => setAlarmSoundWanted(false);
  }, [mayActSomewhere]);

  // Title: "(2) Fleet (40) — PumpWatch" for everyone; flashing only while one of them waits for this user.
  const count = critical.length;
  const flashing = actionable.length > 0;
  useEffect(() => {
    if (count === 0) {
      document.title = withoutPrefix(document.title);
      return;
    }
    let on = false;
    const apply = () => {
      // Read the title each time: the page may have changed its own title since.
      const base = `(${count}) ${withoutPrefix(document.title)}`;
      on = flashing && !on;
      document.title = on ? `${TITLE_FLASH_PREFIX}${base}` : base;
    };
    apply();
    const timer = setInterval(apply, TITLE_FLASH_MS);
    return () => {
      clearInterval(timer);
      document.title = withoutPrefix(document.title);
    };
  }, [count, flashing]);

  // Sound: at once for a raise or escalation not heard yet (alerts already waiting at page load included), then every
  // `repeatSeconds` until acknowledged. A browser starts audio only after a click: whatever waits then sounds at that moment.
  const raisesKey = actionable.map(seenKey).sort().join(',');
  const heard = useRef<Set<string>>(new Set());
  const pending = useRef(false);
  useEffect(() => {
    const raises = raisesKey ? raisesKey.split(',') : [];
    const fresh = raises.some((k) => !heard.current.has(k));
    heard.current = new Set(raises);
    if (raises.length === 0 || muted) {
      pending.current = false;
      return;
    }
    if (fresh) pending.current = true;
    const beep = () => {
      playCriticalBeep();
      pending.current = false;
    };
    if (pending.current && audio === 'ready') beep();
    const timer = setInterval(beep, repeatSeconds * 1000);
    return () => clearInterval(timer);
  }, [raisesKey, muted, audio, repeatSeconds]);

  return null;
}
