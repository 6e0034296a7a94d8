// Appends audit rows inside the caller's transaction, and answers the administrator's audit queries.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@pumpwatch/shared';
import type { AuditEntry, AuditQuery } from '@pumpwatch/shared';
import { DataSource, EntityManager } from 'typeorm';
import { assertSees } from '../auth/actor';
import type { Actor } from '../auth/actor';
import { withAuditLabels } from './audit-labels';
import { AuditEntryEntity } from './audit-entry.entity';

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditedChange {
  action: string;
  entityType: string;
  entityId: string | null;
  clinicId: string | null;
  changes?: FieldChanges;
}

/** Field names never written to the audit trail, whatever the entity. */
const SECRET_FIELDS = new Set([
  'password',
  'passwordHash',
  'password_hash',
  'token',
  'tokenHash',
  'token_hash',
  'csrfToken',
  'csrf_token',
  'currentPassword',
  'newPassword',
]);

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

/** Every field of a created record as null -> value. */
export function createdFields(record: object): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(record)) {
    if (SECRET_FIELDS.has(field) || field === 'createdAt') continue;
    changes[field] = { before: null, after: plain(value) };
  }
  return changes;
}

/** Only the fields whose value differs, before -> after. */
export function changedFields(before: object, after: object): FieldChanges {
  const changes: FieldChanges = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (SECRET_FIELDS.has(field)) continue;
    if (JSON.stringify(plain(b[field])) !== JSON.stringify(plain(a[field])))
      changes[field] = { before: plain(b[field]), after: plain(a[field]) };
  }
  return changes;
}

export function toAuditEntry(row: AuditEntryEntity): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    clinicId: row.clinicId,
    changes: row.changes,
    requestId: row.requestId,
  };
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Written in the same transaction as the change: the change and its audit row commit together or not at all. */
  async record(manager: EntityManager, actor: Actor, change: AuditedChange): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (actor_type, actor_id, actor_label, action, entity_type, entity_id, clinic_id, changes, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [
        actor.kind,
        actor.id,
        actor.label,
        change.action,
        change.entityType,
        change.entityId,
        change.clinicId,
        JSON.stringify(change.changes ?? {}),
        actor.requestId,
      ],
    );
  }

  /**
   * Newest first. A clinic administrator sees the rows of the clinics they administer and their own actions;
   * the administrator of every clinic sees everything.
   */
  async search(actor: Actor, query: AuditQuery, administeredClinicIds: string[] | null): Promise<AuditEntry[]> {
    if (query.clinicId !== undefined) await this.assertKnownClinic(actor, query.clinicId);
    const builder = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('entry');
    if (administeredClinicIds !== null) {
      builder.andWhere('(entry.clinic_id = ANY(:clinics) OR entry.actor_id = :self)', { clinics: administeredClinicIds, self: actor.id });
    }
    if (query.entityType) builder.andWhere('entry.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) builder.andWhere('entry.entity_id = :entityId', { entityId: query.entityId });
    if (query.userId) builder.andWhere('entry.actor_id = :userId', { userId: query.userId });
    if (query.clinicId) builder.andWhere('entry.clinic_id = :clinicId', { clinicId: query.clinicId });
    if (query.from) builder.andWhere('entry.at >= :from', { from: new Date(query.from) });
    if (query.to) builder.andWhere('entry.at < :to', { to: new Date(query.to) });
    if (query.beforeId) builder.andWhere('entry.id < :beforeId', { beforeId: query.beforeId });
    const rows = await builder.orderBy('entry.id', 'DESC').limit(query.limit).getMany();
    return withAuditLabels(this.dataSource, rows.map(toAuditEntry));
  }

  /** A clinic filter naming a clinic the actor has no role in (or none at all) answers 404, as the other lists do. */
  private async assertKnownClinic(actor: Actor, clinicId: string): Promise<void> {
    const known: unknown[] = await this.dataSource.query('SELECT 1 FROM clinics WHERE id = $1', [clinicId]);
    if (known.length === 0) throw DomainError.notFound('clinicId', 'is not a known clinic');
    assertSees(actor, clinicId, 'clinicId', 'is not a known clinic');
  }
}
