// Keeps PagerDuty and Opsgenie in step with PumpWatch: an incident a channel opened is acknowledged there when its alert is
// acknowledged here, and resolved (closed) when the alert resolves. Each paging sweep sends what is behind, leased, retried with
// the page backoff; at-least-once, which both services accept (a repeated acknowledge or resolve changes nothing).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextPageAttemptAt, PAGING_CONFIG } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { Clock } from '../infra/clock';
import { ChannelPages } from './channel-pages';
import type { DeliveryOutcome } from './notifier';
import { IncidentToSync, NotificationChannelsRepository } from './notification-channels.repository';
import { OpsgenieNotifier } from './opsgenie.notifier';
import { PagerDutyNotifier } from './pagerduty.notifier';

/** Incidents followed up at once: bounds the requests in flight. */
const SYNC_BATCH = 50;

export interface IncidentSyncResult {
  acknowledged: number;
  resolved: number;
  failed: number;
}

@Injectable()
export class NotificationIncidentsService {
  private readonly logger = new Logger('NotificationIncidents');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: NotificationChannelsRepository,
    private readonly pages: ChannelPages,
    private readonly pagerDuty: PagerDutyNotifier,
    private readonly opsgenie: OpsgenieNotifier,
    private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async syncDue(now: Date): Promise<IncidentSyncResult> {
    const result: IncidentSyncResult = { acknowledged: 0, resolved: 0, failed: 0 };
    const leaseUntil = new Date(now.getTime() + PAGING_CONFIG.deliveryLeaseSeconds * 1000);
    for (;;) {
      const leased = await this.dataSource.transaction((manager) =>
        this.repository.leaseIncidentsToSync(manager, now, leaseUntil, SYNC_BATCH),
      );
      for (const incident of leased) {
        try {
          const outcome = await this.followUp(incident);
          await this.record(incident, outcome);
          if (outcome.ok) result[incident.wanted]++;
          else result.failed++;
        } catch (error) {
          // The lease runs out and a later sweep tries again.
          this.logger.warn(
            `incident of alert ${incident.alertId} on channel ${incident.channelId} could not be followed up: ${(error as Error).message}`,
          );
        }
      }
      if (leased.length < SYNC_BATCH) return result;
    }
  }

  private async followUp(incident: IncidentToSync): Promise<DeliveryOutcome> {
    const channel = await this.repository.channel(this.dataSource.manager, incident.channelId);
    if (!channel) return { ok: false, retryable: false, error: 'the channel is gone' };
    let secret: string | null;
    try {
      secret = this.pages.secretOf(channel);
    } catch {
      return { ok: false, retryable: false, error: 'the channel secret cannot be opened (PUMPWATCH_SECRETS_KEY changed?)' };
    }
    if (!secret) return { ok: false, error: 'the channel has no secret to follow up with' };
    const action = incident.wanted === 'acknowledged' ? 'acknowledge' : 'resolve';
    if (channel.kind === 'pagerduty') return this.pagerDuty.followUp(secret, incident.alertId, action);
    if (channel.kind === 'opsgenie') return this.opsgenie.followUp(secret, incident.alertId, action);
    return { ok: false, retryable: false, error: 'an e-mail channel has no incidents' };
  }

  private async record(incident: IncidentToSync, outcome: DeliveryOutcome): Promise<void> {
    const at = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      if (outcome.ok) {
        await this.repository.incidentSynced(manager, incident.channelId, incident.alertId, incident.wanted, at);
      } else {
        const retryAt = outcome.retryable === false ? null : nextPageAttemptAt(incident.syncAttempts, at);
        await this.repository.incidentSyncFailed(
          manager,
          incident.channelId,
          incident.alertId,
          outcome.error ?? 'follow-up failed',
          retryAt,
          at,
        );
      }
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action: outcome.ok ? `notification_incident.${incident.wanted}` : 'notification_incident.follow_up_failed',
        entityType: 'notification_incident',
        entityId: incident.alertId,
        clinicId: incident.clinicId,
        changes: {
          channelId: { before: null, after: incident.channelId },
          state: { before: incident.state, after: outcome.ok ? incident.wanted : incident.state },
          ...(outcome.ok ? {} : { lastError: { before: null, after: outcome.error ?? null } }),
        },
      });
    });
  }
}
