// Use cases of check-ups: record the effectiveness at a visit (Modified Ashworth, the patient's rating; the review alert re-judged),
// list a patient's check-ups.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import type { CheckUp, CreateCheckUpRequest } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { ClinicalAlertRulesService } from './clinical-alert-rules.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';
import { NOT_A_PATIENT, refuseFuture } from './lab-results.service';

@Injectable()
export class CheckUpsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly rules: ClinicalAlertRulesService,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, patientId: string, request: CreateCheckUpRequest): Promise<CheckUp> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const now = this.clock.now();
      refuseFuture('at', request.at, now);
      const checkUp = await this.repository.insertCheckUp(manager, {
        patientId, clinicId: clinic.clinicId, at: request.at, modifiedAshworth: request.modifiedAshworth, patientRating: request.patientRating,
        note: request.note ?? null, recordedByUserId: actor.kind === 'user' ? actor.id : null,
      });
      await this.rules.evaluateTime(manager, patientId, now, 'data_changed', 'clinical_review_overdue');
      await this.events.record(manager, { type: 'check_up.recorded', clinicId: clinic.clinicId, pumpId: null, payload: { patientId, checkUpId: checkUp.id } });
      await this.audit.record(manager, actor, { action: 'check_up.recorded', entityType: 'check_up', entityId: checkUp.id, clinicId: clinic.clinicId, changes: createdFields(checkUp) });
      return checkUp;
    });
  }

  /** Oldest first. */
  async list(patientId: string): Promise<CheckUp[]> {
    return this.repository.checkUpsOf(this.dataSource.manager, patientId);
  }
}
