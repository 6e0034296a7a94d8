// The patient form of the add and edit pages: identity, weight and height, spasticity origin and the withdrawal risk factors (each yes, no or not recorded).
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  createPatientSchema,
  SEXES,
  SPASTICITY_ORIGINS,
  updatePatientSchema,
  WITHDRAWAL_RISK_FACTOR_LABELS,
  type CreatePatientRequest,
  type Patient,
  type Sex,
  type SpasticityOrigin,
  type UpdatePatientRequest,
} from '@pumpwatch/shared';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { RISK_FACTORS, SEX_TEXT, SPASTICITY_ORIGIN_TEXT, type RiskFactor } from './patient-labels';
import { ClinicDateInput } from '../../components/clinic-date-input';

type TriState = '' | 'yes' | 'no';
const triStateOf = (value: boolean | null | undefined): TriState => (value === true ? 'yes' : value === false ? 'no' : '');
const booleanOf = (value: TriState): boolean | null => (value === 'yes' ? true : value === 'no' ? false : null);
const numberText = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

const SHOWN = ['clinicId', 'mrn', 'displayName', 'birthDate', 'sex', 'weightKg', 'heightCm', 'spasticityOrigin', ...RISK_FACTORS];

interface PatientFormProps {
  /** Edit this patient (only the changed fields are sent); without it, a new patient of `clinicId`. */
  patient?: Patient;
  clinicId: string;
  /** The clinic choice, shown above the fields when adding to one of several clinics. */
  clinicPicker?: ReactNode;
  onSubmit: (request: CreatePatientRequest | UpdatePatientRequest) => Promise<void>;
  submitLabel: string;
  cancel: ReactNode;
}

