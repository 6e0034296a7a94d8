// Writes one change of an alert: its event (same transaction, so the socket push and the row commit together), the row, the
// history entry and the audit row. The engine and the user actions both go through here.
import { Injectable } from '@nestjs/common';
import { isReRaise } from '@pumpwatch/shared';
import type { AlertActor, AlertChange, AlertHistoryAction } from '@pumpwatch/shared';
import type { EntityManager } from 'typeorm';
import { AuditService, changedFields, createdFields, FieldChanges } from '../audit/audit.service';
import { shownNameOf, type Actor } from '../auth/actor';
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

/** The engine is 'system'; so is an actor acting for the system with its own label (e.g. a pager's acknowledge link). A user is named
 * as colleagues know them (the audit row keeps the e-mail). */
export function alertActorOf(actor: Actor): AlertActor {
  return actor.kind === 'user'
    ? { type: 'user', userId: actor.id, label: shownNameOf(actor) }
    : { type: 'system', userId: null, label: actor.label };
}

/** What the audit trail keeps of an alert: its state, not the facts that change with every re-fire. */
function audited(record: AlertRecord): Record<string, unknown> {
  return {
    kind: record.kind,
    severity: record.severity,
    status: record.status,
    pumpId: record.pumpId,
    patientId: record.patientId,
    title: record.title,
    conditionClearedAt: record.conditionClearedAt,
    acknowledgedAt: record.acknowledgedAt,
    acknowledgementNote: record.acknowledgementNote,
    resolvedAt: record.resolvedAt,
    resolvedBy: record.resolvedByLabel,
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
    return (await this.writeMany(manager, [write]))[0];
  }

  /**
   * Several changes in one transaction (an evaluation of a whole telemetry batch): the rows first, then every event in one statement
   * and their ids on the rows in another, so the event counter, held to commit once taken, is held for two statements rather than
   * three round trips per alert.
   */
  async writeMany(manager: EntityManager, writes: readonly AlertWrite[]): Promise<AlertRecord[]> {
    // The rows first: their foreign-key checks lock the pump and patient rows, and every row lock must be taken before the event
    // counter (a fill holds its pump, then waits for the counter).
    const written: AlertRecord[] = [];
    const refired: AlertRecord[] = [];
    for (const write of writes) {
      if (write.change === null) {
        written.push(write.after);
        continue;
      }
      // A raise or re-raise (condition returned, more severe, open again) puts the alert back at the top of its severity in lists.
      const reRaised = write.change === 'raised' || write.change === 'condition_returned' || isReRaise(write.before, write.after);
      const after = { ...write.after, updatedAt: write.now, ...(reRaised ? { lastRaisedAt: write.now } : {}) };
      // A re-fire (the commonest write: every telemetry batch re-confirms its pump's open alerts) changes no state: one statement for all.
      if (write.change === 'refired') refired.push(after);
      else if (write.before === null) await this.repository.insert(manager, after);
      else await this.repository.update(manager, after);
      written.push(after);
    }
    await this.repository.updateRefired(manager, refired);
    const evented = writes.map((write, i) => ({ write, index: i })).filter(({ write }) => write.change !== null);
    const eventIds = await this.events.recordMany(
      manager,
      evented.map(({ write, index }) => {
        const alert = toAlertEventView(written[index], write.info);
        return {
          type: write.change === 'raised' ? ('alert.raised' as const) : ('alert.updated' as const),
          clinicId: written[index].clinicId,
          pumpId: written[index].pumpId,
          payload: write.change === 'raised' ? { alert } : { change: write.change, alert },
        };
      }),
    );
    const eventIdOf = new Map<number, number>();
    evented.forEach(({ index }, i) => {
      eventIdOf.set(index, eventIds[i]);
      written[index] = { ...written[index], lastEventId: eventIds[i] };
    });
    await this.repository.setLastEventIds(
      manager,
      evented.map(({ index }) => ({ id: written[index].id, eventId: eventIdOf.get(index) as number })),
    );

    for (let i = 0; i < writes.length; i++) {
      const { before, history, actor, now } = writes[i];
      if (history === null) continue;
      const after = written[i];
      await this.repository.addHistory(manager, {
        alertId: after.id,
        clinicId: after.clinicId,
        at: now,
        action: history.action,
        actor: alertActorOf(actor),
        fromStatus: before?.status ?? null,
        toStatus: after.status,
        fromSeverity: before?.severity ?? null,
        toSeverity: after.severity,
        note: history.note ?? null,
        snoozedUntil: history.snoozedUntil ?? null,
        eventId: eventIdOf.get(i) ?? null,
      });
      const changes: FieldChanges = before ? changedFields(audited(before), audited(after)) : createdFields(audited(after));
      if (history.snoozedUntil) changes.snoozedUntil = { before: null, after: history.snoozedUntil.toISOString() };
      await this.audit.record(manager, actor, {
        action: `alert.${history.action}`,
        entityType: 'alert',
        entityId: after.id,
        clinicId: after.clinicId,
        changes,
      });
    }
    return written;
  }
}
