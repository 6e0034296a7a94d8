// The only code touching the paging tables: escalation deadlines, pages, webhook endpoints and acknowledge links (plain SQL: the
// row locks, SKIP LOCKED and conditional updates are the point, not entity mapping).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AlertKind,
  AlertSeverity,
  AlertStatus,
  EscalationStopReason,
  EscalationTarget,
  PageNotifierKind,
  PageStatus,
} from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

export interface EscalationRecord {
  alertId: string;
  clinicId: string;
  episode: number;
  step: number;
  pagingStartedAt: Date;
  nextDueAt: Date;
  lastPagedAt: Date | null;
  noOneOnCall: boolean;
  stoppedAt: Date | null;
  stopReason: EscalationStopReason | null;
}

export interface PageRecord {
  id: string;
  alertId: string;
  clinicId: string;
  episode: number;
  step: number;
  level: number | null;
  levelTarget: EscalationTarget | null;
  recipientClinicianId: string | null;
  recipientUserId: string | null;
  recipientLabel: string | null;
  notifier: PageNotifierKind;
  webhookEndpointId: string | null;
  notificationChannelId: string | null;
  status: PageStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

export interface WebhookEndpointRecord {
  id: string;
  clinicId: string;
  name: string;
  url: string;
  /** The HMAC key: never logged, never returned after creation. */
  secret: string;
  active: boolean;
  createdByUserId: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

/** What paging reads of an alert: never the patient. */
export interface PagedAlert {
  id: string;
  clinicId: string;
  pumpId: string | null;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  acknowledgedAt: Date | null;
  acknowledgedByLabel: string | null;
  resolvedAt: Date | null;
}

/** An open urgent or critical alert, and since when it has been open at its severity (the instant its paging clock starts from). */
export interface ArmCandidate {
  alertId: string;
  clinicId: string;
  severity: 'urgent' | 'critical';
  since: Date;
  escalation: EscalationRecord | null;
}

export interface AcknowledgeLinkRecord {
  tokenHash: Buffer;
  alertId: string;
  pageId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedByLabel: string | null;
}

const ESCALATION_COLUMNS = `e.alert_id, e.clinic_id, e.episode, e.step, e.paging_started_at, e.next_due_at, e.last_paged_at, e.no_one_on_call,
  e.stopped_at, e.stop_reason`;
const PAGE_COLUMNS = `p.id, p.alert_id, p.clinic_id, p.episode, p.step, p.level, p.level_target, p.recipient_clinician_id, p.recipient_user_id,
  p.recipient_label, p.notifier, p.webhook_endpoint_id, p.notification_channel_id, p.status, p.attempts, p.next_attempt_at, p.last_attempt_at, p.last_error, p.sent_at,
  p.created_at`;
const ALERT_COLUMNS =
  'a.id, a.clinic_id, a.pump_id, a.kind, a.severity, a.status, a.acknowledged_at, a.acknowledged_by_label, a.resolved_at';

/**
 * Since when an alert has been open at its severity: its latest raise, severity change, return of its condition or reopening after
 * an acknowledgement (from its history); urgent alerts page urgentPageAfterMinutes after this instant.
 */
const SINCE = `COALESCE((SELECT max(h.at) FROM alert_history h WHERE h.alert_id = a.id
  AND (h.action IN ('raised', 'severity_changed', 'condition_returned') OR (h.from_status = 'acknowledged' AND h.to_status = 'open'))), a.first_raised_at)`;

/** TypeORM answers an UPDATE (also one with RETURNING, or inside WITH) as [rows, affected count]; anything else as the rows. */
function returnedRows(result: unknown): Row[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Row[];
  return result as Row[];
}

function toEscalation(row: Row): EscalationRecord {
  return {
    alertId: row.alert_id as string,
    clinicId: row.clinic_id as string,
    episode: Number(row.episode),
    step: Number(row.step),
    pagingStartedAt: row.paging_started_at as Date,
    nextDueAt: row.next_due_at as Date,
    lastPagedAt: row.last_paged_at as Date | null,
    noOneOnCall: row.no_one_on_call as boolean,
    stoppedAt: row.stopped_at as Date | null,
    stopReason: row.stop_reason as EscalationStopReason | null,
  };
}

function toPage(row: Row): PageRecord {
  return {
    id: row.id as string,
    alertId: row.alert_id as string,
    clinicId: row.clinic_id as string,
    episode: Number(row.episode),
    step: Number(row.step),
    level: row.level === null ? null : Number(row.level),
    levelTarget: row.level_target as EscalationTarget | null,
    recipientClinicianId: row.recipient_clinician_id as string | null,
    recipientUserId: row.recipient_user_id as string | null,
    recipientLabel: row.recipient_label as string | null,
    notifier: row.notifier as PageNotifierKind,
    webhookEndpointId: row.webhook_endpoint_id as string | null,
    notificationChannelId: row.notification_channel_id as string | null,
    status: row.status as PageStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at as Date | null,
    lastAttemptAt: row.last_attempt_at as Date | null,
    lastError: row.last_error as string | null,
    sentAt: row.sent_at as Date | null,
    createdAt: row.created_at as Date,
  };
}

function toWebhook(row: Row): WebhookEndpointRecord {
  return {
    id: row.id as string,
    clinicId: row.clinic_id as string,
    name: row.name as string,
    url: row.url as string,
    secret: row.secret as string,
    active: row.active as boolean,
    createdByUserId: row.created_by_user_id as string | null,
    createdAt: row.created_at as Date,
    disabledAt: row.disabled_at as Date | null,
  };
}

function toAlert(row: Row): PagedAlert {
  return {
    id: row.id as string,
    clinicId: row.clinic_id as string,
    pumpId: row.pump_id as string | null,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    status: row.status as AlertStatus,
    acknowledgedAt: row.acknowledged_at as Date | null,
    acknowledgedByLabel: row.acknowledged_by_label as string | null,
    resolvedAt: row.resolved_at as Date | null,
  };
}

function toLink(row: Row): AcknowledgeLinkRecord {
  return {
    tokenHash: row.token_hash as Buffer,
    alertId: row.alert_id as string,
    pageId: row.page_id as string,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date,
    usedAt: row.used_at as Date | null,
    usedByLabel: row.used_by_label as string | null,
  };
}

@Injectable()
export class PagingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // ---- Escalations ----

