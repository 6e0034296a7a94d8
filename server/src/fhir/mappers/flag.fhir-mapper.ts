// PumpWatch alert -> FHIR Flag on the patient: active while open or acknowledged, inactive once resolved; a pump's alert names it as author.
import type { Flag } from '@medplum/fhirtypes';
import type { Alert } from '@pumpwatch/shared';
import { ALERT_KIND_SYSTEM, ALERT_SEVERITY_SYSTEM, FLAG_CATEGORY_SYSTEM } from '../fhir-systems';
import { deviceRef, organizationRef, patientRef } from './fhir-references';

export function toFhirFlag(alert: Alert): Flag {
  return {
    resourceType: 'Flag',
    id: alert.id,
    meta: { lastUpdated: alert.updatedAt },
    status: alert.status === 'resolved' ? 'inactive' : 'active',
    category: [{ coding: [{ system: FLAG_CATEGORY_SYSTEM, code: 'clinical', display: 'Clinical' }] }],
    code: {
      coding: [
        { system: ALERT_KIND_SYSTEM, code: alert.kind, display: alert.title },
        { system: ALERT_SEVERITY_SYSTEM, code: alert.severity },
      ],
      text: `${alert.severity}: ${alert.title}. ${alert.message}${alert.acknowledgedAt && alert.status !== 'resolved' ? ' (acknowledged)' : ''}`,
    },
    subject: patientRef(alert.patientId),
    period: { start: alert.firstRaisedAt, ...(alert.resolvedAt ? { end: alert.resolvedAt } : {}) },
    author: alert.pumpId ? deviceRef(alert.pumpId, alert.pump?.serialNumber) : organizationRef(alert.clinicId),
  };
}
