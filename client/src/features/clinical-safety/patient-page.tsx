// Patient page (/patients/:id): the patient's withdrawal risk factors and details, their pumps (active with its deadline and a refill
// to book, then explanted), and the clinical-safety section (labs, clinical summary); reached from the patients list, a pump or a patient alert.
import { Link, useLocation, useParams } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { useSession } from '../auth/session-store';
import { useCan } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { PatientDetails } from '../patients/patient-details';
import { presentRiskFactors, RISK_FACTOR_SHORT } from '../patients/patient-labels';
import { PatientPumps } from '../patients/patient-pumps';
import { ClinicalSafetySection } from './clinical-safety-section';
import '../patients/patients.css';

export function PatientPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const { clinics } = useClinics(user?.id);
  const saved = (useLocation().state as { saved?: string } | null)?.saved;
  const patient = useLiveData(
    `patient:${id}`,
    (signal) => api.getPatient(id, signal),
    () => false,
  );
  const mayEdit = useCan('PATCH /api/patients/:id', patient.data?.clinicId) && patient.data !== undefined;
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
  const clinic = clinics.find((c) => c.id === p.clinicId);
  const risks = presentRiskFactors(p);
  return (
    <article aria-labelledby="patient-title" data-testid="patient-page" data-patient-id={p.id}>
      <title>{`${p.displayName} — PumpWatch`}</title>
      <p className="crumbs">
        <Link to="/patients">← Patients</Link>
      </p>
      <div className="page-head">
        <h1 id="patient-title">
          {p.displayName}{' '}
          <span className="muted">
            · MRN {p.mrn} · born {p.birthDate}
          </span>
        </h1>
        {mayEdit && (
          <div className="actions">
            <Link to={`/patients/${p.id}/edit`} className="button" data-testid="edit-patient">
              Edit patient
            </Link>
          </div>
        )}
      </div>
      {saved && (
        <p className="notice notice--ok" role="status" data-testid="patient-saved">
          ✓ {saved}
        </p>
      )}
      {risks.length > 0 && (
        <p className="patient-risks" data-testid="patient-risk-factors">
          <strong>Higher withdrawal risk:</strong>{' '}
          {risks.map((f) => (
            <span key={f} className="badge badge--alert-urgent">
              <span aria-hidden="true">▲</span> {RISK_FACTOR_SHORT[f]}
            </span>
          ))}
        </p>
      )}
      {clinic && <PatientPumps patientId={p.id} clinic={clinic} />}
      {clinic && <PatientDetails patient={p} clinic={clinic} />}
      <ClinicalSafetySection patientId={p.id} clinicId={p.clinicId} />
    </article>
  );
}
