// Use cases of side-effect reports: record one (a new or worsening mental-status change raises the patient's alert, urgent "possible
// neurotoxicity" with failing kidneys or age 65+), list a patient's reports.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ageInWholeYears, mentalStatusAlert } from '@pumpwatch/shared';
import type { CreateSideEffectReportRequest, SideEffectReport } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { PatientAlertsService } from './patient-alerts.service';
import { PatientRecordWriter } from './patient-record-writer';

@Injectable()
export class SideEffectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly patientAlerts: PatientAlertsService,
    private readonly writer: PatientRecordWriter,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateSideEffectReportRequest): Promise<SideEffectReport> {
    let previous: SideEffectReport[] = [];
    let ageYears = 0;
    return this.writer.record<SideEffectReport>(actor, patientId, {
      dateField: 'reportedAt',
      date: request.reportedAt,
      insert: async (manager, clinic) => {
        const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
        ageYears = ageInWholeYears(toIsoDate(patient.birthDate), request.reportedAt, clinic.timeZone);
        previous = await this.repository.sideEffectsOf(manager, patientId);
        return this.repository.insertSideEffect(manager, {
          patientId,
          clinicId: clinic.clinicId,
          kind: request.kind,
          severity: request.severity,
          reportedAt: request.reportedAt,
          onsetOn: request.onsetOn ?? null,
          reportedBy: request.reportedBy,
          text: request.text ?? null,
          recordedByUserId: actor.kind === 'user' ? actor.id : null,
        });
      },
      rejudge: async (manager, clinic, report, now) => {
        // The latest creatinine clearance on record (unknown clearance is not a reason by itself; the alert says to check one).
        const labs = (await this.repository.labsOf(manager, patientId)).filter((l) => Date.parse(l.takenAt) <= now.getTime());
        const latestCrClMlPerMin = labs.length > 0 ? labs[labs.length - 1].creatinineClearanceMlPerMin : null;
        const alert = mentalStatusAlert(previous, report, { latestCrClMlPerMin, ageYears });
        if (!alert) return;
        const finding = { ...alert, facts: { ...alert.facts, sideEffectReportId: report.id, reportedBy: report.reportedBy } };
        await this.patientAlerts.apply(manager, clinic, { findings: [finding], evaluatedKinds: [] }, 'data_changed', now);
      },
      event: { type: 'side_effect.reported', payload: (report) => ({ sideEffectReportId: report.id }) },
      audit: { action: 'side_effect.reported', entityType: 'side_effect_report' },
    });
  }

  /** Newest first. */
  async list(patientId: string): Promise<SideEffectReport[]> {
    return this.repository.sideEffectsOf(this.dataSource.manager, patientId);
  }
}
