// Clinicians page (/clinicians): the nurses and physicians of a clinic; administrators add, rename, set the pager contact, deactivate.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  CLINICIAN_PROFESSIONS,
  createClinicianSchema,
  updateClinicianSchema,
  type Clinician,
  type ClinicianProfession,
} from '@pumpwatch/shared';
import { ApiError } from '../../lib/api';
import { validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { toSubmitFailure } from '../../lib/form-errors';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { useSession } from '../auth/session-store';
import { canUseRoute } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ClinicPicker } from '../admin/clinic-picker';
import { useLoaded } from '../admin/use-loaded';
import { onCallApi } from '../on-call/on-call-api';
import '../on-call/on-call.css';

const PROFESSION_LABEL: Record<ClinicianProfession, string> = { nurse: 'Nurse', physician: 'Physician' };

/** Empty text clears an optional field. */
const orNull = (text: string) => (text.trim() === '' ? null : text);

function AddClinicianForm({ clinicId, onAdded }: { clinicId: string; onAdded: (clinician: Clinician) => void }) {
  const [displayName, setDisplayName] = useState('');
  const [profession, setProfession] = useState<ClinicianProfession>('nurse');
  const [pagerContact, setPagerContact] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(createClinicianSchema, { clinicId, displayName, profession, pagerContact: orNull(pagerContact) });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      const added = await onCallApi.createClinician(checked.value);
      setDisplayName('');
      setPagerContact('');
      onAdded(added);
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="add-clinician-form" aria-labelledby="add-clinician-title">
      <h2 id="add-clinician-title">Add a clinician</h2>
      <FormErrorSummary message={message} fields={errors} shown={['displayName', 'profession', 'pagerContact']} />
      <div className="form__grid">
        <FormField label="Name" name="displayName" error={errors.displayName} hint="as colleagues and pages name them">
          <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" />
        </FormField>
        <FormField label="Profession" name="profession" error={errors.profession}>
          <select value={profession} onChange={(e) => setProfession(e.target.value as ClinicianProfession)}>
            {CLINICIAN_PROFESSIONS.map((p) => (
              <option key={p} value={p}>
                {PROFESSION_LABEL[p]}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label="Pager or phone (optional)"
          name="pagerContact"
          error={errors.pagerContact}
          hint="sent to the clinic's paging webhook, never logged"
        >
          <input type="text" value={pagerContact} onChange={(e) => setPagerContact(e.target.value)} autoComplete="off" />
        </FormField>
      </div>
      <FormActions busy={busy} label="Add clinician" busyLabel="Adding…" testId="submit-clinician" />
    </form>
  );
}

function EditClinicianForm({ clinician, onSaved, onCancel }: { clinician: Clinician; onSaved: () => void; onCancel: () => void }) {
  const [displayName, setDisplayName] = useState(clinician.displayName);
  const [pagerContact, setPagerContact] = useState(clinician.pagerContact ?? '');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validate(updateClinicianSchema, { displayName, pagerContact: orNull(pagerContact) });
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => {
      await onCallApi.updateClinician(clinician.id, checked.value);
      onSaved();
    });
  }

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="edit-clinician-form" aria-label={`Edit ${clinician.displayName}`}>
      <FormErrorSummary message={message} fields={errors} shown={['displayName', 'pagerContact']} />
      <div className="form__grid">
        <FormField label="Name" name="displayName" error={errors.displayName}>
          <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" autoFocus />
        </FormField>
        <FormField label="Pager or phone" name="pagerContact" error={errors.pagerContact} hint="empty: none">
          <input type="text" value={pagerContact} onChange={(e) => setPagerContact(e.target.value)} autoComplete="off" />
        </FormField>
      </div>
      <FormActions busy={busy} label="Save" testId="save-clinician" onCancel={onCancel} />
    </form>
  );
}

