// What the PagerDuty and Opsgenie notifiers share: a page opens an incident at the service (recorded against the channel so its
// acknowledgement and resolution follow, NotificationIncidentsService) and every request is one JSON POST read the same way.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { externalAlertKey } from '@pumpwatch/shared';
import type { OutboundPage, PageRecipient } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { Clock } from '../infra/clock';
import { ChannelPages, isOutcome } from './channel-pages';
import type { DeliveryOutcome, Notifier } from './notifier';
import { NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationSettings } from './notification-settings';
import { describeOutboundFailure, postJson, retryableStatus } from './outbound-https';
import type { PagedAlert, PageRecord } from './paging.repository';

@Injectable()
export abstract class IncidentNotifier implements Notifier {
  abstract readonly kind: 'pagerduty' | 'opsgenie';
  /** The service's name in a failed page's record: "PagerDuty answered HTTP 400". */
  protected abstract readonly serviceName: string;
  /** What the channel's secret is called at this service, for a channel without one. */
  protected abstract readonly secretName: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: ChannelPages,
    private readonly channels: NotificationChannelsRepository,
    protected readonly settings: NotificationSettings,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The request that opens the incident of one page, sent with the channel's key. */
  protected abstract trigger(secret: string, outbound: OutboundPage): Promise<DeliveryOutcome>;

  /** The acknowledge or resolve request of an incident this channel opened. */
  abstract followUp(secret: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<DeliveryOutcome>;

  async deliver(page: PageRecord, alert: PagedAlert, _recipient: PageRecipient): Promise<DeliveryOutcome> {
    const prepared = await this.pages.prepare(page, alert, this.kind);
    if (isOutcome(prepared)) return prepared;
    if (!prepared.secret) return { ok: false, retryable: false, error: `the channel has no ${this.secretName}` };
    const outcome = await this.trigger(prepared.secret, prepared.outbound);
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

  protected async post(url: string, headers: Record<string, string>, body: unknown): Promise<DeliveryOutcome> {
    try {
      const response = await postJson(url, headers, body, { timeoutMs: this.settings.timeoutMs, ca: this.settings.trustedCaPem });
      // 202 Accepted is both services' answer to a valid request: they process it asynchronously.
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return { ok: false, retryable: retryableStatus(response.status), error: `${this.serviceName} answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: describeOutboundFailure(error, this.settings.timeoutMs) };
    }
  }
}
