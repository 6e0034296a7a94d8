// Use cases of a clinic's clinical-safety settings: read them (any role there), change them (its administrator; audited).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import type { ClinicalSafetySettings, UpdateClinicalSafetySettingsRequest } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, changedFields } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { ClinicalSafetyRepository } from './clinical-safety.repository';

const NOT_A_CLINIC = 'is not a known clinic';

@Injectable()
export class ClinicalSafetySettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, clinicId: string): Promise<ClinicalSafetySettings> {
    const settings = await this.repository.settingsOf(this.dataSource.manager, clinicId);
    if (!settings) throw DomainError.notFound('id', NOT_A_CLINIC);
    assertMayUseIn(actor, 'read', clinicId, 'id', NOT_A_CLINIC);
    return settings;
  }

  async update(actor: Actor, clinicId: string, request: UpdateClinicalSafetySettingsRequest): Promise<ClinicalSafetySettings> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.repository.settingsOf(manager, clinicId, true);
      if (!before) throw DomainError.notFound('id', NOT_A_CLINIC);
      assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_A_CLINIC);
      const after: ClinicalSafetySettings = {
        clinicId,
        labsIntervalMonths: request.labsIntervalMonths ?? before.labsIntervalMonths,
        reviewIntervalMonths: request.reviewIntervalMonths ?? before.reviewIntervalMonths,
        abruptReductionPercent: request.abruptReductionPercent ?? before.abruptReductionPercent,
        taperStepMinSpacingHours: request.taperStepMinSpacingHours ?? before.taperStepMinSpacingHours,
      };
      await this.repository.updateSettings(manager, after);
      await this.events.record(manager, {
        type: 'clinic.clinical_safety_settings_changed',
        clinicId,
        pumpId: null,
        payload: { settings: after },
      });
      await this.audit.record(manager, actor, {
        action: 'clinic.clinical_safety_settings_changed',
        entityType: 'clinic',
        entityId: clinicId,
        clinicId,
        changes: changedFields(before, after),
      });
      return after;
    });
  }
}
