// References between PumpWatch's FHIR resources, typed by their target so the type package checks each element's allowed targets.
import type { Device, Organization, Patient, Practitioner, Reference } from '@medplum/fhirtypes';

function ref<T extends Patient | Device | Organization | Practitioner>(
  type: T['resourceType'],
  id: string,
  display?: string,
): Reference<T> {
  return display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` };
}

export const patientRef = (id: string, display?: string): Reference<Patient> => ref<Patient>('Patient', id, display);
export const deviceRef = (id: string, display?: string): Reference<Device> => ref<Device>('Device', id, display);
export const organizationRef = (id: string, display?: string): Reference<Organization> => ref<Organization>('Organization', id, display);
export const practitionerRef = (id: string, display?: string): Reference<Practitioner> => ref<Practitioner>('Practitioner', id, display);
