// Use cases of alerts for users: the list (most severe, then most recently raised; the caller's snoozes hidden), one alert with its history,
// acknowledge, resolve and snooze. Scoped by clinic like every other record (another clinic's alert answers 404).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  acknowledgeRefusal,
  ALERT_SEVERITIES,
  compareAlertsForList,
  DomainError,
  hiddenBySnooze,
  resolveRefusal,
  snoozeRuleRefusal,
  snoozeStateRefusal,
} from '@pumpwatch/shared';
import type { Alert, AlertDetail, AlertQuery, AlertSeverityCounts, AlertStatus, SnoozeMinutes } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, assertMayUseIn, assertSees, visibleClinicIds } from '../auth/actor';
import { EventLogService } from '../events/event-log.service';
import { Clock } from '../infra/clock';
import { isUuid } from '../infra/entity-id.pipe';
import { toAlert, visibleSnooze } from './alert.mapper';
import { alertActorOf, AlertWriter } from './alert-writer';
import { decodeAlertCursor, encodeAlertCursor } from './alert-list-cursor';
import { AlertListFilter, AlertRecord, AlertsRepository, AlertSubjectInfo, subjectKey, UserSnoozeRow } from './alerts.repository';

const NOT_FOUND = 'is not a known alert';
const UNRESOLVED: AlertStatus[] = ['open', 'acknowledged'];

/** GET /api/alerts: the page's alerts (the body) and what its headers carry. */
export interface AlertListPage {
  alerts: Alert[];
  lastEventId: number;
  /** Alerts matching every filter, on every page together. */
  totalCount: number;
  /** Alerts matching every filter except `severity`, per severity. */
  severityCounts: AlertSeverityCounts;
  /** null on the last page. */
  nextCursor: string | null;
}

