// A pump's booked refill beside its deadline (fleet page) and the timing badge of a booking: late ones in red, with icon and words.
import type { BookingTiming, FleetPump } from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';
import { TIMING_LABEL } from './booking-labels';
import { nextAppointmentOf } from './scheduling-api';
import './scheduling.css';

export function TimingBadge({ timing, always = false }: { timing: BookingTiming | null; always?: boolean }) {
  if (timing === null) return null;
  const { icon, text, late } = TIMING_LABEL[timing];
  if (!late && !always) return null;
  return (
    <span className={`timing timing--${timing}`} data-testid="timing-badge" data-timing={timing}>
      <span aria-hidden="true">{icon}</span> {text}
    </span>
  );
}

/** Fleet cell addition: "Booked 2026-12-03 09:00 CET", red with ⚠/✖ and words when the booking is after the margin or the deadline. */
export function FleetBooking({ row }: { row: FleetPump }) {
  const next = nextAppointmentOf(row);
  // The server does not say (an older API): show nothing rather than a wrong "not booked".
  if (next === undefined) return null;
  if (next === null) {
    return (
      <div className="booking booking--none" data-testid="fleet-booking" data-booked="false">
        no refill booked
      </div>
    );
  }
  const late = next.timing !== null && TIMING_LABEL[next.timing].late;
  return (
    <div
      className={`booking${late ? ' booking--late' : ''}`}
      data-testid="fleet-booking"
      data-booked="true"
      data-timing={next.timing ?? ''}
    >
      <span className="booking__when">Booked {formatInstant(next.startsAt, row.clinic.timeZone)}</span>
      {late && (
        <>
          {' '}
          <TimingBadge timing={next.timing} />
        </>
      )}
      {next.overrideReason && <div className="booking__reason">Override: {next.overrideReason}</div>}
    </div>
  );
}
