// Alert row (with its patient and pump) to the API's Alert shape; the withdrawal checklist is built from the patient as read.
import { ALERT_KIND_INFO, withdrawalChecklist } from '@pumpwatch/shared';
import type { Alert } from '@pumpwatch/shared';
import type { AlertRecord, AlertSubjectInfo, UserSnoozeRow } from './alerts.repository';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Without `lastEventId` and the caller's snooze: how an alert is stored in its event (the socket layer adds both). */
export type AlertEventView = Omit<Alert, 'lastEventId' | 'snoozedUntil'>;

export function toAlertEventView(record: AlertRecord, info: AlertSubjectInfo): AlertEventView {
  const withdrawalRisk = ALERT_KIND_INFO[record.kind].withdrawalRisk;
  return {
    id: record.id,
    clinicId: record.clinicId,
    patientId: record.patientId,
    pumpId: record.pumpId,
    subject: record.subjectType,
    kind: record.kind,
    severity: record.severity,
    status: record.status,
    withdrawalRisk,
    title: record.title,
    message: record.message,
    facts: record.facts,
    patient: { id: info.patient.id, mrn: info.patient.mrn, displayName: info.patient.displayName },
    pump: info.pump,
    firstRaisedAt: record.firstRaisedAt.toISOString(),
    lastRaisedAt: record.lastRaisedAt.toISOString(),
    lastSeenAt: record.lastSeenAt.toISOString(),
    fireCount: record.fireCount,
    conditionClearedAt: iso(record.conditionClearedAt),
    acknowledgedAt: iso(record.acknowledgedAt),
    acknowledgedBy: record.acknowledgedAt
      ? {
          type: record.acknowledgedByUserId ? 'user' : 'system',
          userId: record.acknowledgedByUserId,
          label: record.acknowledgedByLabel ?? '',
        }
      : null,
    acknowledgementNote: record.acknowledgementNote,
    resolvedAt: iso(record.resolvedAt),
    resolvedBy:
      record.resolvedAt && record.resolvedByType
        ? { type: record.resolvedByType, userId: record.resolvedByUserId, label: record.resolvedByLabel ?? '' }
        : null,
    resolutionNote: record.resolutionNote,
    withdrawal: withdrawalRisk ? withdrawalChecklist(info.patient.riskFactors) : null,
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** A snooze shows only while it hides the alert from this user. */
export function toAlert(record: AlertRecord, info: AlertSubjectInfo, visibleSnoozedUntil: Date | null): Alert {
  return { ...toAlertEventView(record, info), snoozedUntil: iso(visibleSnoozedUntil), lastEventId: record.lastEventId };
}

export function visibleSnooze(
  snooze: UserSnoozeRow | null,
): { snoozedUntil: string; severityAtSnooze: UserSnoozeRow['severityAtSnooze'] } | null {
  return snooze ? { snoozedUntil: snooze.snoozedUntil.toISOString(), severityAtSnooze: snooze.severityAtSnooze } : null;
}