  /** Escalations still running whose alert no longer pages: acknowledged, resolved, or down to a warning. */
  async finishedEscalations(manager: EntityManager): Promise<{ escalation: EscalationRecord; alert: PagedAlert }[]> {
    const rows: Row[] = await manager.query(
      `SELECT ${ESCALATION_COLUMNS}, ${ALERT_COLUMNS.split(', ')
        .map((c) => `${c} AS alert_${c.slice(2)}`)
        .join(', ')}
       FROM alert_escalations e JOIN alerts a ON a.id = e.alert_id
       WHERE e.stopped_at IS NULL AND (a.status <> 'open' OR a.severity NOT IN ('urgent', 'critical'))
       ORDER BY e.alert_id`,
    );
    return rows.map((row) => ({ escalation: toEscalation(row), alert: toAlert(prefixed(row, 'alert_')) }));
  }

  /** Open urgent and critical alerts with no running escalation (none yet, or one that stopped before the alert was open again). */
  async armCandidates(manager: EntityManager): Promise<ArmCandidate[]> {
    const rows: Row[] = await manager.query(
      `SELECT a.id AS candidate_alert_id, a.clinic_id AS candidate_clinic_id, a.severity AS candidate_severity, ${SINCE} AS since,
         ${ESCALATION_COLUMNS}
       FROM alerts a LEFT JOIN alert_escalations e ON e.alert_id = a.id
       WHERE a.status = 'open' AND a.severity IN ('urgent', 'critical') AND (e.alert_id IS NULL OR e.stopped_at IS NOT NULL)
       ORDER BY a.id`,
    );
    return rows.map((row) => ({
      alertId: row.candidate_alert_id as string,
      clinicId: row.candidate_clinic_id as string,
      severity: row.candidate_severity as 'urgent' | 'critical',
      since: row.since as Date,
      escalation: row.alert_id === null ? null : toEscalation(row),
    }));
  }

