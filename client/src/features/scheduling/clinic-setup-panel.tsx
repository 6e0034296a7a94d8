// Scheduler's setup panel: the clinic's clinicians (link to their availability) and rooms, with "add room" for roles that schedule.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { createRoomSchema, type Clinician, type Room } from '@pumpwatch/shared';
import { FormActions } from '../../components/form-actions';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { useLoaded } from '../admin/use-loaded';
import { useCan } from '../auth/use-can';
import { schedulingApi } from './scheduling-api';

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
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" data-testid="room-name" />
      </FormField>
      <FormActions busy={busy} label="Add room" busyLabel="Adding…" testId="submit-room" />
    </form>
  );
}

export function ClinicSetupPanel({ clinicId, clinicians }: { clinicId: string; clinicians: Clinician[] }) {
  const rooms = useLoaded(`rooms:${clinicId}`, (signal) => schedulingApi.listRooms(clinicId, signal));
  const mayAddRoom = useCan('POST /api/rooms', clinicId);
  const mayEditAvailability = useCan('PUT /api/clinicians/:id/availability', clinicId);
  const sortedRooms = [...(rooms.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <section className="panel" aria-labelledby="setup-title" data-testid="clinic-setup">
      <h2 id="setup-title">Clinicians and rooms</h2>
      <div className="setup-columns">
        <div>
          <h3>Clinicians</h3>
          {clinicians.length === 0 ? <p className="muted">No clinicians in this clinic.</p> : (
            <ul data-testid="setup-clinicians">
              {clinicians.map((c) => (
                <li key={c.id}>
                  {c.displayName}{!c.active && <span className="muted"> (inactive)</span>} —{' '}
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
          {rooms.error && <p className="notice notice--error" role="alert">Could not load the rooms: {rooms.error}</p>}
          {rooms.data && sortedRooms.length === 0 && <p className="muted">No rooms yet.</p>}
          {sortedRooms.length > 0 && (
            <ul data-testid="rooms-list">
              {sortedRooms.map((r) => <li key={r.id} data-testid="room-row" data-room-id={r.id}>{r.name}</li>)}
            </ul>
          )}
          {mayAddRoom && <AddRoomForm clinicId={clinicId} onCreated={rooms.reload} />}
        </div>
      </div>
    </section>
  );
}
