// Forms of the clinical-safety section: a serum creatinine, a side effect, a check-up, a taper plan (and ending it), and the patient's
// weight, height and spasticity origin. Each is checked with the API's own zod schema before it is sent.
import { useState, type FormEvent } from 'react';
import {
  CREATININE_UNITS,
  createCheckUpSchema,
  createLabResultSchema,
  createSideEffectReportSchema,
  endTaperPlanSchema,
  MODIFIED_ASHWORTH_SCORES,
  SIDE_EFFECT_KINDS,
  SIDE_EFFECT_REPORTERS,
  SIDE_EFFECT_SEVERITIES,
  SPASTICITY_ORIGINS,
  taperPlanSchema,
  updatePatientSchema,
  doseInForceAt,
  taperStepLimitFindings,
  withdrawalChecklist,
  type ClinicalSafetySettings,
  type CreateCheckUpRequest,
  type CreateLabResultRequest,
  type CreateSideEffectReportRequest,
  type CreateTaperPlanRequest,
  type DoseHistoryEntry,
  type Patient,
  type TaperPlanRecord,
  type TaperStepLimitFinding,
  type UpdatePatientRequest,
} from '@pumpwatch/shared';
import { WithdrawalChecklistView } from '../alerts/withdrawal-checklist';
import { api } from '../../lib/api';
import { formatInstant, instantToLocalInput, localInputToInstant } from '../../lib/format';
import { numberOrUndefined, validate } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { ClinicDateTimeInput } from '../../components/clinic-date-input';

interface FormProps {
  patientId: string;
  timeZone: string;
  onSaved: () => void;
  onCancel: () => void;
}

const nowInput = (timeZone: string): string => instantToLocalInput(new Date().toISOString(), timeZone);

export const SIDE_EFFECT_TEXT: Record<(typeof SIDE_EFFECT_KINDS)[number], string> = {
  sedation: 'Sedation',
  drowsiness: 'Drowsiness',
  confusion: 'Confusion',
  memory_problems: 'Memory problems',
  altered_mental_status: 'Altered mental status',
  other: 'Other (describe)',
};