  /** Running escalations that have not paged yet of alerts now critical: an urgent alert that became critical pages at once. */
  async criticalNotYetPaged(manager: EntityManager): Promise<{ alertId: string; since: Date }[]> {
    const rows: { alert_id: string; since: Date }[] = await manager.query(
      `SELECT e.alert_id, ${SINCE} AS since
       FROM alert_escalations e JOIN alerts a ON a.id = e.alert_id
       WHERE e.stopped_at IS NULL AND e.last_paged_at IS NULL AND a.status = 'open' AND a.severity = 'critical' AND e.next_due_at > ${SINCE}`,
    );
    return rows.map((r) => ({ alertId: r.alert_id, since: r.since }));
  }

  /** null when another instance created it first. */
  async insertEscalation(
    manager: EntityManager,
    alertId: string,
    clinicId: string,
    startsAt: Date,
    now: Date,
  ): Promise<EscalationRecord | null> {
    const rows: Row[] = await manager.query(
      `INSERT INTO alert_escalations AS e (alert_id, clinic_id, episode, step, paging_started_at, next_due_at, created_at, updated_at)
       VALUES ($1, $2, 1, 0, $3, $3, $4, $4) ON CONFLICT (alert_id) DO NOTHING RETURNING ${ESCALATION_COLUMNS}`,
      [alertId, clinicId, startsAt, now],
    );
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  /** A new episode on a stopped escalation; null when another instance restarted it first. */
  async restartEscalation(manager: EntityManager, alertId: string, startsAt: Date, now: Date): Promise<EscalationRecord | null> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE alert_escalations e SET episode = e.episode + 1, step = 0, paging_started_at = $2, next_due_at = $2, last_paged_at = NULL,
         no_one_on_call = false, stopped_at = NULL, stop_reason = NULL, updated_at = $3
       WHERE e.alert_id = $1 AND e.stopped_at IS NOT NULL RETURNING ${ESCALATION_COLUMNS}`,
        [alertId, startsAt, now],
      ),
    );
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  /** Moves the start of a not yet paged escalation earlier (urgent became critical); null when it paged or moved meanwhile. */
  async hastenEscalation(manager: EntityManager, alertId: string, startsAt: Date, now: Date): Promise<EscalationRecord | null> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE alert_escalations e SET paging_started_at = $2, next_due_at = $2, updated_at = $3
       WHERE e.alert_id = $1 AND e.stopped_at IS NULL AND e.last_paged_at IS NULL AND e.next_due_at > $2 RETURNING ${ESCALATION_COLUMNS}`,
        [alertId, startsAt, now],
      ),
    );
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  /**
   * The earliest due escalation nobody else holds, locked until commit; `exclude`: those this sweep already handled (one page per
   * escalation per sweep, so a backlog after downtime is paged a minute apart rather than in one burst).
   */
  async claimDue(manager: EntityManager, now: Date, exclude: readonly string[]): Promise<EscalationRecord | null> {
    const rows: Row[] = await manager.query(
      `SELECT ${ESCALATION_COLUMNS} FROM alert_escalations e
       WHERE e.stopped_at IS NULL AND e.next_due_at <= $1 AND NOT (e.alert_id = ANY($2::uuid[]))
       ORDER BY e.next_due_at, e.alert_id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now, exclude],
    );
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  async lockEscalation(manager: EntityManager, alertId: string): Promise<EscalationRecord | null> {
    const rows: Row[] = await manager.query(`SELECT ${ESCALATION_COLUMNS} FROM alert_escalations e WHERE e.alert_id = $1 FOR UPDATE`, [
      alertId,
    ]);
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  async advanceEscalation(
    manager: EntityManager,
    alertId: string,
    change: { step: number; nextDueAt: Date; pagedAt: Date; noOneOnCall: boolean },
  ): Promise<void> {
    await manager.query(
      `UPDATE alert_escalations SET step = $2, next_due_at = $3, last_paged_at = $4, no_one_on_call = $5, updated_at = $4 WHERE alert_id = $1`,
      [alertId, change.step, change.nextDueAt, change.pagedAt, change.noOneOnCall],
    );
  }

  async stopEscalation(
    manager: EntityManager,
    alertId: string,
    stoppedAt: Date,
    reason: EscalationStopReason,
    now: Date,
  ): Promise<EscalationRecord | null> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE alert_escalations e SET stopped_at = $2, stop_reason = $3, updated_at = $4
       WHERE e.alert_id = $1 AND e.stopped_at IS NULL RETURNING ${ESCALATION_COLUMNS}`,
        [alertId, stoppedAt, reason, now],
      ),
    );
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  async escalationOf(alertId: string): Promise<EscalationRecord | null> {
    const rows: Row[] = await this.dataSource.query(`SELECT ${ESCALATION_COLUMNS} FROM alert_escalations e WHERE e.alert_id = $1`, [
      alertId,
    ]);
    return rows.length > 0 ? toEscalation(rows[0]) : null;
  }