/** Deactivate (after a confirm step) or reactivate; a clinician with shifts ahead is refused by the API, which says why. */
function ActiveToggle({ clinician, onChanged }: { clinician: Clinician; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [hasShifts, setHasShifts] = useState(false);

  async function setActive(active: boolean) {
    setBusy(true);
    setFailure(undefined);
    setHasShifts(false);
    try {
      await onCallApi.updateClinician(clinician.id, { active });
      setConfirming(false);
      onChanged();
    } catch (err) {
      // 409 on `active`: shifts now or ahead would leave gaps nobody sees (the API's message gives UTC instants; the roster shows local times).
      if (err instanceof ApiError && err.status === 409 && err.fields.active) setHasShifts(true);
      else setFailure(toSubmitFailure(err).message);
    } finally {
      setBusy(false);
    }
  }

  if (!clinician.active) {
    return (
      <button
        type="button"
        className="button button--quiet"
        disabled={busy}
        onClick={() => void setActive(true)}
        data-testid="reactivate-clinician"
      >
        Reactivate
      </button>
    );
  }
  return (
    <>
      {!confirming && (
        <button type="button" className="button button--quiet" onClick={() => setConfirming(true)} data-testid="deactivate-clinician">
          Deactivate
        </button>
      )}
      {confirming && (
        <span className="confirm" role="group" aria-label={`Confirm deactivating ${clinician.displayName}`}>
          <span className="small">No new shifts or pages for them; their history stays.</span>{' '}
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void setActive(false)}
            data-testid="confirm-deactivate-clinician"
            autoFocus
          >
            Deactivate
          </button>{' '}
          <button type="button" className="button button--quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      )}
      {hasShifts && (
        <p className="field__error" role="alert" data-testid="clinician-error">
          {clinician.displayName} still has on-call shifts now or ahead: cancel or reassign them on the{' '}
          <Link to="/on-call">on-call roster</Link> first.
        </p>
      )}
      {failure && (
        <p className="field__error" role="alert" data-testid="clinician-error">
          {failure}
        </p>
      )}
    </>
  );
}

function ClinicianRow({
  clinician,
  mayAdminister,
  mayOpenAvailability,
  onChanged,
}: {
  clinician: Clinician;
  mayAdminister: boolean;
  mayOpenAvailability: boolean;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <li
      className={`clinician-card${clinician.active ? '' : ' clinician-card--inactive'}`}
      data-testid="clinician-row"
      data-clinician-id={clinician.id}
      data-active={clinician.active}
    >
      <div className="clinician-card__main">
        <strong className="clinician-card__name">{clinician.displayName}</strong>
        <span>{PROFESSION_LABEL[clinician.profession]}</span>
        <span className="muted">{clinician.pagerContact ? <>☎ {clinician.pagerContact}</> : 'no pager contact'}</span>
        <span data-testid="clinician-state" className={clinician.active ? 'state state--ok' : 'state state--off'}>
          {clinician.active ? (
            <>
              <span aria-hidden="true">✓ </span>Active
            </>
          ) : (
            <>
              <span aria-hidden="true">⊘ </span>Deactivated
            </>
          )}
        </span>
      </div>
      <div className="row-actions">
        {mayOpenAvailability && (
          <Link className="button button--quiet" to={`/scheduler/clinicians/${clinician.id}`} data-testid="clinician-availability">
            Availability
          </Link>
        )}
        {mayAdminister && !editing && (
          <button type="button" className="button button--quiet" onClick={() => setEditing(true)} data-testid="edit-clinician">
            Edit
          </button>
        )}
        {mayAdminister && <ActiveToggle clinician={clinician} onChanged={onChanged} />}
      </div>
      {editing && (
        <EditClinicianForm
          clinician={clinician}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
    </li>
  );
}

export function CliniciansPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const readable = clinics.filter((c) => canUseRoute(user, 'GET /api/clinicians', c.id));
  const [chosenClinicId, setChosenClinicId] = useState('');
  const clinic = readable.find((c) => c.id === chosenClinicId) ?? readable[0];
  const clinicians = useLoaded(`clinicians:${clinic?.id ?? ''}`, (signal) =>
    clinic ? onCallApi.listClinicians(clinic.id, signal) : Promise.resolve([]),
  );
  const mayAdminister = clinic !== undefined && canUseRoute(user, 'PATCH /api/clinicians/:id', clinic.id);
  const mayAdd = clinic !== undefined && canUseRoute(user, 'POST /api/clinicians', clinic.id);
  const mayOpenAvailability = clinic !== undefined && canUseRoute(user, 'GET /api/clinicians/:id/availability', clinic.id);
  // Active first, then by name: the roster is made from the active ones.
  const rows = [...(clinicians.data ?? [])].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.displayName.localeCompare(b.displayName),
  );

  return (
    <section aria-labelledby="clinicians-title">
      <title>Clinicians — PumpWatch</title>
      <h1 id="clinicians-title">Clinicians</h1>
      <p className="muted">
        The nurses and physicians who refill pumps, go on call and are paged. Deactivated clinicians keep their history.
      </p>
      {(clinicians.error || clinicsError) && (
        <p className="notice notice--error" role="alert">
          Could not load the clinicians: {clinicians.error ?? clinicsError}
        </p>
      )}
      <ClinicPicker clinics={readable} value={clinic?.id ?? ''} onChange={setChosenClinicId} testId="clinicians-clinic" />
      {clinic && (
        <>
          <h2 className="caption-heading">Clinicians of {clinic.name}</h2>
          <ul className="clinician-list" data-testid="clinicians-list" aria-busy={clinicians.loading}>
            {rows.map((c) => (
              <ClinicianRow
                key={c.id}
                clinician={c}
                mayAdminister={mayAdminister}
                mayOpenAvailability={mayOpenAvailability}
                onChanged={clinicians.reload}
              />
            ))}
            {clinicians.data && rows.length === 0 && <li className="empty">No clinicians in this clinic yet.</li>}
          </ul>
          {mayAdd && <AddClinicianForm clinicId={clinic.id} onAdded={clinicians.reload} />}
        </>
      )}
    </section>
  );
}
