// The row a planned alert change leaves behind (raise, re-fire, restate, return, resolve, clear), with its event and history
// entry: one translation for the pump engine and the patient rules, so both kinds of alert follow the same lifecycle.
import { randomUUID } from 'node:crypto';
import type { AlertSubject, OpenAlertState, PlannedAlertChange } from '@pumpwatch/shared';
import { SYSTEM_ACTOR } from '../auth/actor';
import type { AlertWrite } from './alert-writer';
import type { AlertRecord, AlertSubjectInfo } from './alerts.repository';

/** Whom a new alert is about: a pump (its patient named too) or a patient. */
export interface AlertSubjectRef {
  clinicId: string;
  patientId: string;
  /** null for a patient alert. */
  pumpId: string | null;
  subjectType: AlertSubject;
  info: AlertSubjectInfo;
  /** Why the condition ended, on an automatic resolution (e.g. "the pump was explanted"). */
  resolvedNote: string;
}

export function plannedAlertWrite(
  change: PlannedAlertChange,
  records: Map<string, AlertRecord>,
  subject: AlertSubjectRef,
  now: Date,
): AlertWrite {
  const common = { info: subject.info, actor: SYSTEM_ACTOR, now };
  if (change.type === 'raise') {
    const { finding } = change;
    const after: AlertRecord = {
      id: randomUUID(),
      clinicId: subject.clinicId,
      patientId: subject.patientId,
      pumpId: subject.pumpId,
      subjectType: subject.subjectType,
      subjectId: subject.pumpId ?? subject.patientId,
      kind: finding.kind,
      severity: finding.severity,
      status: 'open',
      title: finding.title,
      message: finding.message,
      facts: finding.facts,
      firstRaisedAt: now,
      lastRaisedAt: now,
      lastSeenAt: now,
      fireCount: 1,
      conditionClearedAt: null,
      acknowledgedAt: null,
      acknowledgedByUserId: null,
      acknowledgedByLabel: null,
      acknowledgementNote: null,
      resolvedAt: null,
      resolvedByType: null,
      resolvedByUserId: null,
      resolvedByLabel: null,
      resolutionNote: null,
      lastEventId: 0,
      updatedAt: now,
    };
    return { ...common, before: null, after, change: 'raised', history: { action: 'raised' } };
  }
  const before = records.get(change.alertId) as AlertRecord;
  const unacknowledged = { acknowledgedAt: null, acknowledgedByUserId: null, acknowledgedByLabel: null, acknowledgementNote: null };
  switch (change.type) {
    case 'refire': {
      const { finding } = change;
      const after = {
        ...before,
        title: finding.title,
        message: finding.message,
        facts: finding.facts,
        lastSeenAt: now,
        fireCount: before.fireCount + 1,
      };
      return { ...common, before, after, change: 'refired', history: null };
    }
    case 'restate': {
      const { finding } = change;
      const after: AlertRecord = {
        ...before,
        severity: finding.severity,
        title: finding.title,
        message: finding.message,
        facts: finding.facts,
        lastSeenAt: now,
        fireCount: before.fireCount + 1,
        ...(change.reopen ? { status: 'open', ...unacknowledged } : {}),
      };
      const action = finding.severity !== before.severity ? 'severity_changed' : 'restated';
      return {
        ...common,
        before,
        after,
        change: action,
        history: { action, note: change.reopen ? `${finding.title}: open again until acknowledged.` : null },
      };
    }
    case 'condition_returned': {
      const { finding } = change;
      const after: AlertRecord = {
        ...before,
        severity: finding.severity,
        title: finding.title,
        message: finding.message,
        facts: finding.facts,
        lastSeenAt: now,
        fireCount: before.fireCount + 1,
        conditionClearedAt: null,
        status: 'open',
        ...unacknowledged,
      };
      return {
        ...common,
        before,
        after,
        change: 'condition_returned',
        history: { action: 'condition_returned', note: 'The condition holds again: open until acknowledged.' },
      };
    }
    case 'resolve': {
      // The rule's own reason when it has one (a refill recorded, issue 12), else the subject's.
      const note = change.note ?? subject.resolvedNote;
      const after: AlertRecord = {
        ...before,
        status: 'resolved',
        resolvedAt: now,
        resolvedByType: 'system',
        resolvedByUserId: null,
        resolvedByLabel: 'system',
        resolutionNote: note,
      };
      return { ...common, before, after, change: 'resolved', history: { action: 'resolved', note } };
    }
    case 'clear_condition': {
      const note = 'The condition no longer holds; a withdrawal-risk alert stays until a clinician resolves it with a note.';
      return {
        ...common,
        before,
        after: { ...before, conditionClearedAt: now },
        change: 'condition_cleared',
        history: { action: 'condition_cleared', note },
      };
    }
  }
}

export const CONDITION_CLEARED_NOTE = 'Resolved automatically: the condition no longer holds.';

/** What the lifecycle rules need to know of a stored alert. */
export function alertOpenState(record: AlertRecord): OpenAlertState {
  return {
    id: record.id,
    kind: record.kind,
    severity: record.severity,
    title: record.title,
    status: record.status as OpenAlertState['status'],
    conditionClearedAt: record.conditionClearedAt?.toISOString() ?? null,
    lastSeenAt: record.lastSeenAt.toISOString(),
  };
}
