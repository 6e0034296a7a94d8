// Use cases of side-effect reports: record one (a new or worsening mental-status change raises the patient's alert, urgent "possible
// neurotoxicity" with failing kidneys or age 65+), list a patient's reports.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ageInWholeYears, DomainError, mentalStatusAlert } from '@pumpwatch/shared';
import type { CreateSideEffectReportRequest, SideEffectReport } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { NOT_A_PATIENT, refuseFuture } from './lab-results.service';
import { PatientAlertsService } from './patient-alerts.service';

@Injectable()
export class SideEffectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly patientAlerts: PatientAlertsService,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateSideEffectReportRequest): Promise<SideEffectReport> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
      const now = this.clock.now();
      refuseFuture('reportedAt', request.reportedAt, now);
      const ageYears = ageInWholeYears(toIsoDate(patient.birthDate), request.reportedAt, clinic.timeZone);
      const previous = await this.repository.sideEffectsOf(manager, patientId);
      const report = await this.repository.insertSideEffect(manager, {
        patientId, clinicId: clinic.clinicId, kind: request.kind, severity: request.severity, reportedAt: request.reportedAt,
        onsetOn: request.onsetOn ?? null, reportedBy: request.reportedBy, text: request.text ?? null, recordedByUserId: actor.kind === 'user' ? actor.id : null,
      });
      // The latest creatinine clearance on record (unknown clearance is not a reason by itself; the alert says to check one).
      const labs = (await this.repository.labsOf(manager, patientId)).filter((l) => Date.parse(l.takenAt) <= now.getTime());
      const latestCrClMlPerMin = labs.length > 0 ? labs[labs.length - 1].creatinineClearanceMlPerMin : null;
      const alert = mentalStatusAlert(previous, report, { latestCrClMlPerMin, ageYears });
      if (alert) {
        const finding = { ...alert, facts: { ...alert.facts, sideEffectReportId: report.id, reportedBy: report.reportedBy } };
        await this.patientAlerts.apply(manager, clinic, { findings: [finding], evaluatedKinds: [] }, 'data_changed', now);
      }
      await this.events.record(manager, { type: 'side_effect.reported', clinicId: clinic.clinicId, pumpId: null, payload: { patientId, sideEffectReportId: report.id } });
      await this.audit.record(manager, actor, { action: 'side_effect.reported', entityType: 'side_effect_report', entityId: report.id, clinicId: clinic.clinicId, changes: createdFields(report) });
      return report;
    });
  }

  /** Newest first. */
  async list(patientId: string): Promise<SideEffectReport[]> {
    return this.repository.sideEffectsOf(this.dataSource.manager, patientId);
  }
}
