// PagerDuty notifier (Events API v2): a page triggers an event with one dedup_key per alert; the alert's acknowledgement and
// resolution in PumpWatch follow as acknowledge and resolve events with the same key (NotificationIncidentsService).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { externalAlertKey, pagerDutyFollowUp, pagerDutyTrigger } from '@pumpwatch/shared';
import type { PageRecipient } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Clock } from '../infra/clock';
import { ChannelPages, isOutcome } from './channel-pages';
import type { DeliveryOutcome, Notifier } from './notifier';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationSettings } from './notification-settings';
import { describeOutboundFailure, postJson, retryableStatus } from './outbound-https';
import type { PagedAlert, PageRecord } from './paging.repository';

@Injectable()
export class PagerDutyNotifier implements Notifier {
  readonly kind = 'pagerduty' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: ChannelPages,
    private readonly channels: NotificationChannelsRepository,
    private readonly settings: NotificationSettings,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async deliver(page: PageRecord, alert: PagedAlert, _recipient: PageRecipient): Promise<DeliveryOutcome> {
    const prepared = await this.pages.prepare(page, alert, 'pagerduty');
    if (isOutcome(prepared)) return prepared;
    if (!prepared.secret) return { ok: false, retryable: false, error: 'the channel has no routing key' };
    const outcome = await this.send(pagerDutyTrigger(prepared.secret, prepared.outbound));
    if (outcome.ok) {
      await this.channels.incidentTriggered(
        this.dataSource.manager,
        {
          channelId: prepared.channel.id,
          alertId: alert.id,
          clinicId: alert.clinicId,
          externalKey: externalAlertKey(alert.id),
        },
        this.clock.now(),
      );
    }
    return outcome;
  }

  /** The acknowledge or resolve event of an incident this channel triggered. */
  followUp(routingKey: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<DeliveryOutcome> {
    return this.send(pagerDutyFollowUp(routingKey, alertId, action));
  }

  private async send(event: unknown): Promise<DeliveryOutcome> {
    try {
      const response = await postJson(this.settings.pagerDutyEventsUrl, {}, event, {
        timeoutMs: this.settings.timeoutMs,
        ca: this.settings.trustedCaPem,
      });
      // 202 Accepted is PagerDuty's answer to a valid event.
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return { ok: false, retryable: retryableStatus(response.status), error: `PagerDuty answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: describeOutboundFailure(error, this.settings.timeoutMs) };
    }
  }
}
