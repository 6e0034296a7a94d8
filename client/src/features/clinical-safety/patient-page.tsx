// Patient page (/patients/:id): the clinical-safety section on its own, reached from a patient alert (no pump to open).
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../../lib/api';
import { useLiveData } from '../../lib/use-live-data';
import { ClinicalSafetySection } from './clinical-safety-section';

export function PatientPage() {
  const { id = '' } = useParams();
  const patient = useLiveData(`patient:${id}`, (signal) => api.getPatient(id, signal), () => false);
  if (patient.error && !patient.data) {
    const notFound = patient.error instanceof ApiError && patient.error.status === 404;
    return <p className="notice notice--error" role="alert">{notFound ? 'No patient with this id.' : `Could not load the patient: ${patient.error.message}`} <Link to="/">Back to the fleet</Link></p>;
  }
  if (!patient.data) return <p className="muted">Loading the patient…</p>;
  const p = patient.data;
  return (
    <article aria-labelledby="patient-title" data-testid="patient-page" data-patient-id={p.id}>
      <title>{`${p.displayName} — PumpWatch`}</title>
      <p className="crumbs"><Link to="/">← Fleet</Link></p>
      <h1 id="patient-title">{p.displayName} <span className="muted">· MRN {p.mrn} · born {p.birthDate}</span></h1>
      <ClinicalSafetySection patientId={p.id} clinicId={p.clinicId} />
    </article>
  );
}
