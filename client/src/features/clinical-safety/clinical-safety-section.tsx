// The patient's clinical safety on the pump page and the patient page: neurotoxicity badge, kidney trend with the reliability note,
// dose history with the taper plan's planned line and step tasks, check-ups next to the dose, side effects, and the forms the role allows.
import { useState } from 'react';
import type { ClinicalSummary, TaperStepLimitKind, TaperTask } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { formatInstant, formatLocalDate, formatNumber } from '../../lib/format';
import { useLiveData } from '../../lib/use-live-data';
import { useCan } from '../auth/use-can';
import { CheckUpChart, DoseChart, RenalTrendChart } from './charts';
import {
  CheckUpForm,
  EndTaperPlanForm,
  LabResultForm,
  PatientDetailsForm,
  SIDE_EFFECT_TEXT,
  SideEffectForm,
  TaperPlanForm,
} from './clinical-forms';

type OpenForm = 'lab' | 'side-effect' | 'check-up' | 'taper-plan' | 'end-taper-plan' | 'patient' | null;

const STEP_LIMIT_TEXT: Record<TaperStepLimitKind, string> = {
  reduction_above_limit: 'larger cut',
  step_to_zero: 'stop (0)',
  steps_too_close: 'too soon after the previous step',
};
const TASK_TEXT: Record<TaperTask['status'], string> = { done: '✓ done', due: '● due: set the program', upcoming: '○ upcoming' };

export function NeurotoxicityBadge({ summary }: { summary: ClinicalSummary }) {
  const risk = summary.neurotoxicity;
  if (!risk.atRisk) return null;
  return (
    <span
      className="badge badge--alert-urgent"
      data-testid="neurotoxicity-badge"
      data-reasons={risk.reasons.join(' ')}
      title={risk.message ?? undefined}
    >
      <span aria-hidden="true">⚠</span> Neurotoxicity risk{risk.reasons.includes('age') ? ` · aged ${summary.ageYears}` : ''}
      {risk.reasons.includes('kidney_function') ? ' · kidney function' : ''}
    </span>
  );
}

function DueBadges({ summary }: { summary: ClinicalSummary }) {
  const tz = summary.clinic.timeZone;
  const labsDue = summary.renal.flags.some((f) => f.kind === 'labs_due');
  return (
    <>
      {summary.review.due && (
        <span
          className={`badge ${summary.review.overdue ? 'badge--alert-urgent' : 'badge--alert-warning'}`}
          data-testid="review-due-badge"
          data-overdue={summary.review.overdue}
        >
          <span aria-hidden="true">{summary.review.overdue ? '▲' : '◆'}</span> {summary.review.overdue ? 'Review overdue' : 'Review due'}
          {summary.review.dueAt ? ` (${formatLocalDate(summary.review.dueAt, tz)})` : ' (no review on record)'}
        </span>
      )}
      {labsDue && (
        <span className="badge badge--alert-warning" data-testid="labs-due-badge">
          <span aria-hidden="true">◆</span> Labs due
          {summary.renal.labsDueAt ? ` since ${formatLocalDate(summary.renal.labsDueAt, tz)}` : ': no creatinine on record'}
        </span>
      )}
    </>
  );
}

