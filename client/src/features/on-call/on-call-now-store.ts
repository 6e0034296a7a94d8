// Who is on call now, per clinic, shared by the header's on-call line and the alerts' "no one on call" banner: one read per clinic at a time.
import { useEffect, useSyncExternalStore } from 'react';
import type { Clinic, OnCallNow } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { subscribeOnCallChanged, subscribeReconnect } from '../../lib/socket';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';

/** A shift starting or ending as time passes pushes no event: ask again this often (a shift added or changed is pushed). */
const REFRESH_MS = 60_000;

let answers: Readonly<Record<string, OnCallNow>> = {};
const inFlight = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();

function publish(next: Record<string, OnCallNow>): void {
  answers = next;
  for (const listener of listeners) listener();
}

/** Reads one clinic's roster now; a read already under way for the clinic is joined rather than repeated. */
export function refreshOnCallNow(clinicId: string): Promise<void> {
  const running = inFlight.get(clinicId);
  if (running) return running;
  const read = api
    .getOnCallNow(clinicId)
    .then(
      (answer) => publish({ ...answers, [clinicId]: answer }),
      // Unanswered (offline, server busy): keep the last answer; the next round asks again.
      () => undefined,
    )
    .finally(() => inFlight.delete(clinicId));
  inFlight.set(clinicId, read);
  return read;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The on-call answer of each clinic of `clinics` the user may ask about (every role may), re-read every minute, when a
 * shift or clinician changes (on_call.changed) and after a reconnect. A clinic not answered yet is absent.
 */
export function useOnCallNow(clinics: readonly Clinic[]): { asked: Clinic[]; answers: Readonly<Record<string, OnCallNow>> } {
  const { user } = useSession();
  const current = useSyncExternalStore(subscribe, () => answers);
  const asked = clinics.filter((c) => canUseRoute(user, 'GET /api/clinics/:id/on-call-now', c.id));
  const askedKey = asked.map((c) => c.id).join(',');
  const userId = user?.id;

  useEffect(() => {
    if (!userId || !askedKey) return;
    const ids = askedKey.split(',');
    const read = () => ids.forEach((id) => void refreshOnCallNow(id));
    read();
    const timer = setInterval(read, REFRESH_MS);
    const unsubscribeReconnect = subscribeReconnect(read);
    const unsubscribeShifts = subscribeOnCallChanged((event) => {
      if (ids.includes(event.clinicId)) void refreshOnCallNow(event.clinicId);
    });
    return () => {
      clearInterval(timer);
      unsubscribeReconnect();
      unsubscribeShifts();
    };
  }, [askedKey, userId]);

  return { asked, answers: current };
}
