// The one way a clinical record of a patient (lab result, check-up, side-effect report) is written: one transaction holding the
// patient, no date in the future, the record, the patient's alerts re-judged, then its event and its audit row.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService, EventType } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { ClinicalSafetyRepository, PatientClinic } from './clinical-safety.repository';

export const NOT_A_PATIENT = 'is not a known patient';
/** Clocks of a tablet and the server drift a little; more than this ahead is a typing error (as for fills). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function refuseFuture(field: string, iso: string, now: Date): void {
  if (Date.parse(iso) > now.getTime() + FUTURE_TOLERANCE_MS) throw DomainError.rule(field, 'is in the future');
}

/** What differs between kinds of record. */
export interface PatientRecordKind<T extends { id: string }> {
  /** The request field holding the record's date, and its value (refused when in the future). */
  dateField: string;
  date: string;
  insert(manager: EntityManager, clinic: PatientClinic, now: Date): Promise<T>;
  /** Re-judges the alerts the record bears on; runs before the record's event, so alert rows are locked before the event counter. */
  rejudge(manager: EntityManager, clinic: PatientClinic, record: T, now: Date): Promise<unknown>;
  event: { type: EventType; payload(record: T): Record<string, unknown> };
  audit: { action: string; entityType: string };
}

@Injectable()
export class PatientRecordWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClinicalSafetyRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record<T extends { id: string }>(actor: Actor, patientId: string, kind: PatientRecordKind<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await this.repository.patientClinic(manager, patientId, true);
      if (!clinic) throw DomainError.notFound('id', NOT_A_PATIENT);
      const now = this.clock.now();
      refuseFuture(kind.dateField, kind.date, now);
      const record = await kind.insert(manager, clinic, now);
      await kind.rejudge(manager, clinic, record, now);
      await this.events.record(manager, {
        type: kind.event.type,
        clinicId: clinic.clinicId,
        pumpId: null,
        payload: { patientId, ...kind.event.payload(record) },
      });
      await this.audit.record(manager, actor, {
        action: kind.audit.action,
        entityType: kind.audit.entityType,
        entityId: record.id,
        clinicId: clinic.clinicId,
        changes: createdFields(record),
      });
      return record;
    });
  }
}
