// Patients page (/patients): the clinic's patients by name, filtered by name or MRN, with their withdrawal risk factors; "Add patient" for clinicians.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Clinic, Patient } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatLocalDate } from '../../lib/format';
import { useLiveData } from '../../lib/use-live-data';
import { useSession } from '../auth/session-store';
import { useCan } from '../auth/use-can';
import { useClinics } from '../clinics/use-clinics';
import { ageInYears, presentRiskFactors, RISK_FACTOR_SHORT, SEX_TEXT, unrecordedRiskFactors } from './patient-labels';
import './patients.css';

/** Typing pauses this long before the list is asked again. */
const FILTER_DEBOUNCE_MS = 250;

function RiskCell({ patient }: { patient: Patient }) {
  const present = presentRiskFactors(patient);
  const unrecorded = unrecordedRiskFactors(patient);
  return (
    <>
      {present.map((f) => (
        <span key={f} className="badge badge--alert-urgent patient-risk" data-testid="patient-risk">
          <span aria-hidden="true">▲</span> {RISK_FACTOR_SHORT[f]}
        </span>
      ))}
      {present.length === 0 && unrecorded.length === 0 && <span className="muted">none</span>}
      {unrecorded.length > 0 && (
        <span className="muted small"> {unrecorded.length === 3 ? 'not recorded' : `${unrecorded.length} not recorded`}</span>
      )}
    </>
  );
}

function PatientRow({ patient, clinic, showClinic }: { patient: Patient; clinic: Clinic | undefined; showClinic: boolean }) {
  const timeZone = clinic?.timeZone ?? 'UTC';
  const today = formatLocalDate(new Date().toISOString(), timeZone);
  return (
    <tr data-testid="patient-row" data-patient-id={patient.id}>
      <td className="patients__name">
        <Link to={`/patients/${patient.id}`}>{patient.displayName}</Link>
        {showClinic && clinic && <div className="muted small">{clinic.name}</div>}
      </td>
      <td data-label="MRN">{patient.mrn}</td>
      <td data-label="Born">
        {patient.birthDate}{' '}
        <span className="muted">
          · {ageInYears(patient.birthDate, today)} y · {SEX_TEXT[patient.sex]}
        </span>
      </td>
      <td data-label="Spasticity">{patient.spasticityOrigin ?? <span className="muted">not recorded</span>}</td>
      <td data-label="Withdrawal risk factors" className="patients__risks">
        <RiskCell patient={patient} />
      </td>
    </tr>
  );
}

export function PatientsPage() {
  const { user } = useSession();
  const { clinics, error: clinicsError } = useClinics(user?.id);
  const [params, setParams] = useSearchParams();
  const clinicId = params.get('clinic') ?? '';
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);
  const mayAdd = useCan('POST /api/patients', clinicId || undefined);

  // The filter lives in the address (a link or a reload keeps it), written once typing pauses.
  useEffect(() => {
    if (typed === q) return;
    const timer = setTimeout(
      () =>
        setParams(
          (prev) => {
            const next = new URLSearchParams(prev);
            if (typed.trim()) next.set('q', typed);
            else next.delete('q');
            return next;
          },
          { replace: true },
        ),
      FILTER_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [typed, q, setParams]);

  const patients = useLiveData(
    `patients:${clinicId}:${q}`,
    (signal) => api.searchPatients({ clinicId, q }, signal),
    () => false,
  );
  const clinicsById = new Map(clinics.map((c) => [c.id, c]));
  const rows = patients.data ?? [];
  const chooseClinic = (id: string) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (id) next.set('clinic', id);
      else next.delete('clinic');
      return next;
    });

  return (
    <section aria-labelledby="patients-title" data-testid="patients-page" className="patients">
      <title>Patients — PumpWatch</title>
      <div className="page-head">
        <h1 id="patients-title">Patients</h1>
        {mayAdd && (
          <div className="actions">
            <Link
              to={clinicId ? `/patients/new?clinic=${clinicId}` : '/patients/new'}
              className="button button--primary"
              data-testid="add-patient"
            >
              Add patient
            </Link>
          </div>
        )}
      </div>
      <div className="toolbar">
        <label className="filter">
          <span>Name or MRN</span>
          <input
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="e.g. Roux or A-1001"
            data-testid="patients-filter"
          />
        </label>
        {clinics.length > 1 && (
          <label className="filter">
            <span>Clinic</span>
            <select value={clinicId} onChange={(e) => chooseClinic(e.target.value)} data-testid="patients-clinic">
              <option value="">every clinic</option>
              {clinics.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {clinicsError && (
        <p className="notice notice--error" role="alert">
          Could not load the clinics: {clinicsError}
        </p>
      )}
      {patients.error && (
        <p className="notice notice--error" role="alert">
          Could not load the patients: {patients.error.message}
        </p>
      )}
      <p className="muted" role="status" data-testid="patients-count">
        {patients.data === undefined
          ? 'Loading the patients…'
          : `${rows.length} patient${rows.length === 1 ? '' : 's'}${q.trim() ? ` matching “${q.trim()}”` : ''}`}
      </p>
      <div className="table-wrap" tabIndex={0}>
        <table className="patients__table">
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">MRN</th>
              <th scope="col">Born</th>
              <th scope="col">Spasticity origin</th>
              <th scope="col">Withdrawal risk factors</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <PatientRow key={p.id} patient={p} clinic={clinicsById.get(p.clinicId)} showClinic={clinics.length > 1 && !clinicId} />
            ))}
            {patients.data !== undefined && rows.length === 0 && (
              <tr className="patients__empty">
                <td colSpan={5} className="empty">
                  {q.trim() ? 'No patient matches this name or MRN.' : 'No patient registered yet.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
