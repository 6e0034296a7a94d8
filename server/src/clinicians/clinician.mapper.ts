// Clinician row to the API's Clinician shape, and the audit view of it with the pager contact hidden.
import type { Clinician } from '@pumpwatch/shared';
import { changedFields, FieldChanges } from '../audit/audit.service';
import { toIso } from '../infra/iso';
import type { ClinicianEntity } from './clinician.entity';

export function toClinician(entity: ClinicianEntity): Clinician {
  return {
    id: entity.id,
    clinicId: entity.clinicId,
    displayName: entity.displayName,
    profession: entity.profession,
    userId: entity.userId,
    pagerContact: entity.pagerContact,
    active: entity.active,
    createdAt: toIso(entity.createdAt),
  };
}

/** Marks a pager contact in the audit trail without its value. */
export const HIDDEN_CONTACT = '(contact hidden)';

/**
 * The append-only audit trail can never be purged, so a phone or pager number written there would stay forever:
 * it records that the contact was set or changed, never the number itself.
 */
export function auditedClinician(clinician: Clinician): Clinician {
  return { ...clinician, pagerContact: clinician.pagerContact === null ? null : HIDDEN_CONTACT };
}

/** Changed fields for the audit trail; a new number replacing an old one still shows as a change, without either number. */
export function clinicianChanges(before: Clinician, after: Clinician): FieldChanges {
  const changes = changedFields(auditedClinician(before), auditedClinician(after));
  if (before.pagerContact !== after.pagerContact && !changes.pagerContact)
    changes.pagerContact = { before: HIDDEN_CONTACT, after: HIDDEN_CONTACT };
  return changes;
}
