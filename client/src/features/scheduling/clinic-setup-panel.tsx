// Scheduler's setup panel: the clinic's clinicians (link to their availability), rooms and closures (holidays: no slot offered), with
// "add room" and "add closure" for roles that schedule.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { createClinicClosureSchema, createRoomSchema, type ClinicClosure, type Clinician, type Room } from '@pumpwatch/shared';
import { FormActions } from '../../components/form-actions';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { useLoaded } from '../admin/use-loaded';
import { useCan } from '../auth/use-can';
import { schedulingApi } from './scheduling-api';
import { ClinicDateInput } from '../../components/clinic-date-input';

function AddRoomForm({ clinicId, onCreated }: { clinicId: string; onCreated: (room: Room) => void }) {
  const [name, setName] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createRoomSchema, { clinicId, name });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    // A duplicate name answers 409 naming `name`: shown beside the field.
    await send(async () => {
      const room = await schedulingApi.createRoom(checked.value);
      setName('');
      onCreated(room);
    });
  }

  return (
    <form className="form form--inline" onSubmit={submit} noValidate data-testid="add-room-form" aria-label="Add a room">
      <FormErrorSummary message={message} fields={errors} shown={['name']} />
      <FormField label="New room" name="name" error={errors.name}>
        <input
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          autoComplete="off"
          data-testid="room-name"
        />
      </FormField>
      <FormActions busy={busy} label="Add room" busyLabel="Adding…" testId="submit-room" />
    </form>
  );
}

/** `Fri 25 Dec 2026` (or a range) in the reader's locale: a closure is a calendar date of the clinic, shown as the date inputs show it. */
export function formatClosureDates(closure: Pick<ClinicClosure, 'startDate' | 'endDate'>): string {
  const format = (date: string) =>
    new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(
      new Date(`${date}T12:00:00Z`),
    );
  return closure.startDate === closure.endDate ? format(closure.startDate) : `${format(closure.startDate)} – ${format(closure.endDate)}`;
}

function AddClosureForm({ clinicId, onCreated }: { clinicId: string; onCreated: () => void }) {
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [label, setLabel] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createClinicClosureSchema, { startDate, endDate: endDate || undefined, label });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await schedulingApi.createClosure(clinicId, checked.value);
      setStartDate('');
      setEndDate('');
      setLabel('');
      onCreated();
    });
  }

  return (
    <form className="form form--inline closure-form" onSubmit={submit} noValidate data-testid="add-closure-form" aria-label="Add a closure">
      <FormErrorSummary message={message} fields={errors} shown={['startDate', 'endDate', 'label']} />
      <FormField label="Closed from" name="startDate" error={errors.startDate}>
        <ClinicDateInput value={startDate} onChange={setStartDate} clinicId={clinicId} required data-testid="closure-start" />
      </FormField>
      <FormField label="to (optional)" name="endDate" error={errors.endDate} hint="Last closed day; empty for one day">
        <ClinicDateInput value={endDate} min={startDate || undefined} onChange={setEndDate} clinicId={clinicId} data-testid="closure-end" />
      </FormField>
      <FormField label="Name" name="label" error={errors.label}>
        <input
          type="text"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          maxLength={100}
          placeholder="e.g. Christmas Day"
          autoComplete="off"
          data-testid="closure-label"
        />
      </FormField>
      <FormActions busy={busy} label="Add closure" busyLabel="Adding…" testId="submit-closure" />
    </form>
  );
}

export interface ClosuresState {
  data: ClinicClosure[] | undefined;
  error: string | undefined;
  reload: () => void;
}

