// The only code touching the alert tables: alerts, their history, per-user snoozes and the engine's outbox cursor (plain SQL: the
// partial unique index and row locks are the point, not entity mapping).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AlertActor,
  AlertFacts,
  AlertHistoryAction,
  AlertHistoryEntry,
  AlertKind,
  AlertSeverity,
  AlertStatus,
  AlertSubject,
  WithdrawalRiskFactors,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';

/** One alert row, as stored. */
export interface AlertRecord {
  id: string;
  clinicId: string;
  patientId: string;
  pumpId: string | null;
  subjectType: AlertSubject;
  subjectId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  title: string;
  message: string;
  facts: AlertFacts;
  firstRaisedAt: Date;
  /** The latest raise or re-raise (set by the alert writer); lists sort on it. */
  lastRaisedAt: Date;
  lastSeenAt: Date;
  fireCount: number;
  conditionClearedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedByUserId: string | null;
  acknowledgedByLabel: string | null;
  acknowledgementNote: string | null;
  resolvedAt: Date | null;
  resolvedByType: AlertActor['type'] | null;
  resolvedByUserId: string | null;
  resolvedByLabel: string | null;
  resolutionNote: string | null;
  lastEventId: number;
  updatedAt: Date;
}

/** What an alert names besides its own row: the patient (with the withdrawal risk factors) and the pump. */
export interface AlertSubjectInfo {
  patient: { id: string; mrn: string; displayName: string; riskFactors: WithdrawalRiskFactors };
  pump: { id: string; serialNumber: string; modelId: string } | null;
}

export interface AlertListFilter {
  /** null: every clinic. */
  clinicIds: string[] | null;
  statuses: AlertStatus[];
  severity?: AlertSeverity;
  pumpId?: string;
  patientId?: string;
  /** Leave out the alerts the user's snooze hides at this instant (the snooze runs and the alert is no more severe than then). */
  hideSnoozedAt?: Date;
}

/** Where a page of the list ends, in its order (severity, then newest raise, then id); microseconds keep PostgreSQL's precision. */
export interface AlertListKey {
  severity: AlertSeverity;
  lastRaisedMicros: string;
  id: string;
}

/** One listed alert with the user's snooze of it and its key in the list's order. */
export interface AlertListRow {
  record: AlertRecord;
  snooze: UserSnoozeRow | null;
  key: AlertListKey;
}

export interface HistoryInsert {
  alertId: string;
  clinicId: string;
  at: Date;
  action: AlertHistoryAction;
  actor: AlertActor;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus;
  fromSeverity: AlertSeverity | null;
  toSeverity: AlertSeverity;
  note: string | null;
  snoozedUntil: Date | null;
  eventId: number | null;
}

export interface UserSnoozeRow {
  snoozedUntil: Date;
  severityAtSnooze: AlertSeverity;
}

/** Column list and row mapping, in one place for every query (recordValues follows the same order). */
const COLUMN_NAMES = [
  'id',
  'clinic_id',
  'patient_id',
  'pump_id',
  'subject_type',
  'subject_id',
  'kind',
  'severity',
  'status',
  'title',
  'message',
  'facts',
  'first_raised_at',
  'last_seen_at',
  'fire_count',
  'condition_cleared_at',
  'acknowledged_at',
  'acknowledged_by_user_id',
  'acknowledged_by_label',
  'acknowledgement_note',
  'resolved_at',
  'resolved_by_type',
  'resolved_by_user_id',
  'resolved_by_label',
  'resolution_note',
  'last_event_id',
  'updated_at',
  'last_raised_at',
] as const;
const COLUMNS = COLUMN_NAMES.map((c) => `a.${c}`).join(', ');

type Row = Record<string, unknown>;

