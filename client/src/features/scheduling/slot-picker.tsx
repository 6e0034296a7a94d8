// Slot picker (issue 16): a pump's free refill slots as the API ranks them, each with its time in the clinic's zone, its clinician and
// why it ranks there; the scheduler filters by clinician, picks a room and books the slot they choose (POST /api/appointments).
import { useEffect, useId, useState } from 'react';
import type { AppointmentResponse, Clinician, RefillSlot, RefillSlotsResponse, Room } from '@pumpwatch/shared';
import { DAY_MS } from '@pumpwatch/shared';
import { formatInstant } from '../../lib/format';
import { TIMING_LABEL } from './booking-labels';
import { FailureNotice, toSchedulingFailure, type SchedulingFailure } from './scheduling-failure';
import { schedulingApi } from './scheduling-api';
import { formatLocalTime } from './scheduling-time';

/** Slots listed at first, then this many more at each "Show more" (the API gives at most 200). */
const PAGE = 10;

/** `2 days`, `1.5 days`, `5 h`: a gap between two instants, in words. */
function gap(days: number): string {
  const abs = Math.abs(days);
  if (abs < 1) return `${Math.max(1, Math.round(abs * 24))} h`;
  const rounded = Math.round(abs * 10) / 10;
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}

/** Why a slot ranks where it does, in the words the ranking uses (rankRefillSlots in shared/src/scheduling/refill-slots.ts). */
export function rankReason(slot: RefillSlot, rank: number, answer: RefillSlotsResponse): string {
  const beforeBookBy = (Date.parse(answer.bookingDeadline) - Date.parse(slot.startsAt)) / DAY_MS;
  if (answer.pastBookingDeadline) {
    const when =
      slot.daysBeforeDeadline >= 0
        ? `${gap(slot.daysBeforeDeadline)} before the refill deadline`
        : `${gap(slot.daysBeforeDeadline)} AFTER the refill deadline`;
    return `${rank === 0 ? 'Earliest free slot' : 'Later'}: the booking deadline has passed, so the earliest come first; ${when}`;
  }
  if (slot.timing === 'on_time') {
    return `${gap(beforeBookBy)} before the booking deadline${rank === 0 ? ' — the latest on-time slot, least drug left unused' : ''}`;
  }
  if (slot.timing === 'after_margin') return `after the booking deadline, ${gap(slot.daysBeforeDeadline)} before the refill deadline`;
  return `${gap(slot.daysBeforeDeadline)} AFTER the refill deadline: the reservoir may reach its alarm volume first`;
}

interface SlotPickerProps {
  pumpId: string;
  patientName: string;
  clinicId: string;
  timeZone: string;
  /** The clinic's active clinicians, for the filter. */
  clinicians: Clinician[];
  onBooked: (appointment: AppointmentResponse) => void;
}

