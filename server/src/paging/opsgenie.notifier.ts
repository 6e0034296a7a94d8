// Opsgenie notifier (Alert API): a page creates an alert whose alias is the PumpWatch alert; the alert's acknowledgement and
// resolution in PumpWatch acknowledge and close it by that alias (NotificationIncidentsService).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { externalAlertKey, opsgenieCreate } from '@pumpwatch/shared';
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
export class OpsgenieNotifier implements Notifier {
  readonly kind = 'opsgenie' as const;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: ChannelPages,
    private readonly channels: NotificationChannelsRepository,
    private readonly settings: NotificationSettings,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async deliver(page: PageRecord, alert: PagedAlert, _recipient: PageRecipient): Promise<DeliveryOutcome> {
    const prepared = await this.pages.prepare(page, alert, 'opsgenie');
    if (isOutcome(prepared)) return prepared;
    if (!prepared.secret) return { ok: false, retryable: false, error: 'the channel has no API key' };
    const outcome = await this.send(this.settings.opsgenieAlertsUrl, prepared.secret, opsgenieCreate(prepared.outbound));
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

  /** Acknowledge or close the Opsgenie alert this channel created, by its alias. */
  followUp(apiKey: string, alertId: string, action: 'acknowledge' | 'resolve'): Promise<DeliveryOutcome> {
    const path = action === 'acknowledge' ? 'acknowledge' : 'close';
    const url = `${this.settings.opsgenieAlertsUrl}/${encodeURIComponent(externalAlertKey(alertId))}/${path}?identifierType=alias`;
    const note = action === 'acknowledge' ? 'Acknowledged in PumpWatch' : 'Resolved in PumpWatch';
    return this.send(url, apiKey, { source: 'PumpWatch', note });
  }

  private async send(url: string, apiKey: string, body: unknown): Promise<DeliveryOutcome> {
    try {
      const response = await postJson(url, { authorization: `GenieKey ${apiKey}` }, body, {
        timeoutMs: this.settings.timeoutMs,
        ca: this.settings.trustedCaPem,
      });
      // 202 Accepted: Opsgenie processes requests asynchronously.
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return { ok: false, retryable: retryableStatus(response.status), error: `Opsgenie answered HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: describeOutboundFailure(error, this.settings.timeoutMs) };
    }
  }
}
