// The scheduler opened for one pump (/scheduler?pump=<id>, the pump page's "Book refill"): that pump's booking ready, its ranked slots shown.
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AppointmentResponse, Clinician, FleetPump } from '@pumpwatch/shared';
import { DAY_MS } from '@pumpwatch/shared';
import { formatDaysLeft, formatInstant } from '../../lib/format';
import { nextAppointmentOf } from './scheduling-api';
import { SlotPicker } from './slot-picker';

interface PumpBookingPanelProps {
  pumpId: string;
  /** The pump's fleet row; undefined while the fleet loads or when the pump is not in this clinic's fleet. */
  row: FleetPump | undefined;
  fleetLoaded: boolean;
  clinicId: string;
  timeZone: string;
  clinicians: Clinician[];
  nowMs: number;
  mayBook: boolean;
  onBooked: (appointment: AppointmentResponse, row: FleetPump) => void;
  onClose: () => void;
}

export function PumpBookingPanel({
  pumpId,
  row,
  fleetLoaded,
  clinicId,
  timeZone,
  clinicians,
  nowMs,
  mayBook,
  onBooked,
  onClose,
}: PumpBookingPanelProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from another page: the booking is what the person came for, so it takes the focus (and the screen reader says so).
  useEffect(() => {
    heading.current?.focus();
  }, [pumpId]);

  /** Booked from this panel: shown at once, before the fleet list reports it. */
  const [bookedHere, setBookedHere] = useState<AppointmentResponse | null>(null);
  const booked = bookedHere ?? (row ? nextAppointmentOf(row) : undefined);
  const daysLeft = row?.refillDeadline ? (Date.parse(row.refillDeadline) - nowMs) / DAY_MS : null;

  let body: React.ReactNode;
  if (!row) {
    body = fleetLoaded ? (
      <p className="notice notice--warn">This pump is not in this clinic's fleet (or it was explanted): nothing to book here.</p>
    ) : (
      <p className="muted" role="status">
        Loading the pump…
      </p>
    );
  } else if (row.urgency === 'delivery_interrupted') {
    body = (
      <p className="notice notice--error" data-testid="pump-booking-emergency">
        <span aria-hidden="true">✖ </span>
        <strong>EMERGENCY — delivery interrupted:</strong> this pump is not offered a routine slot. Act on its alert (see{' '}
        <Link to={`/pumps/${row.pump.id}`}>the pump</Link>) now.
      </p>
    );
  } else if (booked) {
    body = (
      <p className="notice notice--ok" data-testid="pump-booking-booked">
        <span aria-hidden="true">✓ </span>
        {bookedHere ? 'Booked' : 'A refill is already booked'}: {formatInstant(booked.startsAt, timeZone)}. Reschedule or cancel it in the
        week calendar below.
      </p>
    );
  } else if (row.status !== 'ok' || row.refillDeadline === null) {
    body = <p className="notice notice--warn">No refill deadline yet (record a fill and a program first): no slot can be ranked.</p>;
  } else if (!mayBook) {
    body = <p className="muted">Your role can see the schedule but not book.</p>;
  } else {
    body = (
      <SlotPicker
        pumpId={row.pump.id}
        patientName={row.patient.displayName}
        clinicId={clinicId}
        timeZone={timeZone}
        clinicians={clinicians.filter((c) => c.active)}
        onBooked={(appointment) => {
          setBookedHere(appointment);
          onBooked(appointment, row);
        }}
      />
    );
  }

  return (
    <section className="panel pump-booking" aria-labelledby="pump-booking-title" data-testid="pump-booking" data-pump-id={pumpId}>
      <h2 id="pump-booking-title" ref={heading} tabIndex={-1}>
        Book the refill of {row ? row.patient.displayName : 'this pump'}
      </h2>
      {row && (
        <p className="pump-booking__facts">
          <Link to={`/pumps/${row.pump.id}`}>SN {row.pump.serialNumber}</Link> · MRN {row.patient.mrn} · refill deadline{' '}
          <strong>{formatInstant(row.refillDeadline, timeZone)}</strong> ({formatDaysLeft(daysLeft)})
        </p>
      )}
      {body}
      <button type="button" className="button button--quiet" onClick={onClose} data-testid="pump-booking-close">
        Close
      </button>
    </section>
  );
}
