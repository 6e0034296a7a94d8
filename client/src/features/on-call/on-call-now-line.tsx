// The header's "on call now" line, for every role: the primary (and backup) clinician of each clinic, or "No one on call" in red.
import { Link } from 'react-router-dom';
import type { Clinic, OnCallNow } from '@pumpwatch/shared';
import { useSession } from '../auth/session-store';
import { useCan } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { useOnCallNow } from './on-call-now-store';
import './on-call.css';

const names = (clinicians: OnCallNow['primary']) => clinicians.map((c) => c.displayName).join(', ');

function ClinicOnCall({ clinic, answer, showClinic }: { clinic: Clinic; answer: OnCallNow | undefined; showClinic: boolean }) {
  const prefix = showClinic ? `${clinic.name}: ` : '';
  if (!answer)
    return (
      <span className="on-call-now__item" data-testid="on-call-now-item" data-clinic-id={clinic.id} data-state="loading">
        {prefix}on call…
      </span>
    );
  if (answer.noOneOnCall) {
    return (
      <span
        className="on-call-now__item on-call-now__item--none"
        data-testid="on-call-now-item"
        data-clinic-id={clinic.id}
        data-state="none"
      >
        <span aria-hidden="true">⚠ </span>
        {prefix}
        <strong>No one on call</strong>
        {answer.backup.length > 0 && <span className="on-call-now__backup"> (backup {names(answer.backup)})</span>}
      </span>
    );
  }
  return (
    <span className="on-call-now__item" data-testid="on-call-now-item" data-clinic-id={clinic.id} data-state="covered">
      <span aria-hidden="true">☎ </span>
      {prefix}
      <span className="on-call-now__label">On call: </span>
      <strong className="on-call-now__full">{names(answer.primary)}</strong>
      {/* A phone's header has room for one name: the first, and how many more (the roster, one tap away, names them all). */}
      <strong className="on-call-now__short">
        {answer.primary[0]?.displayName}
        {answer.primary.length > 1 && ` +${answer.primary.length - 1}`}
      </strong>
      {answer.backup.length > 0 && <span className="on-call-now__backup"> (backup {names(answer.backup)})</span>}
    </span>
  );
}

export function OnCallNowLine() {
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  const { asked, answers } = useOnCallNow(clinics);
  const mayOpenRoster = useCan('GET /api/on-call-shifts');
  if (asked.length === 0) return null;
  const items = asked.map((c) => <ClinicOnCall key={c.id} clinic={c} answer={answers[c.id]} showClinic={asked.length > 1} />);
  return (
    <div className="on-call-now" data-testid="on-call-now" role="status" aria-live="polite">
      {mayOpenRoster ? (
        <Link to="/on-call" className="on-call-now__link">
          {items}
        </Link>
      ) : (
        items
      )}
    </div>
  );
}
