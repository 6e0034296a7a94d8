// Use cases of lab results: record a serum creatinine (clearance, eGFR and KDIGO stage computed and stored with it, the kidney
// alerts re-judged in the same transaction), list a patient's results.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { assessCreatinine } from '@pumpwatch/shared';
import type { CreateLabResultRequest, LabResult } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { toIsoDate } from '../infra/iso';
import { PatientEntity } from '../patients/patient.entity';
import { ClinicalAlertRulesService } from './clinical-alert-rules.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { PatientRecordWriter } from './patient-record-writer';

@Injectable()
export class LabResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly rules: ClinicalAlertRulesService,
    private readonly writer: PatientRecordWriter,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateLabResultRequest): Promise<LabResult> {
    return this.writer.record<LabResult>(actor, patientId, {
      dateField: 'takenAt',
      date: request.takenAt,
      insert: async (manager, clinic) => {
        const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
        const assessment = assessCreatinine({
          value: request.value,
          unit: request.unit,
          takenAt: request.takenAt,
          timeZone: clinic.timeZone,
          patient: { birthDate: toIsoDate(patient.birthDate), sex: patient.sex, weightKg: patient.weightKg, heightCm: patient.heightCm },
          weightKg: request.weightKg,
          heightCm: request.heightCm,
        });
        return this.repository.insertLab(manager, {
          patientId,
          clinicId: clinic.clinicId,
          kind: request.kind,
          value: request.value,
          unit: request.unit,
          takenAt: new Date(request.takenAt),
          weightKg: request.weightKg ?? patient.weightKg ?? null,
          heightCm: request.heightCm ?? patient.heightCm ?? null,
          assessment,
          recordedByUserId: actor.kind === 'user' ? actor.id : null,
        });
      },
      rejudge: (manager, clinic, _lab, now) => this.rules.evaluateRenal(manager, clinic, now),
      event: { type: 'lab.recorded', payload: (lab) => ({ labResultId: lab.id }) },
      audit: { action: 'lab_result.recorded', entityType: 'lab_result' },
    });
  }

  /** Oldest first. */
  async list(patientId: string): Promise<LabResult[]> {
    return this.repository.labsOf(this.dataSource.manager, patientId);
  }
}
