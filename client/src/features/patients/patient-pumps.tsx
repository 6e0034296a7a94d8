// The patient's pumps on the patient page: the active one with its urgency, days left and deadline, a link to book its refill; then the explanted ones.
import { Link } from 'react-router-dom';
import type { Clinic, FleetPump, Pump } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatDaysLeft, formatInstant, formatLocalDate, modelName, NO_FORECAST_TEXT } from '../../lib/format';
import { useLiveData } from '../../lib/use-live-data';
import { useCan } from '../auth/use-can';
import { UrgencyBadge } from '../fleet/urgency-badge';

const EXPLANT_REASON_TEXT: Record<NonNullable<Pump['explantReason']>, string> = {
  replacement: 'replaced',
  infection: 'infection',
  therapy_ended: 'therapy ended',
  deceased: 'deceased',
  other: 'other',
};

/** Where a refill of the pump is booked: the scheduler of its clinic, that pump named. */
export function bookRefillHref(pump: Pick<Pump, 'id' | 'clinicId'>): string {
  return `/scheduler?clinic=${encodeURIComponent(pump.clinicId)}&pump=${encodeURIComponent(pump.id)}`;
}

function ActivePump({ pump, clinic }: { pump: Pump; clinic: Clinic }) {
  const row = useLiveData<FleetPump>(
    `patient-pump-row:${pump.id}`,
    (signal) => api.getFleetRow(pump.id, signal),
    (event) => event.pumpId === pump.id,
  );
  const mayBook = useCan('POST /api/appointments', pump.clinicId);
  const r = row.data;
  return (
    <li className="patient-pump patient-pump--active" data-testid="patient-pump" data-pump-id={pump.id} data-active="true">
      <div className="patient-pump__head">
        {r && <UrgencyBadge urgency={r.urgency} />}
        <Link to={`/pumps/${pump.id}`} data-testid="patient-pump-link">
          {modelName(pump.modelId)} · SN {pump.serialNumber}
        </Link>
        <span className="muted">active since {pump.implantDate}</span>
      </div>
      {r && (
        <p className="patient-pump__facts">
          {r.refillDeadline === null ? (
            <span data-testid="patient-pump-days-left">No forecast: {r.statusReason ?? NO_FORECAST_TEXT[r.status]}.</span>
          ) : (
            <>
              <span data-testid="patient-pump-days-left">{formatDaysLeft(r.daysLeft)}</span> · refill by{' '}
              <strong>{formatInstant(r.refillDeadline, clinic.timeZone)}</strong>
            </>
          )}
          {' · '}
          {r.nextAppointment ? (
            <>refill booked {formatInstant(r.nextAppointment.startsAt, clinic.timeZone)}</>
          ) : (
            <span>no refill booked</span>
          )}
        </p>
      )}
      {row.error && !r && <p className="muted small">Could not read the forecast: {row.error.message}</p>}
      {mayBook && (
        <p className="patient-pump__actions">
          <Link to={bookRefillHref(pump)} className="button" data-testid="patient-pump-book-refill">
            Book refill
          </Link>
        </p>
      )}
    </li>
  );
}

export function PatientPumps({ patientId, clinic }: { patientId: string; clinic: Clinic }) {
  const pumps = useLiveData(
    `patient-pumps:${patientId}`,
    (signal) => api.listPatientPumps(patientId, signal),
    () => false,
  );
  const mayAddPump = useCan('POST /api/pumps', clinic.id);
  const list = pumps.data ?? [];
  const active = list.filter((p) => p.explantedAt === null);
  const explanted = list.filter((p) => p.explantedAt !== null);
  return (
    <section aria-labelledby="patient-pumps-title" className="panel patient-pumps" data-testid="patient-pumps">
      <div className="page-head">
        <h2 id="patient-pumps-title">Pumps</h2>
        {mayAddPump && (
          <Link to="/pumps/new" className="button button--quiet">
            Add pump
          </Link>
        )}
      </div>
      {pumps.error && (
        <p className="notice notice--error" role="alert">
          Could not load the pumps: {pumps.error.message}
        </p>
      )}
      {pumps.data && list.length === 0 && <p className="muted">No pump registered for this patient.</p>}
      {active.length > 0 && (
        <ul className="patient-pumps__list">
          {active.map((p) => (
            <ActivePump key={p.id} pump={p} clinic={clinic} />
          ))}
        </ul>
      )}
      {explanted.length > 0 && (
        <>
          <h3>Explanted</h3>
          <ul className="patient-pumps__list">
            {explanted.map((p) => (
              <li key={p.id} className="patient-pump" data-testid="patient-pump" data-pump-id={p.id} data-active="false">
                <Link to={`/pumps/${p.id}`}>
                  {modelName(p.modelId)} · SN {p.serialNumber}
                </Link>{' '}
                <span className="muted">
                  implanted {p.implantDate} · explanted {formatLocalDate(p.explantedAt, clinic.timeZone)}
                  {p.explantReason ? ` (${EXPLANT_REASON_TEXT[p.explantReason]})` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