export function LabResultForm({ patientId, timeZone, onSaved, onCancel }: FormProps) {
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState<(typeof CREATININE_UNITS)[number]>('umol/L');
  const [takenAt, setTakenAt] = useState(() => nowInput(timeZone));
  const [weightKg, setWeightKg] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateLabResultRequest = {
      kind: 'serum_creatinine',
      value: numberOrUndefined(value) as number,
      unit,
      takenAt: localInputToInstant(takenAt, timeZone),
      weightKg: numberOrUndefined(weightKg),
    };
    const checked = validate(createLabResultSchema, request);
    if (!checked.ok) return refuse(checked.fields);
    await send(async () => {
      await api.recordLab(patientId, request);
      onSaved();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="lab-result-form" aria-labelledby="lab-form-title">
      <h3 id="lab-form-title">Record serum creatinine</h3>
      <FormErrorSummary message={message} fields={errors} shown={['value', 'unit', 'takenAt', 'weightKg']} />
      <div className="form__grid">
        <FormField label="Serum creatinine" name="value" error={errors.value}>
          <input type="number" inputMode="decimal" step="any" value={value} onChange={(e) => setValue(e.target.value)} />
        </FormField>
        <FormField label="Unit" name="unit" error={errors.unit} hint="88.4 µmol/L = 1 mg/dL">
          <select value={unit} onChange={(e) => setUnit(e.target.value as typeof unit)}>
            {CREATININE_UNITS.map((u) => (
              <option key={u} value={u}>
                {u === 'umol/L' ? 'µmol/L' : u}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Taken at" name="takenAt" error={errors.takenAt} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={takenAt} onChange={setTakenAt} timeZone={timeZone} />
        </FormField>
        <FormField label="Weight at the lab (kg)" name="weightKg" error={errors.weightKg} hint="optional; defaults to the patient's">
          <input type="number" inputMode="decimal" step="any" value={weightKg} onChange={(e) => setWeightKg(e.target.value)} />
        </FormField>
      </div>
      <FormActions busy={busy} label="Record result" testId="submit-lab" onCancel={onCancel} />
    </form>
  );
}

export function SideEffectForm({ patientId, timeZone, onSaved, onCancel }: FormProps) {
  const [kind, setKind] = useState<(typeof SIDE_EFFECT_KINDS)[number]>('drowsiness');
  const [severity, setSeverity] = useState<(typeof SIDE_EFFECT_SEVERITIES)[number]>('mild');
  const [reportedAt, setReportedAt] = useState(() => nowInput(timeZone));
  const [reportedBy, setReportedBy] = useState<(typeof SIDE_EFFECT_REPORTERS)[number]>('patient');
  const [text, setText] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateSideEffectReportRequest = {
      kind,
      severity,
      reportedAt: localInputToInstant(reportedAt, timeZone),
      reportedBy,
      text: text.trim() === '' ? undefined : text.trim(),
    };
    const checked = validate(createSideEffectReportSchema, request);
    if (!checked.ok) return refuse(checked.fields);
    await send(async () => {
      await api.recordSideEffect(patientId, request);
      onSaved();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="side-effect-form" aria-labelledby="side-effect-form-title">
      <h3 id="side-effect-form-title">Record a side effect</h3>
      <FormErrorSummary message={message} fields={errors} shown={['kind', 'severity', 'reportedAt', 'reportedBy', 'text']} />
      <div className="form__grid">
        <FormField label="Side effect" name="kind" error={errors.kind}>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {SIDE_EFFECT_KINDS.map((k) => (
              <option key={k} value={k}>
                {SIDE_EFFECT_TEXT[k]}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Severity" name="severity" error={errors.severity}>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
            {SIDE_EFFECT_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Reported at" name="reportedAt" error={errors.reportedAt} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={reportedAt} onChange={setReportedAt} timeZone={timeZone} />
        </FormField>
        <FormField label="Reported by" name="reportedBy" error={errors.reportedBy}>
          <select value={reportedBy} onChange={(e) => setReportedBy(e.target.value as typeof reportedBy)}>
            {SIDE_EFFECT_REPORTERS.map((r) => (
              <option key={r} value={r}>
                {r === 'patient' ? 'the patient' : 'staff'}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Description" name="text" error={errors.text} hint={kind === 'other' ? 'required for "other"' : 'optional'}>
          <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} />
        </FormField>
      </div>
      <FormActions busy={busy} label="Record side effect" testId="submit-side-effect" onCancel={onCancel} />
    </form>
  );
}

export function CheckUpForm({ patientId, timeZone, onSaved, onCancel }: FormProps) {
  const [at, setAt] = useState(() => nowInput(timeZone));
  const [modifiedAshworth, setModifiedAshworth] = useState<(typeof MODIFIED_ASHWORTH_SCORES)[number]>('1');
  const [patientRating, setPatientRating] = useState('');
  const [note, setNote] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: CreateCheckUpRequest = {
      at: localInputToInstant(at, timeZone),
      modifiedAshworth,
      patientRating: numberOrUndefined(patientRating) as number,
      note: note.trim() === '' ? undefined : note.trim(),
    };
    const checked = validate(createCheckUpSchema, request);
    if (!checked.ok) return refuse(checked.fields);
    await send(async () => {
      await api.recordCheckUp(patientId, request);
      onSaved();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="check-up-form" aria-labelledby="check-up-form-title">
      <h3 id="check-up-form-title">Record a check-up</h3>
      <FormErrorSummary message={message} fields={errors} shown={['at', 'modifiedAshworth', 'patientRating', 'note']} />
      <div className="form__grid">
        <FormField label="Seen at" name="at" error={errors.at} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={at} onChange={setAt} timeZone={timeZone} />
        </FormField>
        <FormField
          label="Modified Ashworth"
          name="modifiedAshworth"
          error={errors.modifiedAshworth}
          hint="0 (no increase in tone) to 4 (rigid)"
        >
          <select value={modifiedAshworth} onChange={(e) => setModifiedAshworth(e.target.value as typeof modifiedAshworth)}>
            {MODIFIED_ASHWORTH_SCORES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </FormField>
        <FormField label="Patient's rating (0-10)" name="patientRating" error={errors.patientRating} hint="0: no effect, 10: best">
          <input
            type="number"
            inputMode="numeric"
            step="1"
            min="0"
            max="10"
            value={patientRating}
            onChange={(e) => setPatientRating(e.target.value)}
          />
        </FormField>
        <FormField label="Note" name="note" error={errors.note} hint="optional">
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </FormField>
      </div>
      <FormActions busy={busy} label="Record check-up" testId="submit-check-up" onCancel={onCancel} />
    </form>
  );
}

interface StepRow {
  at: string;
  dose: string;
}

/** The plan's steps beyond the clinic's limits as typed so far (the API judges again); empty while a row is incomplete. */
function stepLimitFindingsOf(
  request: CreateTaperPlanRequest,
  doseHistory: readonly DoseHistoryEntry[],
  settings: ClinicalSafetySettings,
): TaperStepLimitFinding[] {
  const complete =
    request.steps.every((s) => Number.isFinite(s.targetDoseMcgPerDay) && !Number.isNaN(Date.parse(s.at))) &&
    !Number.isNaN(Date.parse(request.startsAt));
  if (!complete) return [];
  try {
    return taperStepLimitFindings({
      steps: request.steps,
      doseAtStartMcgPerDay: doseInForceAt(
        doseHistory.map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay })),
        request.startsAt,
      ),
      abruptReductionFraction: settings.abruptReductionPercent / 100,
      minSpacingHours: settings.taperStepMinSpacingHours,
    });
  } catch {
    return [];
  }
}

export function TaperPlanForm({
  patientId,
  timeZone,
  onSaved,
  onCancel,
  currentDoseMcgPerDay,
  doseHistory,
  settings,
  patient,
}: FormProps & {
  currentDoseMcgPerDay: number | null;
  doseHistory: readonly DoseHistoryEntry[];
  settings: ClinicalSafetySettings;
  patient: Patient;
}) {
  const [startsAt, setStartsAt] = useState(() => nowInput(timeZone));
  const [steps, setSteps] = useState<StepRow[]>([
    { at: nowInput(timeZone), dose: currentDoseMcgPerDay ? String(Math.round(currentDoseMcgPerDay * 0.8)) : '' },
  ]);
  const [bridgeMg, setBridgeMg] = useState('');
  const [reintroduction, setReintroduction] = useState('');
  const [note, setNote] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const [checklistConfirmed, setChecklistConfirmed] = useState(false);
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const update = (i: number, patch: Partial<StepRow>) => setSteps((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const request: CreateTaperPlanRequest = {
    startsAt: localInputToInstant(startsAt, timeZone),
    steps: steps.map((s) => ({ at: localInputToInstant(s.at, timeZone), targetDoseMcgPerDay: numberOrUndefined(s.dose) as number })),
    bridge: { drug: 'oral_baclofen', doseMgPerDay: numberOrUndefined(bridgeMg) as number },
    reintroductionDoseMcgPerDay: numberOrUndefined(reintroduction) as number,
    note: note.trim() === '' ? undefined : note.trim(),
  };
  const limitFindings = stepLimitFindingsOf(request, doseHistory, settings);
  // The API's 422 naming the reason also opens the panel (its own judgement is the one that counts).
  const needsReason = limitFindings.length > 0 || errors.stepLimitOverrideReason !== undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const submitted: CreateTaperPlanRequest = needsReason
      ? { ...request, stepLimitOverrideReason: overrideReason.trim() === '' ? undefined : overrideReason.trim() }
      : request;
    const checked = validate(taperPlanSchema, submitted);
    if (!checked.ok) return refuse(checked.fields);
    if (needsReason && (submitted.stepLimitOverrideReason === undefined || !checklistConfirmed)) {
      return refuse({
        ...(submitted.stepLimitOverrideReason === undefined
          ? { stepLimitOverrideReason: 'is required: say why the plan goes beyond the limits' }
          : {}),
        ...(!checklistConfirmed ? { withdrawalChecklistConfirmed: 'confirm that the withdrawal checklist was reviewed' } : {}),
      });
    }
    await send(async () => {
      await api.createTaperPlan(patientId, submitted);
      onSaved();
    });
  }

  const shown = [
    'startsAt',
    'steps',
    'bridge.doseMgPerDay',
    'reintroductionDoseMcgPerDay',
    'note',
    'stepLimitOverrideReason',
    'withdrawalChecklistConfirmed',
    ...steps.flatMap((_, i) => [`steps.${i}.at`, `steps.${i}.targetDoseMcgPerDay`]),
  ];
  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="taper-plan-form" aria-labelledby="taper-form-title">
      <h3 id="taper-form-title">Plan a drug holiday (supervised taper)</h3>
      <p className="muted">
        Each step is a target daily dose from its date: at most {settings.abruptReductionPercent}% below the one before and{' '}
        {settings.taperStepMinSpacingHours} h after it (clinic limits). Program changes down to a step need no reason. PumpWatch never
        changes a dose.
      </p>
      <FormErrorSummary message={message} fields={errors} shown={shown} />
      <div className="form__grid">
        <FormField label="Plan starts" name="startsAt" error={errors.startsAt} hint={`clinic time, ${timeZone}`}>
          <ClinicDateTimeInput value={startsAt} onChange={setStartsAt} timeZone={timeZone} />
        </FormField>
      </div>
      <fieldset className="form__group">
        <legend>Steps (never above the previous one; 0 is the holiday itself)</legend>
        {errors.steps && <p className="field__error">{errors.steps}</p>}
        {steps.map((s, i) => (
          <div className="form__row" key={i} data-testid="taper-step-row">
            <FormField label={`Step ${i + 1} from`} name={`steps.${i}.at`} error={errors[`steps.${i}.at`]}>
              <ClinicDateTimeInput value={s.at} onChange={(at) => update(i, { at })} timeZone={timeZone} />
            </FormField>
            <FormField label="Target (mcg/day)" name={`steps.${i}.targetDoseMcgPerDay`} error={errors[`steps.${i}.targetDoseMcgPerDay`]}>
              <input type="number" inputMode="decimal" step="any" value={s.dose} onChange={(e) => update(i, { dose: e.target.value })} />
            </FormField>
            <button
              type="button"
              className="button button--quiet"
              disabled={steps.length === 1}
              onClick={() => setSteps((rows) => rows.filter((_, j) => j !== i))}
              aria-label={`Remove step ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--quiet"
          onClick={() => setSteps((rows) => [...rows, { at: rows[rows.length - 1]?.at ?? nowInput(timeZone), dose: '' }])}
        >
          + Add step
        </button>
      </fieldset>
      <div className="form__grid">
        <FormField
          label="Oral baclofen bridge (mg/day)"
          name="bridge.doseMgPerDay"
          error={errors['bridge.doseMgPerDay']}
          hint="the reduction kidney function calls for is shown beside the plan"
        >
          <input type="number" inputMode="decimal" step="any" value={bridgeMg} onChange={(e) => setBridgeMg(e.target.value)} />
        </FormField>
        <FormField label="Re-introduction dose (mcg/day)" name="reintroductionDoseMcgPerDay" error={errors.reintroductionDoseMcgPerDay}>
          <input type="number" inputMode="decimal" step="any" value={reintroduction} onChange={(e) => setReintroduction(e.target.value)} />
        </FormField>
        <FormField label="Note" name="note" error={errors.note} hint="optional">
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </FormField>
      </div>
      {needsReason && (
        <div
          className="notice notice--error taper-limits"
          role="group"
          aria-labelledby="taper-limits-title"
          data-testid="taper-step-limits"
        >
          <h4 id="taper-limits-title">
            <span aria-hidden="true">▲ </span>Beyond the clinic's taper limits: withdrawal risk
          </h4>
          <ul data-testid="taper-step-limit-findings">
            {limitFindings.map((f) => (
              // The API's message names the step's UTC instant; the form shows it in clinic time like its inputs.
              <li key={`${f.stepIndex}-${f.kind}`} data-kind={f.kind}>
                {f.message.replace(request.steps[f.stepIndex].at, formatInstant(request.steps[f.stepIndex].at, timeZone))}
              </li>
            ))}
          </ul>
          <FormField label="Why the plan goes beyond the limits" name="stepLimitOverrideReason" error={errors.stepLimitOverrideReason}>
            <textarea
              rows={2}
              value={overrideReason}
              onChange={(e) => setOverrideReason(e.target.value)}
              data-testid="step-limit-override-reason"
            />
          </FormField>
          <WithdrawalChecklistView checklist={withdrawalChecklist(patient)} alertId="taper-plan-form" />
          <label className="checkbox" data-field="withdrawalChecklistConfirmed">
            <input
              type="checkbox"
              checked={checklistConfirmed}
              onChange={(e) => setChecklistConfirmed(e.target.checked)}
              data-testid="confirm-withdrawal-checklist"
            />{' '}
            I reviewed the withdrawal signs and risk factors with the team, and the patient will be watched after each step.
          </label>
          {errors.withdrawalChecklistConfirmed && (
            <p className="field__error" data-testid="error-withdrawalChecklistConfirmed">
              {errors.withdrawalChecklistConfirmed}
            </p>
          )}
        </div>
      )}
      <FormActions busy={busy} label="Save taper plan" testId="submit-taper-plan" onCancel={onCancel} />
    </form>
  );
}

export function EndTaperPlanForm({
  patientId,
  plan,
  onSaved,
  onCancel,
}: {
  patientId: string;
  plan: TaperPlanRecord;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [outcome, setOutcome] = useState<'completed' | 'cancelled'>('completed');
  const [note, setNote] = useState('');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request = { outcome, note };
    const checked = validate(endTaperPlanSchema, request);
    if (!checked.ok) return refuse(checked.fields);
    await send(async () => {
      await api.endTaperPlan(patientId, plan.id, request);
      onSaved();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="end-taper-plan-form" aria-labelledby="end-taper-title">
      <h3 id="end-taper-title">End the taper plan</h3>
      <FormErrorSummary message={message} fields={errors} shown={['outcome', 'note']} />
      <div className="form__grid">
        <FormField label="Outcome" name="outcome" error={errors.outcome}>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)}>
            <option value="completed">completed (re-introduced)</option>
            <option value="cancelled">cancelled</option>
          </select>
        </FormField>
        <FormField label="Note" name="note" error={errors.note} hint="required">
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </FormField>
      </div>
      <FormActions busy={busy} label="End plan" testId="submit-end-taper-plan" onCancel={onCancel} />
    </form>
  );
}

export function PatientDetailsForm({ patient, onSaved, onCancel }: { patient: Patient; onSaved: () => void; onCancel: () => void }) {
  const [weightKg, setWeightKg] = useState(patient.weightKg === null ? '' : String(patient.weightKg));
  const [heightCm, setHeightCm] = useState(patient.heightCm === null ? '' : String(patient.heightCm));
  const [origin, setOrigin] = useState<string>(patient.spasticityOrigin ?? '');
  const { errors, message, busy, refuse, send } = useFormSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const request: UpdatePatientRequest = {
      weightKg: numberOrUndefined(weightKg) ?? null,
      heightCm: numberOrUndefined(heightCm) ?? null,
      spasticityOrigin: origin === '' ? null : (origin as (typeof SPASTICITY_ORIGINS)[number]),
    };
    const checked = validate(updatePatientSchema, request);
    if (!checked.ok) return refuse(checked.fields);
    await send(async () => {
      await api.updatePatient(patient.id, request);
      onSaved();
    });
  }

  return (
    <form className="panel form" onSubmit={submit} noValidate data-testid="patient-details-form" aria-labelledby="patient-details-title">
      <h3 id="patient-details-title">Weight, height and spasticity origin</h3>
      <FormErrorSummary message={message} fields={errors} shown={['weightKg', 'heightCm', 'spasticityOrigin']} />
      <div className="form__grid">
        <FormField label="Weight (kg)" name="weightKg" error={errors.weightKg} hint="for the creatinine clearance">
          <input type="number" inputMode="decimal" step="any" value={weightKg} onChange={(e) => setWeightKg(e.target.value)} />
        </FormField>
        <FormField label="Height (cm)" name="heightCm" error={errors.heightCm} hint="for a child's eGFR (bedside Schwartz)">
          <input type="number" inputMode="decimal" step="any" value={heightCm} onChange={(e) => setHeightCm(e.target.value)} />
        </FormField>
        <FormField
          label="Spasticity origin"
          name="spasticityOrigin"
          error={errors.spasticityOrigin}
          hint="sets the escalation limits; not recorded: the stricter cerebral ones"
        >
          <select value={origin} onChange={(e) => setOrigin(e.target.value)}>
            <option value="">not recorded</option>
            {SPASTICITY_ORIGINS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </FormField>
      </div>
      <FormActions busy={busy} label="Save" testId="submit-patient-details" onCancel={onCancel} />
    </form>
  );
}
