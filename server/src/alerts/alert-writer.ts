// Writes one change of an alert: its event (same transaction, so the socket push and the row commit together), the row, the
// history entry and the audit row. The engine and the user actions both go through here.
import { Injectable } from '@nestjs/common';
import type { AlertActor, AlertChange, AlertHistoryAction } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import { AuditService, changedFields, createdFields, FieldChanges } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { toAlertEventView } from './alert.mapper';
import { AlertRecord, AlertsRepository, AlertSubjectInfo } from './alerts.repository';

export interface AlertWrite {
  /** null: a new alert. */
  before: AlertRecord | null;
  after: AlertRecord;
  info: AlertSubjectInfo;
  actor: Actor;
  now: Date;
  /** The clinic's socket event; null writes no row and no event (a snooze is the user's own). */
  change: 'raised' | AlertChange | null;
  /** A state change, stored in the history and the audit trail; null for a re-fire, which changes no state. */
  history: { action: AlertHistoryAction; note?: string | null; snoozedUntil?: Date | null } | null;
}

/** The engine is 'system'; so is an actor acting for the system with its own label (e.g. a pager's acknowledge link). */
export function alertActorOf(actor: Actor): AlertActor {
  return actor.kind === 'user' ? { type: 'user', userId: actor.id, label: actor.label } : { type: 'system', userId: null, label: actor.label };
}

/** What the audit trail keeps of an alert: its state, not the facts that change with every re-fire. */
function audited(record: AlertRecord): Record<string, unknown> {
  return {
    kind: record.kind, severity: record.severity, status: record.status, pumpId: record.pumpId, patientId: record.patientId,
    title: record.title, conditionClearedAt: record.conditionClearedAt, acknowledgedAt: record.acknowledgedAt,
    acknowledgementNote: record.acknowledgementNote, resolvedAt: record.resolvedAt, resolvedBy: record.resolvedByLabel,
    resolutionNote: record.resolutionNote,
  };
}

@Injectable()
export class AlertWriter {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly events: EventLogService,
    private readonly audit: AuditService,
  ) {}

  async write(manager: EntityManager, write: AlertWrite): Promise<AlertRecord> {
    const { before, info, now, change, history } = write;
    let after = write.after;
    let eventId: number | null = null;
    if (change !== null) {
      // The row first: its foreign-key checks lock the pump and patient rows, and every row lock must be taken before the event
      // counter (a fill holds its pump, then waits for the counter). The event id is set on the row once it is known.
      after = { ...after, updatedAt: now };
      if (before === null) await this.repository.insert(manager, after);
      else await this.repository.update(manager, after);
      const alert = toAlertEventView(after, info);
      eventId = await this.events.record(manager, {
        type: change === 'raised' ? 'alert.raised' : 'alert.updated', clinicId: after.clinicId, pumpId: after.pumpId,
        payload: change === 'raised' ? { alert } : { change, alert },
      });
      after = { ...after, lastEventId: eventId };
      await this.repository.setLastEventId(manager, after.id, eventId);
    }
    if (history !== null) {
      await this.repository.addHistory(manager, {
        alertId: after.id, clinicId: after.clinicId, at: now, action: history.action, actor: alertActorOf(write.actor),
        fromStatus: before?.status ?? null, toStatus: after.status, fromSeverity: before?.severity ?? null, toSeverity: after.severity,
        note: history.note ?? null, snoozedUntil: history.snoozedUntil ?? null, eventId,
      });
      const changes: FieldChanges = before ? changedFields(audited(before), audited(after)) : createdFields(audited(after));
      if (history.snoozedUntil) changes.snoozedUntil = { before: null, after: history.snoozedUntil.toISOString() };
      await this.audit.record(manager, write.actor, { action: `alert.${history.action}`, entityType: 'alert', entityId: after.id, clinicId: after.clinicId, changes });
    }
    return after;
  }
}
