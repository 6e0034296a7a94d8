// MRI events of a pump: a clinician records an MRI (the pump must be checked after it) and clears the post-MRI check once done.
import { useState, type FormEvent } from 'react';
import { createPumpEventSchema, type PumpEvent } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatInstant, instantToLocalInput, localInputToInstant } from '../../lib/format';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { useCan } from '../auth/use-can';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

interface MriEventsProps {
  pumpId: string;
  clinicId: string;
  timeZone: string;
  events: readonly PumpEvent[];
  /** Called after a change, so the page reloads the pump's status. */
  onChanged: () => void;
}

function RecordMriForm({
  pumpId,
  timeZone,
  onSaved,
  onCancel,
}: {
  pumpId: string;
  timeZone: string;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [at, setAt] = useState(() => instantToLocalInput(new Date().toISOString(), timeZone));
  const [note, setNote] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createPumpEventSchema, { kind: 'mri', at: localInputToInstant(at, timeZone), note: note.trim() || undefined });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await api.recordPumpEvent(pumpId, checked.value);
      onSaved();
    });
  }
  return (
    <form className="form alert-form" onSubmit={submit} noValidate data-testid="record-mri-form" aria-label="Record an MRI">
      <FormErrorSummary message={message} fields={errors} shown={['at', 'note']} />
      <div className="form__grid">
        <FormField label="MRI at" name="at" error={errors.at} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={at} onChange={setAt} timeZone={timeZone} required />
        </FormField>
        <FormField label="Note (optional)" name="note" error={errors.note}>
          <input type="text" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
        </FormField>
      </div>
      <FormActions busy={busy} label="Record MRI" testId="submit-mri" onCancel={onCancel} />
    </form>
  );
}

function ClearCheckForm({
  pumpId,
  event,
  onSaved,
  onCancel,
}: {
  pumpId: string;
  event: PumpEvent;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  const { errors, message, busy, send } = useFormSubmission();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await send(async () => {
      await api.clearPumpEvent(pumpId, event.id, note.trim() ? { note: note.trim() } : {});
      onSaved();
    });
  }
  return (
    <form className="alert-form" onSubmit={submit} noValidate data-testid="clear-mri-form" aria-label="Clear the post-MRI check">
      <FormErrorSummary message={message} fields={errors} shown={['note']} />
      <FormField
        label="What the check found (optional)"
        name="note"
        error={errors.note}
        hint="e.g. interrogated, valve reset, program intact"
      >
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} autoFocus />
      </FormField>
      <FormActions busy={busy} label="Clear the post-MRI check" busyLabel="Clearing…" testId="submit-clear-mri" onCancel={onCancel} />
    </form>
  );
}

export function MriEvents({ pumpId, clinicId, timeZone, events, onChanged }: MriEventsProps) {
  const mayRecord = useCan('POST /api/pumps/:id/events', clinicId);
  const mayClear = useCan('POST /api/pumps/:id/events/:eventId/clear', clinicId);
  const [recording, setRecording] = useState(false);
  const [clearing, setClearing] = useState<string | null>(null);
  const mris = [...events].filter((e) => e.kind === 'mri').sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

  return (
    <div className="mri-events" data-testid="mri-events">
      <div className="page-head">
        <h3>MRI</h3>
        {mayRecord && !recording && (
          <button type="button" className="button" onClick={() => setRecording(true)} data-testid="open-mri-form">
            Record MRI
          </button>
        )}
      </div>
      {recording && mayRecord && (
        <RecordMriForm
          pumpId={pumpId}
          timeZone={timeZone}
          onCancel={() => setRecording(false)}
          onSaved={() => {
            setRecording(false);
            onChanged();
          }}
        />
      )}
      {mris.length === 0 ? (
        <p className="muted">No MRI recorded.</p>
      ) : (
        <ul className="plain mri-list">
          {mris.map((e) => (
            <li key={e.id} data-testid="mri-event" data-cleared={e.clearedAt !== null}>
              MRI {formatInstant(e.at, timeZone)}{' '}
              <span className="muted">
                (recorded by {e.recordedByLabel}
                {e.note ? `: ${e.note}` : ''})
              </span>{' '}
              —{' '}
              {e.clearedAt ? (
                <span>
                  <span aria-hidden="true">✓ </span>checked {formatInstant(e.clearedAt, timeZone)} by {e.clearedByLabel}
                  {e.clearNote ? `: ${e.clearNote}` : ''}
                </span>
              ) : (
                <>
                  <strong>
                    <span aria-hidden="true">⊘ </span>pump check pending
                  </strong>
                  {mayClear && clearing !== e.id && (
                    <button type="button" className="button button--quiet" onClick={() => setClearing(e.id)} data-testid="open-clear-mri">
                      Clear check…
                    </button>
                  )}
                  {mayClear && clearing === e.id && (
                    <ClearCheckForm
                      pumpId={pumpId}
                      event={e}
                      onCancel={() => setClearing(null)}
                      onSaved={() => {
                        setClearing(null);
                        onChanged();
                      }}
                    />
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
