// "No one on call" banner: for each clinic of the user where no primary on-call shift covers now, pages go to the next level.
import { useEffect, useState } from 'react';
import type { Clinic, OnCallNow } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { subscribeOnCallChanged, subscribeReconnect } from '../../lib/socket';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';

/** A shift starting or ending as time passes pushes no event: ask again this often (a shift added or changed is pushed). */
const REFRESH_MS = 60_000;

/** The clinics (of `clinics`) with nobody on call now; re-read every minute, when a shift changes and after a reconnect. */
function useClinicsWithoutOnCall(clinics: readonly Clinic[], userId: string | undefined): Clinic[] {
  const { user } = useSession();
  const [answers, setAnswers] = useState<Record<string, OnCallNow>>({});
  const asked = clinics.filter((c) => canUseRoute(user, 'GET /api/clinics/:id/on-call-now', c.id));
  const askedKey = asked.map((c) => c.id).join(',');

  useEffect(() => {
    if (!userId || !askedKey) return;
    const ids = askedKey.split(',');
    const controller = new AbortController();
    const read = () => {
      for (const id of ids) {
        api.getOnCallNow(id, controller.signal).then(
          (answer) => setAnswers((prev) => ({ ...prev, [id]: answer })),
          // Unanswered (offline, server busy): keep the last answer; the next round asks again.
          () => undefined,
        );
      }
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    const unsubscribeReconnect = subscribeReconnect(read);
    const unsubscribeShifts = subscribeOnCallChanged((event) => {
      if (ids.includes(event.clinicId)) read();
    });
    return () => {
      controller.abort();
      clearInterval(timer);
      unsubscribeReconnect();
      unsubscribeShifts();
    };
  }, [askedKey, userId]);

  return asked.filter((c) => answers[c.id]?.noOneOnCall === true);
}

export function NoOneOnCallBanner() {
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  const uncovered = useClinicsWithoutOnCall(clinics, user?.id);
  if (uncovered.length === 0) return null;
  return (
    <div className="notice notice--error on-call-banner" role="status" data-testid="no-one-on-call">
      <span aria-hidden="true">☎ </span>
      <strong>No one on call</strong>
      {clinics.length > 1 || uncovered.length > 1 ? ` at ${uncovered.map((c) => c.name).join(', ')}` : ''}: no primary on-call shift covers
      now, so pages for urgent and critical alerts go straight to the next level of the escalation policy.
    </div>
  );
}