function toRecord(row: Row): AlertRecord {
  return {
    id: row.id as string,
    clinicId: row.clinic_id as string,
    patientId: row.patient_id as string,
    pumpId: row.pump_id as string | null,
    subjectType: row.subject_type as AlertSubject,
    subjectId: row.subject_id as string,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertStatus,
    title: row.title as string,
    message: row.message as string,
    facts: row.facts as AlertFacts,
    firstRaisedAt: row.first_raised_at as Date,
    lastSeenAt: row.last_seen_at as Date,
    fireCount: Number(row.fire_count),
    conditionClearedAt: row.condition_cleared_at as Date | null,
    acknowledgedAt: row.acknowledged_at as Date | null,
    acknowledgedByUserId: row.acknowledged_by_user_id as string | null,
    acknowledgedByLabel: row.acknowledged_by_label as string | null,
    acknowledgementNote: row.acknowledgement_note as string | null,
    resolvedAt: row.resolved_at as Date | null,
    resolvedByType: row.resolved_by_type as AlertActor['type'] | null,
    resolvedByUserId: row.resolved_by_user_id as string | null,
    resolvedByLabel: row.resolved_by_label as string | null,
    resolutionNote: row.resolution_note as string | null,
    lastEventId: Number(row.last_event_id),
    updatedAt: row.updated_at as Date,
    lastRaisedAt: row.last_raised_at as Date,
  };
}

function recordValues(r: AlertRecord): unknown[] {
  return [
    r.id,
    r.clinicId,
    r.patientId,
    r.pumpId,
    r.subjectType,
    r.subjectId,
    r.kind,
    r.severity,
    r.status,
    r.title,
    r.message,
    JSON.stringify(r.facts),
    r.firstRaisedAt,
    r.lastSeenAt,
    r.fireCount,
    r.conditionClearedAt,
    r.acknowledgedAt,
    r.acknowledgedByUserId,
    r.acknowledgedByLabel,
    r.acknowledgementNote,
    r.resolvedAt,
    r.resolvedByType,
    r.resolvedByUserId,
    r.resolvedByLabel,
    r.resolutionNote,
    r.lastEventId,
    r.updatedAt,
    r.lastRaisedAt,
  ];
}

const severityRankOf = (sql: string) => `array_position(ARRAY['warning','urgent','critical']::text[], ${sql})`;
const SEVERITY_ORDER = severityRankOf('a.severity');
/** Microseconds since 1970 (a bigint as text) back to a timestamptz, exactly. */
const fromMicros = (param: string) => `(TIMESTAMPTZ 'epoch' + ${param}::bigint * INTERVAL '1 microsecond')`;
/** The list queries' first two parameters: the statuses, then the user whose snoozes apply (null for a machine). */
const USER_PARAM = 2;

/** WHERE terms and parameters shared by a list page and its counts; `withSeverity` false for the counts per severity. */
function listWhere(filter: AlertListFilter, userId: string | null, withSeverity: boolean): { where: string[]; params: unknown[] } {
  const where: string[] = ['a.status = ANY($1::text[])'];
  const params: unknown[] = [filter.statuses, userId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.clinicIds !== null) add('a.clinic_id = ANY(?::uuid[])', filter.clinicIds);
  if (withSeverity && filter.severity) add('a.severity = ?', filter.severity);
  if (filter.pumpId) add('a.pump_id = ?', filter.pumpId);
  if (filter.patientId) add('a.patient_id = ?', filter.patientId);
  // hiddenBySnooze in SQL: the snooze still runs and the alert is no more severe than when it was snoozed.
  if (filter.hideSnoozedAt) {
    add(
      `NOT (s.snoozed_until IS NOT NULL AND s.snoozed_until > ? AND ${SEVERITY_ORDER} <= ${severityRankOf('s.severity_at_snooze')})`,
      filter.hideSnoozedAt,
    );
  }
  return { where, params };
}

