// The only code touching notification channels and their incidents at PagerDuty and Opsgenie (plain SQL, like the paging
// repository: leases and conditional updates are the point).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EscalationTarget, NotificationChannelKind, SmtpSettings } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

export interface NotificationChannelRecord {
  id: string;
  clinicId: string;
  kind: NotificationChannelKind;
  name: string;
  levels: EscalationTarget[];
  smtp: SmtpSettings | null;
  /** AES-256-GCM (SecretBox), bound to the channel id: never logged, never answered. */
  secretCiphertext: string | null;
  secretEnvName: string | null;
  secretLastFour: string | null;
  /** Derives the channel's acknowledge-link tokens; never leaves the server. */
  linkSecret: string;
  active: boolean;
  createdByUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
  disabledAt: Date | null;
}

export type IncidentState = 'triggered' | 'acknowledged' | 'resolved';

/** An incident whose alert has moved on: `wanted` is what the service must now be told. */
export interface IncidentToSync {
  channelId: string;
  alertId: string;
  clinicId: string;
  externalKey: string;
  state: IncidentState;
  wanted: 'acknowledged' | 'resolved';
  syncAttempts: number;
}

function toChannel(row: Row): NotificationChannelRecord {
  return {
    id: row.id as string,
    clinicId: row.clinic_id as string,
    kind: row.kind as NotificationChannelKind,
    name: row.name as string,
    levels: row.levels as EscalationTarget[],
    smtp: (row.smtp as SmtpSettings | null) ?? null,
    secretCiphertext: row.secret_ciphertext as string | null,
    secretEnvName: row.secret_env_name as string | null,
    secretLastFour: row.secret_last_four as string | null,
    linkSecret: row.link_secret as string,
    active: row.active as boolean,
    createdByUserId: row.created_by_user_id as string | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    disabledAt: row.disabled_at as Date | null,
  };
}

/** TypeORM answers an UPDATE with RETURNING as [rows, affected count]. */
function returnedRows(result: unknown): Row[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Row[];
  return result as Row[];
}

/** The state an alert's status asks of its incident; null while open (a trigger is a page, sent by the escalation). */
const WANTED = `CASE a.status WHEN 'acknowledged' THEN 'acknowledged' WHEN 'resolved' THEN 'resolved' END`;

