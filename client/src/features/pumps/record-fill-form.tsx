// "Record fill" form: checked with the API's own zod schema, then posted; API field errors land beside their fields.
import { useState, type FormEvent } from 'react';
import { createFillSchema, DRUG_CONFIG, type CreateFillRequest, type Fill, type Pump } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { instantToLocalInput, localInputToInstant } from '../../lib/format';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

const CONCENTRATIONS = [500, 1000, 2000] as const;
const SHOWN = [
  'filledAt',
  'concentrationMcgPerMl',
  'volumeMl',
  'aspiratedResidualMl',
  'stabilityDays',
  'bridgeBolus',
  'bridgeBolus.volumeMl',
  'bridgeBolus.durationMinutes',
];

interface RecordFillFormProps {
  pump: Pump;
  timeZone: string;
  lastFill: Fill | undefined;
  onSaved: (fill: Fill) => void;
  onCancel: () => void;
}

export function RecordFillForm({ pump, timeZone, lastFill, onSaved, onCancel }: RecordFillFormProps) {
  const lastConc = lastFill?.concentrationMcgPerMl;
  const [filledAt, setFilledAt] = useState(() => instantToLocalInput(new Date().toISOString(), timeZone));
  const [concChoice, setConcChoice] = useState<string>(
    lastConc === undefined ? '1000' : CONCENTRATIONS.includes(lastConc as 500) ? String(lastConc) : 'other',
  );
  const [concOther, setConcOther] = useState(lastConc !== undefined && !CONCENTRATIONS.includes(lastConc as 500) ? String(lastConc) : '');
  const [volumeMl, setVolumeMl] = useState(String(pump.reservoirCapacityMl));
  const [residual, setResidual] = useState('');
  const [stabilityDays, setStabilityDays] = useState(String(DRUG_CONFIG.defaultStabilityDays));
  const [withBridge, setWithBridge] = useState(false);
  const [bridgeVolume, setBridgeVolume] = useState('');
  const [bridgeMinutes, setBridgeMinutes] = useState('');
  const [doseChangeReason, setDoseChangeReason] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  // A constant-flow pump's dose changes with the concentration: the dose guard may ask why (422 naming doseChangeReason).
  const [reasonAsked, setReasonAsked] = useState(false);
  if (errors.doseChangeReason !== undefined && !reasonAsked) setReasonAsked(true);
  // A soft limit of the clinic's drug library (a screening or diluted concentration, issue 13): 422 naming limitOverrideReason.
  const [limitOverrideReason, setLimitOverrideReason] = useState('');
  const [overrideAsked, setOverrideAsked] = useState(false);
  if (errors.limitOverrideReason !== undefined && !overrideAsked) setOverrideAsked(true);

  const concentration = numberOrUndefined(concChoice === 'other' ? concOther : concChoice);
  const concentrationChanges = lastConc !== undefined && concentration !== undefined && concentration !== lastConc;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateFillRequest = {
      filledAt: localInputToInstant(filledAt, timeZone),
      drug: 'baclofen',
      concentrationMcgPerMl: concentration as number,
      volumeMl: numberOrUndefined(volumeMl) as number,
      aspiratedResidualMl: numberOrUndefined(residual),
      stabilityDays: numberOrUndefined(stabilityDays),
      bridgeBolus: withBridge
        ? { volumeMl: numberOrUndefined(bridgeVolume) as number, durationMinutes: numberOrUndefined(bridgeMinutes) as number }
        : undefined,
      doseChangeReason: reasonAsked && doseChangeReason.trim() !== '' ? doseChangeReason.trim() : undefined,
      limitOverrideReason: overrideAsked && limitOverrideReason.trim() !== '' ? limitOverrideReason.trim() : undefined,
    };
    const checked = validate(createFillSchema, request);
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => onSaved(await api.createFill(pump.id, request)));
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="record-fill-form" aria-labelledby="fill-form-title">
      <h2 id="fill-form-title">Record fill</h2>
      <FormErrorSummary message={message} fields={errors} shown={[...SHOWN, 'doseChangeReason', 'limitOverrideReason']} />
      <div className="form__grid">
        <FormField label="Filled at" name="filledAt" error={errors.filledAt} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={filledAt} onChange={setFilledAt} timeZone={timeZone} required />
        </FormField>
        <FormField
          label="Concentration (mcg/mL)"
          name="concentrationMcgPerMl"
          error={concChoice === 'other' ? undefined : errors.concentrationMcgPerMl}
        >
          <select value={concChoice} onChange={(e) => setConcChoice(e.target.value)}>
            {CONCENTRATIONS.map((c) => (
              <option key={c} value={c}>
                {c} mcg/mL
              </option>
            ))}
            <option value="other">other…</option>
          </select>
        </FormField>
        {concChoice === 'other' && (
          <FormField label="Other concentration (mcg/mL)" name="concentrationMcgPerMl" error={errors.concentrationMcgPerMl}>
            <input type="number" inputMode="decimal" step="any" value={concOther} onChange={(e) => setConcOther(e.target.value)} />
          </FormField>
        )}
        <FormField
          label="Volume after fill (mL)"
          name="volumeMl"
          error={errors.volumeMl}
          hint={`reservoir holds ${pump.reservoirCapacityMl} mL`}
        >
          <input type="number" inputMode="decimal" step="any" value={volumeMl} onChange={(e) => setVolumeMl(e.target.value)} />
        </FormField>
        <FormField label="Aspirated residual (mL)" name="aspiratedResidualMl" error={errors.aspiratedResidualMl} hint="optional">
          <input type="number" inputMode="decimal" step="any" value={residual} onChange={(e) => setResidual(e.target.value)} />
        </FormField>
        <FormField label="Stability (days)" name="stabilityDays" error={errors.stabilityDays} hint="baclofen: at most 180 days in the pump">
          <input type="number" inputMode="numeric" step="1" value={stabilityDays} onChange={(e) => setStabilityDays(e.target.value)} />
        </FormField>
      </div>
      <fieldset className="form__group">
        <legend>
          <label>
            <input type="checkbox" checked={withBridge} onChange={(e) => setWithBridge(e.target.checked)} data-testid="bridge-toggle" />{' '}
            Bridge bolus
          </label>
        </legend>
        {concentrationChanges && !withBridge && (
          <p className="field__hint">
            The concentration changes ({lastConc} → {concentration} mcg/mL): a bridge bolus may be needed.
          </p>
        )}
        {errors.bridgeBolus && <p className="field__error">{errors.bridgeBolus}</p>}
        {withBridge && (
          <div className="form__grid">
            <FormField label="Bridge volume (mL)" name="bridgeBolus.volumeMl" error={errors['bridgeBolus.volumeMl']}>
              <input type="number" inputMode="decimal" step="any" value={bridgeVolume} onChange={(e) => setBridgeVolume(e.target.value)} />
            </FormField>
            <FormField label="Over (minutes)" name="bridgeBolus.durationMinutes" error={errors['bridgeBolus.durationMinutes']}>
              <input type="number" inputMode="numeric" step="1" value={bridgeMinutes} onChange={(e) => setBridgeMinutes(e.target.value)} />
            </FormField>
          </div>
        )}
      </fieldset>
      {reasonAsked && (
        <div className="notice notice--warn" data-testid="dose-change-reason">
          <FormField
            label="Reason for this dose change"
            name="doseChangeReason"
            error={errors.doseChangeReason}
            hint="the new concentration changes the daily dose of this constant-flow pump"
          >
            <textarea rows={3} value={doseChangeReason} onChange={(e) => setDoseChangeReason(e.target.value)} />
          </FormField>
        </div>
      )}
      {overrideAsked && (
        <div className="notice notice--warn" data-testid="limit-override-reason">
          <FormField
            label="Reason to go past the drug library's limit"
            name="limitOverrideReason"
            error={errors.limitOverrideReason}
            hint="stored with the fill and shown in its history"
          >
            <textarea rows={3} value={limitOverrideReason} onChange={(e) => setLimitOverrideReason(e.target.value)} />
          </FormField>
        </div>
      )}
      <FormActions busy={busy} label="Record fill" testId="submit-fill" onCancel={onCancel} />
    </form>
  );
}
