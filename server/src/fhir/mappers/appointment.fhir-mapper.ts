// PumpWatch refill appointment -> FHIR Appointment: the patient, the clinician and the pump take part; timed against the deadline.
import type { Appointment } from '@medplum/fhirtypes';
import type { AppointmentResponse, AppointmentStatus } from '@pumpwatch/shared';
import { deviceRef, patientRef, practitionerRef } from './fhir-references';

/** PumpWatch's appointment statuses on FHIR's (required binding appointmentstatus). */
export const FHIR_APPOINTMENT_STATUS: Record<AppointmentStatus, NonNullable<Appointment['status']>> = {
  booked: 'booked',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  no_show: 'noshow',
};

export function toFhirAppointment(appointment: AppointmentResponse): Appointment {
  const minutes = Math.round((Date.parse(appointment.endsAt) - Date.parse(appointment.startsAt)) / 60_000);
  const timing = appointment.timing ? `; ${appointment.timing.replace(/_/g, ' ')} (refill deadline ${appointment.refillDeadline})` : '';
  return {
    resourceType: 'Appointment',
    id: appointment.id,
    meta: { lastUpdated: appointment.createdAt },
    status: FHIR_APPOINTMENT_STATUS[appointment.status],
    ...(appointment.status === 'cancelled' && appointment.statusReason ? { cancelationReason: { text: appointment.statusReason } } : {}),
    serviceType: [{ text: 'Intrathecal baclofen pump refill' }],
    description: `Pump refill${timing}`,
    start: appointment.startsAt,
    end: appointment.endsAt,
    minutesDuration: minutes,
    created: appointment.createdAt,
    participant: [
      { actor: patientRef(appointment.patientId), required: 'required', status: 'accepted' },
      { actor: practitionerRef(appointment.clinicianId), required: 'required', status: 'accepted' },
      { actor: deviceRef(appointment.pumpId), required: 'required', status: 'accepted' },
    ],
  };
}
