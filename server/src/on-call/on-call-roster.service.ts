// Who is on call in a clinic at an instant, and whom each escalation level reaches: the seam the paging engine reads.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, EscalationPlan, EscalationPolicy, escalationTargets, OnCallNow, PageRecipient, whoIsOnCall } from '@pumpwatch/shared';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor, assertMayUseIn } from '../auth/actor';
import { ClinicianEntity } from '../clinicians/clinician.entity';
import { toClinician } from '../clinicians/clinician.mapper';
import { ClinicEntity } from '../clinics/clinic.entity';
import { Clock } from '../infra/clock';
import { EscalationPolicyService } from './escalation-policy.service';
import { OnCallShiftEntity } from './on-call-shift.entity';
import { toOnCallShift } from './on-call.mapper';

/** What the escalation engine needs at the instant of a page: the policy, the roster and whom each level reaches. */
export interface ClinicEscalationPlan {
  policy: EscalationPolicy;
  roster: OnCallNow;
  plan: EscalationPlan<PageRecipient>;
}

const recipientOf = (clinician: {
  id: string;
  userId: string | null;
  displayName: string;
  pagerContact: string | null;
}): PageRecipient => ({
  clinicianId: clinician.id,
  userId: clinician.userId,
  displayName: clinician.displayName,
  pagerContact: clinician.pagerContact,
});

@Injectable()
export class OnCallRosterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: EscalationPolicyService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** GET /api/clinics/:id/on-call-now, at `at` when given (a past instant answers who was on call then). */
  async onCallNow(actor: Actor, clinicId: string, at?: string): Promise<OnCallNow> {
    assertMayUseIn(actor, 'read', clinicId, 'id', 'is not a known clinic');
    if (!(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId })))
      throw DomainError.notFound('id', 'is not a known clinic');
    return this.rosterAt(clinicId, at ? new Date(at) : this.clock.now());
  }

  /**
   * Primary and backup clinicians on call at `at`: active shifts (or shifts cancelled after `at`) of active clinicians.
   * No actor: the caller has scoped the clinic (a scheduled job acts for every clinic).
   */
  async rosterAt(clinicId: string, at: Date, manager: EntityManager = this.dataSource.manager): Promise<OnCallNow> {
    const shifts = await manager
      .getRepository(OnCallShiftEntity)
      .createQueryBuilder('shift')
      .innerJoin(ClinicianEntity, 'clinician', 'clinician.id = shift.clinician_id AND clinician.active')
      .where('shift.clinic_id = :clinicId', { clinicId })
      .andWhere('shift.starts_at <= :at AND shift.ends_at > :at', { at })
      .andWhere('(shift.cancelled_at IS NULL OR shift.cancelled_at > :at)', { at })
      .getMany();
    // The database narrows; the shared rule decides, so the boundaries are the ones its unit tests pin down.
    const roster = whoIsOnCall(shifts.map(toOnCallShift), at);
    const ids = [...roster.primaryClinicianIds, ...roster.backupClinicianIds];
    const clinicians = ids.length === 0 ? [] : await manager.findBy(ClinicianEntity, { id: In(ids) });
    const byId = new Map(clinicians.map((c) => [c.id, toClinician(c)]));
    return {
      at: roster.at,
      primary: roster.primaryClinicianIds.map((id) => byId.get(id)!),
      backup: roster.backupClinicianIds.map((id) => byId.get(id)!),
      noOneOnCall: roster.noOneOnCall,
    };
  }

  /**
   * The clinic's administrators (role admin there; the administrator of every clinic is not paged for each clinic),
   * with the pager contact of their active clinician record when they have one.
   */
  async clinicAdmins(clinicId: string, manager: EntityManager = this.dataSource.manager): Promise<PageRecipient[]> {
    const rows: { user_id: string; display_name: string; clinician_id: string | null; pager_contact: string | null }[] =
      await manager.query(
        `SELECT u.id AS user_id, COALESCE(c.display_name, u.display_name) AS display_name, c.id AS clinician_id, c.pager_contact
       FROM clinic_memberships m
       JOIN users u ON u.id = m.user_id
       LEFT JOIN clinicians c ON c.clinic_id = m.clinic_id AND c.user_id = u.id AND c.active
       WHERE m.clinic_id = $1 AND m.role = 'admin'
       ORDER BY 2, u.id`,
        [clinicId],
      );
    return rows.map((r) => ({
      clinicianId: r.clinician_id,
      userId: r.user_id,
      displayName: r.display_name,
      pagerContact: r.pager_contact,
    }));
  }

  /** Everything one page needs, read in the caller's transaction when given (the engine's claimed deadline row). */
  async escalationPlanAt(clinicId: string, at: Date, manager: EntityManager = this.dataSource.manager): Promise<ClinicEscalationPlan> {
    const policy = await this.policies.policyOf(clinicId, manager);
    const roster = await this.rosterAt(clinicId, at, manager);
    const admins = await this.clinicAdmins(clinicId, manager);
    const plan = escalationTargets(policy, { primary: roster.primary.map(recipientOf), backup: roster.backup.map(recipientOf) }, admins);
    return { policy, roster, plan };
  }
}
