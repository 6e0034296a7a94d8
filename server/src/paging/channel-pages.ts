// What the e-mail, PagerDuty and Opsgenie notifiers share: the channel of a page (still active, of the right kind), its secret
// opened for this one delivery, and the outbound facts of the page (no patient data) with its single-use acknowledge link.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SECRET_ENV_PREFIX, serialLastFour } from '@pumpwatch/shared';
import type { NotificationChannelKind, OutboundPage } from '@pumpwatch/shared';
import { DataSource } from 'typeorm';
import { acknowledgeToken } from './acknowledge-token';
import type { DeliveryOutcome } from './notifier';
import { NotificationChannelRecord, NotificationChannelsRepository } from './notification-channels.repository';
import { NotificationSettings } from './notification-settings';
import { PagedAlert, PageRecord, PagingRepository } from './paging.repository';
import { PagingSettings } from './paging-settings';

export interface ChannelPage {
  channel: NotificationChannelRecord;
  secret: string | null;
  outbound: OutboundPage;
}

/** The purpose a channel's sealed secret is bound to: a ciphertext copied to another channel does not open. */
export const channelSecretPurpose = (channelId: string): string => `notification-channel:${channelId}`;

@Injectable()
export class ChannelPages {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: NotificationChannelsRepository,
    private readonly paging: PagingRepository,
    private readonly pagingSettings: PagingSettings,
    private readonly settings: NotificationSettings,
  ) {}

  /** The channel's secret for one use: opened from its ciphertext or read from the environment variable it names; null if none. */
  secretOf(channel: NotificationChannelRecord): string | null {
    if (channel.secretCiphertext) return this.settings.secrets.open(channel.secretCiphertext, channelSecretPurpose(channel.id));
    // Only PUMPWATCH_CHANNEL_* variables, whatever a row says (the API refuses other names).
    if (channel.secretEnvName)
      return channel.secretEnvName.startsWith(SECRET_ENV_PREFIX) ? process.env[channel.secretEnvName] || null : null;
    return null;
  }

  /** Everything one delivery needs, or the outcome that ends the page (disabled channel, missing secret or link). */
  async prepare(page: PageRecord, alert: PagedAlert, kind: NotificationChannelKind): Promise<ChannelPage | DeliveryOutcome> {
    const manager = this.dataSource.manager;
    const channel = page.notificationChannelId ? await this.channels.channel(manager, page.notificationChannelId) : null;
    if (!channel || channel.kind !== kind || !channel.active)
      return { ok: false, retryable: false, error: `the ${kind} channel was disabled` };
    let secret: string | null;
    try {
      secret = this.secretOf(channel);
    } catch {
      return { ok: false, retryable: false, error: 'the channel secret cannot be opened (PUMPWATCH_SECRETS_KEY changed?)' };
    }
    if (channel.secretEnvName && secret === null) {
      return { ok: false, error: `the environment variable ${channel.secretEnvName} the channel names is not set` };
    }
    const link = await this.paging.acknowledgeLinkOfPage(manager, page.id);
    const context = await this.channels.pageContext(manager, alert.id);
    if (!link || !context) return { ok: false, retryable: false, error: 'the page has no acknowledge link' };
    return {
      channel,
      secret,
      outbound: {
        alertId: alert.id,
        kind: alert.kind,
        severity: alert.severity,
        clinicName: context.clinicName,
        serialLastFour: context.serialNumber === null ? null : serialLastFour(context.serialNumber),
        acknowledgeUrl: this.pagingSettings.acknowledgeUrl(acknowledgeToken(channel.linkSecret, page.id)),
        acknowledgeExpiresAt: link.expiresAt.toISOString(),
      },
    };
  }
}

export function isOutcome(prepared: ChannelPage | DeliveryOutcome): prepared is DeliveryOutcome {
  return 'ok' in prepared;
}