  // ---- Alerts (read only) ----

  /** FOR SHARE: an acknowledgement of this alert waits until the page being recorded commits, and the page sees its state as final. */
  async lockAlertForPaging(manager: EntityManager, alertId: string): Promise<PagedAlert | null> {
    const rows: Row[] = await manager.query(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1 FOR SHARE`, [alertId]);
    return rows.length > 0 ? toAlert(rows[0]) : null;
  }

  async alert(manager: EntityManager, alertId: string): Promise<PagedAlert | null> {
    const rows: Row[] = await manager.query(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1`, [alertId]);
    return rows.length > 0 ? toAlert(rows[0]) : null;
  }

  // ---- Pages ----

  async insertPage(manager: EntityManager, page: PageRecord, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO pages (id, alert_id, clinic_id, episode, step, level, level_target, recipient_clinician_id, recipient_user_id, recipient_label,
         notifier, webhook_endpoint_id, notification_channel_id, status, attempts, next_attempt_at, last_attempt_at, last_error, sent_at, created_at,
         updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)`,
      [
        page.id,
        page.alertId,
        page.clinicId,
        page.episode,
        page.step,
        page.level,
        page.levelTarget,
        page.recipientClinicianId,
        page.recipientUserId,
        page.recipientLabel,
        page.notifier,
        page.webhookEndpointId,
        page.notificationChannelId,
        page.status,
        page.attempts,
        page.nextAttemptAt,
        page.lastAttemptAt,
        page.lastError,
        page.sentAt,
        now,
      ],
    );
  }

  /**
   * Leases due queued pages: each attempt is counted and the page pushed out of reach for the lease, committed before the request
   * goes out, so two instances never attempt the same page at once and a crash mid-request only delays its retry.
   */
  async leaseDuePages(manager: EntityManager, now: Date, leaseUntil: Date, limit: number): Promise<PageRecord[]> {
    const rows = returnedRows(
      await manager.query(
        `WITH due AS (
         SELECT id FROM pages WHERE status = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       UPDATE pages p SET attempts = p.attempts + 1, last_attempt_at = $1, next_attempt_at = $2, updated_at = $1
       FROM due WHERE p.id = due.id RETURNING ${PAGE_COLUMNS}`,
        [now, leaseUntil, limit],
      ),
    );
    return rows.map(toPage).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  /** Only the attempt that holds the lease records its outcome (`attempts` unchanged since it was leased); null otherwise. */
  async markSent(manager: EntityManager, id: string, attempts: number, at: Date): Promise<PageRecord | null> {
    return this.updatePage(
      manager,
      id,
      attempts,
      `status = 'sent', sent_at = $3, next_attempt_at = NULL, last_error = NULL, updated_at = $3`,
      [at],
    );
  }

  async scheduleRetry(
    manager: EntityManager,
    id: string,
    attempts: number,
    error: string,
    nextAttemptAt: Date,
    at: Date,
  ): Promise<PageRecord | null> {
    return this.updatePage(manager, id, attempts, `last_error = $3, next_attempt_at = $4, updated_at = $5`, [error, nextAttemptAt, at]);
  }

  async markFailed(manager: EntityManager, id: string, attempts: number, error: string, at: Date): Promise<PageRecord | null> {
    return this.updatePage(manager, id, attempts, `status = 'failed', last_error = $3, next_attempt_at = NULL, updated_at = $4`, [
      error,
      at,
    ]);
  }

  async cancelPage(manager: EntityManager, id: string, attempts: number, reason: string, at: Date): Promise<PageRecord | null> {
    return this.updatePage(manager, id, attempts, `status = 'cancelled', last_error = $3, next_attempt_at = NULL, updated_at = $4`, [
      reason,
      at,
    ]);
  }

  /** Pages of the alert still waiting to go out, cancelled: the alert no longer needs anyone. */
  async cancelQueuedPagesOfAlert(manager: EntityManager, alertId: string, reason: string, at: Date): Promise<PageRecord[]> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE pages p SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = $3
       WHERE p.alert_id = $1 AND p.status = 'queued' RETURNING ${PAGE_COLUMNS}`,
        [alertId, reason, at],
      ),
    );
    return rows.map(toPage);
  }

  async cancelQueuedPagesOfEndpoint(manager: EntityManager, webhookEndpointId: string, reason: string, at: Date): Promise<PageRecord[]> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE pages p SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = $3
       WHERE p.webhook_endpoint_id = $1 AND p.status = 'queued' RETURNING ${PAGE_COLUMNS}`,
        [webhookEndpointId, reason, at],
      ),
    );
    return rows.map(toPage);
  }

  async page(manager: EntityManager, id: string): Promise<PageRecord | null> {
    const rows: Row[] = await manager.query(`SELECT ${PAGE_COLUMNS} FROM pages p WHERE p.id = $1`, [id]);
    return rows.length > 0 ? toPage(rows[0]) : null;
  }

  async pagesOfAlert(alertId: string): Promise<PageRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${PAGE_COLUMNS} FROM pages p WHERE p.alert_id = $1 ORDER BY p.created_at, p.step, p.level, p.recipient_label, p.notifier, p.id`,
      [alertId],
    );
    return rows.map(toPage);
  }

  async failedPagesSince(since: Date): Promise<number> {
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM pages WHERE status = 'failed' AND updated_at > $1`,
      [since],
    );
    return rows[0].n;
  }

  /** The recipient's pager contact as it is now (a number changed since the page was recorded is the one to use). */
  async pagerContact(manager: EntityManager, clinicianId: string | null): Promise<string | null> {
    if (!clinicianId) return null;
    const rows: { pager_contact: string | null }[] = await manager.query('SELECT pager_contact FROM clinicians WHERE id = $1 AND active', [
      clinicianId,
    ]);
    return rows[0]?.pager_contact ?? null;
  }

  /** Whether the user may still see the clinic's dashboard (a role there, or every clinic). */
  async userReachesClinic(manager: EntityManager, userId: string, clinicId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM users u WHERE u.id = $1 AND (u.administers_all_clinics OR EXISTS (SELECT 1 FROM clinic_memberships m WHERE m.user_id = u.id AND m.clinic_id = $2))`,
      [userId, clinicId],
    );
    return rows.length > 0;
  }

  // ---- Webhook endpoints ----

  async activeWebhooks(manager: EntityManager, clinicId: string): Promise<WebhookEndpointRecord[]> {
    const rows: Row[] = await manager.query('SELECT * FROM webhook_endpoints WHERE clinic_id = $1 AND active ORDER BY created_at, id', [
      clinicId,
    ]);
    return rows.map(toWebhook);
  }

  /** `lock`: NO KEY UPDATE, so pages being recorded for the endpoint (their foreign key) do not wait on it. */
  async webhook(manager: EntityManager, id: string, lock = false): Promise<WebhookEndpointRecord | null> {
    const rows: Row[] = await manager.query(`SELECT * FROM webhook_endpoints WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows.length > 0 ? toWebhook(rows[0]) : null;
  }

  async webhooksOfClinic(clinicId: string): Promise<WebhookEndpointRecord[]> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM webhook_endpoints WHERE clinic_id = $1 ORDER BY created_at DESC, id', [
      clinicId,
    ]);
    return rows.map(toWebhook);
  }

  async insertWebhook(
    manager: EntityManager,
    endpoint: Omit<WebhookEndpointRecord, 'id' | 'active' | 'disabledAt'>,
  ): Promise<WebhookEndpointRecord> {
    const rows: Row[] = await manager.query(
      `INSERT INTO webhook_endpoints (clinic_id, name, url, secret, created_by_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [endpoint.clinicId, endpoint.name, endpoint.url, endpoint.secret, endpoint.createdByUserId, endpoint.createdAt],
    );
    return toWebhook(rows[0]);
  }

  async disableWebhook(manager: EntityManager, id: string, at: Date): Promise<WebhookEndpointRecord> {
    const rows = returnedRows(
      await manager.query('UPDATE webhook_endpoints SET active = false, disabled_at = $2 WHERE id = $1 RETURNING *', [id, at]),
    );
    return toWebhook(rows[0]);
  }

  // ---- Acknowledge links ----

  async insertAcknowledgeLink(manager: EntityManager, link: Omit<AcknowledgeLinkRecord, 'usedAt' | 'usedByLabel'>): Promise<void> {
    await manager.query(
      'INSERT INTO acknowledge_links (token_hash, alert_id, page_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [link.tokenHash, link.alertId, link.pageId, link.createdAt, link.expiresAt],
    );
  }

  async acknowledgeLink(manager: EntityManager, tokenHash: Buffer, lock: boolean): Promise<AcknowledgeLinkRecord | null> {
    const rows: Row[] = await manager.query(`SELECT * FROM acknowledge_links WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`, [
      tokenHash,
    ]);
    return rows.length > 0 ? toLink(rows[0]) : null;
  }

  async acknowledgeLinkOfPage(manager: EntityManager, pageId: string): Promise<AcknowledgeLinkRecord | null> {
    const rows: Row[] = await manager.query('SELECT * FROM acknowledge_links WHERE page_id = $1', [pageId]);
    return rows.length > 0 ? toLink(rows[0]) : null;
  }

  async markLinkUsed(manager: EntityManager, tokenHash: Buffer, at: Date, label: string): Promise<void> {
    await manager.query('UPDATE acknowledge_links SET used_at = $2, used_by_label = $3 WHERE token_hash = $1', [tokenHash, at, label]);
  }

  async clinicName(manager: EntityManager, clinicId: string): Promise<string | null> {
    const rows: { name: string }[] = await manager.query('SELECT name FROM clinics WHERE id = $1', [clinicId]);
    return rows[0]?.name ?? null;
  }

  /** The user a page's recipient signs in as, with their clinic roles: whom an acknowledgement from their link is recorded for. */
  async userWithRoles(
    manager: EntityManager,
    userId: string,
  ): Promise<{
    email: string;
    displayName: string;
    administersAllClinics: boolean;
    clinicRoles: { clinicId: string; role: string }[];
  } | null> {
    const rows: {
      email: string;
      display_name: string;
      administers_all_clinics: boolean;
      roles: { clinicId: string; role: string }[] | null;
    }[] = await manager.query(
      `SELECT u.email, u.display_name, u.administers_all_clinics,
         (SELECT json_agg(json_build_object('clinicId', m.clinic_id, 'role', m.role)) FROM clinic_memberships m WHERE m.user_id = u.id) AS roles
       FROM users u WHERE u.id = $1`,
      [userId],
    );
    if (rows.length === 0) return null;
    return {
      email: rows[0].email,
      displayName: rows[0].display_name,
      administersAllClinics: rows[0].administers_all_clinics,
      clinicRoles: rows[0].roles ?? [],
    };
  }

  private async updatePage(
    manager: EntityManager,
    id: string,
    attempts: number,
    set: string,
    values: unknown[],
  ): Promise<PageRecord | null> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE pages p SET ${set} WHERE p.id = $1 AND p.status = 'queued' AND p.attempts = $2 RETURNING ${PAGE_COLUMNS}`,
        [id, attempts, ...values],
      ),
    );
    return rows.length > 0 ? toPage(rows[0]) : null;
  }
}

/** Columns selected with a prefix (to tell two tables' `clinic_id` apart), without it. */
function prefixed(row: Row, prefix: string): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}
