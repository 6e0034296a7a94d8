// The patient's recorded facts on the patient page: identity, body, spasticity origin and each withdrawal risk factor (yes, no or not recorded).
import type { ReactNode } from 'react';
import { WITHDRAWAL_RISK_FACTOR_LABELS, type Clinic, type Patient } from '@pumpwatch/shared';
import { formatInstant, formatLocalDate, formatNumber } from '../../lib/format';
import { ageInYears, RISK_FACTORS, SEX_TEXT } from './patient-labels';

function Item({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="summary__item">
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

export function PatientDetails({ patient, clinic }: { patient: Patient; clinic: Clinic }) {
  const today = formatLocalDate(new Date().toISOString(), clinic.timeZone);
  return (
    <section aria-labelledby="patient-details-heading" className="summary patient-details" data-testid="patient-details">
      <h2 id="patient-details-heading" className="visually-hidden">
        Patient details
      </h2>
      <div className="summary__grid">
        <dl>
          <Item term="Born" testId="patient-born">
            {patient.birthDate} <span className="muted">({ageInYears(patient.birthDate, today)} years)</span>
          </Item>
          <Item term="Sex">{SEX_TEXT[patient.sex]}</Item>
          <Item term="Weight" testId="patient-weight">
            {patient.weightKg === null ? <span className="muted">not recorded</span> : formatNumber(patient.weightKg, 'kg', 1)}
          </Item>
          <Item term="Height" testId="patient-height">
            {patient.heightCm === null ? <span className="muted">not recorded</span> : formatNumber(patient.heightCm, 'cm', 0)}
          </Item>
          <Item term="Spasticity origin" testId="patient-origin">
            {patient.spasticityOrigin ?? <span className="muted">not recorded (cerebral limits apply)</span>}
          </Item>
        </dl>
        <dl>
          {RISK_FACTORS.map((f) => (
            <Item key={f} term={WITHDRAWAL_RISK_FACTOR_LABELS[f]} testId={`patient-${f}`}>
              {patient[f] === true ? (
                <span className="badge badge--alert-urgent">
                  <span aria-hidden="true">▲</span> yes
                </span>
              ) : patient[f] === false ? (
                'no'
              ) : (
                <span className="muted">not recorded</span>
              )}
            </Item>
          ))}
          <Item term="Clinic">{clinic.name}</Item>
          <Item term="Registered">{formatInstant(patient.createdAt, clinic.timeZone)}</Item>
        </dl>
      </div>
    </section>
  );
}
