// Paging rows to the API's shapes: pages (no contact numbers), escalation state, webhook endpoints (never the secret).
import type { AlertEscalationState, Page, WebhookEndpoint } from '@pumpwatch/shared';
import { toIso, toIsoOrNull } from '../infra/iso';
import type { EscalationRecord, PageRecord, WebhookEndpointRecord } from './paging.repository';

export function toPage(record: PageRecord): Page {
  return {
    id: record.id,
    alertId: record.alertId,
    clinicId: record.clinicId,
    episode: record.episode,
    step: record.step,
    level: record.level,
    levelTarget: record.levelTarget,
    recipient:
      record.recipientLabel === null && record.recipientClinicianId === null && record.recipientUserId === null
        ? null
        : { clinicianId: record.recipientClinicianId, userId: record.recipientUserId, displayName: record.recipientLabel ?? '' },
    notifier: record.notifier,
    webhookEndpointId: record.webhookEndpointId,
    notificationChannelId: record.notificationChannelId,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: toIsoOrNull(record.nextAttemptAt),
    lastAttemptAt: toIsoOrNull(record.lastAttemptAt),
    lastError: record.lastError,
    sentAt: toIsoOrNull(record.sentAt),
    createdAt: toIso(record.createdAt),
  };
}

export function toEscalationState(record: EscalationRecord): AlertEscalationState {
  return {
    alertId: record.alertId,
    episode: record.episode,
    step: record.step,
    pagingStartedAt: toIso(record.pagingStartedAt),
    nextDueAt: record.stoppedAt ? null : toIso(record.nextDueAt),
    lastPagedAt: toIsoOrNull(record.lastPagedAt),
    noOneOnCall: record.noOneOnCall,
    stoppedAt: toIsoOrNull(record.stoppedAt),
    stopReason: record.stopReason,
  };
}

export function toWebhookEndpoint(record: WebhookEndpointRecord): WebhookEndpoint {
  return {
    id: record.id,
    clinicId: record.clinicId,
    name: record.name,
    url: record.url,
    active: record.active,
    createdAt: toIso(record.createdAt),
    createdByUserId: record.createdByUserId,
    disabledAt: toIsoOrNull(record.disabledAt),
  };
}

/** What the audit trail keeps of a page: who, how and the outcome; not the recipient's contact. */
export function auditedPage(record: PageRecord): Record<string, unknown> {
  return {
    alertId: record.alertId,
    episode: record.episode,
    step: record.step,
    levelTarget: record.levelTarget,
    recipient: record.recipientLabel,
    notifier: record.notifier,
    webhookEndpointId: record.webhookEndpointId,
    notificationChannelId: record.notificationChannelId,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt,
    lastError: record.lastError,
    sentAt: record.sentAt,
  };
}
