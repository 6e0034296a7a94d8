// Use cases of lab results: record a serum creatinine (clearance, eGFR and KDIGO stage computed and stored with it, the kidney
// alerts re-judged in the same transaction), list a patient's results.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { assessCreatinine, DomainError } from '@pumpwatch/shared';
import type { CreateLabResultRequest, LabResult } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalAlertRulesService } from './clinical-alert-rules.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';

export const NOT_A_PATIENT = 'is not a known patient';
/** Clocks of a tablet and the server drift a little; more than this ahead is a typing error (as for fills). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function refuseFuture(field: string, iso: string, now: Date): void {
  if (Date.parse(iso) > now.getTime() + FUTURE_TOLERANCE_MS) throw DomainError.rule(field, 'is in the future');
}

@Injectable()
export class LabResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly rules: ClinicalAlertRulesService,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateLabResultRequest): Promise<LabResult> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
      const now = this.clock.now();
      refuseFuture('takenAt', request.takenAt, now);
      const assessment = assessCreatinine({
        value: request.value, unit: request.unit, takenAt: request.takenAt, timeZone: clinic.timeZone,
        patient: { birthDate: toIsoDate(patient.birthDate), sex: patient.sex, weightKg: patient.weightKg, heightCm: patient.heightCm },
        weightKg: request.weightKg, heightCm: request.heightCm,
      });
      const lab = await this.repository.insertLab(manager, {
        patientId, clinicId: clinic.clinicId, kind: request.kind, value: request.value, unit: request.unit, takenAt: new Date(request.takenAt),
        weightKg: request.weightKg ?? patient.weightKg ?? null, heightCm: request.heightCm ?? patient.heightCm ?? null, assessment,
        recordedByUserId: actor.kind === 'user' ? actor.id : null,
      });
      // Alerts first: their rows are locked before the event counter the lab's own event takes.
      await this.rules.evaluateRenal(manager, clinic, now);
      await this.events.record(manager, { type: 'lab.recorded', clinicId: clinic.clinicId, pumpId: null, payload: { patientId, labResultId: lab.id } });
      await this.audit.record(manager, actor, { action: 'lab_result.recorded', entityType: 'lab_result', entityId: lab.id, clinicId: clinic.clinicId, changes: createdFields(lab) });
      return lab;
    });
  }

  /** Oldest first. */
  async list(patientId: string): Promise<LabResult[]> {
    return this.repository.labsOf(this.dataSource.manager, patientId);
  }
}