function ClosuresColumn({
  clinicId,
  timeZone,
  today,
  closures,
}: {
  clinicId: string;
  timeZone: string;
  today: string;
  closures: ClosuresState;
}) {
  const mayEdit = useCan('POST /api/clinics/:id/closures', clinicId);
  const mayRemove = useCan('DELETE /api/clinics/:id/closures/:closureId', clinicId);
  const [removeError, setRemoveError] = useState<string | undefined>();
  // Past closures change nothing any more: only today's and later ones are listed.
  const upcoming = (closures.data ?? []).filter((c) => c.endDate >= today);

  async function remove(closure: ClinicClosure) {
    setRemoveError(undefined);
    try {
      await schedulingApi.removeClosure(clinicId, closure.id);
      closures.reload();
    } catch (err) {
      setRemoveError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <div>
      <h3>Closures</h3>
      <p className="muted">No refill slot is offered or booked on these days ({timeZone}); the planner skips them.</p>
      {closures.error && (
        <p className="notice notice--error" role="alert">
          Could not load the closures: {closures.error}
        </p>
      )}
      {removeError && (
        <p className="notice notice--error" role="alert">
          Could not remove the closure: {removeError}
        </p>
      )}
      {closures.data && upcoming.length === 0 && <p className="muted">No closure ahead.</p>}
      {upcoming.length > 0 && (
        <ul data-testid="closures-list" className="closures-list">
          {upcoming.map((c) => (
            <li key={c.id} data-testid="closure-row" data-closure-id={c.id} data-start-date={c.startDate} data-end-date={c.endDate}>
              <span aria-hidden="true">✖ </span>
              <strong>{c.label}</strong> — {formatClosureDates(c)}
              {mayRemove && (
                <>
                  {' '}
                  <button type="button" className="link-button" onClick={() => void remove(c)} data-testid="closure-remove">
                    remove<span className="visually-hidden"> the closure {c.label}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayEdit && <AddClosureForm clinicId={clinicId} onCreated={closures.reload} />}
    </div>
  );
}

export function ClinicSetupPanel({
  clinicId,
  clinicians,
  timeZone,
  today,
  closures,
}: {
  clinicId: string;
  clinicians: Clinician[];
  timeZone: string;
  today: string;
  /** Loaded by the scheduler page: the week calendar marks the same closures. */
  closures: ClosuresState;
}) {
  const rooms = useLoaded(`rooms:${clinicId}`, (signal) => schedulingApi.listRooms(clinicId, signal));
  const mayAddRoom = useCan('POST /api/rooms', clinicId);
  const mayEditAvailability = useCan('PUT /api/clinicians/:id/availability', clinicId);
  const sortedRooms = [...(rooms.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section className="panel" aria-labelledby="setup-title" data-testid="clinic-setup">
      <h2 id="setup-title">Clinicians, rooms and closures</h2>
      <div className="setup-columns">
        <div>
          <h3>Clinicians</h3>
          {clinicians.length === 0 ? (
            <p className="muted">No clinicians in this clinic.</p>
          ) : (
            <ul data-testid="setup-clinicians">
              {clinicians.map((c) => (
                <li key={c.id}>
                  {c.displayName}
                  {!c.active && <span className="muted"> (inactive)</span>} —{' '}
                  <Link to={`/scheduler/clinicians/${c.id}`} data-testid="clinician-availability-link" data-clinician-id={c.id}>
                    {mayEditAvailability ? 'edit availability' : 'availability'}
                    <span className="visually-hidden"> of {c.displayName}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Rooms</h3>
          {rooms.error && (
            <p className="notice notice--error" role="alert">
              Could not load the rooms: {rooms.error}
            </p>
          )}
          {rooms.data && sortedRooms.length === 0 && <p className="muted">No rooms yet.</p>}
          {sortedRooms.length > 0 && (
            <ul data-testid="rooms-list">
              {sortedRooms.map((r) => (
                <li key={r.id} data-testid="room-row" data-room-id={r.id}>
                  {r.name}
                </li>
              ))}
            </ul>
          )}
          {mayAddRoom && <AddRoomForm clinicId={clinicId} onCreated={rooms.reload} />}
        </div>
        <ClosuresColumn clinicId={clinicId} timeZone={timeZone} today={today} closures={closures} />
      </div>
    </section>
  );
}
