// PumpWatch clinic -> FHIR Organization.
import type { Organization } from '@medplum/fhirtypes';
import type { Clinic } from '@pumpwatch/shared';

export function toFhirOrganization(clinic: Clinic): Organization {
  return {
    resourceType: 'Organization',
    id: clinic.id,
    meta: { lastUpdated: clinic.createdAt },
    active: true,
    name: clinic.name,
    type: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] },
    ],
  };
}
