// PumpWatch patient -> FHIR Patient: the MRN as identifier in the clinic's own system, name, sex, birth date, the clinic.
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import type { Patient } from '@pumpwatch/shared';
import { mrnSystemOf, V2_IDENTIFIER_TYPE } from '../fhir-systems';
import { organizationRef } from './fhir-references';

export function toFhirPatient(patient: Patient): FhirPatient {
  return {
    resourceType: 'Patient',
    id: patient.id,
    meta: { lastUpdated: patient.createdAt },
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: V2_IDENTIFIER_TYPE, code: 'MR', display: 'Medical record number' }], text: 'MRN' },
        system: mrnSystemOf(patient.clinicId),
        value: patient.mrn,
        assigner: organizationRef(patient.clinicId),
      },
    ],
    active: true,
    name: [{ use: 'usual', text: patient.displayName }],
    // PumpWatch's sexes are FHIR's administrative genders, code for code.
    gender: patient.sex,
    birthDate: patient.birthDate,
    managingOrganization: organizationRef(patient.clinicId),
  };
}