@Injectable()
export class NotificationChannelsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    channel: Omit<NotificationChannelRecord, 'active' | 'disabledAt' | 'updatedAt'>,
  ): Promise<NotificationChannelRecord> {
    const rows: Row[] = await manager.query(
      `INSERT INTO notification_channels (id, clinic_id, kind, name, levels, smtp, secret_ciphertext, secret_env_name, secret_last_four, link_secret,
         created_by_user_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $12) RETURNING *`,
      [
        channel.id,
        channel.clinicId,
        channel.kind,
        channel.name,
        channel.levels,
        channel.smtp === null ? null : JSON.stringify(channel.smtp),
        channel.secretCiphertext,
        channel.secretEnvName,
        channel.secretLastFour,
        channel.linkSecret,
        channel.createdByUserId,
        channel.createdAt,
      ],
    );
    return toChannel(rows[0]);
  }

  async update(manager: EntityManager, channel: NotificationChannelRecord, at: Date): Promise<NotificationChannelRecord> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE notification_channels SET name = $2, levels = $3, smtp = $4::jsonb, secret_ciphertext = $5, secret_env_name = $6, secret_last_four = $7,
         updated_at = $8 WHERE id = $1 RETURNING *`,
        [
          channel.id,
          channel.name,
          channel.levels,
          channel.smtp === null ? null : JSON.stringify(channel.smtp),
          channel.secretCiphertext,
          channel.secretEnvName,
          channel.secretLastFour,
          at,
        ],
      ),
    );
    return toChannel(rows[0]);
  }

  async disable(manager: EntityManager, id: string, at: Date): Promise<NotificationChannelRecord> {
    const rows = returnedRows(
      await manager.query('UPDATE notification_channels SET active = false, disabled_at = $2, updated_at = $2 WHERE id = $1 RETURNING *', [
        id,
        at,
      ]),
    );
    return toChannel(rows[0]);
  }

  /** `lock`: NO KEY UPDATE, so pages being recorded for the channel (their foreign key) do not wait on it. */
  async channel(manager: EntityManager, id: string, lock = false): Promise<NotificationChannelRecord | null> {
    const rows: Row[] = await manager.query(`SELECT * FROM notification_channels WHERE id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows.length > 0 ? toChannel(rows[0]) : null;
  }

  async channelsOfClinic(clinicId: string): Promise<NotificationChannelRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT * FROM notification_channels WHERE clinic_id = $1 ORDER BY created_at DESC, id',
      [clinicId],
    );
    return rows.map(toChannel);
  }

  async activeChannels(manager: EntityManager, clinicId: string): Promise<NotificationChannelRecord[]> {
    const rows: Row[] = await manager.query('SELECT * FROM notification_channels WHERE clinic_id = $1 AND active ORDER BY created_at, id', [
      clinicId,
    ]);
    return rows.map(toChannel);
  }

  async clinicExists(manager: EntityManager, clinicId: string): Promise<boolean> {
    return ((await manager.query('SELECT 1 FROM clinics WHERE id = $1', [clinicId])) as unknown[]).length > 0;
  }

  /** What a page names besides the alert: the clinic's name and the pump's serial (the caller keeps its last four characters). */
  async pageContext(manager: EntityManager, alertId: string): Promise<{ clinicName: string; serialNumber: string | null } | null> {
    const rows: { clinic_name: string; serial_number: string | null }[] = await manager.query(
      `SELECT c.name AS clinic_name, p.serial_number FROM alerts a JOIN clinics c ON c.id = a.clinic_id LEFT JOIN pumps p ON p.id = a.pump_id WHERE a.id = $1`,
      [alertId],
    );
    return rows.length > 0 ? { clinicName: rows[0].clinic_name, serialNumber: rows[0].serial_number } : null;
  }

  /** The account's e-mail address while the account is active. */
  async activeUserEmail(manager: EntityManager, userId: string): Promise<string | null> {
    const rows: { email: string }[] = await manager.query('SELECT email FROM users WHERE id = $1 AND deactivated_at IS NULL', [userId]);
    return rows[0]?.email ?? null;
  }

  /** Returns the ids of the pages cancelled. */
  async cancelQueuedPagesOfChannel(manager: EntityManager, channelId: string, reason: string, at: Date): Promise<string[]> {
    const rows = returnedRows(
      await manager.query(
        `UPDATE pages SET status = 'cancelled', next_attempt_at = NULL, last_error = $2, updated_at = $3
       WHERE notification_channel_id = $1 AND status = 'queued' RETURNING id`,
        [channelId, reason, at],
      ),
    );
    return rows.map((r) => r.id as string);
  }

  // ---- Incidents at PagerDuty and Opsgenie ----

  /** After a trigger was accepted: the incident is open (again, for an alert open again after an acknowledgement). */
  async incidentTriggered(
    manager: EntityManager,
    incident: { channelId: string; alertId: string; clinicId: string; externalKey: string },
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO notification_incidents (channel_id, alert_id, clinic_id, external_key, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'triggered', $5, $5)
       ON CONFLICT (channel_id, alert_id) DO UPDATE SET state = 'triggered', sync_attempts = 0, next_sync_at = NULL, last_error = NULL,
         sync_failed_at = NULL, updated_at = EXCLUDED.updated_at`,
      [incident.channelId, incident.alertId, incident.clinicId, incident.externalKey, at],
    );
  }

  /**
   * Leases incidents behind their alert (acknowledged or resolved in PumpWatch, not yet told), committed before the request goes
   * out: two instances never send the same follow-up at once, and a crash mid-request only delays it.
   */
  async leaseIncidentsToSync(manager: EntityManager, now: Date, leaseUntil: Date, limit: number): Promise<IncidentToSync[]> {
    const rows = returnedRows(
      await manager.query(
        `WITH due AS (
         SELECT i.channel_id, i.alert_id, ${WANTED} AS wanted FROM notification_incidents i JOIN alerts a ON a.id = i.alert_id
         WHERE i.state <> 'resolved' AND i.sync_failed_at IS NULL AND (i.next_sync_at IS NULL OR i.next_sync_at <= $1)
           AND (a.status = 'resolved' OR (a.status = 'acknowledged' AND i.state = 'triggered'))
         ORDER BY i.updated_at LIMIT $3 FOR UPDATE OF i SKIP LOCKED
       )
       UPDATE notification_incidents i SET next_sync_at = $2, sync_attempts = i.sync_attempts + 1
       FROM due WHERE i.channel_id = due.channel_id AND i.alert_id = due.alert_id
       RETURNING i.*, due.wanted`,
        [now, leaseUntil, limit],
      ),
    );
    return rows.map((r) => ({
      channelId: r.channel_id as string,
      alertId: r.alert_id as string,
      clinicId: r.clinic_id as string,
      externalKey: r.external_key as string,
      state: r.state as IncidentState,
      wanted: r.wanted as 'acknowledged' | 'resolved',
      syncAttempts: Number(r.sync_attempts),
    }));
  }

  async incidentSynced(manager: EntityManager, channelId: string, alertId: string, state: IncidentState, at: Date): Promise<void> {
    await manager.query(
      `UPDATE notification_incidents SET state = $3, sync_attempts = 0, next_sync_at = NULL, last_error = NULL, updated_at = $4
       WHERE channel_id = $1 AND alert_id = $2`,
      [channelId, alertId, state, at],
    );
  }

  /** `retryAt` null: given up (recorded, never tried again unless the alert is paged again). */
  async incidentSyncFailed(
    manager: EntityManager,
    channelId: string,
    alertId: string,
    error: string,
    retryAt: Date | null,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE notification_incidents SET last_error = $3, next_sync_at = $4, sync_failed_at = CASE WHEN $4::timestamptz IS NULL THEN $5::timestamptz END,
         updated_at = $5 WHERE channel_id = $1 AND alert_id = $2`,
      [channelId, alertId, error, retryAt, at],
    );
  }

  async incidentsOfAlert(alertId: string): Promise<{ channelId: string; state: IncidentState; lastError: string | null }[]> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT channel_id, state, last_error FROM notification_incidents WHERE alert_id = $1 ORDER BY created_at',
      [alertId],
    );
    return rows.map((r) => ({
      channelId: r.channel_id as string,
      state: r.state as IncidentState,
      lastError: r.last_error as string | null,
    }));
  }
}
