// A refused booking, reschedule or plan said plainly: 409 names the conflict, 422 the rule and its field; a missing override reason can be given on the spot.
import { useId, useState } from 'react';
import { ApiError, type FieldErrors } from '../../lib/api';

export interface SchedulingFailure {
  /** HTTP status (0: the server could not be reached or the check was ours). */
  status: number;
  message: string;
  fields: FieldErrors;
  /** The booking needs an override reason (the API named overrideReason, or the only slot is late). */
  needsReason: boolean;
}

export function toSchedulingFailure(err: unknown): SchedulingFailure {
  if (err instanceof ApiError) {
    // The API names overrideReason itself (margin, deadline) or says a rule yields to one (outside availability, off the slot grid).
    const needsReason = Object.entries(err.fields).some(
      ([field, message]) => field === 'overrideReason' || message.includes('overrideReason'),
    );
    return { status: err.status, message: err.message, fields: err.fields, needsReason };
  }
  return { status: 0, message: err instanceof Error ? err.message : String(err), fields: {}, needsReason: false };
}

const HEADLINE: Record<number, string> = {
  409: 'Not booked — the time is taken',
  422: 'Not booked — a booking rule refuses it',
  403: 'Not allowed for your role',
};

interface FailureNoticeProps {
  failure: SchedulingFailure;
  /** Offered when the failure needs a reason: books again with it. */
  onRetryWithReason?: (reason: string) => void;
  busy?: boolean;
  retryLabel?: string;
  testId?: string;
}

export function FailureNotice({
  failure,
  onRetryWithReason,
  busy = false,
  retryLabel = 'Book with this reason',
  testId = 'scheduling-error',
}: FailureNoticeProps) {
  const [reason, setReason] = useState('');
  const id = useId();
  const fieldEntries = Object.entries(failure.fields);
  return (
    <div className="notice notice--error sched-feedback" role="alert" data-testid={testId} data-status={failure.status}>
      <strong>{HEADLINE[failure.status] ?? 'Not done'}:</strong> {failure.message}
      {fieldEntries.length > 0 && (
        <ul>
          {fieldEntries.map(([field, message]) => (
            <li key={field} data-testid={`${testId}-field`} data-field={field}>
              <code>{field || 'request'}</code> {message}
            </li>
          ))}
        </ul>
      )}
      {failure.needsReason && onRetryWithReason && (
        <form
          className="override"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) onRetryWithReason(reason.trim());
          }}
        >
          <label htmlFor={id}>
            Override reason (kept in the audit trail)
            <input
              id={id}
              type="text"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              data-testid="override-reason"
              required
            />
          </label>
          <button type="submit" className="button button--danger" disabled={busy || reason.trim() === ''} data-testid="override-submit">
            {busy ? 'Booking…' : retryLabel}
          </button>
        </form>
      )}
    </div>
  );
}
