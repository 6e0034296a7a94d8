// Use cases of a clinic's escalation policy: read it (its own or the default), and an administrator sets it.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, EscalationPolicy, EscalationPolicyRequest } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../audit/audit.service';
import { Actor, assertMayUseIn } from '../auth/actor';
import { ClinicEntity } from '../clinics/clinic.entity';
import { Clock } from '../infra/clock';
import { EscalationPolicyEntity } from './escalation-policy.entity';
import { toEscalationPolicy } from './on-call.mapper';

const NOT_KNOWN_CLINIC = 'is not a known clinic';

/** The fields a clinic sets, for the audit trail (not whether it was the default, nor when). */
const rulesOf = (policy: EscalationPolicy) => ({
  levels: policy.levels,
  repeatTopLevelEveryMinutes: policy.repeatTopLevelEveryMinutes,
  urgentPageAfterMinutes: policy.urgentPageAfterMinutes,
});

@Injectable()
export class EscalationPolicyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The policy in force for a clinic, for any caller that already scoped the clinic (the escalation engine, the roster). */
  async policyOf(clinicId: string, manager: EntityManager = this.dataSource.manager): Promise<EscalationPolicy> {
    return toEscalationPolicy(clinicId, await manager.findOneBy(EscalationPolicyEntity, { clinicId }));
  }

  async get(actor: Actor, clinicId: string): Promise<EscalationPolicy> {
    assertMayUseIn(actor, 'read', clinicId, 'id', NOT_KNOWN_CLINIC);
    if (!(await this.dataSource.manager.existsBy(ClinicEntity, { id: clinicId }))) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
    return this.policyOf(clinicId);
  }

  async set(actor: Actor, clinicId: string, request: EscalationPolicyRequest): Promise<EscalationPolicy> {
    assertMayUseIn(actor, 'administer', clinicId, 'id', NOT_KNOWN_CLINIC);
    return this.dataSource.transaction(async (manager) => {
      // Serialises two administrators saving at once, so each audit row's "before" is what the other one left. NO KEY
      // UPDATE: rows referencing the clinic (pumps, shifts) may still be written meanwhile.
      const clinic: unknown[] = await manager.query('SELECT 1 FROM clinics WHERE id = $1 FOR NO KEY UPDATE', [clinicId]);
      if (clinic.length === 0) throw DomainError.notFound('id', NOT_KNOWN_CLINIC);
      const before = await this.policyOf(clinicId, manager);
      await manager.query(
        `INSERT INTO escalation_policies (clinic_id, levels, repeat_top_level_every_minutes, urgent_page_after_minutes, updated_at)
         VALUES ($1, $2::jsonb, $3, $4, $5)
         ON CONFLICT (clinic_id) DO UPDATE SET levels = EXCLUDED.levels, repeat_top_level_every_minutes = EXCLUDED.repeat_top_level_every_minutes,
           urgent_page_after_minutes = EXCLUDED.urgent_page_after_minutes, updated_at = EXCLUDED.updated_at`,
        [
          clinicId,
          JSON.stringify(request.levels.map((l) => ({ target: l.target, afterMinutes: l.afterMinutes }))),
          request.repeatTopLevelEveryMinutes,
          request.urgentPageAfterMinutes,
          this.clock.now(),
        ],
      );
      const after = await this.policyOf(clinicId, manager);
      await this.audit.record(manager, actor, {
        action: 'escalation_policy.set',
        entityType: 'escalation_policy',
        entityId: clinicId,
        clinicId,
        changes: changedFields(rulesOf(before), rulesOf(after)),
      });
      return after;
    });
  }
}