export function ClinicalSafetySection({ patientId, clinicId, pumpId }: { patientId: string; clinicId: string; pumpId?: string }) {
  const summary = useLiveData(
    `clinical:${patientId}`,
    (signal) => api.getClinicalSummary(patientId, signal),
    (event) => pumpId !== undefined && event.pumpId === pumpId,
  );
  const [open, setOpen] = useState<OpenForm>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const mayRecordLab = useCan('POST /api/patients/:id/labs', clinicId);
  const mayRecordSideEffect = useCan('POST /api/patients/:id/side-effects', clinicId);
  const mayRecordCheckUp = useCan('POST /api/patients/:id/check-ups', clinicId);
  const mayPlanTaper = useCan('POST /api/patients/:id/taper-plans', clinicId);
  const mayEndTaper = useCan('POST /api/patients/:id/taper-plans/:planId/end', clinicId);
  const mayEditPatient = useCan('PATCH /api/patients/:id', clinicId);

  if (summary.error && !summary.data)
    return (
      <p className="notice notice--error" role="alert">
        Could not load the clinical summary: {summary.error.message}
      </p>
    );
  if (!summary.data) return <p className="muted">Loading the clinical summary…</p>;
  const s = summary.data;
  const tz = s.clinic.timeZone;
  const latest = s.renal.latest;
  const plan = s.taperPlan;
  const toggle = (form: OpenForm) => {
    setSaved(null);
    setOpen(open === form ? null : form);
  };
  const done = (what: string) => {
    setOpen(null);
    setSaved(what);
    summary.reload();
  };
  const cancel = () => setOpen(null);

  return (
    <section
      aria-labelledby="clinical-safety-title"
      className="panel clinical-safety"
      data-testid="clinical-safety-section"
      data-patient-id={patientId}
    >
      <div className="page-head">
        <h2 id="clinical-safety-title">Clinical safety</h2>
        <div className="actions">
          {mayRecordLab && (
            <button
              type="button"
              className="button"
              aria-expanded={open === 'lab'}
              onClick={() => toggle('lab')}
              data-testid="open-lab-form"
            >
              Record creatinine
            </button>
          )}
          {mayRecordSideEffect && (
            <button
              type="button"
              className="button"
              aria-expanded={open === 'side-effect'}
              onClick={() => toggle('side-effect')}
              data-testid="open-side-effect-form"
            >
              Side effect
            </button>
          )}
          {mayRecordCheckUp && (
            <button
              type="button"
              className="button"
              aria-expanded={open === 'check-up'}
              onClick={() => toggle('check-up')}
              data-testid="open-check-up-form"
            >
              Check-up
            </button>
          )}
          {mayPlanTaper && plan?.status !== 'active' && (
            <button
              type="button"
              className="button"
              aria-expanded={open === 'taper-plan'}
              onClick={() => toggle('taper-plan')}
              data-testid="open-taper-plan-form"
            >
              Plan drug holiday
            </button>
          )}
          {mayEditPatient && (
            <button
              type="button"
              className="button button--quiet"
              aria-expanded={open === 'patient'}
              onClick={() => toggle('patient')}
              data-testid="open-patient-details-form"
            >
              Weight, height, origin
            </button>
          )}
        </div>
      </div>
      <p className="clinical-safety__badges">
        <NeurotoxicityBadge summary={s} />
        <DueBadges summary={s} />
        <span className="muted">
          {' '}
          Aged {s.ageYears} · spasticity origin {s.patient.spasticityOrigin ?? 'not recorded'} · weight{' '}
          {formatNumber(s.patient.weightKg, 'kg', 1)}
        </span>
      </p>
      {s.neurotoxicity.message && (
        <p className="muted" data-testid="neurotoxicity-message">
          {s.neurotoxicity.message}
        </p>
      )}
      {saved && (
        <p className="notice notice--ok" role="status">
          ✓ {saved}
        </p>
      )}
      {open === 'lab' && (
        <LabResultForm patientId={patientId} timeZone={tz} onSaved={() => done('Creatinine recorded.')} onCancel={cancel} />
      )}
      {open === 'side-effect' && (
        <SideEffectForm patientId={patientId} timeZone={tz} onSaved={() => done('Side effect recorded.')} onCancel={cancel} />
      )}
      {open === 'check-up' && (
        <CheckUpForm patientId={patientId} timeZone={tz} onSaved={() => done('Check-up recorded.')} onCancel={cancel} />
      )}
      {open === 'taper-plan' && (
        <TaperPlanForm
          patientId={patientId}
          timeZone={tz}
          currentDoseMcgPerDay={s.currentDoseMcgPerDay}
          doseHistory={s.doseHistory}
          settings={s.settings}
          patient={s.patient}
          onSaved={() => done('Taper plan saved.')}
          onCancel={cancel}
        />
      )}
      {open === 'end-taper-plan' && plan && (
        <EndTaperPlanForm patientId={patientId} plan={plan} onSaved={() => done('Taper plan ended.')} onCancel={cancel} />
      )}
      {open === 'patient' && <PatientDetailsForm patient={s.patient} onSaved={() => done('Patient details saved.')} onCancel={cancel} />}

      <div className="clinical-safety__grid">
        <div data-testid="kidney-panel">
          <h3>Kidney function</h3>
          {latest ? (
            <p data-testid="latest-renal">
              Latest {formatLocalDate(latest.takenAt, tz)}: creatinine {latest.value} {latest.unit === 'umol/L' ? 'µmol/L' : latest.unit} (
              {latest.serumCreatinineMgPerDl} mg/dL) · CrCl <strong>{latest.creatinineClearanceMlPerMin ?? '—'}</strong> mL/min · eGFR{' '}
              <strong>{latest.egfrMlPerMin173m2 ?? '—'}</strong> mL/min/1.73 m²
              {latest.kdigoStage ? ` · KDIGO ${latest.kdigoStage}` : ''}
              {latest.creatinineClearanceReason && <span className="muted"> · CrCl not computed: {latest.creatinineClearanceReason}</span>}
              {latest.egfrReason && <span className="muted"> · eGFR not computed: {latest.egfrReason}</span>}
            </p>
          ) : (
            <p className="muted">No serum creatinine on record.</p>
          )}
          {s.renal.flags
            .filter((f) => f.kind !== 'labs_due')
            .map((f) => (
              <p
                key={f.kind}
                className={`notice ${f.severity === 'urgent' ? 'notice--error' : 'notice--warn'}`}
                data-testid={`renal-flag-${f.kind}`}
              >
                <span aria-hidden="true">{f.severity === 'urgent' ? '▲ ' : '◆ '}</span>
                {f.message}
                {f.basis && (
                  <span className="renal-flag__basis" data-testid="renal-flag-basis" data-measure={f.basis.measure}>
                    {' '}
                    Judged on: {f.basis.measure === 'CrCl' ? 'creatinine clearance (Cockcroft-Gault)' : 'eGFR'} {f.basis.value}{' '}
                    {f.basis.unit}.
                  </span>
                )}
              </p>
            ))}
          <RenalTrendChart summary={s} />
          <p className="notice" role="note" data-testid="reliability-note">
            <strong>Reliability: </strong>
            {s.renal.reliabilityNote}
          </p>
        </div>

        <div data-testid="dose-panel">
          <h3>Daily dose</h3>
          <p>
            Now <strong data-testid="current-dose">{formatNumber(s.currentDoseMcgPerDay, 'mcg/day', 1)}</strong>
          </p>
          <DoseChart summary={s} />
          {plan && (
            <div className="taper-plan" data-testid="taper-plan" data-status={plan.status}>
              <h4>
                Drug holiday {plan.status === 'active' ? '(active taper plan)' : `(${plan.status} ${formatLocalDate(plan.endedAt, tz)})`}
                {plan.status === 'active' && mayEndTaper && (
                  <button
                    type="button"
                    className="button button--quiet"
                    onClick={() => toggle('end-taper-plan')}
                    data-testid="open-end-taper-plan-form"
                  >
                    End plan
                  </button>
                )}
              </h4>
              <p>
                From {formatInstant(plan.startsAt, tz)}; oral baclofen bridge {plan.bridge.doseMgPerDay} mg/day; re-introduction at{' '}
                {plan.reintroductionDoseMcgPerDay} mcg/day.
              </p>
              <p className="notice notice--warn" data-testid="bridge-advice">
                {plan.bridgeAdvice.reason}
              </p>
              {plan.stepLimitFindings.length > 0 && (
                <p className="notice notice--error" data-testid="taper-step-limit-reason">
                  <span aria-hidden="true">▲ </span>Beyond the clinic's taper limits (
                  {plan.stepLimitFindings.map((f) => `step ${f.stepIndex + 1}: ${STEP_LIMIT_TEXT[f.kind]}`).join('; ')}). Reason:{' '}
                  {plan.stepLimitOverrideReason ?? 'none recorded'}. Watch for withdrawal signs after each step.
                </p>
              )}
              {s.taperTasks.length > 0 && (
                <ol className="taper-tasks" data-testid="taper-tasks">
                  {s.taperTasks.map((t) => (
                    <li key={t.stepIndex} data-testid="taper-task" data-status={t.status}>
                      {formatInstant(t.at, tz)}: {formatNumber(t.targetDoseMcgPerDay, 'mcg/day')} — {TASK_TEXT[t.status]}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          )}
        </div>

        <div data-testid="check-ups-panel">
          <h3>Check-ups</h3>
          <p className="muted">
            Review every {s.review.intervalMonths} months
            {s.review.lastReviewAt
              ? `; last ${s.review.basis === 'implant' ? 'counted from the implant' : 'check-up'} ${formatLocalDate(s.review.lastReviewAt, tz)}`
              : ''}
            {s.review.dueAt ? `; next due ${formatLocalDate(s.review.dueAt, tz)}` : ''}.
          </p>
          <CheckUpChart summary={s} />
        </div>

        <div data-testid="side-effects-panel">
          <h3>Side effects</h3>
          {s.sideEffects.length === 0 ? (
            <p className="muted">None reported.</p>
          ) : (
            <ul className="plain">
              {s.sideEffects.slice(0, 10).map((r) => (
                <li key={r.id} data-testid="side-effect-row">
                  {formatInstant(r.reportedAt, tz)} · <strong>{SIDE_EFFECT_TEXT[r.kind]}</strong> ({r.severity}, reported by {r.reportedBy})
                  {r.text ? `: ${r.text}` : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
