// Use cases of clinics: register one, list them.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clinic, CreateClinicRequest } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { EventLogService } from '../events/event-log.service';
import { ClinicEntity } from './clinic.entity';
import { toClinic } from './clinic.mapper';

@Injectable()
export class ClinicsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
  ) {}

  async create(request: CreateClinicRequest): Promise<Clinic> {
    return this.dataSource.transaction(async (manager) => {
      const clinic = await manager.save(manager.create(ClinicEntity, { name: request.name, timeZone: request.timeZone }));
      await this.events.record(manager, { type: 'clinic.created', clinicId: clinic.id, pumpId: null });
      return toClinic(clinic);
    });
  }

  async list(): Promise<Clinic[]> {
    const clinics = await this.dataSource.getRepository(ClinicEntity).find({ order: { name: 'ASC', createdAt: 'ASC' } });
    return clinics.map(toClinic);
  }
}
