// Use cases of check-ups: record the effectiveness at a visit (Modified Ashworth, the patient's rating; the review alert re-judged),
// list a patient's check-ups.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CheckUp, CreateCheckUpRequest } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ClinicalAlertRulesService } from './clinical-alert-rules.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { PatientRecordWriter } from './patient-record-writer';

@Injectable()
export class CheckUpsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly rules: ClinicalAlertRulesService,
    private readonly writer: PatientRecordWriter,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateCheckUpRequest): Promise<CheckUp> {
    return this.writer.record<CheckUp>(actor, patientId, {
      dateField: 'at',
      date: request.at,
      insert: (manager, clinic) =>
        this.repository.insertCheckUp(manager, {
          patientId,
          clinicId: clinic.clinicId,
          at: request.at,
          modifiedAshworth: request.modifiedAshworth,
          patientRating: request.patientRating,
          note: request.note ?? null,
          recordedByUserId: actor.kind === 'user' ? actor.id : null,
        }),
      rejudge: (manager, _clinic, _checkUp, now) =>
        this.rules.evaluateTime(manager, patientId, now, 'data_changed', 'clinical_review_overdue'),
      event: { type: 'check_up.recorded', payload: (checkUp) => ({ checkUpId: checkUp.id }) },
      audit: { action: 'check_up.recorded', entityType: 'check_up' },
    });
  }

  /** Oldest first. */
  async list(patientId: string): Promise<CheckUp[]> {
    return this.repository.checkUpsOf(this.dataSource.manager, patientId);
  }
}
