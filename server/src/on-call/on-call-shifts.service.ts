// Use cases of on-call shifts: a clinician puts a colleague on call, lists the roster, cancels a shift (never deletes it).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  clinicTime,
  createOnCallShiftSchema,
  DomainError,
  exceedsMaxShiftLength,
  ON_CALL_CONFIG,
  OnCallShift,
  OnCallShiftQuery,
} from '@pumpwatch/shared';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { z } from 'zod';
import { AuditService, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, visibleClinicIds } from '../auth/actor';
import { ClinicianEntity } from '../clinicians/clinician.entity';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { OnCallShiftEntity } from './on-call-shift.entity';
import { toOnCallShift } from './on-call.mapper';

export type ValidOnCallShiftRequest = z.output<typeof createOnCallShiftSchema>;

const NOT_KNOWN_CLINICIAN = 'is not a known clinician';
const NOT_KNOWN_SHIFT = 'is not a known on-call shift';
const OVERLAP = 'is already on call during part of this time';

/** The exclusion constraint settles a race the service's own check could not see: the same 409 as the check. */
function overlapConflict(error: unknown): unknown {
  const driverError =
    error instanceof QueryFailedError
      ? (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError
      : undefined;
  return driverError?.code === '23P01' && driverError.constraint === 'on_call_shifts_no_overlap_per_clinician'
    ? DomainError.conflict('clinicianId', OVERLAP)
    : error;
}

@Injectable()
export class OnCallShiftsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: ValidOnCallShiftRequest): Promise<OnCallShift> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Shared lock: shifts of one clinician may be added side by side, a deactivation waits for them (and sees them).
        const clinician = await manager.findOne(ClinicianEntity, {
          where: { id: request.clinicianId },
          lock: { mode: 'pessimistic_read' },
        });
        if (!clinician) throw DomainError.notFound('clinicianId', NOT_KNOWN_CLINICIAN);
        assertMayUseIn(actor, 'clinical', clinician.clinicId, 'clinicianId', NOT_KNOWN_CLINICIAN);

        const fields: { field: string; message: string }[] = [];
        if (!clinician.active) fields.push({ field: 'clinicianId', message: 'is deactivated: reactivate the clinician first' });
        if (exceedsMaxShiftLength(request.startsAt, request.endsAt)) {
          fields.push({ field: 'endsAt', message: `makes the shift longer than ${ON_CALL_CONFIG.maxShiftHours} hours` });
        } else if (Date.parse(request.endsAt) <= this.clock.now().getTime()) {
          // A shift that has already ended can page nobody; the roster of the past is history, not something to add to.
          fields.push({ field: 'endsAt', message: 'is in the past' });
        }
        if (fields.length > 0) throw new DomainError('rule_violated', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);

        await this.refuseOverlap(manager, clinician.id, request.startsAt, request.endsAt);
        const shift = await manager.save(
          manager.create(OnCallShiftEntity, {
            clinicId: clinician.clinicId,
            clinicianId: clinician.id,
            tier: request.tier,
            startsAt: new Date(request.startsAt),
            endsAt: new Date(request.endsAt),
            cancelledAt: null,
          }),
        );
        const created = toOnCallShift(shift);
        await this.audit.record(manager, actor, {
          action: 'on_call_shift.created',
          entityType: 'on_call_shift',
          entityId: shift.id,
          clinicId: shift.clinicId,
          changes: createdFields(created),
        });
        await this.events.record(manager, {
          type: 'on_call.changed',
          clinicId: shift.clinicId,
          pumpId: null,
          payload: { shiftId: shift.id },
        });
        return created;
      });
    } catch (error) {
      throw overlapConflict(error);
    }
  }

  /** Shifts that end after `from` (default now) and start before `to`, earliest first. */
  async list(actor: Actor, query: OnCallShiftQuery): Promise<OnCallShift[]> {
    const { clinicId } = query;
    if (clinicId !== undefined) {
      if (!isUuid(clinicId) || !(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId })))
        throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
    }
    const builder = this.dataSource
      .getRepository(OnCallShiftEntity)
      .createQueryBuilder('shift')
      .where('shift.ends_at > :from', { from: query.from ? new Date(query.from) : this.clock.now() });
    if (query.to) builder.andWhere('shift.starts_at < :to', { to: new Date(query.to) });
    if (!query.includeCancelled) builder.andWhere('shift.cancelled_at IS NULL');
    const visible = visibleClinicIds(actor);
    if (clinicId !== undefined) builder.andWhere('shift.clinic_id = :clinicId', { clinicId });
    else if (visible !== null) builder.andWhere('shift.clinic_id = ANY(:visible)', { visible });
    const shifts = await builder.orderBy('shift.starts_at', 'ASC').addOrderBy('shift.id', 'ASC').getMany();
    return shifts.map(toOnCallShift);
  }

  /** Cancelling twice is harmless; a shift that has ended stays as it was. */
  async cancel(actor: Actor, id: string): Promise<OnCallShift> {
    return this.dataSource.transaction(async (manager) => {
      const shift = await manager.findOne(OnCallShiftEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!shift) throw DomainError.notFound('id', NOT_KNOWN_SHIFT);
      assertMayUseIn(actor, 'clinical', shift.clinicId, 'id', NOT_KNOWN_SHIFT);
      if (shift.cancelledAt) return toOnCallShift(shift);
      const now = this.clock.now();
      if (shift.endsAt.getTime() <= now.getTime())
        throw DomainError.rule('id', 'has already ended: the roster of the past stays as it was');
      shift.cancelledAt = now;
      const cancelled = toOnCallShift(await manager.save(shift));
      await this.audit.record(manager, actor, {
        action: 'on_call_shift.cancelled',
        entityType: 'on_call_shift',
        entityId: shift.id,
        clinicId: shift.clinicId,
        changes: { cancelledAt: { before: null, after: cancelled.cancelledAt } },
      });
      await this.events.record(manager, {
        type: 'on_call.changed',
        clinicId: shift.clinicId,
        pumpId: null,
        payload: { shiftId: shift.id },
      });
      return cancelled;
    });
  }

  /** Names the shift in the way, which the database's constraint alone could not. */
  private async refuseOverlap(manager: EntityManager, clinicianId: string, startsAt: string, endsAt: string): Promise<void> {
    const clash: { tier: string; starts_at: Date; ends_at: Date; time_zone: string }[] = await manager.query(
      `SELECT s.tier, s.starts_at, s.ends_at, c.time_zone FROM on_call_shifts s JOIN clinics c ON c.id = s.clinic_id
       WHERE s.clinician_id = $1 AND s.cancelled_at IS NULL AND tstzrange(s.starts_at, s.ends_at, '[)') && tstzrange($2::timestamptz, $3::timestamptz, '[)')
       ORDER BY s.starts_at LIMIT 1`,
      [clinicianId, startsAt, endsAt],
    );
    if (clash.length > 0) {
      const [other] = clash;
      // The clinic's wall clock, not an id and UTC: the administrator finds that shift on the roster calendar.
      const at = (d: Date) => clinicTime(d.toISOString(), other.time_zone);
      throw DomainError.conflict(
        'clinicianId',
        `${OVERLAP}: their ${other.tier} shift from ${at(other.starts_at)} to ${at(other.ends_at)}`,
      );
    }
  }
}
