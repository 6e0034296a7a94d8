// "Add patient" (/patients/new) and "Edit patient" (/patients/:id/edit): the patient form, then the patient's page.
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { CreatePatientRequest, UpdatePatientRequest } from '@pumpwatch/shared';
import { api, ApiError } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { useSession } from '../auth/session-store';
import { canUseRoute, useCan } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { PatientForm } from './patient-form';
import './patients.css';

export function AddPatientPage() {
  const navigate = useNavigate();
  const { user } = useSession();
  const [params] = useSearchParams();
  const { clinics, error } = useClinics(user?.id);
  // Only clinics where the role may register a patient: the API would refuse the others.
  const allowed = clinics.filter((c) => canUseRoute(user, 'POST /api/patients', c.id));
  const [chosen, setChosen] = useState(params.get('clinic') ?? '');
  const clinicId = allowed.some((c) => c.id === chosen) ? chosen : (allowed[0]?.id ?? '');

  const picker =
    allowed.length > 1 ? (
      <label className="filter patient-form__clinic">
        <span>Clinic</span>
        <select value={clinicId} onChange={(e) => setChosen(e.target.value)} data-testid="add-patient-clinic">
          {allowed.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
    ) : undefined;

  return (
    <section aria-labelledby="add-patient-title" data-testid="add-patient-page" className="patients">
      <title>Add patient — PumpWatch</title>
      <p className="crumbs">
        <Link to="/patients">← Patients</Link>
      </p>
      <h1 id="add-patient-title">Add patient</h1>
      {error && (
        <p className="notice notice--error" role="alert">
          Could not load the clinics: {error}
        </p>
      )}
      <PatientForm
        key={clinicId}
        clinicId={clinicId}
        clinicPicker={picker}
        submitLabel="Add patient"
        onSubmit={async (request) => {
          const created = await api.createPatient(request as CreatePatientRequest);
          navigate(`/patients/${created.id}`, { state: { saved: `${created.displayName} added.` } });
        }}
        cancel={
          <Link to="/patients" className="button button--quiet">
            Cancel
          </Link>
        }
      />
    </section>
  );
}

export function EditPatientPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const patient = useLiveData(
    `patient-edit:${id}`,
    (signal) => api.getPatient(id, signal),
    () => false,
  );
  const mayEdit = useCan('PATCH /api/patients/:id', patient.data?.clinicId);

  if (patient.error && !patient.data) {
    const notFound = patient.error instanceof ApiError && patient.error.status === 404;
    return (
      <p className="notice notice--error" role="alert">
        {notFound ? 'No patient with this id.' : `Could not load the patient: ${patient.error.message}`}{' '}
        <Link to="/patients">Back to the patients</Link>
      </p>
    );
  }
  if (!patient.data) return <p className="muted">Loading the patient…</p>;
  const p = patient.data;
  if (!mayEdit) {
    return (
      <p className="notice notice--warn" role="alert" data-testid="not-allowed">
        Your role does not allow editing this patient. <Link to={`/patients/${p.id}`}>Back to the patient</Link>
      </p>
    );
  }
  return (
    <section aria-labelledby="edit-patient-title" data-testid="edit-patient-page" className="patients">
      <title>{`Edit ${p.displayName} — PumpWatch`}</title>
      <p className="crumbs">
        <Link to={`/patients/${p.id}`}>← {p.displayName}</Link>
      </p>
      <h1 id="edit-patient-title">
        Edit patient <span className="muted">· MRN {p.mrn}</span>
      </h1>
      <PatientForm
        patient={p}
        clinicId={p.clinicId}
        submitLabel="Save patient"
        onSubmit={async (request) => {
          await api.updatePatient(p.id, request as UpdatePatientRequest);
          navigate(`/patients/${p.id}`, { state: { saved: 'Patient saved.' } });
        }}
        cancel={
          <Link to={`/patients/${p.id}`} className="button button--quiet">
            Cancel
          </Link>
        }
      />
    </section>
  );
}