export function PatientForm({ patient, clinicId, clinicPicker, onSubmit, submitLabel, cancel }: PatientFormProps) {
  const [mrn, setMrn] = useState(patient?.mrn ?? '');
  const [displayName, setDisplayName] = useState(patient?.displayName ?? '');
  const [birthDate, setBirthDate] = useState(patient?.birthDate ?? '');
  const [sex, setSex] = useState<Sex | ''>(patient?.sex ?? '');
  const [weightKg, setWeightKg] = useState(numberText(patient?.weightKg));
  const [heightCm, setHeightCm] = useState(numberText(patient?.heightCm));
  const [origin, setOrigin] = useState<SpasticityOrigin | ''>(patient?.spasticityOrigin ?? '');
  const [risks, setRisks] = useState<Record<RiskFactor, TriState>>({
    spinalCordInjuryT6OrAbove: triStateOf(patient?.spinalCordInjuryT6OrAbove),
    communicationDifficulty: triStateOf(patient?.communicationDifficulty),
    previousWithdrawal: triStateOf(patient?.previousWithdrawal),
  });
  const { errors, message, busy, refuse, send } = useFormSubmission();

  function editRequest(before: Patient): UpdatePatientRequest {
    const after = {
      mrn: mrn.trim(),
      displayName: displayName.trim(),
      birthDate,
      sex: sex || undefined,
      weightKg: numberOrUndefined(weightKg) ?? null,
      heightCm: numberOrUndefined(heightCm) ?? null,
      spasticityOrigin: origin || null,
      spinalCordInjuryT6OrAbove: booleanOf(risks.spinalCordInjuryT6OrAbove),
      communicationDifficulty: booleanOf(risks.communicationDifficulty),
      previousWithdrawal: booleanOf(risks.previousWithdrawal),
    };
    // Only what changed: a correction of one field does not rewrite the others (nor their audit rows).
    return Object.fromEntries(
      Object.entries(after).filter(([key, value]) => value !== before[key as keyof Patient]),
    ) as UpdatePatientRequest;
  }

  function createRequest(): Record<string, unknown> {
    return {
      clinicId,
      mrn: mrn.trim(),
      displayName: displayName.trim(),
      birthDate,
      sex: sex || undefined,
      weightKg: numberOrUndefined(weightKg),
      heightCm: numberOrUndefined(heightCm),
      spasticityOrigin: origin || undefined,
      spinalCordInjuryT6OrAbove: booleanOf(risks.spinalCordInjuryT6OrAbove) ?? undefined,
      communicationDifficulty: booleanOf(risks.communicationDifficulty) ?? undefined,
      previousWithdrawal: booleanOf(risks.previousWithdrawal) ?? undefined,
    };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (patient) {
      const request = editRequest(patient);
      if (Object.keys(request).length === 0) return refuse({ '': 'Nothing changed: edit a field, or cancel.' });
      const checked = validate(updatePatientSchema, request);
      if (!checked.ok) return refuse(checked.fields);
      await send(() => onSubmit(checked.value));
    } else {
      const checked = validate(createPatientSchema, createRequest());
      if (!checked.ok) return refuse(checked.fields);
      await send(() => onSubmit(checked.value));
    }
  }

  return (
    <form className="panel form patient-form" onSubmit={submit} noValidate data-testid="patient-form" aria-label={submitLabel}>
      <FormErrorSummary message={message} fields={errors} shown={SHOWN} />
      {clinicPicker}
      {!clinicPicker && errors.clinicId && (
        <p className="field__error" data-testid="error-clinicId">
          Clinic: {errors.clinicId}
        </p>
      )}
      <fieldset className="form__group">
        <legend>Identity</legend>
        <div className="form__grid">
          <FormField label="Name" name="displayName" error={errors.displayName}>
            <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" />
          </FormField>
          <FormField label="MRN" name="mrn" error={errors.mrn} hint="the clinic's medical record number, unique in the clinic">
            <input type="text" value={mrn} onChange={(e) => setMrn(e.target.value)} autoComplete="off" />
          </FormField>
          <FormField label="Date of birth" name="birthDate" error={errors.birthDate}>
            <ClinicDateInput value={birthDate} onChange={setBirthDate} clinicId={clinicId} />
          </FormField>
          <FormField label="Sex" name="sex" error={errors.sex}>
            <select value={sex} onChange={(e) => setSex(e.target.value as Sex | '')}>
              {!patient && <option value="">— choose —</option>}
              {SEXES.map((s) => (
                <option key={s} value={s}>
                  {SEX_TEXT[s]}
                </option>
              ))}
            </select>
          </FormField>
        </div>
      </fieldset>
      <fieldset className="form__group">
        <legend>Body and spasticity</legend>
        <div className="form__grid">
          <FormField label="Weight (kg)" name="weightKg" error={errors.weightKg} hint="for the creatinine clearance; empty: not recorded">
            <input type="number" inputMode="decimal" step="any" value={weightKg} onChange={(e) => setWeightKg(e.target.value)} />
          </FormField>
          <FormField
            label="Height (cm)"
            name="heightCm"
            error={errors.heightCm}
            hint="for a child's eGFR (bedside Schwartz); empty: not recorded"
          >
            <input type="number" inputMode="decimal" step="any" value={heightCm} onChange={(e) => setHeightCm(e.target.value)} />
          </FormField>
          <FormField
            label="Spasticity origin"
            name="spasticityOrigin"
            error={errors.spasticityOrigin}
            hint="sets the escalation limits; not recorded: the stricter cerebral ones"
          >
            <select value={origin} onChange={(e) => setOrigin(e.target.value as SpasticityOrigin | '')}>
              <option value="">not recorded</option>
              {SPASTICITY_ORIGINS.map((o) => (
                <option key={o} value={o}>
                  {SPASTICITY_ORIGIN_TEXT[o]}
                </option>
              ))}
            </select>
          </FormField>
        </div>
      </fieldset>
      <fieldset className="form__group">
        <legend>Withdrawal risk factors</legend>
        <p className="muted small">
          Patients at higher risk of severe baclofen withdrawal (FDA label); shown on every withdrawal-risk alert.
        </p>
        <div className="form__grid">
          {RISK_FACTORS.map((factor) => (
            <FormField key={factor} label={WITHDRAWAL_RISK_FACTOR_LABELS[factor]} name={factor} error={errors[factor]}>
              <select
                value={risks[factor]}
                onChange={(e) => setRisks({ ...risks, [factor]: e.target.value as TriState })}
                data-testid={`risk-${factor}`}
              >
                <option value="">not recorded</option>
                <option value="yes">yes</option>
                <option value="no">no</option>
              </select>
            </FormField>
          ))}
        </div>
      </fieldset>
      <FormActions busy={busy} label={submitLabel} testId="submit-patient">
        {cancel}
      </FormActions>
    </form>
  );
}
