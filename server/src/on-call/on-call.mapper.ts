// On-call rows to the API's shapes: shifts, and a clinic's escalation policy (its own or the default).
import { DEFAULT_ESCALATION_POLICY } from '@pumpwatch/shared';
import type { EscalationPolicy, OnCallShift } from '@pumpwatch/shared';
import { toIso, toIsoOrNull } from '../infra/iso';
import type { EscalationPolicyEntity } from './escalation-policy.entity';
import type { OnCallShiftEntity } from './on-call-shift.entity';

export function toOnCallShift(entity: OnCallShiftEntity): OnCallShift {
  return {
    id: entity.id,
    clinicId: entity.clinicId,
    clinicianId: entity.clinicianId,
    tier: entity.tier,
    startsAt: toIso(entity.startsAt),
    endsAt: toIso(entity.endsAt),
    cancelledAt: toIsoOrNull(entity.cancelledAt),
    createdAt: toIso(entity.createdAt),
  };
}

export function toEscalationPolicy(clinicId: string, entity: EscalationPolicyEntity | null): EscalationPolicy {
  if (!entity) {
    return {
      clinicId,
      levels: DEFAULT_ESCALATION_POLICY.levels.map((level) => ({ ...level })),
      repeatTopLevelEveryMinutes: DEFAULT_ESCALATION_POLICY.repeatTopLevelEveryMinutes,
      urgentPageAfterMinutes: DEFAULT_ESCALATION_POLICY.urgentPageAfterMinutes,
      isDefault: true,
      updatedAt: null,
    };
  }
  return {
    clinicId,
    levels: entity.levels.map((level) => ({ target: level.target, afterMinutes: level.afterMinutes })),
    repeatTopLevelEveryMinutes: entity.repeatTopLevelEveryMinutes,
    urgentPageAfterMinutes: entity.urgentPageAfterMinutes,
    isDefault: false,
    updatedAt: toIso(entity.updatedAt),
  };
}