@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AlertsRepository,
    private readonly writer: AlertWriter,
    private readonly events: EventLogService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * One page of the list (keyset paging: `query.cursor` from the previous page's `nextCursor`), the counts of every page together,
   * and the highest event id committed before it was read (`x-last-event-id`): every event up to that id is reflected, so a socket
   * that resumes after it misses nothing. One snapshot (REPEATABLE READ) for all of it, so the counts agree with the page.
   */
  async listPage(actor: Actor, query: AlertQuery): Promise<AlertListPage> {
    if (query.clinicId !== undefined) await this.assertSeesRecord(actor, 'clinics', query.clinicId, 'clinicId', 'is not a known clinic');
    if (query.pumpId !== undefined) await this.assertSeesRecord(actor, 'pumps', query.pumpId, 'pumpId', 'is not a known pump');
    if (query.patientId !== undefined)
      await this.assertSeesRecord(actor, 'patients', query.patientId, 'patientId', 'is not a known patient');
    const after = query.cursor === undefined ? null : decodeAlertCursor(query.cursor);
    const now = this.clock.now();
    const userId = actor.kind === 'user' ? actor.id : null;
    const filter: AlertListFilter = {
      clinicIds: query.clinicId ? [query.clinicId] : visibleClinicIds(actor),
      statuses: query.status ? [query.status] : UNRESOLVED,
      severity: query.severity,
      pumpId: query.pumpId,
      patientId: query.patientId,
      // The caller's snoozes hide alerts in SQL, so pages and counts agree.
      hideSnoozedAt: query.includeSnoozed !== true && userId !== null ? now : undefined,
    };
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const lastEventId = await this.events.lastEventId(manager);
      // One row more than asked tells whether another page follows.
      const rows = await this.repository.listPage(manager, filter, userId, after, query.limit + 1);
      const severityCounts = await this.repository.countBySeverity(manager, filter, userId);
      const shown = rows.slice(0, query.limit);
      const info = await this.repository.subjectInfo(
        manager,
        shown.map((row) => row.record),
      );
      // The query's ORDER BY is compareAlertsForList's order; sorting with the comparator too keeps the API and the dashboard's store
      // in one order by construction.
      const alerts = shown
        .map((row) =>
          toAlert(row.record, info.get(subjectKey(row.record)) as AlertSubjectInfo, activeSnoozeUntil(row.snooze, row.record, now)),
        )
        .sort(compareAlertsForList);
      return {
        alerts,
        lastEventId,
        severityCounts,
        totalCount: query.severity ? severityCounts[query.severity] : ALERT_SEVERITIES.reduce((sum, s) => sum + severityCounts[s], 0),
        nextCursor: rows.length > query.limit ? encodeAlertCursor(shown[shown.length - 1].key) : null,
      };
    });
  }

  async get(actor: Actor, id: string): Promise<AlertDetail> {
    const manager = this.dataSource.manager;
    const record = await this.repository.findById(manager, id, 'none');
    if (!record) throw DomainError.notFound('id', NOT_FOUND);
    assertSees(actor, record.clinicId, 'id', NOT_FOUND);
    const [alert, history] = await Promise.all([this.present(manager, actor, record), this.repository.history(id)]);
    return { ...alert, history };
  }

  async acknowledge(actor: Actor, id: string, note: string | undefined): Promise<Alert> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForClinical(manager, actor, id);
      const refusal = acknowledgeRefusal(before.status);
      if (refusal) throw DomainError.conflict(refusal.field, refusal.message);
      const now = this.clock.now();
      const after: AlertRecord = {
        ...before,
        status: 'acknowledged',
        acknowledgedAt: now,
        acknowledgedByUserId: actor.id,
        acknowledgedByLabel: alertActorOf(actor).label,
        acknowledgementNote: note || null,
      };
      const written = await this.writer.write(manager, {
        before,
        after,
        info: await this.infoOf(manager, before),
        actor,
        now,
        change: 'acknowledged',
        history: { action: 'acknowledged', note: note || null },
      });
      return this.present(manager, actor, written);
    });
  }

  /** Any kind may be resolved by a clinician with a note; withdrawal-risk alerts only this way (the engine never resolves them). */
  async resolve(actor: Actor, id: string, note: string): Promise<Alert> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.lockForClinical(manager, actor, id);
      const refusal = resolveRefusal(before.status);
      if (refusal) throw DomainError.conflict(refusal.field, refusal.message);
      const now = this.clock.now();
      const after: AlertRecord = {
        ...before,
        status: 'resolved',
        resolvedAt: now,
        resolvedByType: actor.kind === 'user' ? 'user' : 'system',
        resolvedByUserId: actor.id,
        resolvedByLabel: alertActorOf(actor).label,
        resolutionNote: note,
      };
      const written = await this.writer.write(manager, {
        before,
        after,
        info: await this.infoOf(manager, before),
        actor,
        now,
        change: 'resolved',
        history: { action: 'resolved', note },
      });
      return this.present(manager, actor, written);
    });
  }

  /** Hides the alert from this user only (capability 'read': it changes nothing anyone else sees), and pushes no event. */
  async snooze(actor: Actor, id: string, minutes: SnoozeMinutes): Promise<Alert> {
    return this.dataSource.transaction(async (manager) => {
      const alert = await this.repository.findById(manager, id, 'none');
      if (!alert) throw DomainError.notFound('id', NOT_FOUND);
      assertMayUseIn(actor, 'read', alert.clinicId, 'id', NOT_FOUND);
      if (actor.kind !== 'user' || !actor.id) throw DomainError.forbidden('only a signed-in user can snooze an alert');
      const state = snoozeStateRefusal(alert.status);
      if (state) throw DomainError.conflict(state.field, state.message);
      const rule = snoozeRuleRefusal(alert.severity, minutes);
      if (rule) throw DomainError.rule(rule.field, rule.message);
      const now = this.clock.now();
      const until = new Date(now.getTime() + minutes * 60_000);
      await this.repository.putSnooze(manager, alert.id, actor.id, now, until, alert.severity);
      const info = await this.infoOf(manager, alert);
      await this.writer.write(manager, {
        before: alert,
        after: alert,
        info,
        actor,
        now,
        change: null,
        history: { action: 'snoozed', snoozedUntil: until },
      });
      // The user's other dashboards hide it too; last, since the event counter is held to commit.
      await this.events.record(manager, {
        type: 'alert.snoozed',
        clinicId: alert.clinicId,
        pumpId: null,
        payload: { alertId: alert.id, userId: actor.id, snoozedUntil: until.toISOString(), severityAtSnooze: alert.severity },
      });
      return toAlert(alert, info, until);
    });
  }

  /** 404 for an unknown alert or another clinic's; 403 for a role without 'clinical' in the alert's clinic. */
  private async lockForClinical(manager: EntityManager, actor: Actor, id: string): Promise<AlertRecord> {
    const record = await this.repository.findById(manager, id, 'update');
    if (!record) throw DomainError.notFound('id', NOT_FOUND);
    assertMayUseIn(actor, 'clinical', record.clinicId, 'id', NOT_FOUND);
    return record;
  }

  private async infoOf(manager: EntityManager, record: AlertRecord): Promise<AlertSubjectInfo> {
    return (await this.repository.subjectInfo(manager, [record])).get(subjectKey(record)) as AlertSubjectInfo;
  }

  /** The alert as this user sees it: with their snooze while it hides the alert. */
  private async present(manager: EntityManager, actor: Actor, record: AlertRecord): Promise<Alert> {
    const snooze = await this.repository.snoozeOf(manager, record.id, actor.kind === 'user' ? actor.id : null);
    return toAlert(record, await this.infoOf(manager, record), activeSnoozeUntil(snooze, record, this.clock.now()));
  }

  /** A filter id naming nothing the actor sees answers 404, as the other lists do. */
  private async assertSeesRecord(
    actor: Actor,
    table: 'clinics' | 'pumps' | 'patients',
    id: string,
    field: string,
    message: string,
  ): Promise<void> {
    const column = table === 'clinics' ? 'id' : 'clinic_id';
    const rows: { clinic_id: string }[] = isUuid(id)
      ? await this.dataSource.query(`SELECT ${column} AS clinic_id FROM ${table} WHERE id = $1`, [id])
      : [];
    if (rows.length === 0) throw DomainError.notFound(field, message);
    assertSees(actor, rows[0].clinic_id, field, message);
  }
}

function activeSnoozeUntil(snooze: UserSnoozeRow | null, record: AlertRecord, now: Date): Date | null {
  return snooze && hiddenBySnooze(visibleSnooze(snooze), record.severity, now.toISOString()) ? snooze.snoozedUntil : null;
}
