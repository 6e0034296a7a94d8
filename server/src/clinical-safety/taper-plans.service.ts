// Use cases of taper plans (supervised drug holidays): create one (one active per patient), list, end it (completed or cancelled,
// never deleted). Each plan is answered with the oral bridge dose the latest creatinine clearance calls for beside its own. A plan
// whose steps go beyond the clinic's limits (a larger cut, a step to 0, steps too close) needs stepLimitOverrideReason (422 naming it)
// and carries the withdrawal checklist to confirm.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  bridgeDoseForRenalFunction,
  clinicTime,
  DomainError,
  doseInForceAt,
  taperStepLimitFindings,
  withdrawalChecklist,
} from '@pumpwatch/shared';
import type { EndTaperPlanRequest, LabResult, TaperPlan, TaperPlanRecord, WithdrawalRiskFactors } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { DrugLibraryService } from '../drug-library/drug-library.service';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalSafetyRepository, TaperPlanRow } from './clinical-safety.repository';
import { NOT_A_PATIENT } from './patient-record-writer';

/** The plan as the API shows it: with the bridge advice from the latest clearance (null when unknown). */
export function toTaperPlanRecord(
  row: TaperPlanRow,
  latestCrClMlPerMin: number | null,
  riskFactors: WithdrawalRiskFactors,
): TaperPlanRecord {
  return {
    id: row.id,
    patientId: row.patientId,
    status: row.status,
    startsAt: row.startsAt,
    steps: row.steps,
    bridge: row.bridge,
    reintroductionDoseMcgPerDay: row.reintroductionDoseMcgPerDay,
    note: row.note,
    bridgeAdvice: bridgeDoseForRenalFunction(row.bridge.doseMgPerDay, latestCrClMlPerMin),
    stepLimitFindings: row.stepLimitFindings,
    stepLimitOverrideReason: row.stepLimitOverrideReason,
    withdrawalChecklist: row.stepLimitFindings.length > 0 ? withdrawalChecklist(riskFactors) : null,
    endedAt: row.endedAt,
    endNote: row.endNote,
    createdAt: row.createdAt,
  };
}

/** The patient's recorded withdrawal risk factors (null: not recorded). */
export async function riskFactorsOf(manager: EntityManager, patientId: string): Promise<WithdrawalRiskFactors> {
  const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
  return {
    spinalCordInjuryT6OrAbove: patient.spinalCordInjuryT6OrAbove,
    communicationDifficulty: patient.communicationDifficulty,
    previousWithdrawal: patient.previousWithdrawal,
  };
}

/** The creatinine clearance of the latest result taken by `now` (null without one, or when it could not be computed). */
export function latestCrCl(labs: readonly LabResult[], now: Date): number | null {
  const taken = labs.filter((l) => Date.parse(l.takenAt) <= now.getTime());
  return taken.length > 0 ? taken[taken.length - 1].creatinineClearanceMlPerMin : null;
}

@Injectable()
export class TaperPlansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
    private readonly drugLibrary: DrugLibraryService,
  ) {}

  async create(actor: Actor, patientId: string, request: TaperPlan): Promise<TaperPlanRecord> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const active = await this.repository.activeTaperPlan(manager, patientId);
      if (active)
        throw DomainError.conflict(
          'status',
          `the patient already has an active taper plan (from ${clinicTime(active.startsAt, clinic.timeZone)}): end it first`,
        );
      // Drug library (issue 13): a target beyond a hard limit is a typing error whatever the reason (soft limits are the programs' to confirm).
      const { spasticityOrigin } = await manager.findOneByOrFail(PatientEntity, { id: patientId });
      await this.drugLibrary.refuseHard(manager, clinic.clinicId, {
        spasticityOrigin,
        dailyDoses: [
          ...request.steps.map((step, i) => ({ field: `steps.${i}.targetDoseMcgPerDay`, doseMcgPerDay: step.targetDoseMcgPerDay })),
          { field: 'reintroductionDoseMcgPerDay', doseMcgPerDay: request.reintroductionDoseMcgPerDay },
        ],
      });
      const history = (await this.repository.doseHistory(manager, patientId)).map((h) => ({ at: h.at, doseMcgPerDay: h.doseMcgPerDay }));
      const stepLimitFindings = taperStepLimitFindings({
        steps: request.steps,
        doseAtStartMcgPerDay: doseInForceAt(history, request.startsAt),
        abruptReductionFraction: clinic.settings.abruptReductionPercent / 100,
        minSpacingHours: clinic.settings.taperStepMinSpacingHours,
      });
      if (stepLimitFindings.length > 0 && request.stepLimitOverrideReason === undefined) {
        throw DomainError.rule(
          'stepLimitOverrideReason',
          `is required: ${stepLimitFindings.map((f) => f.message).join(' ')} ` +
            'Going beyond the limits risks baclofen withdrawal (FDA boxed warning): give the reason and confirm the withdrawal checklist.',
        );
      }
      const row = await this.repository.insertTaperPlan(manager, {
        ...request,
        patientId,
        clinicId: clinic.clinicId,
        createdByUserId: actor.kind === 'user' ? actor.id : null,
        stepLimitFindings,
      });
      const plan = await this.present(manager, row);
      await this.events.record(manager, {
        type: 'taper_plan.created',
        clinicId: clinic.clinicId,
        pumpId: null,
        payload: { patientId, taperPlanId: row.id },
      });
      await this.audit.record(manager, actor, {
        action: 'taper_plan.created',
        entityType: 'taper_plan',
        entityId: row.id,
        clinicId: clinic.clinicId,
        changes: createdFields(plan),
      });
      return plan;
    });
  }

  /** Newest first. */
  async list(patientId: string): Promise<TaperPlanRecord[]> {
    const manager = this.dataSource.manager;
    const crcl = latestCrCl(await this.repository.labsOf(manager, patientId), this.clock.now());
    const riskFactors = await riskFactorsOf(manager, patientId);
    return (await this.repository.taperPlansOf(manager, patientId)).map((row) => toTaperPlanRecord(row, crcl, riskFactors));
  }

  async end(actor: Actor, patientId: string, planId: string, request: EndTaperPlanRequest): Promise<TaperPlanRecord> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const before = await this.repository.taperPlan(manager, planId, true);
      if (!before || before.patientId !== patientId) throw DomainError.notFound('planId', 'is not a taper plan of this patient');
      if (before.status !== 'active') throw DomainError.conflict('status', `is already ${before.status}`);
      const after = await this.repository.endTaperPlan(manager, planId, request.outcome, this.clock.now(), request.note);
      await this.events.record(manager, {
        type: 'taper_plan.ended',
        clinicId: clinic.clinicId,
        pumpId: null,
        payload: { patientId, taperPlanId: planId, outcome: request.outcome },
      });
      await this.audit.record(manager, actor, {
        action: `taper_plan.${request.outcome}`,
        entityType: 'taper_plan',
        entityId: planId,
        clinicId: clinic.clinicId,
        changes: changedFields(before, after),
      });
      return this.present(manager, after);
    });
  }

  private async present(manager: EntityManager, row: TaperPlanRow): Promise<TaperPlanRecord> {
    return toTaperPlanRecord(
      row,
      latestCrCl(await this.repository.labsOf(manager, row.patientId), this.clock.now()),
      await riskFactorsOf(manager, row.patientId),
    );
  }
}
