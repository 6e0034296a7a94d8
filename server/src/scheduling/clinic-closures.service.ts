// Use cases of clinic closures (holidays): list, add, remove; slots, the planner and the booking rules read them (issue 16).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClinicClosure, CreateClinicClosureRequest, DomainError } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees } from '../auth/actor';
import { isUuid } from '../infra/entity-id.pipe';
import { ClosureRow, SchedulingRepository } from './scheduling.repository';

const NOT_KNOWN_CLINIC = 'is not a known clinic';

function toClosure(row: ClosureRow): ClinicClosure {
  return {
    id: row.id,
    clinicId: row.clinicId,
    startDate: row.startDate,
    endDate: row.endDate,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
  };
}

@Injectable()
export class ClinicClosuresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: SchedulingRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, clinicId: string): Promise<ClinicClosure[]> {
    assertSees(actor, clinicId, 'id', NOT_KNOWN_CLINIC);
    await this.assertClinicExists(clinicId);
    return (await this.repository.closuresOf(this.dataSource.manager, clinicId)).map(toClosure);
  }

  /** Adds a closure; bookings already on those days stay (the scheduler sees them and moves them). */
  async create(actor: Actor, clinicId: string, request: CreateClinicClosureRequest): Promise<ClinicClosure> {
    assertMayUseIn(actor, 'schedule', clinicId, 'id', NOT_KNOWN_CLINIC);
    await this.assertClinicExists(clinicId);
    const endDate = request.endDate ?? request.startDate;
    return this.dataSource.transaction(async (manager) => {
      const id = await this.repository.insertClosure(manager, clinicId, request.startDate, endDate, request.label);
      const row = (await this.repository.closuresOf(manager, clinicId)).find((c) => c.id === id) as ClosureRow;
      await this.audit.record(manager, actor, {
        action: 'clinic.closure_added',
        entityType: 'clinic_closure',
        entityId: id,
        clinicId,
        changes: createdFields({ startDate: row.startDate, endDate: row.endDate, label: row.label }),
      });
      return toClosure(row);
    });
  }

  async remove(actor: Actor, clinicId: string, closureId: string): Promise<ClinicClosure> {
    assertMayUseIn(actor, 'schedule', clinicId, 'id', NOT_KNOWN_CLINIC);
    if (!isUuid(closureId)) throw DomainError.notFound('closureId', 'is not a known closure of this clinic');
    return this.dataSource.transaction(async (manager) => {
      const removed = await this.repository.deleteClosure(manager, clinicId, closureId);
      if (!removed) throw DomainError.notFound('closureId', 'is not a known closure of this clinic');
      await this.audit.record(manager, actor, {
        action: 'clinic.closure_removed',
        entityType: 'clinic_closure',
        entityId: closureId,
        clinicId,
        changes: changedFields(
          { startDate: removed.startDate, endDate: removed.endDate, label: removed.label },
          { startDate: null, endDate: null, label: null },
        ),
      });
      return toClosure(removed);
    });
  }

  private async assertClinicExists(clinicId: string): Promise<void> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM clinics WHERE id = $1', [clinicId]);
    if (rows.length === 0) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
  }
}