export function SlotPicker({ pumpId, patientName, clinicId, timeZone, clinicians, onBooked }: SlotPickerProps) {
  const [clinicianId, setClinicianId] = useState('');
  const [roomId, setRoomId] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const [answer, setAnswer] = useState<RefillSlotsResponse | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [rooms, setRooms] = useState<Room[]>([]);
  const [busyAt, setBusyAt] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ slot: RefillSlot; failure: SchedulingFailure } | undefined>();
  const filterId = useId();
  const roomFieldId = useId();

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(undefined);
    schedulingApi
      .refillSlots(pumpId, { limit, clinicianId: clinicianId || undefined }, controller.signal)
      .then(setAnswer, (err: unknown) => {
        if (!controller.signal.aborted) setLoadError(err instanceof Error ? err.message : String(err));
      });
    return () => controller.abort();
  }, [pumpId, limit, clinicianId]);

  useEffect(() => {
    const controller = new AbortController();
    // Without rooms the booking still works (no room): the list is a help, its failure is not shown.
    schedulingApi.listRooms(clinicId, controller.signal).then(
      (r) => setRooms([...r].sort((a, b) => a.name.localeCompare(b.name))),
      () => undefined,
    );
    return () => controller.abort();
  }, [clinicId]);

  async function book(slot: RefillSlot, overrideReason?: string) {
    setBusyAt(slot.startsAt + slot.clinicianId);
    setFailure(undefined);
    try {
      const appointment = await schedulingApi.book({
        pumpId,
        clinicianId: slot.clinicianId,
        startsAt: slot.startsAt,
        roomId: roomId || undefined,
        overrideReason,
      });
      onBooked(appointment);
    } catch (err) {
      setFailure({ slot, failure: toSchedulingFailure(err) });
    } finally {
      setBusyAt(null);
    }
  }

  const slots = answer?.slots ?? [];
  return (
    <div className="slot-picker" data-testid="slot-picker" data-pump-id={pumpId}>
      <div className="slot-picker__filters">
        <label htmlFor={filterId}>
          Clinician
          <select
            id={filterId}
            value={clinicianId}
            onChange={(e) => {
              setClinicianId(e.target.value);
              setLimit(PAGE);
            }}
            data-testid="slot-clinician-filter"
          >
            <option value="">Any clinician</option>
            {clinicians.map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={roomFieldId}>
          Room
          <select id={roomFieldId} value={roomId} onChange={(e) => setRoomId(e.target.value)} data-testid="slot-room">
            <option value="">No room yet</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {answer && (
        <p className="muted slot-picker__deadlines">
          Refill deadline {formatInstant(answer.refillDeadline, timeZone)}; book by {formatInstant(answer.bookingDeadline, timeZone)}.{' '}
          {answer.pastBookingDeadline
            ? 'The booking deadline has passed: earliest slots first.'
            : 'Best first: on time and closest to the booking deadline.'}
        </p>
      )}
      {loadError && (
        <p className="notice notice--error" role="alert">
          Could not load the slots: {loadError}
        </p>
      )}
      {!answer && !loadError && (
        <p className="muted" role="status">
          Loading slots…
        </p>
      )}
      {answer && slots.length === 0 && (
        <p className="notice notice--warn" data-testid="slot-picker-empty">
          No free slot{clinicianId ? ' for this clinician' : ''} in the search range (closures and booked visits excluded): add
          availability, or choose another clinician.
        </p>
      )}
      {slots.length > 0 && (
        <ol className="slot-list" aria-label={`Free slots for ${patientName}, best first`}>
          {slots.map((slot, rank) => {
            const label = TIMING_LABEL[slot.timing];
            const key = slot.startsAt + slot.clinicianId;
            const name = slot.clinicianName || clinicians.find((c) => c.id === slot.clinicianId)?.displayName || 'a clinician';
            return (
              <li
                key={key}
                className={`slot${label.late ? ' slot--late' : ''}`}
                data-testid="slot-option"
                data-starts-at={slot.startsAt}
                data-clinician-id={slot.clinicianId}
                data-timing={slot.timing}
              >
                <div className="slot__when">
                  <span className="slot__rank">{rank + 1}.</span> <strong>{formatInstant(slot.startsAt, timeZone)}</strong>–
                  {formatLocalTime(slot.endsAt, timeZone)}
                </div>
                <div className="slot__who">with {name}</div>
                <div className="slot__why">
                  <span className={`timing timing--${slot.timing}`} data-testid="slot-timing">
                    <span aria-hidden="true">{label.icon}</span> {label.text}
                  </span>{' '}
                  <span data-testid="slot-reason">{rankReason(slot, rank, answer!)}</span>
                </div>
                <button
                  type="button"
                  className={`button ${rank === 0 ? 'button--primary' : ''}`}
                  onClick={() => void book(slot)}
                  disabled={busyAt !== null}
                  data-testid="slot-book"
                >
                  {busyAt === key ? 'Booking…' : 'Book this slot'}
                  <span className="visually-hidden">
                    {' '}
                    for {patientName}: {formatInstant(slot.startsAt, timeZone)} with {name}
                  </span>
                </button>
                {failure && failure.slot.startsAt === slot.startsAt && failure.slot.clinicianId === slot.clinicianId && (
                  <FailureNotice
                    failure={failure.failure}
                    busy={busyAt !== null}
                    onRetryWithReason={(reason) => void book(slot, reason)}
                    testId="slot-book-error"
                  />
                )}
              </li>
            );
          })}
        </ol>
      )}
      {answer && slots.length === limit && limit < 200 && (
        <button
          type="button"
          className="button button--quiet"
          onClick={() => setLimit((l) => Math.min(200, l + PAGE * 2))}
          data-testid="slot-more"
        >
          Show more slots
        </button>
      )}
    </div>
  );
}