@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Open and acknowledged alerts of these subjects; `lock`: held until commit, so no one else changes them meanwhile. */
  async unresolvedOfSubjects(manager: EntityManager, subjectIds: readonly string[], lock: boolean): Promise<AlertRecord[]> {
    if (subjectIds.length === 0) return [];
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS} FROM alerts a WHERE a.subject_id = ANY($1::uuid[]) AND a.status <> 'resolved' ORDER BY a.id${lock ? ' FOR UPDATE' : ''}`,
      [subjectIds],
    );
    return rows.map(toRecord);
  }

  async findById(manager: EntityManager, id: string, lock: 'update' | 'none'): Promise<AlertRecord | null> {
    const rows: Row[] = await manager.query(`SELECT ${COLUMNS} FROM alerts a WHERE a.id = $1${lock === 'update' ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async insert(manager: EntityManager, record: AlertRecord): Promise<void> {
    const values = recordValues(record);
    const placeholders = COLUMN_NAMES.map((column, i) => `$${i + 1}${column === 'facts' ? '::jsonb' : ''}`);
    await manager.query(`INSERT INTO alerts (${COLUMN_NAMES.join(', ')}) VALUES (${placeholders.join(', ')})`, values);
  }

  /** Writes every mutable column of the record (identity and subject never change). */
  async update(manager: EntityManager, r: AlertRecord): Promise<void> {
    await manager.query(
      `UPDATE alerts SET severity = $2, status = $3, title = $4, message = $5, facts = $6::jsonb, last_seen_at = $7, fire_count = $8,
         condition_cleared_at = $9, acknowledged_at = $10, acknowledged_by_user_id = $11, acknowledged_by_label = $12,
         acknowledgement_note = $13, resolved_at = $14, resolved_by_type = $15, resolved_by_user_id = $16, resolved_by_label = $17,
         resolution_note = $18, last_event_id = $19, updated_at = $20, last_raised_at = $21
       WHERE id = $1`,
      [
        r.id,
        r.severity,
        r.status,
        r.title,
        r.message,
        JSON.stringify(r.facts),
        r.lastSeenAt,
        r.fireCount,
        r.conditionClearedAt,
        r.acknowledgedAt,
        r.acknowledgedByUserId,
        r.acknowledgedByLabel,
        r.acknowledgementNote,
        r.resolvedAt,
        r.resolvedByType,
        r.resolvedByUserId,
        r.resolvedByLabel,
        r.resolutionNote,
        r.lastEventId,
        r.updatedAt,
        r.lastRaisedAt,
      ],
    );
  }

  /** Re-fired alerts: what a re-fire changes (finding, last seen, count), for many alerts in one statement. */
  async updateRefired(manager: EntityManager, records: readonly AlertRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager.query(
      `UPDATE alerts SET title = v.title, message = v.message, facts = v.facts, last_seen_at = v.last_seen_at, fire_count = v.fire_count,
         updated_at = v.updated_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::int[], $7::timestamptz[])
         AS v(id, title, message, facts, last_seen_at, fire_count, updated_at)
       WHERE alerts.id = v.id`,
      [
        records.map((r) => r.id),
        records.map((r) => r.title),
        records.map((r) => r.message),
        records.map((r) => JSON.stringify(r.facts)),
        records.map((r) => r.lastSeenAt),
        records.map((r) => r.fireCount),
        records.map((r) => r.updatedAt),
      ],
    );
  }

  async setLastEventIds(manager: EntityManager, ids: readonly { id: string; eventId: number }[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      'UPDATE alerts SET last_event_id = v.event_id FROM unnest($1::uuid[], $2::bigint[]) AS v(id, event_id) WHERE alerts.id = v.id',
      [ids.map((i) => i.id), ids.map((i) => i.eventId)],
    );
  }

  /**
   * Key-share locks on the pumps and patients an evaluation may write alerts for, taken before the event counter: inserting an
   * alert takes them anyway (foreign keys), and a fill holding its pump while waiting for the counter would otherwise deadlock.
   */
  async lockSubjectsForAlerts(manager: EntityManager, pumpIds: readonly string[]): Promise<void> {
    // One round trip, same order as two statements: the patients' ids are one array built from the locked pumps (an init plan, read
    // whole before the patients' scan starts), so every pump is locked (id order) before the first patient.
    await manager.query(
      `WITH locked_pumps AS MATERIALIZED (SELECT id, patient_id FROM pumps WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE)
       SELECT 1 FROM patients WHERE id = ANY(ARRAY(SELECT patient_id FROM locked_pumps)) ORDER BY id FOR KEY SHARE`,
      [pumpIds],
    );
  }

  async subjectInfo(
    manager: EntityManager,
    records: readonly Pick<AlertRecord, 'patientId' | 'pumpId'>[],
  ): Promise<Map<string, AlertSubjectInfo>> {
    const patientIds = [...new Set(records.map((r) => r.patientId))];
    const pumpIds = [...new Set(records.map((r) => r.pumpId).filter((id): id is string => id !== null))];
    const [patients, pumps]: [Row[], Row[]] = [
      await manager.query(
        `SELECT id, mrn, display_name, spinal_cord_injury_t6_or_above, communication_difficulty, previous_withdrawal FROM patients WHERE id = ANY($1::uuid[])`,
        [patientIds],
      ),
      await manager.query(`SELECT id, serial_number, model_id FROM pumps WHERE id = ANY($1::uuid[])`, [pumpIds]),
    ];
    const patientById = new Map(patients.map((p) => [p.id as string, p]));
    const pumpById = new Map(pumps.map((p) => [p.id as string, p]));
    const info = new Map<string, AlertSubjectInfo>();
    for (const record of records) {
      const patient = patientById.get(record.patientId) as Row;
      const pump = record.pumpId ? pumpById.get(record.pumpId) : undefined;
      info.set(subjectKey(record), {
        patient: {
          id: patient.id as string,
          mrn: patient.mrn as string,
          displayName: patient.display_name as string,
          riskFactors: {
            spinalCordInjuryT6OrAbove: patient.spinal_cord_injury_t6_or_above as boolean | null,
            communicationDifficulty: patient.communication_difficulty as boolean | null,
            previousWithdrawal: patient.previous_withdrawal as boolean | null,
          },
        },
        pump: pump ? { id: pump.id as string, serialNumber: pump.serial_number as string, modelId: pump.model_id as string } : null,
      });
    }
    return info;
  }

  /**
   * One page in compareAlertsForList's order (most severe, then the most recent raise or re-raise, then id), after `after` when given:
   * keyset paging, so alerts raised or resolved between two pages neither repeat nor push others out. With the user's snooze of each.
   */
  async listPage(
    manager: EntityManager,
    filter: AlertListFilter,
    userId: string | null,
    after: AlertListKey | null,
    limit: number,
  ): Promise<AlertListRow[]> {
    const { where, params } = listWhere(filter, userId, true);
    if (after) {
      params.push(after.severity, after.lastRaisedMicros, after.id);
      const [severity, micros, id] = [params.length - 2, params.length - 1, params.length];
      // After the key in (severity rank descending, raise descending, id ascending), term by term.
      where.push(`(${SEVERITY_ORDER} < ${severityRankOf(`$${severity}::text`)}
        OR (${SEVERITY_ORDER} = ${severityRankOf(`$${severity}::text`)} AND (a.last_raised_at < ${fromMicros(`$${micros}`)}
          OR (a.last_raised_at = ${fromMicros(`$${micros}`)} AND a.id > $${id}::uuid))))`);
    }
    params.push(limit);
    const rows: Row[] = await manager.query(
      `SELECT ${COLUMNS}, s.snoozed_until AS snooze_until, s.severity_at_snooze AS snooze_severity,
         (extract(epoch FROM a.last_raised_at) * 1000000)::bigint::text AS last_raised_micros
       FROM alerts a LEFT JOIN alert_snoozes s ON s.alert_id = a.id AND s.user_id = $${USER_PARAM}
       WHERE ${where.join(' AND ')}
       ORDER BY ${SEVERITY_ORDER} DESC, a.last_raised_at DESC, a.id ASC
       LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => {
      const record = toRecord(row);
      return {
        record,
        snooze: row.snooze_until
          ? { snoozedUntil: row.snooze_until as Date, severityAtSnooze: row.snooze_severity as AlertSeverity }
          : null,
        key: { severity: record.severity, lastRaisedMicros: row.last_raised_micros as string, id: record.id },
      };
    });
  }

  /** How many alerts match every filter but `severity`, per severity (the list's counts; snoozes hidden as the list hides them). */
  async countBySeverity(manager: EntityManager, filter: AlertListFilter, userId: string | null): Promise<Record<AlertSeverity, number>> {
    const { where, params } = listWhere(filter, userId, false);
    const rows: { severity: AlertSeverity; n: number }[] = await manager.query(
      `SELECT a.severity, count(*)::int AS n
       FROM alerts a LEFT JOIN alert_snoozes s ON s.alert_id = a.id AND s.user_id = $${USER_PARAM}
       WHERE ${where.join(' AND ')}
       GROUP BY a.severity`,
      params,
    );
    const counts: Record<AlertSeverity, number> = { critical: 0, urgent: 0, warning: 0 };
    for (const row of rows) counts[row.severity] = row.n;
    return counts;
  }

  async snoozeOf(manager: EntityManager, alertId: string, userId: string | null): Promise<UserSnoozeRow | null> {
    if (!userId) return null;
    const rows: Row[] = await manager.query(
      'SELECT snoozed_until, severity_at_snooze FROM alert_snoozes WHERE alert_id = $1 AND user_id = $2',
      [alertId, userId],
    );
    return rows.length > 0
      ? { snoozedUntil: rows[0].snoozed_until as Date, severityAtSnooze: rows[0].severity_at_snooze as AlertSeverity }
      : null;
  }

  /** A new snooze replaces the user's previous one on this alert. */
  async putSnooze(manager: EntityManager, alertId: string, userId: string, at: Date, until: Date, severity: AlertSeverity): Promise<void> {
    await manager.query(
      `INSERT INTO alert_snoozes (alert_id, user_id, snoozed_at, snoozed_until, severity_at_snooze) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (alert_id, user_id) DO UPDATE SET snoozed_at = EXCLUDED.snoozed_at, snoozed_until = EXCLUDED.snoozed_until,
         severity_at_snooze = EXCLUDED.severity_at_snooze`,
      [alertId, userId, at, until, severity],
    );
  }

  async addHistory(manager: EntityManager, entry: HistoryInsert): Promise<void> {
    await manager.query(
      `INSERT INTO alert_history (alert_id, clinic_id, at, action, actor_type, actor_id, actor_label, from_status, to_status, from_severity,
         to_severity, note, snoozed_until, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        entry.alertId,
        entry.clinicId,
        entry.at,
        entry.action,
        entry.actor.type,
        entry.actor.userId,
        entry.actor.label,
        entry.fromStatus,
        entry.toStatus,
        entry.fromSeverity,
        entry.toSeverity,
        entry.note,
        entry.snoozedUntil,
        entry.eventId,
      ],
    );
  }

  async history(alertId: string): Promise<AlertHistoryEntry[]> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM alert_history WHERE alert_id = $1 ORDER BY id', [alertId]);
    return rows.map((row) => ({
      id: Number(row.id),
      at: (row.at as Date).toISOString(),
      action: row.action as AlertHistoryAction,
      actor: { type: row.actor_type as AlertActor['type'], userId: row.actor_id as string | null, label: row.actor_label as string },
      fromStatus: row.from_status as AlertStatus | null,
      toStatus: row.to_status as AlertStatus,
      fromSeverity: row.from_severity as AlertSeverity | null,
      toSeverity: row.to_severity as AlertSeverity,
      note: row.note as string | null,
      snoozedUntil: row.snoozed_until ? (row.snoozed_until as Date).toISOString() : null,
      eventId: row.event_id === null ? null : Number(row.event_id),
    }));
  }

  /** Pumps the sweep looks at: every active pump, and explanted pumps that still have an unresolved alert. */
  async sweepPumpIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM pumps WHERE explanted_at IS NULL
       UNION SELECT pump_id FROM alerts WHERE status <> 'resolved' AND pump_id IS NOT NULL
       ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  /** The engine's position in the outbox, locked until commit; the row is created at first use. */
  async lockCursor(manager: EntityManager, now: Date): Promise<number> {
    // One round trip on every evaluation but the first (on the alarm path).
    const select = 'SELECT last_event_id FROM alert_evaluation_cursor WHERE id = 1 FOR UPDATE';
    let rows: { last_event_id: string }[] = await manager.query(select);
    if (rows.length === 0) {
      await manager.query(
        'INSERT INTO alert_evaluation_cursor (id, last_event_id, updated_at) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING',
        [now],
      );
      rows = await manager.query(select);
    }
    return Number(rows[0].last_event_id);
  }

  /** The cursor as committed, without a lock (0 before the first evaluation). */
  async readCursor(manager: EntityManager): Promise<number> {
    const rows: { last_event_id: string }[] = await manager.query('SELECT last_event_id FROM alert_evaluation_cursor WHERE id = 1');
    return rows.length === 0 ? 0 : Number(rows[0].last_event_id);
  }

  async advanceCursor(manager: EntityManager, eventId: number, now: Date): Promise<void> {
    await manager.query('UPDATE alert_evaluation_cursor SET last_event_id = $1, updated_at = $2 WHERE id = 1', [eventId, now]);
  }
}

/** The key of "one open alert per subject and kind", without the kind. */
export function subjectKey(record: Pick<AlertRecord, 'patientId' | 'pumpId'>): string {
  return record.pumpId ?? record.patientId;
}
