// "Set program" form: day-part steps, periodic boluses and patient bolus, checked with the API's zod schema; a dose-change reason when
// the dose guard asks for one (the API answers 422 naming doseChangeReason).
import { useState, type FormEvent } from 'react';
import { createProgramSchema, type CreateProgramRequest, type Program } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { instantToLocalInput, localInputToInstant } from '../../lib/format';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

interface StepRow {
  startTime: string;
  doseMcgPerDay: string;
}
interface BolusRow {
  time: string;
  doseMcg: string;
}

interface SetProgramFormProps {
  pumpId: string;
  timeZone: string;
  lastProgram: Program | undefined;
  onSaved: (program: Program) => void;
  onCancel: () => void;
}

export function SetProgramForm({ pumpId, timeZone, lastProgram, onSaved, onCancel }: SetProgramFormProps) {
  const [effectiveFrom, setEffectiveFrom] = useState(() => instantToLocalInput(new Date().toISOString(), timeZone));
  const [steps, setSteps] = useState<StepRow[]>(() =>
    lastProgram
      ? lastProgram.steps.map((s) => ({ startTime: s.startTime, doseMcgPerDay: String(s.doseMcgPerDay) }))
      : [{ startTime: '00:00', doseMcgPerDay: '' }],
  );
  const [boluses, setBoluses] = useState<BolusRow[]>(
    () => lastProgram?.periodicBoluses.map((b) => ({ time: b.time, doseMcg: String(b.doseMcg) })) ?? [],
  );
  const [withPatientBolus, setWithPatientBolus] = useState(Boolean(lastProgram?.patientBolus));
  const [pbDose, setPbDose] = useState(lastProgram?.patientBolus ? String(lastProgram.patientBolus.doseMcg) : '');
  const [pbMax, setPbMax] = useState(lastProgram?.patientBolus ? String(lastProgram.patientBolus.maxPerDay) : '');
  const [doseChangeReason, setDoseChangeReason] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();
  // Shown once the server asked for it: an abrupt cut, a stop or a rise above range (the API's message says which and why).
  const [reasonAsked, setReasonAsked] = useState(false);
  if (errors.doseChangeReason !== undefined && !reasonAsked) setReasonAsked(true);

  const shown = [
    'doseChangeReason',
    'effectiveFrom',
    'steps',
    'periodicBoluses',
    'patientBolus',
    'patientBolus.doseMcg',
    'patientBolus.maxPerDay',
    ...steps.flatMap((_, i) => [`steps.${i}`, `steps.${i}.startTime`, `steps.${i}.doseMcgPerDay`]),
    ...boluses.flatMap((_, i) => [`periodicBoluses.${i}`, `periodicBoluses.${i}.time`, `periodicBoluses.${i}.doseMcg`]),
  ];

  const updateStep = (i: number, patch: Partial<StepRow>) => setSteps((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const updateBolus = (i: number, patch: Partial<BolusRow>) => setBoluses((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateProgramRequest = {
      effectiveFrom: localInputToInstant(effectiveFrom, timeZone),
      steps: steps.map((s) => ({ startTime: s.startTime, doseMcgPerDay: numberOrUndefined(s.doseMcgPerDay) as number })),
      periodicBoluses: boluses.map((b) => ({ time: b.time, doseMcg: numberOrUndefined(b.doseMcg) as number })),
      patientBolus: withPatientBolus
        ? { doseMcg: numberOrUndefined(pbDose) as number, maxPerDay: numberOrUndefined(pbMax) as number }
        : null,
      doseChangeReason: reasonAsked && doseChangeReason.trim() !== '' ? doseChangeReason.trim() : undefined,
    };
    const checked = validate(createProgramSchema, request);
    if (!checked.ok) {
      refuse(checked.fields);
      return;
    }
    await send(async () => onSaved(await api.createProgram(pumpId, request)));
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="set-program-form" aria-labelledby="program-form-title">
      <h2 id="program-form-title">Set program</h2>
      <FormErrorSummary message={message} fields={errors} shown={shown} />
      <div className="form__grid">
        <FormField
          label="Effective from"
          name="effectiveFrom"
          error={errors.effectiveFrom}
          hint={`clinic time, ${timeZone}; the pump clock keeps this UTC offset`}
        >
          <ClinicDateTimeInput value={effectiveFrom} onChange={setEffectiveFrom} timeZone={timeZone} />
        </FormField>
      </div>

      <fieldset className="form__group">
        <legend>Day-part steps (pump clock; the first starts at 00:00)</legend>
        {errors.steps && <p className="field__error">{errors.steps}</p>}
        {steps.map((s, i) => (
          <div className="form__row" key={i} data-testid="step-row">
            <FormField
              label={`Step ${i + 1} starts`}
              name={`steps.${i}.startTime`}
              error={errors[`steps.${i}.startTime`] ?? errors[`steps.${i}`]}
            >
              <input
                type="text"
                inputMode="numeric"
                placeholder="HH:MM"
                pattern="\d{2}:\d{2}"
                value={s.startTime}
                onChange={(e) => updateStep(i, { startTime: e.target.value })}
              />
            </FormField>
            <FormField label="Dose (mcg/day)" name={`steps.${i}.doseMcgPerDay`} error={errors[`steps.${i}.doseMcgPerDay`]}>
              <input
                type="number"
                inputMode="decimal"
                step="any"
                value={s.doseMcgPerDay}
                onChange={(e) => updateStep(i, { doseMcgPerDay: e.target.value })}
              />
            </FormField>
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setSteps((rows) => rows.filter((_, j) => j !== i))}
              disabled={steps.length === 1}
              aria-label={`Remove step ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--quiet"
          onClick={() => setSteps((rows) => [...rows, { startTime: '', doseMcgPerDay: '' }])}
        >
          + Add step
        </button>
      </fieldset>

      <fieldset className="form__group">
        <legend>Periodic boluses (daily, pump clock)</legend>
        {errors.periodicBoluses && <p className="field__error">{errors.periodicBoluses}</p>}
        {boluses.map((b, i) => (
          <div className="form__row" key={i} data-testid="bolus-row">
            <FormField
              label={`Bolus ${i + 1} at`}
              name={`periodicBoluses.${i}.time`}
              error={errors[`periodicBoluses.${i}.time`] ?? errors[`periodicBoluses.${i}`]}
            >
              <input
                type="text"
                inputMode="numeric"
                placeholder="HH:MM"
                value={b.time}
                onChange={(e) => updateBolus(i, { time: e.target.value })}
              />
            </FormField>
            <FormField label="Dose (mcg)" name={`periodicBoluses.${i}.doseMcg`} error={errors[`periodicBoluses.${i}.doseMcg`]}>
              <input
                type="number"
                inputMode="decimal"
                step="any"
                value={b.doseMcg}
                onChange={(e) => updateBolus(i, { doseMcg: e.target.value })}
              />
            </FormField>
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setBoluses((rows) => rows.filter((_, j) => j !== i))}
              aria-label={`Remove bolus ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="button button--quiet" onClick={() => setBoluses((rows) => [...rows, { time: '', doseMcg: '' }])}>
          + Add periodic bolus
        </button>
      </fieldset>

      <fieldset className="form__group">
        <legend>
          <label>
            <input type="checkbox" checked={withPatientBolus} onChange={(e) => setWithPatientBolus(e.target.checked)} /> Patient bolus
            (patient-activated allowance)
          </label>
        </legend>
        {errors.patientBolus && <p className="field__error">{errors.patientBolus}</p>}
        {withPatientBolus && (
          <div className="form__grid">
            <FormField label="Dose per bolus (mcg)" name="patientBolus.doseMcg" error={errors['patientBolus.doseMcg']}>
              <input type="number" inputMode="decimal" step="any" value={pbDose} onChange={(e) => setPbDose(e.target.value)} />
            </FormField>
            <FormField
              label="Maximum per day"
              name="patientBolus.maxPerDay"
              error={errors['patientBolus.maxPerDay']}
              hint="the worst case assumes every allotted bolus is used"
            >
              <input type="number" inputMode="numeric" step="1" value={pbMax} onChange={(e) => setPbMax(e.target.value)} />
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
            hint="Recorded with the program and in the audit trail. PumpWatch never changes a dose; an abrupt cut or stop raises a withdrawal alert."
          >
            <textarea rows={3} value={doseChangeReason} onChange={(e) => setDoseChangeReason(e.target.value)} />
          </FormField>
        </div>
      )}

      <FormActions busy={busy} label="Set program" testId="submit-program" onCancel={onCancel} />
    </form>
  );
}
