// PumpWatch clinician -> FHIR Practitioner (nurse or physician of a clinic). The pager contact is never exposed.
import type { Practitioner } from '@medplum/fhirtypes';
import type { Clinician } from '@pumpwatch/shared';
import { PROFESSION_SYSTEM } from '../fhir-systems';

export function toFhirPractitioner(clinician: Clinician): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: clinician.id,
    meta: { lastUpdated: clinician.createdAt },
    active: clinician.active,
    name: [{ use: 'usual', text: clinician.displayName }],
    // The clinic is not the qualification's issuer: FHIR R4 links a practitioner to an organization through PractitionerRole only.
    qualification: [{ code: { coding: [{ system: PROFESSION_SYSTEM, code: clinician.profession }], text: clinician.profession } }],
  };
}
