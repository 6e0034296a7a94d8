// Use cases of clinics: register one (administrator of every clinic), list the clinics the user belongs to.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clinic, CreateClinicRequest } from '@pumpwatch/shared';
import { DataSource, In } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import { Actor, visibleClinicIds } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { ClinicEntity } from './clinic.entity';
import { toClinic } from './clinic.mapper';

@Injectable()
export class ClinicsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, request: CreateClinicRequest): Promise<Clinic> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await manager.save(
        manager.create(ClinicEntity, { name: request.name, timeZone: request.timeZone, locale: request.locale ?? null }),
      );
      await this.events.record(manager, { type: 'clinic.created', clinicId: clinic.id, pumpId: null });
      const created = toClinic(clinic);
      await this.audit.record(manager, actor, {
        action: 'clinic.created',
        entityType: 'clinic',
        entityId: clinic.id,
        clinicId: clinic.id,
        changes: createdFields(created),
      });
      return created;
    });
  }

  async list(actor: Actor): Promise<Clinic[]> {
    const visible = visibleClinicIds(actor);
    const clinics = await this.dataSource.getRepository(ClinicEntity).find({
      where: visible === null ? {} : { id: In(visible) },
      order: { name: 'ASC', createdAt: 'ASC' },
    });
    return clinics.map(toClinic);
  }
}
