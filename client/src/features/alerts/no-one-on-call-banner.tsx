// "No one on call" banner: for each clinic of the user where no primary on-call shift covers now, pages go to the next level.
import { useSession } from '../auth/session-store';
import { useClinics } from '../clinics/use-clinics';
import { useOnCallNow } from '../on-call/on-call-now-store';

export function NoOneOnCallBanner() {
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  // The same answers as the header's on-call line: one read per clinic, re-read every minute and when a shift changes.
  const { asked, answers } = useOnCallNow(clinics);
  const uncovered = asked.filter((c) => answers[c.id]?.noOneOnCall === true);
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
