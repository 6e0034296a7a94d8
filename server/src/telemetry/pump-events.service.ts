// Use cases of pump events: record an MRI (flags "check the pump after MRI"), clear that check, list a pump's events.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClearPumpEventRequest, clinicTime, CreatePumpEventRequest, DomainError, PumpEvent, TELEMETRY_CONFIG } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService, changedFields, createdFields } from '../audit/audit.service';
import { type Actor, shownNameOf } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { clinicDateOf } from '../infra/clinic-dates';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { PumpEntity } from '../pumps/pump.entity';
import { PumpEventEntity } from './pump-event.entity';
import { toPumpEvent } from './telemetry.mapper';

@Injectable()
export class PumpEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, pumpId: string, request: CreatePumpEventRequest): Promise<PumpEvent> {
    return this.dataSource.transaction(async (manager) => {
      const pump = await manager.findOneByOrFail(PumpEntity, { id: pumpId });
      if (pump.explantedAt) throw DomainError.rule('pumpId', 'is explanted: no event can be recorded on it');
      const clinic = await manager.findOneByOrFail(ClinicEntity, { id: pump.clinicId });
      const at = new Date(request.at);
      if (at.getTime() > this.clock.now().getTime() + TELEMETRY_CONFIG.futureToleranceMinutes * 60_000)
        throw DomainError.rule('at', 'is in the future');
      if (clinicDateOf(at, clinic.timeZone) < pump.implantDate)
        throw DomainError.rule('at', `is before the pump's implant date (${pump.implantDate})`);
      const event = await manager.save(
        manager.create(PumpEventEntity, {
          pumpId,
          kind: request.kind,
          at,
          note: request.note ?? null,
          recordedByActorId: actor.id,
          recordedByLabel: shownNameOf(actor),
          clearedAt: null,
          clearedByUserId: null,
          clearedByLabel: null,
          clearNote: null,
        }),
      );
      await this.events.record(manager, { type: 'pump.mri_recorded', clinicId: clinic.id, pumpId, payload: { pumpEventId: event.id } });
      const recorded = toPumpEvent(event);
      await this.audit.record(manager, actor, {
        action: 'pump_event.recorded',
        entityType: 'pump_event',
        entityId: event.id,
        clinicId: clinic.id,
        changes: createdFields(recorded),
      });
      return recorded;
    });
  }

  /** A clinician confirms the pump was checked after the MRI (a Prometra valve stays closed until reset); clearing twice is a conflict. */
  async clear(actor: Actor, pumpId: string, eventId: string, request: ClearPumpEventRequest): Promise<PumpEvent> {
    return this.dataSource.transaction(async (manager) => {
      const event = isUuid(eventId)
        ? await manager.findOne(PumpEventEntity, { where: { id: eventId.toLowerCase(), pumpId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!event) throw DomainError.notFound('eventId', 'is not a known event of this pump');
      if (event.clearedAt) {
        const { clinicId } = await manager.findOneByOrFail(PumpEntity, { id: pumpId });
        const { timeZone } = await manager.findOneByOrFail(ClinicEntity, { id: clinicId });
        throw DomainError.conflict(
          'eventId',
          `was already cleared by ${event.clearedByLabel} at ${clinicTime(event.clearedAt.toISOString(), timeZone)}`,
        );
      }
      const before = toPumpEvent(event);
      event.clearedAt = this.clock.now();
      event.clearedByUserId = actor.kind === 'user' ? actor.id : null;
      event.clearedByLabel = shownNameOf(actor);
      event.clearNote = request.note ?? null;
      await manager.save(event);
      const pump = await manager.findOneByOrFail(PumpEntity, { id: pumpId });
      await this.events.record(manager, { type: 'pump.mri_cleared', clinicId: pump.clinicId, pumpId, payload: { pumpEventId: event.id } });
      const cleared = toPumpEvent(event);
      await this.audit.record(manager, actor, {
        action: 'pump_event.cleared',
        entityType: 'pump_event',
        entityId: event.id,
        clinicId: pump.clinicId,
        changes: changedFields(before, cleared),
      });
      return cleared;
    });
  }

  async list(pumpId: string): Promise<PumpEvent[]> {
    const rows = await this.dataSource.manager.find(PumpEventEntity, { where: { pumpId }, order: { at: 'ASC', createdAt: 'ASC' } });
    return rows.map(toPumpEvent);
  }
}
