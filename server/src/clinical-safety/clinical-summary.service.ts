// The patient's clinical-safety summary for the dashboard: kidney trend and flags, neurotoxicity badge, dose history with the taper
// plan's planned line and its step tasks, check-ups next to the dose, review and labs due, recent side effects.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ageInWholeYears,
  DomainError,
  DOSE_CHANGE_CONFIG,
  doseInForceAt,
  labsDueAt,
  LOW_MUSCLE_MASS_NOTE,
  modifiedAshworthChartValue,
  neurotoxicityRisk,
  RENAL_CONFIG,
  renalFlags,
  reviewStatus,
} from '@pumpwatch/shared';
import type { ClinicalSummary, DoseHistoryEntry, TaperPlanRecord, TaperTask } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Clock } from '../infra/clock';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { toPatient } from '../patients/patient.mapper';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { NOT_A_PATIENT } from './patient-record-writer';
import { latestCrCl, riskFactorsOf, toTaperPlanRecord } from './taper-plans.service';

/** Side effects shown on the page; the full list is GET /api/patients/:id/side-effects. */
const RECENT_SIDE_EFFECTS = 50;

/** The planned line: the dose in force when the plan starts, then each step's target from its instant. */
export function plannedDoseLine(plan: TaperPlanRecord, history: readonly DoseHistoryEntry[]): { at: string; doseMcgPerDay: number }[] {
  const points = history.map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay }));
  const atStart = doseInForceAt(points, plan.startsAt);
  const line = plan.steps.map((s) => ({ at: s.at, doseMcgPerDay: s.targetDoseMcgPerDay }));
  if (atStart !== null && Date.parse(plan.steps[0].at) > Date.parse(plan.startsAt))
    line.unshift({ at: plan.startsAt, doseMcgPerDay: atStart });
  return line;
}

/** A step is done once a dose within the taper tolerance of its target took effect from the plan's start on; due once its instant passed. */
export function taperTasks(plan: TaperPlanRecord, history: readonly DoseHistoryEntry[], now: Date): TaperTask[] {
  const fromMs = Date.parse(plan.startsAt);
  return plan.steps.map((step, stepIndex) => {
    const tolerance = Math.max(
      DOSE_CHANGE_CONFIG.taperDoseToleranceMcgPerDay,
      DOSE_CHANGE_CONFIG.taperDoseToleranceFraction * step.targetDoseMcgPerDay,
    );
    const done = history.some((h) => Date.parse(h.at) >= fromMs && Math.abs(h.doseMcgPerDay - step.targetDoseMcgPerDay) <= tolerance);
    const status: TaperTask['status'] = done ? 'done' : Date.parse(step.at) <= now.getTime() ? 'due' : 'upcoming';
    return { planId: plan.id, stepIndex, at: step.at, targetDoseMcgPerDay: step.targetDoseMcgPerDay, status };
  });
}

@Injectable()
export class ClinicalSummaryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async summary(patientId: string): Promise<ClinicalSummary> {
    const manager = this.dataSource.manager;
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const clinic = await this.repository.patientClinic(manager, patientId, false);
    const entity = await manager.findOneBy(PatientEntity, { id: patientId });
    if (!clinic || !entity) throw DomainError.notFound('id', NOT_A_PATIENT);
    const patient = toPatient(entity);
    const labs = await this.repository.labsOf(manager, patientId);
    const checkUps = await this.repository.checkUpsOf(manager, patientId);
    const sideEffects = await this.repository.sideEffectsOf(manager, patientId, RECENT_SIDE_EFFECTS);
    const plans = await this.repository.taperPlansOf(manager, patientId);
    const history = await this.repository.doseHistory(manager, patientId);
    const activePump = await this.repository.activePumpOf(manager, patientId);
    const { settings, timeZone } = clinic;

    const taken = labs.filter((l) => Date.parse(l.takenAt) <= now.getTime());
    const latest = taken.length > 0 ? taken[taken.length - 1] : null;
    const crcl = latestCrCl(labs, now);
    const ageYears = ageInWholeYears(toIsoDate(entity.birthDate), nowIso, timeZone);
    const flags = renalFlags({ results: labs, now: nowIso, labsIntervalMonths: settings.labsIntervalMonths, timeZone, ageYears }).filter(
      (f) => f.kind !== 'labs_due' || activePump !== null,
    );
    const planRow = plans.find((p) => p.status === 'active') ?? plans[0] ?? null;
    const plan = planRow ? toTaperPlanRecord(planRow, crcl, await riskFactorsOf(manager, patientId)) : null;
    const lastCheckUp = checkUps.filter((c) => Date.parse(c.at) <= now.getTime()).at(-1) ?? null;
    const review = reviewStatus({
      lastCheckUpAt: lastCheckUp?.at ?? null,
      implantDate: activePump?.implantDate ?? null,
      intervalMonths: settings.reviewIntervalMonths,
      now: nowIso,
      timeZone,
    });

    return {
      patient,
      clinic: { id: clinic.clinicId, name: clinic.clinicName, timeZone },
      now: nowIso,
      ageYears,
      settings,
      renal: {
        results: labs,
        latest,
        flags,
        labsDueAt: latest ? labsDueAt(latest.takenAt, settings.labsIntervalMonths, timeZone) : null,
        thresholds: {
          doseReviewWarningBelowMlPerMin: RENAL_CONFIG.doseReviewWarningBelowMlPerMin,
          doseReviewUrgentBelowMlPerMin: RENAL_CONFIG.doseReviewUrgentBelowMlPerMin,
          beersOlderAdultEgfrBelowMlPerMin173m2: RENAL_CONFIG.beersOlderAdultEgfrBelowMlPerMin173m2,
          beersOlderAdultFromAgeYears: RENAL_CONFIG.beersOlderAdultFromAgeYears,
        },
        reliabilityNote: latest?.reliabilityNote ?? LOW_MUSCLE_MASS_NOTE,
      },
      neurotoxicity: neurotoxicityRisk({ ageYears, latestCrClMlPerMin: crcl }),
      doseHistory: history,
      currentDoseMcgPerDay: doseInForceAt(
        history.map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay })),
        nowIso,
      ),
      taperPlan: plan,
      plannedDoseLine: plan ? plannedDoseLine(plan, history) : [],
      taperTasks: plan && plan.status === 'active' ? taperTasks(plan, history, now) : [],
      checkUps: checkUps.map((c) => ({ ...c, modifiedAshworthValue: modifiedAshworthChartValue(c.modifiedAshworth) })),
      review: {
        dueAt: review.dueAt,
        due: review.due,
        overdue: review.overdue,
        lastReviewAt: review.lastReviewAt,
        basis: review.basis,
        intervalMonths: review.intervalMonths,
      },
      sideEffects,
    };
  }
}
