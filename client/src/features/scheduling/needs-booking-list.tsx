// "Needs booking": the clinic's pumps with a deadline and no refill booked, earliest deadline first, each with one-click booking of the earliest good slot
// and a picker of the ranked slots (clinician, room, time); above them, the pumps whose delivery is interrupted, as emergencies without any slot.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AppointmentResponse, Clinician, FleetPump, RefillPlanEmergency, RefillSlot } from '@pumpwatch/shared';
import { DAY_MS } from '@pumpwatch/shared';
import { formatDaysLeft, formatInstant } from '../../lib/format';
import { TIMING_LABEL } from './booking-labels';
import { EmergencyList } from './emergency-list';
import { FailureNotice, toSchedulingFailure, type SchedulingFailure } from './scheduling-failure';
import { schedulingApi } from './scheduling-api';
import { SlotPicker } from './slot-picker';

/** Rows shown before "Show all": a clinic of 2,000 pumps must not render them all at once. */
const FIRST_ROWS = 50;

interface NeedsBookingListProps {
  rows: FleetPump[];
  /** Pumps whose delivery is interrupted: never offered a slot, listed first as emergencies. */
  emergencies: RefillPlanEmergency[];
  /** Pumps without a forecast: they have no deadline, so no slot can be ranked for them. */
  withoutForecast: number;
  clinicians: Map<string, Clinician>;
  clinicId: string;
  timeZone: string;
  nowMs: number;
  mayBook: boolean;
  loading: boolean;
  onBooked: (appointment: AppointmentResponse, row: FleetPump) => void;
}

function NeedsBookingRow({
  row,
  clinicians,
  clinicId,
  timeZone,
  nowMs,
  mayBook,
  onBooked,
}: Omit<NeedsBookingListProps, 'rows' | 'emergencies' | 'withoutForecast' | 'loading'> & { row: FleetPump }) {
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [failure, setFailure] = useState<SchedulingFailure | undefined>();
  const { pump, patient } = row;
  const daysLeft = row.refillDeadline ? (Date.parse(row.refillDeadline) - nowMs) / DAY_MS : null;

  /** The earliest good slot (refill-slots' first), booked at once; a late slot waits for an override reason. */
  async function bookEarliest(overrideReason?: string) {
    setBusy(true);
    setFailure(undefined);
    let slot: RefillSlot | undefined;
    try {
      const found = await schedulingApi.refillSlots(pump.id, { limit: 1 });
      slot = found.slots[0];
      if (!slot) {
        setFailure({
          status: 0,
          message: 'No clinician has a free slot in the search range: add availability, or book by hand.',
          fields: {},
          needsReason: false,
        });
        return;
      }
      if (TIMING_LABEL[slot.timing].late && !overrideReason) {
        const who = clinicians.get(slot.clinicianId)?.displayName ?? 'a clinician';
        setFailure({
          status: 0,
          message: `The earliest free slot, ${formatInstant(slot.startsAt, timeZone)} with ${who}, is ${TIMING_LABEL[slot.timing].text}. Give a reason to book it anyway.`,
          fields: {},
          needsReason: true,
        });
        return;
      }
      const appointment = await schedulingApi.book({
        pumpId: pump.id,
        clinicianId: slot.clinicianId,
        startsAt: slot.startsAt,
        overrideReason,
      });
      onBooked(appointment, row);
    } catch (err) {
      setFailure(toSchedulingFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <tr data-testid="needs-booking-row" data-pump-id={pump.id} className={picking ? 'needs-booking__row--open' : undefined}>
        <td>
          <Link to={`/pumps/${pump.id}`} className="fleet-row__patient">
            {patient.displayName}
          </Link>
          <div className="muted">
            MRN {patient.mrn} · SN {pump.serialNumber}
          </div>
        </td>
        <td data-testid="needs-booking-deadline" data-label="Refill deadline">
          {formatInstant(row.refillDeadline, timeZone)}
        </td>
        <td className="num" data-testid="needs-booking-days-left" data-label="Days left">
          {daysLeft !== null && daysLeft < 0 ? (
            <strong className="reason--danger">
              <span aria-hidden="true">✖ </span>
              {formatDaysLeft(daysLeft)}
            </strong>
          ) : (
            formatDaysLeft(daysLeft)
          )}
        </td>
        <td className="needs-booking__actions">
          {mayBook ? (
            <>
              <button
                type="button"
                className="button button--primary"
                onClick={() => void bookEarliest()}
                disabled={busy}
                data-testid="book-earliest"
              >
                {busy ? 'Booking…' : 'Book earliest good slot'}
                <span className="visually-hidden"> for {patient.displayName}</span>
              </button>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => setPicking((p) => !p)}
                aria-expanded={picking}
                data-testid="choose-slot"
              >
                {picking ? 'Hide slots' : 'Choose a slot…'}
                <span className="visually-hidden"> for {patient.displayName}</span>
              </button>
            </>
          ) : (
            <span className="muted">read only</span>
          )}
          {failure && (
            <FailureNotice failure={failure} busy={busy} onRetryWithReason={(reason) => void bookEarliest(reason)} testId="book-error" />
          )}
        </td>
      </tr>
      {picking && mayBook && (
        <tr className="needs-booking__picker" data-testid="needs-booking-picker" data-pump-id={pump.id}>
          <td colSpan={4}>
            <SlotPicker
              pumpId={pump.id}
              patientName={patient.displayName}
              clinicId={clinicId}
              timeZone={timeZone}
              clinicians={[...clinicians.values()].filter((c) => c.active).sort((a, b) => a.displayName.localeCompare(b.displayName))}
              onBooked={(appointment) => onBooked(appointment, row)}
            />
          </td>
        </tr>
      )}
    </>
  );
}

export function NeedsBookingList(props: NeedsBookingListProps) {
  const { rows, emergencies, withoutForecast, loading } = props;
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? rows : rows.slice(0, FIRST_ROWS);
  return (
    <section className="panel" aria-labelledby="needs-booking-title" data-testid="needs-booking">
      <h2 id="needs-booking-title">
        Needs booking <span className="muted">({loading ? 'loading…' : `${rows.length}, earliest deadline first`})</span>
      </h2>
      <EmergencyList emergencies={emergencies} testId="needs-booking-emergencies" heading="Emergencies: delivery interrupted" />
      {/* A scrolling box, so the calendar stays within reach; focusable, so keyboard users can scroll it. */}
      <div className="table-wrap needs-booking__scroll" role="region" aria-labelledby="needs-booking-title" tabIndex={0}>
        <table className="needs-booking__table" aria-busy={loading}>
          <caption className="visually-hidden">Pumps with no refill booked, earliest refill deadline first</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Refill deadline</th>
              <th scope="col" className="num">
                Days left
              </th>
              <th scope="col">Booking</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <NeedsBookingRow key={row.pump.id} {...props} row={row} />
            ))}
            {!loading && rows.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">
                  Every pump with a forecast has a refill booked.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {rows.length > shown.length && (
        <p>
          <button type="button" className="button button--quiet" onClick={() => setShowAll(true)}>
            Show all {rows.length} pumps
          </button>
        </p>
      )}
      {withoutForecast > 0 && (
        <p className="muted">
          {withoutForecast} pump{withoutForecast === 1 ? '' : 's'} without a forecast (no fill or no program) cannot be ranked against a
          deadline and
          {withoutForecast === 1 ? ' is' : ' are'} not listed.
        </p>
      )}
    </section>
  );
}
