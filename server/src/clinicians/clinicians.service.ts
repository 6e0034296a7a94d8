// Use cases of clinicians: an administrator registers one in a clinic, renames, sets the pager contact, deactivates; everyone reads.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clinician, clinicTime, CreateClinicianRequest, DomainError, UpdateClinicianRequest } from '@pumpwatch/shared';
import { DataSource, In, QueryFailedError } from 'typeorm';
import { AuditService, createdFields } from '../audit/audit.service';
import { Actor, assertMayUseIn, assertSees, visibleClinicIds } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { ClinicMembershipEntity } from '../users/clinic-membership.entity';
import { ClinicianEntity } from './clinician.entity';
import { auditedClinician, clinicianChanges, toClinician } from './clinician.mapper';

const NOT_KNOWN = 'is not a known clinician';
const USER_LINKED = 'is already linked to another clinician of this clinic';

/** A race past the service's own check lands on the unique index: the same answer as the check. */
function linkedUserConflict(error: unknown): unknown {
  const driverError =
    error instanceof QueryFailedError
      ? (error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === 'clinicians_clinic_id_user_id_key'
    ? DomainError.conflict('userId', USER_LINKED)
    : error;
}

@Injectable()
export class CliniciansService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, request: CreateClinicianRequest): Promise<Clinician> {
    assertMayUseIn(actor, 'administer', request.clinicId, 'clinicId', 'is not a known clinic');
    const userId = request.userId ?? null;
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (!(await manager.existsBy(ClinicEntity, { id: request.clinicId })))
          throw DomainError.notFound('clinicId', 'is not a known clinic');
        if (userId !== null) {
          // The same answer whether the account does not exist or belongs elsewhere: other clinics' users stay unseen.
          if (!(await manager.existsBy(ClinicMembershipEntity, { userId, clinicId: request.clinicId }))) {
            throw DomainError.rule('userId', 'must be a user with a role in this clinic');
          }
          if (await manager.existsBy(ClinicianEntity, { clinicId: request.clinicId, userId }))
            throw DomainError.conflict('userId', USER_LINKED);
        }
        const clinician = await manager.save(
          manager.create(ClinicianEntity, {
            clinicId: request.clinicId,
            displayName: request.displayName,
            profession: request.profession,
            userId,
            pagerContact: request.pagerContact ?? null,
            active: true,
          }),
        );
        const created = toClinician(clinician);
        await this.audit.record(manager, actor, {
          action: 'clinician.created',
          entityType: 'clinician',
          entityId: clinician.id,
          clinicId: clinician.clinicId,
          changes: createdFields(auditedClinician(created)),
        });
        return created;
      });
    } catch (error) {
      throw linkedUserConflict(error);
    }
  }

  async list(actor: Actor, clinicId?: string): Promise<Clinician[]> {
    if (clinicId !== undefined) {
      if (!isUuid(clinicId) || !(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId })))
        throw DomainError.notFound('clinicId', 'is not a known clinic');
      assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
    }
    const visible = visibleClinicIds(actor);
    const clinicians = await this.dataSource.getRepository(ClinicianEntity).find({
      where: clinicId ? { clinicId } : visible === null ? {} : { clinicId: In(visible) },
      order: { displayName: 'ASC', createdAt: 'ASC' },
    });
    return clinicians.map(toClinician);
  }

  async get(actor: Actor, id: string): Promise<Clinician> {
    const clinician = await this.dataSource.getRepository(ClinicianEntity).findOneBy({ id });
    if (!clinician) throw DomainError.notFound('id', NOT_KNOWN);
    assertSees(actor, clinician.clinicId, 'id', NOT_KNOWN);
    return toClinician(clinician);
  }

  async update(actor: Actor, id: string, request: UpdateClinicianRequest): Promise<Clinician> {
    return this.dataSource.transaction(async (manager) => {
      // Locked: a shift being added for this clinician waits, so a deactivation never leaves an active shift behind.
      const clinician = await manager.findOne(ClinicianEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!clinician) throw DomainError.notFound('id', NOT_KNOWN);
      assertMayUseIn(actor, 'administer', clinician.clinicId, 'id', NOT_KNOWN);
      const before = toClinician(clinician);

      if (request.active === false && clinician.active) {
        const upcoming: { starts_at: Date; ends_at: Date; n: number; time_zone: string }[] = await manager.query(
          `SELECT s.starts_at, s.ends_at, count(*) OVER ()::int AS n, c.time_zone FROM on_call_shifts s JOIN clinics c ON c.id = s.clinic_id
           WHERE s.clinician_id = $1 AND s.cancelled_at IS NULL AND s.ends_at > $2 ORDER BY s.starts_at LIMIT 1`,
          [clinician.id, this.clock.now()],
        );
        // Silently dropping their shifts would open gaps in the roster nobody sees: the administrator cancels or reassigns them.
        if (upcoming.length > 0) {
          const [first] = upcoming;
          const at = (d: Date) => clinicTime(d.toISOString(), first.time_zone);
          throw DomainError.conflict(
            'active',
            `the clinician has ${first.n} on-call shift(s) now or ahead (the first ${at(first.starts_at)} to ${at(first.ends_at)}): cancel them first`,
          );
        }
      }
      if (request.displayName !== undefined) clinician.displayName = request.displayName;
      if (request.pagerContact !== undefined) clinician.pagerContact = request.pagerContact;
      if (request.active !== undefined) clinician.active = request.active;
      const changes = clinicianChanges(before, toClinician(clinician));
      if (Object.keys(changes).length === 0) return before;

      const saved = toClinician(await manager.save(clinician));
      await this.audit.record(manager, actor, {
        action: 'clinician.updated',
        entityType: 'clinician',
        entityId: clinician.id,
        clinicId: clinician.clinicId,
        changes,
      });
      // The dashboard's on-call banner shows clinicians by name and only while active.
      await this.events.record(manager, {
        type: 'on_call.changed',
        clinicId: clinician.clinicId,
        pumpId: null,
        payload: { clinicianId: clinician.id },
      });
      return saved;
    });
  }
}
