// The dose-change guard on a program or a constant-flow fill, inside the caller's transaction: judges the new daily dose against the
// doses in force during the previous 24 h (and the active taper plan), refuses it with 422 naming doseChangeReason when a reason is
// required and missing, and raises the patient's dose alerts. It never changes a dose itself.
import { Inject, Injectable } from '@nestjs/common';
import { assessDoseChange, DomainError, previousDosesInForce } from '@pumpwatch/shared';
import type { AlertFinding, AlertKind, DoseChangeAssessment, DoseChangeContext, DoseHistoryPoint } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import type { FieldChanges } from '../audit/audit.service';
import { Clock } from '../infra/clock';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { PatientAlertsService } from './patient-alerts.service';

/** A refill within this long before a program change makes it "an adjustment at a refill" (same 24 h window as the guard). */
const REFILL_CONTEXT_WINDOW_MS = 24 * 3600_000;

export interface DoseChange {
  patientId: string;
  clinicId: string;
  timeZone: string;
  /** When the new dose takes effect (the program's effectiveFrom, the fill's filledAt). */
  at: Date;
  newDoseMcgPerDay: number;
  context: DoseChangeContext;
  reason: string | undefined;
  /** What changes the dose: named in the alert. */
  source: 'program' | 'fill';
}

export interface DoseGuardOutcome {
  change: DoseChange;
  assessment: DoseChangeAssessment;
  previousDosesInForce: number[];
}

/** 'refill_adjustment' when the pump was refilled during the 24 h up to the change; otherwise the stricter titration limits. */
export function defaultProgramContext(fills: readonly { filledAt: Date }[], at: Date): DoseChangeContext {
  const atMs = at.getTime();
  return fills.some((f) => f.filledAt.getTime() <= atMs && f.filledAt.getTime() >= atMs - REFILL_CONTEXT_WINDOW_MS)
    ? 'refill_adjustment'
    : 'post_implant_titration';
}

@Injectable()
export class DoseGuardService {
  constructor(
    private readonly repository: ClinicalSafetyRepository,
    private readonly patientAlerts: PatientAlertsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Judges the change; throws 422 naming doseChangeReason when the guard requires a reason and none was given. Writes nothing. */
  async check(manager: EntityManager, change: DoseChange): Promise<DoseGuardOutcome> {
    const patient = await manager.findOneByOrFail(PatientEntity, { id: change.patientId });
    const settings = await this.repository.settingsOf(manager, change.clinicId);
    const plan = await this.repository.activeTaperPlan(manager, change.patientId);
    // Newest first: the latest plan, active or ended, decides whether a rise is a re-introduction (overdose watch, pre-holiday dose).
    const latestPlan = (await this.repository.taperPlansOf(manager, change.patientId))[0] ?? null;
    const atIso = change.at.toISOString();
    const history: DoseHistoryPoint[] = (await this.repository.doseHistory(manager, change.patientId))
      .filter((entry) => Date.parse(entry.at) < change.at.getTime())
      .map((entry) => ({ at: entry.at, doseMcgPerDay: entry.doseMcgPerDay }));
    const previous = previousDosesInForce(history, atIso);
    const assessment = assessDoseChange({
      previousDosesInForce: previous,
      newDoseMcgPerDay: change.newDoseMcgPerDay,
      context: change.context,
      spasticityOrigin: patient.spasticityOrigin,
      activeTaperPlan: plan
        ? { steps: plan.steps, reintroductionDoseMcgPerDay: plan.reintroductionDoseMcgPerDay, startsAt: plan.startsAt }
        : null,
      latestTaperPlan: latestPlan
        ? {
            startsAt: latestPlan.startsAt,
            steps: latestPlan.steps,
            reintroductionDoseMcgPerDay: latestPlan.reintroductionDoseMcgPerDay,
            endedAt: latestPlan.endedAt,
          }
        : null,
      at: atIso,
      doseHistory: history,
      timeZone: change.timeZone,
      abruptReductionFraction: settings ? settings.abruptReductionPercent / 100 : undefined,
    });
    if (assessment.requiresReason && (change.reason === undefined || change.reason.trim() === '')) {
      const why = assessment.findings
        .filter((f) => f.requiresReason)
        .map((f) => f.message)
        .join(' ');
      throw DomainError.rule('doseChangeReason', `is required for this dose change: ${why}`);
    }
    return { change, assessment, previousDosesInForce: previous };
  }

  /**
   * Raises the findings as patient alerts (abrupt reduction urgent with the withdrawal checklist; escalation, tolerance and the overdose
   * watch after a re-introduction as warnings).
   * Before the caller records its own event: alert rows are locked before the event counter.
   */
  async raiseAlerts(manager: EntityManager, outcome: DoseGuardOutcome): Promise<void> {
    const { change } = outcome;
    const what = change.source === 'program' ? 'program change' : 'fill (new concentration)';
    const findings: AlertFinding[] = outcome.assessment.findings
      .filter((f) => f.kind !== 'taper_step')
      .map((f) => ({
        kind: f.kind as AlertKind,
        severity: f.severity === 'urgent' ? 'urgent' : 'warning',
        title: f.title,
        message: `${f.message} (${what} from ${atLabel(change.at)}${change.reason ? `; reason given: “${change.reason}”` : ''}.)`,
        facts: { ...f.facts, source: change.source, effectiveFrom: change.at.toISOString(), doseChangeReason: change.reason ?? null },
      }));
    if (findings.length === 0) return;
    await this.patientAlerts.apply(
      manager,
      { patientId: change.patientId, clinicId: change.clinicId },
      { findings, evaluatedKinds: [] },
      'data_changed',
      this.clock.now(),
    );
  }
}

/** What the audit row keeps of the guard's judgement, beside the created record's fields. */
export function doseGuardAuditChanges(outcome: DoseGuardOutcome): FieldChanges {
  return {
    doseGuard: {
      before: null,
      after: {
        context: outcome.change.context,
        previousDosesInForceMcgPerDay: outcome.previousDosesInForce,
        requiresReason: outcome.assessment.requiresReason,
        findings: outcome.assessment.findings.map((f) => ({ kind: f.kind, severity: f.severity, title: f.title })),
      },
    },
  };
}

function atLabel(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
